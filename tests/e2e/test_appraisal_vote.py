"""A member votes in the democratic appraisal and sees the receipt; two of the three
tellers count the ballots on the round's page; the member finds the receipt in the
published list of receipts, apart from the list of ballots."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD, make_member, make_user
from vanguard.appraisal import services

pytestmark = pytest.mark.browser


@pytest.fixture
def appraisal_round(personas, enrollments, tree):
    make_member(tree["A"], "A-001", "朵拉", user=make_user("dora"))
    make_member(tree["A1"], "A1-002", "伊芙")
    now = timezone.now()
    appraisal_round = services.open_round(
        enrollments["A"],
        organization=tree["A"],
        title="甲中学民主评议党员",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=2),
        acting=None,
    )
    appraisal_round.slips = services.appoint_tellers(
        appraisal_round, ["甲", "乙", "丙"], acting=None
    )
    return appraisal_round


def test_a_member_votes_and_finds_the_receipt_in_the_published_list(
    live_server, page, screenshot, appraisal_round
):
    vote_url = f"{live_server.url}/appraisal/rounds/{appraisal_round.pk}/vote/"

    # given bob, a member of the unit, signed in on a phone-sized screen
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(vote_url)
    page.fill("#id_username", "bob")
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(vote_url)

    # when he grades everyone 合格, then one member 优秀, and casts the ballot
    page.click('[data-grade-all="qualified"]')
    page.locator(".ballot-row").filter(has_text="朵拉").locator("label", has_text="优秀").click()
    screenshot("ballot")
    # the ballot cannot be changed once cast: the browser asks first (issue 19)
    asked = []

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.click("#cast-ballot")
    page.wait_for_selector("#receipt")
    assert asked and "不能更改" in asked[0]

    # then he sees his receipt and his choices
    receipt = page.locator("#receipt").inner_text().strip()
    assert len(receipt.replace("-", "")) == 16
    choices = page.locator("#my-choices").inner_text()
    assert "朵拉" in choices and "优秀" in choices and "合格" in choices
    screenshot("receipt")

    # and coming back to the ballot shows why he cannot vote again, with no ballot form
    page.goto(vote_url)
    assert page.locator("#vote-problem").is_visible()
    assert page.locator("#ballot-form").count() == 0

    # when voting closes, alice (the unit's administrator) has two tellers type their codes
    services.close_round(appraisal_round, acting=None)
    slips = appraisal_round.slips
    page.context.clear_cookies()
    round_url = f"{live_server.url}/appraisal/rounds/{appraisal_round.pk}/"
    page.goto(round_url)
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(round_url)
    page.fill(f"#id_code_{slips[0].index}", slips[0].grouped)
    page.fill(f"#id_code_{slips[2].index}", slips[2].grouped.lower())
    screenshot("count")
    page.click("#count-form button[type=submit]")
    page.wait_for_selector("#ballots-link")

    # then bob finds his receipt in the published list of receipts
    page.context.clear_cookies()
    page.goto(round_url)
    page.fill("#id_username", "bob")
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(round_url)
    page.click("#ballots-link")
    page.fill("#receipt-search input[name=code]", receipt)
    page.click("#receipt-search button[type=submit]")
    assert receipt in page.locator("#receipt-found").inner_text()
    assert receipt in page.locator("#my-receipt").inner_text()
    assert page.locator("#ballots tbody tr").count() == 1  # the ballots apart, unpaired
    screenshot("published-list")
