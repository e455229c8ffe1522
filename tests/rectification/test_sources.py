"""Items made from a source record of any module — linked generically, with a snapshot of
what the source said — and the page other modules link to for it."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.rectification.conftest import scope_of
from vanguard.accounts.models import User
from vanguard.orgs.models import Member
from vanguard.rectification import services
from vanguard.rectification.models import Level, RectificationItem, SourceKind


def test_an_item_from_a_member_record_is_that_members_own(campaign, items, bob_member):
    # given a model that exists whatever lands first: orgs.Member
    item = services.create_item_from_source(
        bob_member, campaign=campaign, level=Level.MEMBER, measures="谈心谈话", acting=None
    )

    assert (item.level, item.member, item.organization) == (
        Level.MEMBER,
        bob_member,
        bob_member.organization,
    )
    assert item.source == bob_member  # the generic relation resolves
    assert (item.source_kind, item.source_text, item.problem) == (SourceKind.OTHER, "鲍勃", "鲍勃")
    assert item.enrollment == items["A"].enrollment


def test_an_item_from_a_public_comment_counts_as_the_publics(campaign, items, personas):
    services.publish(items["A"], acting=scope_of(personas["alice"]))
    comment = services.post_comment(
        RectificationItem.objects.get(pk=items["A"].pk), text="食堂饭菜太贵"
    )

    item = services.create_item_from_source(comment, campaign=campaign, acting=None)

    assert (item.source_kind, item.from_public, item.organization) == (
        SourceKind.PUBLIC_COMMENT,
        True,
        items["A"].organization,
    )
    assert item.source == comment and item.problem == "食堂饭菜太贵"


def test_the_snapshot_keeps_what_the_source_said(campaign, items, bob_member):
    item = services.create_item_from_source(
        bob_member, campaign=campaign, level=Level.MEMBER, acting=None
    )
    Member.objects.filter(pk=bob_member.pk).update(name="改名后")
    item.refresh_from_db()
    assert item.source_text == "鲍勃"
    assert str(item.source) == "改名后"


def test_a_source_outside_any_enrolled_unit_is_refused(campaign, tree):
    from tests.conftest import make_member

    stray = make_member(tree["root"], "R-001", "局里的人")
    with pytest.raises(ValidationError):
        services.create_item_from_source(stray, campaign=campaign, acting=None)
    assert not RectificationItem.objects.exists()


@pytest.mark.parametrize(
    ("app_label", "model_name", "kind"),
    [
        ("appraisal", "opinion", SourceKind.OPINION),
        ("appraisal", "appraisalconclusion", SourceKind.APPRAISAL),
        ("oversight", "finding", SourceKind.FINDING),
        ("oversight", "supervisionsuggestion", SourceKind.FINDING),
        ("orgs", "member", SourceKind.OTHER),
    ],
)
def test_the_kind_of_source_comes_from_its_app_and_model(app_label, model_name, kind):
    record = SimpleNamespace(_meta=SimpleNamespace(app_label=app_label, model_name=model_name))
    assert services.source_kind_for(record) == kind


def test_an_opinion_is_counted_as_raised_by_the_public_unless_told(campaign, items, bob_member):
    item = services.create_item_from_source(
        bob_member, campaign=campaign, level=Level.MEMBER, kind=SourceKind.OPINION, acting=None
    )
    assert item.from_public
    item = services.create_item_from_source(
        bob_member,
        campaign=campaign,
        level=Level.MEMBER,
        kind=SourceKind.OPINION,
        from_public=False,
        acting=None,
    )
    assert not item.from_public


# -- the page other modules link to ---------------------------------------------------------


@pytest.fixture
def bob_opinion(campaign, items, bob_member):
    """An opinion about bob, answered by his sub-branch A1 (an allowed source)."""
    from vanguard.appraisal.models import Subject
    from vanguard.appraisal.services import receive_opinion

    return receive_opinion(
        campaign,
        channel=campaign.rules.opinion_channels[0].code,
        subject=Subject.MEMBER,
        member=bob_member,
        content="学习笔记太少",
        received_on=date(2024, 8, 20),
        acting=None,
    ).opinion


def source_url(campaign, record):
    content_type = ContentType.objects.get_for_model(record)
    return reverse("rectification:from-source", args=[campaign.pk, content_type.pk, record.pk])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("office", 200),
        ("alice", 200),
        ("leader", 403),
        ("liaison", 403),
        ("bob", 404),
        ("charlie", 404),
    ],
)
def test_from_source_page_access(login, personas, campaign, bob_opinion, persona, status):
    response = login(personas[persona]).get(source_url(campaign, bob_opinion))
    assert response.status_code == status
    if status == 200:
        assert "学习笔记太少" in response.content.decode()


def test_making_an_item_from_a_source_page(login, personas, campaign, bob_opinion, bob_member):
    response = login(personas["alice"]).post(
        source_url(campaign, bob_opinion),
        {"level": "member", "member": bob_member.pk, "problem": "学习不够", "weight": "1"},
    )
    item = RectificationItem.objects.get(problem="学习不够")
    assert response.status_code == 302
    assert (item.source, item.member, item.source_kind) == (
        bob_opinion,
        bob_member,
        SourceKind.OPINION,
    )


@pytest.mark.parametrize("model", [Member, User])
def test_a_type_outside_the_allow_list_is_404(login, personas, campaign, items, bob_member, model):
    # a member record (or a user, with its password hash) is no source, even for the office
    record = bob_member if model is Member else personas["bob"]
    client = login(personas["office"])
    assert client.get(source_url(campaign, record)).status_code == 404
    response = client.post(source_url(campaign, record), {"level": "organization", "problem": "x"})
    assert response.status_code == 404
    assert not RectificationItem.objects.filter(problem="x").exists()


def test_an_item_from_a_comment_belongs_where_the_comment_was_made(
    login, personas, campaign, items
):
    # given a public comment on sub-branch A1's item
    services.publish(items["A1"], acting=scope_of(personas["alice"]))
    comment = services.post_comment(
        RectificationItem.objects.get(pk=items["A1"].pk), text="支部活动太少"
    )

    # when alice makes an item of it (the form proposes it as raised by the public)
    client = login(personas["alice"])
    assert client.get(source_url(campaign, comment)).context["form"]["from_public"].value()
    response = client.post(
        source_url(campaign, comment),
        {"level": "organization", "problem": "支部活动太少", "from_public": "on", "weight": "1"},
    )

    # then the new item is A1's, counted as raised by the public
    assert response.status_code == 302
    item = RectificationItem.objects.get(source_id=comment.pk)
    assert (item.organization, item.enrollment, item.from_public) == (
        items["A1"].organization,
        items["A1"].enrollment,
        True,
    )
    assert item.source_kind == SourceKind.PUBLIC_COMMENT


def test_from_source_for_an_unknown_type_or_record_is_404(login, personas, campaign, items):
    client = login(personas["office"])
    content_type = ContentType.objects.get_for_model(Member)
    missing = reverse("rectification:from-source", args=[campaign.pk, content_type.pk, 99999])
    assert client.get(missing).status_code == 404
    stale = ContentType.objects.create(app_label="gone", model="vanished")
    gone = reverse("rectification:from-source", args=[campaign.pk, stale.pk, 1])
    assert client.get(gone).status_code == 404


def test_an_item_whose_source_module_is_gone_still_shows(login, personas, campaign, items):
    stale = ContentType.objects.create(app_label="gone", model="vanished")
    RectificationItem.objects.filter(pk=items["A"].pk).update(
        source_type=stale, source_id=1, source_text="旧模块的意见"
    )
    response = login(personas["alice"]).get(reverse("rectification:item", args=[items["A"].pk]))
    assert response.status_code == 200
    assert "旧模块的意见" in response.content.decode()
    assert response.context["source_url"] is None
