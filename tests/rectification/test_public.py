"""The public site (no login): only published items, only moderated comments, nothing of
another campaign, hostile input shown escaped, no internal identifiers, rate-limited
comments that keep no address and no time of day, and query counts that do not grow."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import TEMPLATE, make_member
from tests.rectification.conftest import scope_of, unit_item
from vanguard.campaigns import parts
from vanguard.campaigns import services as campaign_services
from vanguard.campaigns.template import load_template, shipped_template_path
from vanguard.orgs.models import Organization
from vanguard.rectification import services
from vanguard.rectification.models import (
    CommentStatus,
    PublicComment,
    RectificationItem,
)
from vanguard.rectification.views.public import COMMENT_RATE

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def publish(item, personas, who="office"):
    return services.publish(item, acting=scope_of(personas[who]))


@pytest.fixture
def published(items, personas):
    """A's and the bureau's items published; A1's, bob's and B's not."""
    return {key: publish(items[key], personas) for key in ("A", "bureau")}


def campaign_url(campaign):
    return reverse("rectification:public-campaign", args=[campaign.code])


def unit_url(campaign, code):
    return reverse("rectification:public-unit", args=[campaign.code, code])


def item_url(item):
    return reverse("rectification:public-item", args=[item.public_id])


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# -- what is shown ---------------------------------------------------------------------------


def test_public_pages_need_no_login(client, campaign, tree, published):
    for url in (
        reverse("rectification:public-index"),
        campaign_url(campaign),
        unit_url(campaign, tree["A"].code),
        unit_url(campaign, tree["root"].code),
        item_url(published["A"]),
    ):
        assert client.get(url).status_code == 200, url


def test_the_front_page_links_to_the_lists(client, db):
    body = client.get(reverse("portal:public-index")).content.decode()
    assert reverse("rectification:public-index") in body


def test_an_unpublished_item_is_never_shown(client, campaign, tree, items, published):
    for url in (campaign_url(campaign), unit_url(campaign, tree["A"].code)):
        body = client.get(url).content.decode()
        assert "支部学习不经常" not in body and "理论学习不够系统" not in body
    for key in ("A1", "bob", "B"):
        assert client.get(item_url(items[key])).status_code == 404
    # unit B has published nothing: its list is not public yet
    assert client.get(unit_url(campaign, tree["B"].code)).status_code == 404


def test_a_unit_list_appears_once_published(client, campaign, tree, items, personas):
    assert client.get(unit_url(campaign, tree["A"].code)).status_code == 404
    publish(items["A"], personas, "alice")
    body = client.get(unit_url(campaign, tree["A"].code)).content.decode()
    assert "联系群众不够" in body and "设立接待日" in body and "甲书记" in body


def test_the_worker_renders_the_campaign_page_again_as_a_visitor(
    client, campaign, items, personas, monkeypatch, settings
):
    """With a cache shared with the worker, the campaign's public page is rendered again by
    the worker for a visitor (no user): a newly published item appears once it has run,
    the last rendering served meanwhile. (The immediate backend runs it at once.)"""
    monkeypatch.setattr(parts, "cache_is_shared", lambda: True)
    settings.FIGURES_RENDER_IN_WORKER_SECONDS = 0
    publish(items["bureau"], personas)
    assert "机关效能不高" in client.get(campaign_url(campaign)).content.decode()
    publish(items["A1"], personas)
    assert "支部学习不经常" not in client.get(campaign_url(campaign)).content.decode()
    assert "支部学习不经常" in client.get(campaign_url(campaign)).content.decode()


def test_the_index_lists_only_campaigns_with_something_published(client, campaign, items, personas):
    assert campaign.title not in client.get(reverse("rectification:public-index")).content.decode()
    publish(items["A"], personas)
    assert campaign.title in client.get(reverse("rectification:public-index")).content.decode()


@pytest.fixture
def other_campaign(tree, personas, items):
    """A second campaign of the same committee, with A enrolled and an item published."""
    other = campaign_services.start_campaign(
        load_template(shipped_template_path(TEMPLATE)),
        organization=tree["root"],
        batches=[("一批", date(2025, 1, 1), date(2025, 6, 30))],
        code="other-2025",
    )
    campaign_services.enroll(other.batches.get(), tree["A"])
    item = unit_item(other, tree["A"], items["A"].responsible, problem="另一活动的问题")
    return publish(item, personas)


def test_nothing_of_another_campaign_shows(client, campaign, tree, published, other_campaign):
    for url in (campaign_url(campaign), unit_url(campaign, tree["A"].code)):
        body = client.get(url).content.decode()
        assert "另一活动的问题" not in body and "联系群众不够" in body
    other_body = client.get(unit_url(other_campaign.campaign, tree["A"].code)).content.decode()
    assert "另一活动的问题" in other_body and "联系群众不够" not in other_body


