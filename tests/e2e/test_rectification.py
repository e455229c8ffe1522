"""A unit administrator publishes an item; a visitor on a phone sees it on the public site
and comments; once the administrator approves the comment, the visitor sees it."""

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import ARTIFACTS
from tests.rectification.conftest import bob_member, items, secretary  # noqa: F401 -- fixtures
from vanguard.rectification.models import PublicComment

pytestmark = pytest.mark.browser


@pytest.fixture
def visitor(browser):
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_publish_comment_moderate_and_show(live_server, page, visitor, screenshot, items):  # noqa: F811
    item = items["A"]
    item_url = f"{live_server.url}/rectification/items/{item.pk}/"

    # given alice, the administrator of unit A, logged in on her unit's item
    page.goto(item_url)
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(item_url)

    # when she publishes it
    page.click("#publish-item")
    page.wait_for_url(item_url)
    public_link = page.locator("#public-link")
    assert public_link.count() == 1
    public_url = live_server.url + public_link.get_attribute("href")

    # then a visitor, without logging in, finds it on the unit's public list
    visitor.goto(f"{live_server.url}/public/rectification/{item.campaign.code}/")
    visitor.click(f"text={item.organization.name}")
    visitor.click(f"[data-public-id='{item.public_id}']")
    visitor.wait_for_url(public_url)
    assert "联系群众不够" in visitor.inner_text("#item-problem")

    # and comments on it; the comment waits for moderation
    visitor.fill("#id_text", "希望接待日固定下来")
    visitor.click("#comment-submit")
    visitor.wait_for_url(public_url)
    assert visitor.locator(".alert-success").count() == 1
    assert "希望接待日固定下来" not in visitor.inner_text("#public-comments")
    screenshot("published")

    # when alice approves it on the item's page
    page.reload()
    comment = PublicComment.objects.get()
    page.click(f"#comment-{comment.pk} [data-action=approve]")
    page.wait_for_url(item_url)

    # then the visitor sees it
    visitor.reload()
    assert "希望接待日固定下来" in visitor.inner_text("#public-comments")
    screenshot("moderated")
    visitor.screenshot(path=ARTIFACTS / "rectification-visitor.png", full_page=True)
