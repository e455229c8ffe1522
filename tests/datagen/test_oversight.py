"""The generator's leadership and supervision data at the `tiny` scale: the bureau's and
the units' leading groups, the leaders' liaison points, officers dispatched per batch with
grants dated by their batch (access during the batch only), visits and suggestions in
states the services leave, news; deterministic for a seed."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction

from vanguard.accounts.access import Scope
from vanguard.accounts.models import Role, RoleGrant
from vanguard.datagen.generate import generate_campaign
from vanguard.orgs.models import Member, OrgCategory
from vanguard.oversight import conf, services
from vanguard.oversight.models import (
    Article,
    ArticleStatus,
    GroupMembership,
    GroupRole,
    LeadingGroup,
    LiaisonAssignment,
    LiaisonPoint,
    PointKind,
    Suggestion,
    SuggestionStatus,
    SupervisionVisit,
)

pytestmark = pytest.mark.django_db


def quiet(*_args):
    pass


@pytest.fixture
def generated():
    return generate_campaign("tiny", seed=1, code="gen-o", log=quiet)


def test_the_bureau_s_leading_group(generated):
    campaign = generated.campaign
    group = services.bureau_group(campaign)
    assert group is not None
    memberships = list(group.memberships.select_related("member__organization"))
    roles = Counter(m.role for m in memberships)
    assert roles[GroupRole.LEADER] == 1 and roles[GroupRole.DEPUTY] == 2
    assert roles[GroupRole.OFFICE_DIRECTOR] == 1
    assert [m.role for m in memberships if m.is_responsible] == [GroupRole.LEADER]
    for membership in memberships:
        assert membership.member.organization.is_in_subtree_of(generated.root)
    assert len(services.bureau_leaders(campaign)) == 3


def test_units_groups_hold_their_own_members(generated):
    enrolled = {e.organization_id for e in generated.enrollments}
    groups = LeadingGroup.objects.filter(campaign=generated.campaign).exclude(
        organization=generated.root
    )
    assert groups.count() >= len(enrolled) - 1
    for group in groups:
        assert group.organization_id in enrolled
        people = set(generated.members_by_unit[group.organization_id])
        memberships = list(group.memberships.all())
        assert {m.member_id for m in memberships} <= people
        assert sum(m.is_responsible for m in memberships) == 1


def test_each_leader_has_a_unit_and_a_department(generated):
    campaign = generated.campaign
    leaders = {m.pk for m in services.bureau_leaders(campaign)}
    points = LiaisonPoint.objects.filter(campaign=campaign).select_related("organization")
    assert {(p.leader_id, p.kind) for p in points} == {
        (leader, kind) for leader in leaders for kind in PointKind.values
    }
    for point in points:
        is_department = point.organization.category == OrgCategory.ORGAN
        assert is_department == (point.kind == PointKind.DEPARTMENT)
        assert point.organization.is_in_subtree_of(generated.root)


def test_officers_are_dispatched_per_batch_with_dated_grants(generated):
    assignments = LiaisonAssignment.objects.filter(
        batch__campaign=generated.campaign
    ).select_related("batch", "grant", "officer")
    by_unit = Counter(a.organization_id for a in assignments)
    assert by_unit == Counter(e.organization_id for e in generated.enrollments)
    batch_of = {e.organization_id: e.batch_id for e in generated.enrollments}
    for assignment in assignments:
        batch, grant = assignment.batch, assignment.grant
        assert batch_of[assignment.organization_id] == batch.pk
        assert grant.user_id == assignment.officer_id and grant.role == Role.LIAISON
        assert grant.organization_id == assignment.organization_id
        assert (grant.starts_on, grant.ends_on) == (batch.starts_on, batch.ends_on)
        assert assignment.dispatched_on < batch.starts_on
        assert assignment.withdrawn_on is None
    officers = {a.officer_id for a in assignments}
    assert (
        not RoleGrant.objects.filter(user__in=officers)
        .exclude(pk__in=[a.grant_id for a in assignments])
        .exists()
    )


def test_an_officer_sees_the_unit_during_the_batch_only(generated):
    assignment = (
        LiaisonAssignment.objects.filter(batch__campaign=generated.campaign)
        .select_related("batch", "organization", "officer", "grant")
        .order_by("-batch__number", "pk")
        .first()
    )
    batch, unit = assignment.batch, assignment.organization
    during = Scope.for_user(assignment.officer, today=batch.starts_on + timedelta(days=10))
    before = Scope.for_user(assignment.officer, today=batch.starts_on - timedelta(days=1))
    after = Scope.for_user(assignment.officer, today=batch.ends_on + timedelta(days=1))
    assert during.can_view_org(unit)
    assert not before.can_view_org(unit) and not after.can_view_org(unit)
    assert assignment.state(batch.ends_on + timedelta(days=1)) == "ended"


def test_visits_and_suggestions(generated):
    campaign = generated.campaign
    days = conf.suggestion_answer_days(campaign)
    visits = SupervisionVisit.objects.filter(assignment__batch__campaign=campaign).select_related(
        "assignment__batch"
    )
    assert visits
    for visit in visits:
        batch = visit.assignment.batch
        assert batch.starts_on <= visit.visited_on <= batch.ends_on
        assert visit.organization_id == visit.assignment.organization_id
        assert visit.recorded_by_id == visit.assignment.officer_id
    suggestions = list(
        Suggestion.objects.filter(visit__in=visits).select_related("visit__assignment")
    )
    assert {s.status for s in suggestions} >= {SuggestionStatus.ACCEPTED, SuggestionStatus.OPEN}
    for suggestion in suggestions:
        visited_on = suggestion.visit.visited_on
        if suggestion.status == SuggestionStatus.OPEN:
            assert not suggestion.answer and suggestion.answered_on is None
        else:
            assert suggestion.answer and suggestion.answered_on > visited_on
        if suggestion.status == SuggestionStatus.RETURNED:
            assert suggestion.review_note
            assert suggestion.answer_due_on > suggestion.answered_on
        else:
            assert suggestion.answer_due_on == visited_on + timedelta(days=days)
        accepted = suggestion.status == SuggestionStatus.ACCEPTED
        assert (suggestion.accepted_on is not None) == accepted
        if accepted:
            assert suggestion.accepted_by_id == suggestion.visit.assignment.officer_id
            assert suggestion.accepted_on > suggestion.answered_on


def test_news(generated):
    articles = Article.objects.filter(campaign=generated.campaign)
    assert articles.filter(status=ArticleStatus.PUBLISHED).count() >= 2
    for article in articles:
        assert (article.published_on is not None) == (article.status == ArticleStatus.PUBLISHED)
        assert article.organization.is_in_subtree_of(generated.root)


class Rollback(Exception):
    pass


def _fingerprint(code):
    return (
        list(
            GroupMembership.objects.filter(group__campaign__code=code)
            .order_by("group__organization__path", "member__code")
            .values_list("group__organization__code", "member__code", "role", "is_responsible")
        ),
        list(
            LiaisonAssignment.objects.filter(batch__campaign__code=code)
            .order_by("organization__code")
            .values_list("organization__code", "officer__username", "officer__full_name")
        ),
        list(
            Suggestion.objects.filter(visit__assignment__batch__campaign__code=code)
            .order_by("visit__organization__code", "visit__visited_on", "text")
            .values_list("visit__organization__code", "visit__visited_on", "text", "status")
        ),
        list(
            Member.objects.filter(
                pk__in=LiaisonPoint.objects.filter(campaign__code=code).values("leader")
            )
            .order_by("code")
            .values_list("code", flat=True)
        ),
    )


def _generate_and_forget(seed):
    try:
        with transaction.atomic():
            generate_campaign("tiny", seed=seed, code="gen-od", log=quiet)
            result = _fingerprint("gen-od")
            raise Rollback
    except Rollback:
        pass
    return result


def test_deterministic_for_a_seed():
    first, again, other = _generate_and_forget(5), _generate_and_forget(5), _generate_and_forget(6)
    assert first[0] and first[1] and first[2]
    assert first == again
    assert other != first
