"""Closing a unit's campaign and the remedial cycle (补课), by the upper level."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from vanguard.campaigns import compliance, services
from vanguard.campaigns.closure import closure_problems
from vanguard.campaigns.models import EnrollmentStatus, StepRecord, StepStatus
from vanguard.campaigns.verdicts import Severity

PLAN = {
    "study": (date(2024, 7, 1), date(2024, 8, 14)),
    "analysis": (date(2024, 8, 15), date(2024, 9, 13)),
    "rectification": (date(2024, 9, 14), date(2024, 10, 13)),
}


@pytest.fixture(autouse=True)
def only_the_campaigns_gate(monkeypatch):
    """These tests are about the mechanism; the survey module tests its own gate."""
    from vanguard.campaigns import closure

    monkeypatch.setattr(closure, "CLOSURE_GATES", [(closure.every_step_done, "")])


def finish_every_step(enrollment):
    for _phase, step in enrollment.campaign.rules.steps():
        services.record_step(enrollment, step.code, status=StepStatus.DONE, acting=None)


def url(enrollment, name):
    return reverse(name, args=[enrollment.campaign_id, enrollment.pk])


def test_a_unit_with_steps_left_cannot_be_closed(enrollments):
    enrollment = enrollments["A"]
    with pytest.raises(ValidationError):
        services.close_enrollment(enrollment, acting=None)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE


def test_a_unit_with_every_step_done_closes(enrollments):
    enrollment = enrollments["A"]
    finish_every_step(enrollment)
    services.close_enrollment(enrollment, today=date(2024, 12, 1), acting=None)
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.closed_on) == (EnrollmentStatus.CLOSED, date(2024, 12, 1))


def test_remedial_cycle_reopens_the_rectification_steps(enrollments):
    enrollment = enrollments["A"]
    finish_every_step(enrollment)

    cycle = services.start_remedial(
        enrollment, reason="多数群众不满意", today=date(2024, 11, 1), acting=None
    )

    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.REMEDIAL
    reopened = set(
        StepRecord.objects.filter(enrollment=enrollment, status=StepStatus.TODO).values_list(
            "step_code", flat=True
        )
    )
    assert reopened == set(cycle.step_codes) == {"make_measures", "consolidate", "build_mechanisms"}
    assert closure_problems(enrollment)  # the reopened steps must be redone first


def test_only_one_open_remedial_cycle(enrollments):
    services.start_remedial(enrollments["A"], reason="一", acting=None)
    with pytest.raises(ValidationError):
        services.start_remedial(enrollments["A"], reason="二", acting=None)


def test_reopened_steps_are_due_by_the_cycle_end(enrollments):
    enrollment = enrollments["A"]
    services.save_phase_plan(enrollment, PLAN, acting=None)
    finish_every_step(enrollment)
    cycle = services.start_remedial(
        enrollment, reason="不满意", today=date(2024, 11, 1), acting=None
    )

    undated = compliance.evaluate_unit(enrollment, today=date(2024, 11, 2))
    levels = {v.code: v.level for v in undated.verdicts}
    assert levels["plan.remedial"] == Severity.WARNING  # the office must date it
    assert levels["plan.steps"] != Severity.FAILING  # not overdue by the old phase end

    services.schedule_remedial(
        cycle, starts_on=date(2024, 11, 5), ends_on=date(2024, 12, 5), acting=None
    )
    during = compliance.evaluate_unit(enrollment, today=date(2024, 12, 5))
    assert {v.code: v.level for v in during.verdicts}["plan.steps"] != Severity.FAILING
    after = compliance.evaluate_unit(enrollment, today=date(2024, 12, 6))
    assert {v.code: v.level for v in after.verdicts}["plan.steps"] == Severity.FAILING


def test_closing_closes_the_remedial_cycle(enrollments):
    enrollment = enrollments["A"]
    cycle = services.start_remedial(enrollment, reason="不满意", acting=None)
    finish_every_step(enrollment)
    services.close_enrollment(enrollment, today=date(2025, 1, 10), acting=None)
    cycle.refresh_from_db()
    assert cycle.closed_on == date(2025, 1, 10)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("office", 302),
        ("leader", 403),
        ("alice", 403),  # the unit does not close itself
        ("liaison", 403),
        ("bob", 403),
        ("charlie", 404),
    ],
)
def test_only_the_upper_level_closes_a_unit(login, personas, enrollments, persona, status):
    finish_every_step(enrollments["A"])
    response = login(personas[persona]).post(url(enrollments["A"], "campaigns:unit-close"))
    assert response.status_code == status
    enrollments["A"].refresh_from_db()
    assert (enrollments["A"].status == EnrollmentStatus.CLOSED) is (status == 302)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("office", 302), ("leader", 403), ("alice", 403), ("bob", 403), ("charlie", 404)],
)
def test_only_the_upper_level_orders_a_remedial_cycle(
    login, personas, enrollments, persona, status
):
    response = login(personas[persona]).post(
        url(enrollments["A"], "campaigns:unit-remedial"),
        {"reason": "整改效果不好", "steps": ["make_measures"]},
    )
    assert response.status_code == status
    assert enrollments["A"].remedial_cycles.exists() is (status == 302)


def test_remedial_dates_must_be_in_order(login, personas, enrollments):
    services.start_remedial(enrollments["A"], reason="不满意", acting=None)
    client = login(personas["office"])
    client.post(
        url(enrollments["A"], "campaigns:unit-remedial-dates"),
        {"starts_on": "2024-12-05", "ends_on": "2024-11-05"},
    )
    assert enrollments["A"].remedial_cycles.get().ends_on is None


def test_closed_unit_plan_can_no_longer_be_edited(login, personas, enrollments):
    finish_every_step(enrollments["A"])
    services.close_enrollment(enrollments["A"], acting=None)
    response = login(personas["alice"]).post(
        url(enrollments["A"], "campaigns:unit-plan"), {"study_start": "2024-07-01"}
    )
    assert response.status_code == 403


def test_closing_with_problems_tells_why(login, personas, enrollments):
    response = login(personas["office"]).post(
        url(enrollments["A"], "campaigns:unit-close"), follow=True
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert response.context["closure_problems"]