def test_only_approved_comments_show(client, published, personas):
    item = published["A"]
    pending = services.post_comment(item, text="等待审核的意见")
    rejected = services.post_comment(item, text="被拒绝的意见")
    approved = services.post_comment(item, text="审核通过的意见", name="张先生")
    services.moderate(rejected, acting=scope_of(personas["alice"]), approve=False)
    services.moderate(approved, acting=scope_of(personas["alice"]), approve=True)

    body = client.get(item_url(item)).content.decode()

    assert "审核通过的意见" in body and "张先生" in body
    assert "等待审核的意见" not in body and "被拒绝的意见" not in body
    assert pending.status == CommentStatus.PENDING


def test_hostile_input_is_stored_as_typed_and_shown_escaped(client, published, personas):
    item = published["A"]
    response = client.post(
        reverse("rectification:public-comment", args=[item.public_id]),
        {"text": HOSTILE, "name": HOSTILE[:50]},
    )
    assert response.status_code == 302
    comment = PublicComment.objects.get()
    assert comment.text == HOSTILE  # stored safely, as typed
    services.moderate(comment, acting=scope_of(personas["alice"]), approve=True)

    body = client.get(item_url(item)).content.decode()

    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body


def test_public_pages_expose_nothing_internal(client, campaign, tree, published, items, personas):
    item = published["A"]
    RectificationItem.objects.filter(pk=item.pk).update(source_text="某某老师在座谈会上说")
    services.post_comment(item, text="意见", contact="13912345678")
    services.add_note(item, acting=scope_of(personas["alice"]), progress=50, text="内部进度说明")
    pages = [
        client.get(url).content.decode()
        for url in (campaign_url(campaign), unit_url(campaign, tree["A"].code), item_url(item))
    ]
    for body in pages:
        hrefs = re.findall(r'href="([^"]+)"', body)
        # the public header's staff sign-in (issue 19) is the one way out of the public site
        assert all(
            h.startswith(("/public/", "/static/", "#")) or h == "/accounts/login/" for h in hrefs
        ), hrefs
        assert f"/rectification/items/{item.pk}/" not in body
        for secret in ("某某老师在座谈会上说", "13912345678", "内部进度说明", "alice", "A-001"):
            assert secret not in body
        assert "data-item=" not in body


def test_the_history_of_a_published_item_stays_visible(client, published, personas):
    item = published["A"]
    alice = scope_of(personas["alice"])
    services.add_note(item, acting=alice, progress=40, text="推进中")
    services.update_item(item, acting=alice, measures="设立接待日并公开电话")

    body = client.get(item_url(item)).content.decode()
    history = body[body.index('id="public-history"') :]

    assert "设立接待日并公开电话" in history and "40%" in history
    assert history.count('class="mb-2 border-start ps-2"') == 3  # published, progress, measures


def test_changes_before_publication_are_not_public(client, items, personas):
    alice = scope_of(personas["alice"])
    services.update_item(items["A"], acting=alice, measures="草稿措施")
    services.update_item(items["A"], acting=alice, measures="定稿措施")
    item = publish(RectificationItem.objects.get(pk=items["A"].pk), personas)
    body = client.get(item_url(item)).content.decode()
    assert "草稿措施" not in body and "定稿措施" in body


# -- comments --------------------------------------------------------------------------------


def test_a_comment_keeps_no_address_and_no_time_of_day():
    fields = {f.name: f for f in PublicComment._meta.get_fields()}
    assert isinstance(fields["posted_on"], models.DateField)
    assert not isinstance(fields["posted_on"], models.DateTimeField)
    assert not any(isinstance(f, models.GenericIPAddressField) for f in fields.values())
    assert not any(isinstance(f, models.DateTimeField) for f in fields.values())


def test_a_comments_history_keeps_its_moderation_but_no_time_of_day(client, published, personas):
    """The audit trail (issue 15) dates the comment's arrival by the day only."""
    client.post(
        reverse("rectification:public-comment", args=[published["A"].public_id]),
        {"text": "请公开接待日时间", "name": "", "contact": ""},
        REMOTE_ADDR="10.1.2.3",
    )
    comment = PublicComment.objects.get()
    services.moderate(
        comment, acting=scope_of(personas["alice"]), approve=True, user=personas["alice"]
    )
    arrival, moderation = comment.history.order_by("history_id")
    local = timezone.localtime(arrival.history_date)
    assert (local.date(), local.hour, local.minute, local.second) == (comment.posted_on, 0, 0, 0)
    assert arrival.history_user is None and moderation.moderated_by == personas["alice"]
    assert moderation.status == CommentStatus.APPROVED
    assert "10.1.2.3" not in str(comment.history.values().first())


