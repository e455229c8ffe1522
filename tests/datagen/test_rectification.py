"""The generator's rectification data at the `tiny` scale: items where they belong, owned
by members of their unit, statuses with the fields their transitions set, published
items on the public site with their history, determinism; and the public pages run as
many queries at two data sizes."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from vanguard.datagen.generate import generate_campaign
from vanguard.datagen.scales import SCALES
from vanguard.rectification import changes
from vanguard.rectification.models import (
    SOLVED,
    CommentStatus,
    Level,
    Mechanism,
    Occurrence,
    PracticalDeed,
    ProgressNote,
    PublicComment,
    RectificationItem,
    Status,
)

pytestmark = pytest.mark.django_db


def quiet(*_args):
    pass


@pytest.fixture
def generated():
    return generate_campaign("tiny", seed=1, code="gen-r", log=quiet)


def items_of(generated):
    return RectificationItem.objects.filter(campaign=generated.campaign).select_related(
        "enrollment", "member"
    )


def test_the_scale_s_number_of_items_over_units_and_the_bureau(generated):
    items = list(items_of(generated))
    assert len(items) == SCALES["tiny"].rectification_items
    levels = Counter(item.level for item in items)
    assert levels[Level.MEMBER] and levels[Level.ORGANIZATION] and levels[Level.BUREAU]
    by_unit = Counter(item.enrollment_id for item in items if item.enrollment_id)
    assert set(by_unit) == {e.pk for e in generated.enrollments}


def test_every_item_belongs_to_an_enrolled_unit_or_the_bureau(generated):
    enrollments = {e.pk: e for e in generated.enrollments}
    for item in items_of(generated):
        if item.level == Level.BUREAU:
            assert item.enrollment_id is None
            assert item.organization_id == generated.campaign.organization_id
            continue
        enrollment = enrollments[item.enrollment_id]
        assert item.organization_id == enrollment.organization_id
        window = next(w for w in enrollment.phases.all() if w.phase_code == "rectification")
        created = timezone.localdate(item.created_at)
        assert window.starts_on <= created <= window.ends_on
        assert item.deadline is None or item.deadline > created


def test_owners_are_members_of_the_item_s_unit(generated):
    members = generated.members_by_unit
    everyone = {m for ids in members.values() for m in ids}
    for item in items_of(generated):
        if item.level == Level.BUREAU:
            assert item.responsible_id in everyone
            continue
        unit_members = set(members[item.enrollment.organization_id])
        if item.level == Level.MEMBER:
            assert item.member_id in unit_members
            assert item.responsible_id == item.member_id  # a member answers for their own
        else:
            assert item.member_id is None
            assert item.responsible_id is None or item.responsible_id in unit_members


def test_statuses_carry_the_fields_their_transitions_set(generated):
    items = list(items_of(generated))
    assert {item.status for item in items} <= set(Status.values)
    assert len({item.status for item in items}) >= 4  # a mix, not one status
    for item in items:
        if item.status in SOLVED:
            assert item.progress == 100 and item.done_on is not None
        else:
            assert item.progress < 100 and item.done_on is None
        assert (item.verified_on is not None) == (item.status == Status.VERIFIED)
        if item.status == Status.PLANNED:
            assert item.progress == 0
        if item.status == Status.REOPENED:
            assert item.reopen_count == 1 and item.reopen_reason and item.reopened_on
        else:
            assert item.reopen_count == 0 and not item.reopen_reason
        if item.explanation:
            assert item.status not in SOLVED and item.explained_on


def test_notes_follow_the_items_progress(generated):
    today = timezone.localdate()
    notes = ProgressNote.objects.filter(item__campaign=generated.campaign).select_related("item")
    assert notes
    noted = set()
    for note in notes:
        assert 0 < note.progress < 100 and note.noted_on <= today
        assert note.item.status != Status.PLANNED
        noted.add(note.item_id)
    planned = items_of(generated).exclude(status=Status.PLANNED)
    assert set(planned.values_list("pk", flat=True)) == noted


def test_published_items_are_ready_and_on_the_public_lists(generated, client):
    campaign = generated.campaign
    items = list(items_of(generated))
    published = [item for item in items if item.published_at]
    assert 0 < len(published) < len(items)
    assert len({item.public_id for item in items}) == len(items)
    page = client.get(reverse("rectification:public-campaign", args=[campaign.code]))
    assert page.status_code == 200
    lists = {}
    for item in items:
        code = (
            campaign.organization.code
            if item.level == Level.BUREAU
            else item.enrollment.organization.code
        )
        lists.setdefault(code, []).append(item)
    shown = 0
    for code, unit_items in lists.items():
        response = client.get(reverse("rectification:public-unit", args=[campaign.code, code]))
        if not any(item.published_at for item in unit_items):
            assert response.status_code == 404
            continue
        body = response.content.decode()
        for item in unit_items:
            assert (f'data-public-id="{item.public_id}"' in body) == bool(item.published_at)
            shown += bool(item.published_at)
            if item.published_at:
                assert item.measures and item.responsible_id and item.deadline
    assert shown == len(published)


def test_a_published_item_shows_its_history_since_publication(generated, client):
    published = items_of(generated).filter(published_at__isnull=False)
    for item in published:
        history = changes.public_changes(item)
        assert history[-1].kind == "published"
        assert history[-1].on == timezone.localdate(item.published_at)
        if item.status != Status.PLANNED:
            statuses = [f.new for change in history for f in change.fields if f.old != f.new]
            assert str(item.get_status_display()) in statuses
    item = published.exclude(status=Status.PLANNED).first()
    response = client.get(reverse("rectification:public-item", args=[item.public_id]))
    assert response.status_code == 200
    assert str(item.get_status_display()) in response.content.decode()


def test_unpublished_items_have_no_history_and_no_comments(generated):
    unpublished = items_of(generated).filter(published_at__isnull=True)
    assert not RectificationItem.history.filter(id__in=unpublished.values("pk")).exists()
    comments = PublicComment.objects.filter(item__campaign=generated.campaign)
    assert not comments.filter(item__published_at__isnull=True).exists()
    for comment in comments:
        assert (comment.moderated_on is None) == (comment.status == CommentStatus.PENDING)
        assert comment.posted_on >= timezone.localdate(comment.item.published_at)


def test_deeds_and_mechanisms(generated):
    campaign = generated.campaign
    deeds = PracticalDeed.objects.filter(campaign=campaign)
    assert deeds.filter(enrollment__isnull=True, organization=campaign.organization).count() == 1
    for deed in deeds.filter(enrollment__isnull=False):
        assert deed.organization_id == deed.enrollment.organization_id
    codes = {m.code for m in campaign.rules.mechanisms}
    mechanisms = Mechanism.objects.filter(campaign=campaign)
    assert {m.enrollment_id for m in mechanisms} == {e.pk for e in generated.enrollments}
    assert {m.kind for m in mechanisms} <= codes
    for occurrence in Occurrence.objects.filter(mechanism__campaign=campaign).select_related(
        "mechanism"
    ):
        assert occurrence.held_on >= occurrence.mechanism.started_on


class Rollback(Exception):
    pass


def _fingerprint():
    rows = RectificationItem.objects.order_by("public_id").values_list(
        "public_id",
        "organization__code",
        "level",
        "member__code",
        "responsible__code",
        "status",
        "progress",
        "deadline",
        "published_at",
        "problem",
    )
    notes = ProgressNote.objects.order_by("item__public_id", "noted_on", "progress").values_list(
        "item__public_id", "noted_on", "progress"
    )
    comments = PublicComment.objects.order_by("item__public_id", "pk").values_list(
        "item__public_id", "posted_on", "status"
    )
    return list(rows), list(notes), list(comments), RectificationItem.history.count()


def _generate_and_forget(scale, measure, **kwargs):
    result = None
    try:
        with transaction.atomic():
            generated = generate_campaign(scale, log=quiet, **kwargs)
            result = measure(generated)
            raise Rollback
    except Rollback:
        pass
    return result


def test_deterministic_for_a_seed():
    first = _generate_and_forget("tiny", lambda g: _fingerprint(), seed=3, code="gen-d")
    again = _generate_and_forget("tiny", lambda g: _fingerprint(), seed=3, code="gen-d")
    other = _generate_and_forget("tiny", lambda g: _fingerprint(), seed=4, code="gen-d")
    assert first[0] and first == again
    assert other != first


def _measured_unit(generated):
    """The last unit with a published item (the benchmark measures the last unit)."""
    published = RectificationItem.objects.filter(published_at__isnull=False)
    return next(e for e in reversed(generated.enrollments) if published.filter(enrollment=e))


def _public_queries(generated) -> dict[str, int]:
    campaign = generated.campaign
    enrollment = _measured_unit(generated)
    item = (
        RectificationItem.objects.filter(enrollment=enrollment, published_at__isnull=False)
        .order_by("public_id")
        .first()
    )
    urls = {
        "list": reverse("rectification:public-campaign", args=[campaign.code]),
        "unit": reverse(
            "rectification:public-unit", args=[campaign.code, enrollment.organization.code]
        ),
        "item": reverse("rectification:public-item", args=[item.public_id]),
    }
    client = Client()
    counts = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[name] = len(queries)
    return counts


def test_public_pages_queries_do_not_grow_with_the_data():
    tiny = _generate_and_forget("tiny", _public_queries, seed=1, code="gen-q")
    small = _generate_and_forget("small", _public_queries, seed=1, code="gen-q")
    assert tiny == small


def test_the_bench_pages_resolve(generated):
    from bench.modules import rectification

    enrollment = _measured_unit(generated)
    pages = rectification.pages(generated.campaign, enrollment, office="", unit_admin="")
    assert [p["name"] for p in pages] == [
        "public rectification list",
        "public rectification unit list",
        "public rectification item",
    ]
    client = Client()
    for bench_page in pages:
        assert "missing" not in bench_page
        assert client.get(bench_page["path"]).status_code == 200
