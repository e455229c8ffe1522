"""The signed-in pages: access over the personas for every view, forms that keep what was
typed, and query budgets that do not grow with the data."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.conftest import make_member
from tests.rectification.conftest import scope_of, unit_item
from vanguard.rectification import services, workflow
from vanguard.rectification.models import (
    CommentStatus,
    EvidenceFile,
    Level,
    ProgressNote,
    PublicComment,
    RectificationItem,
    Status,
)

VIEWERS_OF_A = ["office", "leader", "alice", "bob", "liaison"]
STAFF = ["office", "leader", "alice", "liaison", "charlie"]


def get(login, personas, persona, url):
    client = login(personas[persona])
    return client.get(url)


def count_queries(client, url):
    cache.clear()  # count the figures computed, not served from the cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# -- pages that need a login -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "rectification:overview",
        "rectification:effect",
        "rectification:bureau",
        "rectification:comments",
        "rectification:deeds",
    ],
)
def test_campaign_pages_need_a_login(client, campaign, name):
    response = client.get(reverse(name, args=[campaign.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_item_pages_need_a_login(client, items):
    for url in (
        reverse("rectification:item", args=[items["A"].pk]),
        reverse("rectification:unit", args=[items["A"].campaign_id, items["A"].enrollment_id]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


# -- the campaign-wide pages -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status", "sees_a", "sees_b"),
    [
        ("office", 200, True, True),
        ("leader", 200, True, True),
        ("alice", 200, True, False),
        ("liaison", 200, True, False),
        ("charlie", 200, False, True),
        ("bob", 404, False, False),
    ],
)
@pytest.mark.parametrize("name", ["rectification:overview", "rectification:effect"])
def test_overview_and_effect_show_units_in_scope(
    login, personas, tree, items, name, persona, status, sees_a, sees_b
):
    response = get(login, personas, persona, reverse(name, args=[items["A"].campaign_id]))
    assert response.status_code == status
    body = response.content.decode()
    assert (tree["A"].name in body) is sees_a
    assert (tree["B"].name in body) is sees_b


def test_the_overview_rolls_up_each_unit(login, personas, items, enrollments):
    RectificationItem.objects.filter(pk=items["A"].pk).update(status=Status.DONE, progress=100)
    response = login(personas["office"]).get(
        reverse("rectification:overview", args=[items["A"].campaign_id])
    )
    rows = {row["enrollment"].pk: row["summary"] for row in response.context["rows"]}
    assert rows[enrollments["A"].pk].progress == pytest.approx(100 / 3)
    assert rows[enrollments["B"].pk].progress == 0
    assert response.context["bureau"].items == 1


@pytest.mark.parametrize(
    ("persona", "status"), [*[(p, 200) for p in STAFF], ("bob", 404), ("dora", 404)]
)
def test_bureau_list_access(login, personas, items, dora, persona, status):
    user = dora if persona == "dora" else personas[persona]
    response = login(user).get(reverse("rectification:bureau", args=[items["A"].campaign_id]))
    assert response.status_code == status
    if status == 200:
        assert "机关效能不高" in response.content.decode()


# -- a unit's list -----------------------------------------------------------------------------


def unit_url(item, name="rectification:unit", *extra):
    return reverse(name, args=[item.campaign_id, item.enrollment_id, *extra])


@pytest.mark.parametrize(
    ("persona", "status"), [*[(p, 200) for p in VIEWERS_OF_A], ("charlie", 404)]
)
def test_unit_list_access(login, personas, items, persona, status):
    response = get(login, personas, persona, unit_url(items["A"]))
    assert response.status_code == status


def test_members_own_items_are_not_shown_to_colleagues(login, personas, items, dora):
    body = login(dora).get(unit_url(items["A"])).content.decode()
    assert "联系群众不够" in body and "理论学习不够系统" not in body
    body = login(personas["bob"]).get(unit_url(items["A"])).content.decode()
    assert "理论学习不够系统" in body
    body = login(personas["liaison"]).get(unit_url(items["A"])).content.decode()
    assert "理论学习不够系统" in body


def test_unit_list_filters(login, personas, items):
    later = timezone.localdate() + timedelta(days=30)
    RectificationItem.objects.update(deadline=later)
    RectificationItem.objects.filter(pk=items["A1"].pk).update(
        status=Status.IN_PROGRESS, deadline=date(2020, 1, 1)
    )
    client = login(personas["alice"])
    page = client.get(unit_url(items["A"]), {"status": "in_progress"}).context["page"]
    assert [i.pk for i in page] == [items["A1"].pk]
    page = client.get(unit_url(items["A"]), {"level": "member"}).context["page"]
    assert [i.pk for i in page] == [items["bob"].pk]
    page = client.get(unit_url(items["A"]), {"overdue": "1"}).context["page"]
    assert [i.pk for i in page] == [items["A1"].pk]


def test_unit_list_queries_do_not_grow_with_items(login, personas, items, campaign, tree):
    client = login(personas["alice"])
    few = count_queries(client, unit_url(items["A"]))
    for index in range(15):
        unit_item(campaign, tree["A1"] if index % 2 else tree["A"], problem=f"问题{index}")
    assert count_queries(client, unit_url(items["A"])) == few


def test_overview_queries_do_not_grow_with_units_and_items(login, personas, items, tree, batches):
    from vanguard.campaigns import services as campaign_services
    from vanguard.orgs.models import Organization

    client = login(personas["office"])
    url = reverse("rectification:overview", args=[items["A"].campaign_id])
    few = count_queries(client, url)
    for index in range(6):
        unit = Organization.objects.add_child(
            tree["root"], dict(code=f"X{index}", name=f"单位{index}", kind="branch")
        )
        campaign_services.enroll(batches[1], unit)
        unit_item(items["A"].campaign, unit, make_member(unit, f"X{index}-1", "成员"))
    assert count_queries(client, url) == few
    effect = reverse("rectification:effect", args=[items["A"].campaign_id])
    assert count_queries(client, effect) <= few


# -- creating and editing items --------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("office", 200),
        ("alice", 200),
        ("leader", 403),
        ("liaison", 403),
        ("bob", 403),
        ("charlie", 404),
    ],
)
def test_only_managers_open_the_new_item_form(login, personas, items, persona, status):
    response = get(login, personas, persona, unit_url(items["A"], "rectification:unit-new"))
    assert response.status_code == status


def test_creating_an_item(login, personas, items, secretary):
    response = login(personas["alice"]).post(
        unit_url(items["A"], "rectification:unit-new"),
        {
            "level": "organization",
            "problem": "食堂饭菜质量差",
            "source_text": "家长座谈会意见",
            "from_public": "on",
            "measures": "更换供应商",
            "responsible": secretary.pk,
            "deadline": "2024-12-01",
            "weight": "2",
        },
    )
    item = RectificationItem.objects.get(problem="食堂饭菜质量差")
    assert response.status_code == 302 and response.url == reverse(
        "rectification:item", args=[item.pk]
    )
    assert (item.level, item.from_public, item.weight, item.source_text) == (
        Level.ORGANIZATION,
        True,
        2,
        "家长座谈会意见",
    )


def test_a_bad_item_form_keeps_what_was_typed_and_writes_nothing(login, personas, items):
    before = RectificationItem.objects.count()
    response = login(personas["alice"]).post(
        unit_url(items["A"], "rectification:unit-new"),
        {"level": "member", "problem": "没有写党员", "deadline": "2024-13-45", "weight": "0"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) >= {"member", "deadline", "weight"}
    assert "没有写党员" in response.content.decode()
    assert RectificationItem.objects.count() == before


def test_a_responsible_person_outside_the_unit_is_refused(login, personas, items):
    from vanguard.orgs.models import Member

    outsider = Member.objects.get(code="B-001")
    response = login(personas["alice"]).post(
        unit_url(items["A"], "rectification:unit-new"),
        {"level": "organization", "problem": "问题", "responsible": outsider.pk, "weight": "1"},
    )
    assert response.status_code == 400
    assert "responsible" in response.context["form"].errors


@pytest.mark.parametrize(
    ("persona", "status"),
    [("office", 302), ("alice", 403), ("leader", 403), ("charlie", 403), ("bob", 404)],
)
def test_only_the_office_creates_the_bureaus_items(login, personas, items, persona, status):
    response = login(personas[persona]).post(
        reverse("rectification:bureau-new", args=[items["A"].campaign_id]),
        {"problem": "局机关作风问题", "weight": "1"},
    )
    assert response.status_code == status
    assert RectificationItem.objects.filter(problem="局机关作风问题").exists() is (status == 302)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("office", 302), ("alice", 302), ("leader", 403), ("bob", 403), ("charlie", 404)],
)
def test_only_managers_edit_an_item(login, personas, items, secretary, persona, status):
    response = login(personas[persona]).post(
        reverse("rectification:item-edit", args=[items["A"].pk]),
        {
            "problem": "联系群众不够",
            "measures": "新措施",
            "responsible": secretary.pk,
            "weight": "1",
        },
    )
    assert response.status_code == status
    assert (RectificationItem.objects.get(pk=items["A"].pk).measures == "新措施") is (status == 302)


# -- an item's page and actions --------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"), [*[(p, 200) for p in VIEWERS_OF_A], ("charlie", 404)]
)
@pytest.mark.parametrize("key", ["A", "A1", "bob"])
def test_item_page_access(login, personas, items, key, persona, status):
    response = get(login, personas, persona, reverse("rectification:item", args=[items[key].pk]))
    assert response.status_code == status


def test_a_members_own_item_is_hidden_from_colleagues(login, items, dora):
    response = login(dora).get(reverse("rectification:item", args=[items["bob"].pk]))
    assert response.status_code == 404
    assert login(dora).get(reverse("rectification:item", args=[items["A"].pk])).status_code == 200


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("office", 200),
        ("leader", 200),
        ("alice", 200),
        ("liaison", 200),
        ("bob", 404),
        ("charlie", 200),
    ],
)
def test_the_bureaus_item_is_for_the_campaigns_staff(login, personas, items, persona, status):
    response = get(
        login, personas, persona, reverse("rectification:item", args=[items["bureau"].pk])
    )
    assert response.status_code == status


def action_url(item, action):
    return reverse("rectification:item-action", args=[item.pk, action])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("office", 302),
        ("alice", 302),
        ("leader", 403),
        ("liaison", 403),
        ("bob", 403),
        ("charlie", 404),
    ],
)
def test_only_managers_start_an_item(login, personas, items, persona, status):
    response = login(personas[persona]).post(action_url(items["A"], "start"))
    assert response.status_code == status
    started = RectificationItem.objects.get(pk=items["A"].pk).status == Status.IN_PROGRESS
    assert started is (status == 302)


@pytest.mark.parametrize(
    ("persona", "status"), [("office", 302), ("alice", 403), ("leader", 403), ("charlie", 404)]
)
def test_only_the_upper_level_verifies_over_http(login, personas, items, persona, status):
    RectificationItem.objects.filter(pk=items["A"].pk).update(status=Status.DONE, progress=100)
    response = login(personas[persona]).post(action_url(items["A"], "verify"))
    assert response.status_code == status


def test_a_forbidden_transition_shows_its_message(login, personas, items):
    response = login(personas["alice"]).post(action_url(items["A"], "finish"))
    assert response.status_code == 400
    messages = [str(m) for m in response.context["messages"]]
    with translation.override("zh-hans"):  # the page's language
        expected = workflow.refusal("finish", Status.PLANNED)
    assert messages == [expected]
    assert RectificationItem.objects.get(pk=items["A"].pk).status == Status.PLANNED


def test_reopening_without_a_reason_keeps_the_item_and_says_why(login, personas, items):
    RectificationItem.objects.filter(pk=items["A"].pk).update(status=Status.DONE, progress=100)
    client = login(personas["office"])
    response = client.post(action_url(items["A"], "reopen"), {"reason": "", "progress": "0"})
    assert response.status_code == 400
    assert response.context["reopen_form"].errors["reason"]
    assert RectificationItem.objects.get(pk=items["A"].pk).status == Status.DONE
    response = client.post(
        action_url(items["A"], "reopen"), {"reason": "群众不满意", "progress": "10"}
    )
    assert response.status_code == 302
    assert RectificationItem.objects.get(pk=items["A"].pk).status == Status.REOPENED


def test_unknown_action_is_404(login, personas, items):
    assert login(personas["office"]).post(action_url(items["A"], "explode")).status_code == 404


@pytest.mark.parametrize(
    ("persona", "key", "status"),
    [
        ("alice", "A", 302),
        ("bob", "bob", 302),
        ("bob", "A1", 302),  # bob answers for A1's item
        ("bob", "A", 403),
        ("leader", "A", 403),
        ("charlie", "A", 404),
    ],
)
def test_who_records_progress(login, personas, items, persona, key, status):
    response = login(personas[persona]).post(
        reverse("rectification:item-note", args=[items[key].pk]),
        {"noted_on": "2024-10-01", "progress": "40", "text": "已完成方案"},
    )
    assert response.status_code == status
    assert ProgressNote.objects.filter(item=items[key]).exists() is (status == 302)


def test_a_bad_note_keeps_what_was_typed(login, personas, items):
    response = login(personas["alice"]).post(
        reverse("rectification:item-note", args=[items["A"].pk]),
        {"noted_on": "2024-10-01", "progress": "100", "text": "全部完成了"},
    )
    assert response.status_code == 400
    assert response.context["note_form"].errors["progress"]
    assert "全部完成了" in response.content.decode()
    assert not ProgressNote.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"), [("office", 302), ("alice", 302), ("leader", 403), ("charlie", 404)]
)
def test_only_managers_publish_and_explain(login, personas, items, persona, status):
    client = login(personas[persona])
    assert (
        client.post(reverse("rectification:item-publish", args=[items["A"].pk])).status_code
        == status
    )
    response = client.post(
        reverse("rectification:item-explain", args=[items["A"].pk]), {"text": "说明"}
    )
    assert response.status_code == status
    item = RectificationItem.objects.get(pk=items["A"].pk)
    assert (item.is_published, item.explanation == "说明") == (status == 302, status == 302)


def test_publishing_an_item_not_ready_says_what_is_missing(login, personas, items):
    RectificationItem.objects.filter(pk=items["A"].pk).update(responsible=None)
    response = login(personas["alice"]).post(
        reverse("rectification:item-publish", args=[items["A"].pk])
    )
    assert response.status_code == 400
    assert not RectificationItem.objects.get(pk=items["A"].pk).is_published


@pytest.mark.parametrize(
    ("persona", "status"), [("alice", 302), ("leader", 403), ("bob", 403), ("charlie", 404)]
)
def test_only_managers_publish_a_whole_list(login, personas, items, persona, status):
    response = login(personas[persona]).post(unit_url(items["A"], "rectification:unit-publish"))
    assert response.status_code == status
    published = RectificationItem.objects.filter(published_at__isnull=False).count()
    assert published == (3 if status == 302 else 0)


@pytest.mark.parametrize(("persona", "status"), [("alice", 302), ("leader", 403), ("charlie", 404)])
def test_only_managers_delete_an_item(login, personas, items, persona, status):
    response = login(personas[persona]).post(
        reverse("rectification:item-delete", args=[items["A"].pk])
    )
    assert response.status_code == status
    assert RectificationItem.objects.filter(pk=items["A"].pk).exists() is (status != 302)


# -- evidence --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"), [("alice", 302), ("bob", 403), ("leader", 403), ("charlie", 404)]
)
def test_evidence_upload_access(login, personas, items, persona, status):
    upload = SimpleUploadedFile("会议记录.txt", "记录".encode())
    response = login(personas[persona]).post(
        reverse("rectification:item-evidence", args=[items["A"].pk]),
        {"title": "会议记录", "file": upload},
    )
    assert response.status_code == status
    assert EvidenceFile.objects.exists() is (status == 302)


def test_evidence_over_the_size_limit_is_refused(login, personas, items, settings):
    settings.VANGUARD_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("big.pdf", b"x" * (1024 * 1024 + 1))
    response = login(personas["alice"]).post(
        reverse("rectification:item-evidence", args=[items["A"].pk]), {"title": "大", "file": big}
    )
    assert response.status_code == 400
    assert response.context["evidence_form"].errors["file"]
    assert not EvidenceFile.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"), [*[(p, 200) for p in VIEWERS_OF_A], ("charlie", 404)]
)
def test_evidence_download_access(login, personas, items, persona, status):
    evidence = services.add_evidence(
        item=items["A"], title="记录", file=SimpleUploadedFile("r.txt", b"record"), acting=None
    )
    response = get(login, personas, persona, reverse("rectification:evidence", args=[evidence.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == b"record"


# -- moderation ------------------------------------------------------------------------------


@pytest.fixture
def comment(items, personas):
    services.publish(items["A"], acting=scope_of(personas["alice"]))
    item = RectificationItem.objects.get(pk=items["A"].pk)
    return services.post_comment(item, text="希望落到实处", contact="13800000000")


@pytest.mark.parametrize(
    ("persona", "status", "sees"),
    [
        ("office", 200, True),
        ("alice", 200, True),
        ("leader", 200, True),
        ("charlie", 200, False),
        ("bob", 404, False),
    ],
)
def test_comment_queue_shows_comments_in_scope(login, personas, comment, persona, status, sees):
    response = get(
        login, personas, persona, reverse("rectification:comments", args=[comment.item.campaign_id])
    )
    assert response.status_code == status
    assert ("希望落到实处" in response.content.decode()) is sees


def test_the_contact_is_shown_only_to_those_who_moderate(login, personas, comment):
    url = reverse("rectification:comments", args=[comment.item.campaign_id])
    assert "13800000000" in login(personas["alice"]).get(url).content.decode()
    assert "13800000000" not in login(personas["leader"]).get(url).content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 302), ("office", 302), ("leader", 403), ("bob", 403), ("charlie", 404)],
)
def test_only_managers_moderate(login, personas, comment, persona, status):
    response = login(personas[persona]).post(
        reverse("rectification:comment-moderate", args=[comment.pk]), {"decision": "approve"}
    )
    assert response.status_code == status
    comment.refresh_from_db()
    assert (comment.status == CommentStatus.APPROVED) is (status == 302)
    if status == 302:
        assert comment.moderated_by == personas[persona]


def test_moderation_never_redirects_off_site(login, personas, comment):
    response = login(personas["alice"]).post(
        reverse("rectification:comment-moderate", args=[comment.pk]),
        {"decision": "reject", "next": "https://evil.example/"},
    )
    assert response.url == reverse("rectification:item", args=[comment.item_id])
    comment.refresh_from_db()
    assert comment.status == CommentStatus.REJECTED


def test_comment_queue_queries_do_not_grow(login, personas, comment):
    client = login(personas["alice"])
    url = reverse("rectification:comments", args=[comment.item.campaign_id])
    few = count_queries(client, url)
    for index in range(10):
        services.post_comment(comment.item, text=f"意见{index}")
    assert count_queries(client, url) == few
    assert PublicComment.objects.count() == 11


# -- the unit page's panel and the member's page ---------------------------------------------


def test_unit_page_shows_the_panel_with_constant_queries(login, personas, items, campaign, tree):
    client = login(personas["alice"])
    url = reverse("campaigns:unit", args=[items["A"].campaign_id, items["A"].enrollment_id])
    response = client.get(url)
    body = response.content.decode()
    assert 'id="rectification-panel"' in body and 'data-satisfaction="none"' in body
    few = count_queries(client, url)
    for index in range(8):
        unit_item(campaign, tree["A"], problem=f"问题{index}")
    assert count_queries(client, url) == few


def test_the_members_page_lists_their_items(login, personas, items):
    body = login(personas["bob"]).get(reverse("portal:me")).content.decode()
    assert 'id="my-rectification"' in body
    assert (
        "理论学习不够系统" in body and "支部学习不经常" in body
    )  # own item, and one he answers for
    assert "联系群众不够" not in body
