"""A 动员大会 counts for the 思想发动 step (the template's `counts_for_step`)."""

from datetime import date, time
from decimal import Decimal

from vanguard.campaigns.models import StepRecord, StepStatus
from vanguard.study import services
from vanguard.study.models import StudySession


def make_session(enrollment, kind: str) -> StudySession:
    return StudySession.objects.create(
        enrollment=enrollment,
        organization=enrollment.organization,
        kind=kind,
        topic="全体党员动员大会",
        date=date(2024, 7, 3),
        starts_at=time(14, 0),
        ends_at=time(16, 0),
        hours=Decimal("2.0"),
    )


def test_taking_the_roll_of_a_mobilisation_meeting_marks_the_step_done(enrollments, personas):
    session = make_session(enrollments["A"], "mobilization_meeting")
    services.save_roll(session, {}, user=personas["alice"], acting=None)
    record = StepRecord.objects.get(enrollment=enrollments["A"], step_code="mobilize")
    assert (record.status, record.done_on) == (StepStatus.DONE, date(2024, 7, 3))


def test_other_sessions_mark_no_step(enrollments, personas):
    session = make_session(enrollments["A"], "concentrated_study")
    services.save_roll(session, {}, user=personas["alice"], acting=None)
    assert not StepRecord.objects.filter(enrollment=enrollments["A"]).exists()
