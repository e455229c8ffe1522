"""Compliance verdicts of the foundation: coverage (R2), phase windows (R5), steps (R6)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import make_member
from vanguard.accounts.access import Scope
from vanguard.campaigns import compliance, services
from vanguard.campaigns.models import Enrollment, StepStatus
from vanguard.campaigns.verdicts import Severity
from vanguard.orgs.models import Organization

PLAN = {
    "study": (date(2024, 7, 1), date(2024, 8, 14)),
    "analysis": (date(2024, 8, 15), date(2024, 9, 13)),
    "rectification": (date(2024, 9, 14), date(2024, 10, 13)),
}


def verdict(report, code):
    return next(v for v in report.verdicts if v.code == code)


# -- enrolment (R4) -----------------------------------------------------------------------


def test_a_unit_cannot_be_in_two_batches(tree, batches, enrollments):
    with pytest.raises(ValidationError):
        services.enroll(batches[0], tree["A"])
    assert Enrollment.objects.filter(organization=tree["A"]).count() == 1


def test_a_unit_under_an_enrolled_unit_is_already_covered(tree, batches, enrollments):
    with pytest.raises(ValidationError):
        services.enroll(batches[0], tree["A1"])


def test_a_unit_above_an_enrolled_unit_cannot_be_enrolled(tree, batches):
    services.enroll(batches[0], tree["A1"])
    with pytest.raises(ValidationError):
        services.enroll(batches[1], tree["A"])


def test_the_database_refuses_a_second_enrolment_too(tree, batches, enrollments):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(
            campaign=batches[0].campaign, batch=batches[0], organization=tree["A"]
        )


# -- coverage (R2) ------------------------------------------------------------------------


def test_coverage_names_the_units_and_members_not_enrolled(tree, personas, batches):
    services.enroll(batches[0], tree["B"])

    report = compliance.evaluate(batches[0].campaign)

    units = verdict(report, "coverage.units")
    assert [f.organization.code for f in units.findings] == ["A"]  # A1 is reported through A
    members = verdict(report, "coverage.members")
    assert members.level == Severity.FAILING
    assert any("鲍勃" in name for name in members.findings[0].members)


def test_an_organisation_with_a_unit_enrolled_under_it_is_covered_in_part(tree, personas, batches):
    services.enroll(batches[0], tree["A1"])
    services.enroll(batches[0], tree["B"])
    report = compliance.evaluate(batches[0].campaign)
    assert verdict(report, "coverage.units").level == Severity.OK  # A: A1 under it


def test_full_coverage_is_ok(tree, personas, enrollments):
    report = compliance.evaluate(enrollments["A"].campaign)
    assert verdict(report, "coverage.units").level == Severity.OK
    assert verdict(report, "coverage.members").level == Severity.OK


def test_coverage_seen_by_a_unit_admin_is_limited_to_their_subtree(tree, personas, batches):
    services.enroll(batches[1], tree["A"])  # B is not enrolled
    scope = Scope.for_user(personas["alice"])
    report = compliance.evaluate(batches[0].campaign, scope=scope)
    assert verdict(report, "coverage.units").level == Severity.OK
    office = compliance.evaluate(batches[0].campaign, scope=Scope.for_user(personas["office"]))
    assert verdict(office, "coverage.units").level == Severity.FAILING


# -- phase windows (R5) -------------------------------------------------------------------


def test_unplanned_unit_fails_and_a_good_plan_passes(enrollments):
    enrollment = enrollments["A"]
    before = compliance.evaluate_unit(enrollment)
    assert verdict(before, "plan.phases").level == Severity.FAILING

    services.save_phase_plan(enrollment, PLAN, acting=None)

    after = compliance.evaluate_unit(enrollment)
    assert verdict(after, "plan.phases").level == Severity.OK


def test_plan_outside_the_batch_is_saved_and_failing(enrollments):
    enrollment = enrollments["B"]  # batch 1 ends 2024-06-30
    problems = services.save_phase_plan(enrollment, PLAN, acting=None)
    assert {p.kind for p in problems} == {"outside_batch"}
    assert enrollment.phases.count() == 3
    assert verdict(compliance.evaluate_unit(enrollment), "plan.phases").level == Severity.FAILING


def test_overlapping_plan_is_not_saved(enrollments):
    overlapping = {**PLAN, "analysis": (date(2024, 8, 1), date(2024, 9, 13))}
    problems = services.save_phase_plan(enrollments["A"], overlapping, acting=None)
    assert any(p.blocking for p in problems)
    assert enrollments["A"].phases.count() == 0


# -- steps (R6) ---------------------------------------------------------------------------


def test_steps_of_an_ended_phase_must_be_done(enrollments):
    enrollment = enrollments["A"]
    services.save_phase_plan(enrollment, PLAN, acting=None)

    during = compliance.evaluate_unit(enrollment, today=date(2024, 8, 14))
    assert verdict(during, "plan.steps").level == Severity.OK  # the phase is still running

    after = compliance.evaluate_unit(enrollment, today=date(2024, 8, 15))
    steps = verdict(after, "plan.steps")
    assert steps.level == Severity.FAILING
    assert len(steps.findings) == 4  # the four steps of 学习动员


def test_a_done_step_without_its_evidence_warns(enrollments, personas):
    enrollment = enrollments["A"]
    services.save_phase_plan(enrollment, PLAN, acting=None)
    record = services.record_step(enrollment, "make_plan", status=StepStatus.DONE, acting=None)

    report = compliance.evaluate_unit(enrollment, today=date(2024, 7, 10))
    assert verdict(report, "plan.steps").level == Severity.WARNING

    services.add_evidence(
        record,
        title="方案",
        file=SimpleUploadedFile("f.txt", b"x"),
        user=personas["alice"],
        acting=None,
    )
    report = compliance.evaluate_unit(enrollment, today=date(2024, 7, 10))
    assert verdict(report, "plan.steps").level == Severity.OK


def test_marking_a_step_done_dates_it_today_and_undoing_clears_the_date(enrollments):
    record = services.record_step(enrollments["A"], "mobilize", status=StepStatus.DONE, acting=None)
    assert record.done_on is not None
    record = services.record_step(
        enrollments["A"], "mobilize", status=StepStatus.DOING, acting=None
    )
    assert record.done_on is None


def test_recording_an_unknown_step_is_refused(enrollments):
    with pytest.raises(KeyError):
        services.record_step(enrollments["A"], "no_such_step", status=StepStatus.DONE, acting=None)


def test_evaluation_queries_do_not_grow_with_units(tree, batches):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run():
        with CaptureQueriesContext(connection) as captured:
            compliance.evaluate(batches[0].campaign)
        return len(captured)

    def add(prefix, count):
        for index in range(count):
            unit = Organization.objects.add_child(
                tree["root"], dict(code=f"{prefix}{index}", name=f"{prefix}{index}", kind="branch")
            )
            make_member(unit, f"{prefix}{index}-1", "成员")
            enrollment = services.enroll(batches[1], unit)
            services.save_phase_plan(enrollment, PLAN, acting=None)
            services.record_step(enrollment, "mobilize", status=StepStatus.DONE, acting=None)

    add("X", 2)
    few = run()
    add("Y", 8)
    assert run() == few
