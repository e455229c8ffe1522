"""The generator's foundation and study data at the `tiny` scale: the organisation tree,
members and enrolments as the scale says, every unit's phase plan passing the plan rules,
sessions inside their unit's study window, every attendance mark at a session of the
member's own unit, stored hours equal to the marks, and the same data for the same seed."""

from __future__ import annotations

import pytest

from vanguard.campaigns.plan_checks import phase_plan_problems
from vanguard.datagen.generate import generate_campaign
from vanguard.datagen.scales import SCALES
from vanguard.orgs.models import Member, Organization
from vanguard.study.hours import live_hours
from vanguard.study.models import Attendance, MemberHours, StudySession
from vanguard.study.services import study_window

pytestmark = pytest.mark.django_db
TINY = SCALES["tiny"]


def quiet(*_args):
    pass


@pytest.fixture
def generated():
    return generate_campaign("tiny", seed=1, code="gen-s", log=quiet)


def test_the_tree_members_and_enrolments_follow_the_scale(generated):
    assert len(generated.units) == TINY.units == len(generated.enrollments)
    root = Organization.objects.get(pk=generated.root.pk)
    assert Organization.objects.get_children(root).count() == TINY.units
    assert Member.objects.filter(organization__in=generated.units).count() == (
        TINY.units * TINY.members_per_unit
    )
    batches = {e.batch.number for e in generated.enrollments}
    assert batches == {1, 2}


def test_every_plan_is_ordered_and_inside_its_batch(generated):
    rules = generated.campaign.rules
    for enrollment in generated.enrollments:
        windows = {w.phase_code: (w.starts_on, w.ends_on) for w in enrollment.phases.all()}
        assert set(windows) == {phase.code for phase in rules.phases}
        problems = phase_plan_problems(
            windows,
            batch_start=enrollment.batch.starts_on,
            batch_end=enrollment.batch.ends_on,
            rules=rules,
        )
        blocking = [p for p in problems if p.blocking or p.kind == "outside_batch"]
        assert blocking == []


def test_sessions_lie_in_their_unit_s_study_window(generated):
    campaign = generated.campaign
    by_unit = {e.pk: e for e in generated.enrollments}
    sessions = StudySession.objects.filter(enrollment__campaign=campaign)
    assert sessions.count() == TINY.units * TINY.sessions_per_unit
    for session in sessions:
        enrollment = by_unit[session.enrollment_id]
        window = study_window(enrollment, campaign)
        assert session.organization_id == enrollment.organization_id
        assert window.starts_on <= session.date <= window.ends_on


def test_every_mark_is_at_a_session_of_the_member_s_own_unit(generated):
    marks = Attendance.objects.filter(session__enrollment__campaign=generated.campaign)
    assert marks.count() == TINY.units * TINY.sessions_per_unit * TINY.members_per_unit
    for member_org, session_org in marks.values_list(
        "member__organization", "session__organization"
    ):
        assert member_org == session_org


def test_stored_hours_equal_the_marks(generated):
    campaign = generated.campaign
    stored = dict(MemberHours.objects.filter(campaign=campaign).values_list("member", "hours"))
    assert stored and stored == live_hours(campaign.pk)


def test_the_same_seed_gives_the_same_campaign():
    first = generate_campaign("tiny", seed=5, code="gen-a", log=quiet)
    second = generate_campaign("tiny", seed=5, code="gen-b", log=quiet)

    def shape(generated):
        marks = Attendance.objects.filter(session__enrollment__campaign=generated.campaign)
        return (
            sorted(
                Member.objects.filter(organization__in=generated.units).values_list(
                    "name", flat=True
                )
            ),
            sorted(marks.values_list("status", "session__date", "member__name")),
        )

    assert shape(first) == shape(second)