def test_a_comment_awaits_moderation(client, published):
    item = published["A"]
    response = client.post(
        reverse("rectification:public-comment", args=[item.public_id]),
        {"text": "请公开接待日时间", "name": "", "contact": ""},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    comment = PublicComment.objects.get()
    assert (comment.status, comment.name, comment.posted_on) == (
        CommentStatus.PENDING,
        "",
        timezone.localdate(),
    )
    assert "10.1.2.3" not in str(PublicComment.objects.values().get())


def test_an_empty_comment_is_refused_and_keeps_the_name(client, published):
    response = client.post(
        reverse("rectification:public-comment", args=[published["A"].public_id]),
        {"text": "  ", "name": "李女士"},
    )
    assert response.status_code == 400
    assert 'value="李女士"' in response.content.decode()
    assert not PublicComment.objects.exists()


def test_comments_on_unpublished_items_are_404(client, items, published):
    response = client.post(
        reverse("rectification:public-comment", args=[items["A1"].public_id]), {"text": "意见"}
    )
    assert response.status_code == 404
    assert not PublicComment.objects.exists()


def test_comments_are_rate_limited_per_address(client, published):
    url = reverse("rectification:public-comment", args=[published["A"].public_id])
    allowed = int(COMMENT_RATE.split("/")[0])
    for index in range(allowed):
        assert client.post(url, {"text": f"意见{index}"}, REMOTE_ADDR="10.0.0.1").status_code == 302
    response = client.post(url, {"text": "再来一条"}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert PublicComment.objects.count() == allowed
    # another address is not held back
    assert client.post(url, {"text": "别人的意见"}, REMOTE_ADDR="10.0.0.2").status_code == 302


def test_the_comment_form_is_only_posted(client, published):
    url = reverse("rectification:public-comment", args=[published["A"].public_id])
    assert client.get(url).status_code == 405


# -- query budgets ---------------------------------------------------------------------------


def test_public_list_queries_do_not_grow_with_items(client, campaign, tree, published, personas):
    urls = [campaign_url(campaign), unit_url(campaign, tree["A"].code)]
    few = [count_queries(client, url) for url in urls]
    for index in range(12):
        item = unit_item(campaign, tree["A1"], published["A"].responsible, problem=f"问题{index}")
        publish(item, personas)
    assert [count_queries(client, url) for url in urls] == few


def test_public_campaign_queries_do_not_grow_with_units(
    client, campaign, tree, batches, published, personas
):
    url = campaign_url(campaign)
    few = count_queries(client, url)
    for index in range(6):
        unit = Organization.objects.add_child(
            tree["root"], dict(code=f"X{index}", name=f"单位{index}", kind="branch")
        )
        campaign_services.enroll(batches[1], unit)
        owner = make_member(unit, f"X{index}-1", "成员")
        publish(unit_item(campaign, unit, owner), personas)
    assert count_queries(client, url) == few


def test_public_item_queries_do_not_grow_with_history_and_comments(client, published, personas):
    item = published["A"]
    url = item_url(item)
    few = count_queries(client, url)
    alice = scope_of(personas["alice"])
    for index in range(6):
        services.add_note(item, acting=alice, progress=10 + index, text="推进")
        comment = services.post_comment(item, text=f"意见{index}", name=f"群众{index}")
        services.moderate(comment, acting=alice, approve=True)
    services.update_item(item, acting=alice, deadline=timezone.localdate() + timedelta(days=9))
    assert count_queries(client, url) == few


def test_the_campaign_list_is_kept_until_an_item_changes(client, published, items, enrollments):
    """The public list reads the published items alone: a write elsewhere in the unit (a
    phase plan) leaves it served from the cache; an item's change shows at once."""
    from vanguard.campaigns.models import PhaseWindow

    campaign = items["A"].campaign
    url = campaign_url(campaign)
    first = count_queries(client, url)
    PhaseWindow.objects.create(
        enrollment=enrollments["A"],
        phase_code="study",
        starts_on=date(2024, 7, 1),
        ends_on=date(2024, 8, 14),
    )
    assert count_queries(client, url) < first  # served from the cache
    RectificationItem.objects.filter(pk=items["A"].pk).update(progress=77)
    assert count_queries(client, url) == first  # computed again
    assert "77%" in client.get(url).content.decode()
