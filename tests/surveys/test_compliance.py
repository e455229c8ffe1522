"""The survey module's verdicts: a survey before the campaign ends, the latest survey not
failed, and 补课 followed by a passed survey — at their boundaries, in constant queries."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.surveys.conftest import CLOSES, DURING, answers, people
from tests.surveys.factories import close, open_
from vanguard.campaigns import compliance
from vanguard.campaigns import services as campaign_services
from vanguard.campaigns.verdicts import Severity
from vanguard.orgs.models import Organization
from vanguard.surveys import services
from vanguard.surveys.models import Channel, Method

PLAN = {
    "study": (date(2024, 7, 1), date(2024, 8, 14)),
    "analysis": (date(2024, 8, 15), date(2024, 9, 13)),
    "rectification": (date(2024, 9, 14), date(2024, 10, 13)),
}


def findings(campaign, code, today, enrollment=None):
    with translation.override("en"):
        report = compliance.evaluate(campaign, today=today)
    verdict = next(v for v in report.verdicts if v.code == code)
    return [
        (f.level, f.message)
        for f in verdict.findings
        if enrollment is None or f.enrollment_id == enrollment.pk
    ]


def test_no_survey_is_nothing_before_the_last_phase_then_amber_then_red(enrollments):
    enrollment = enrollments["A"]
    campaign_services.save_phase_plan(enrollment, PLAN, acting=None)
    campaign = enrollment.campaign
    assert findings(campaign, "surveys.taken", date(2024, 9, 13), enrollment) == []
    assert findings(campaign, "surveys.taken", date(2024, 9, 14), enrollment) == [
        (Severity.WARNING, "No satisfaction survey yet; the last phase ends on Oct. 13, 2024")
    ]
    assert (
        findings(campaign, "surveys.taken", date(2024, 10, 13), enrollment)[0][0]
        == Severity.WARNING
    )
    assert findings(campaign, "surveys.taken", date(2024, 10, 14), enrollment) == [
        (Severity.FAILING, "No satisfaction survey, though the campaign ended on Oct. 13, 2024")
    ]


def test_an_unplanned_unit_is_judged_by_its_batch_end(enrollments):
    enrollment = enrollments["A"]  # batch 2 ends 2024-12-31
    campaign = enrollment.campaign
    assert findings(campaign, "surveys.taken", date(2024, 12, 31), enrollment) == []
    assert (
        findings(campaign, "surveys.taken", date(2025, 1, 1), enrollment)[0][0] == Severity.FAILING
    )


def test_a_survey_in_progress_after_the_end_is_amber_and_a_closed_one_is_fine(open_survey, codes):
    enrollment = open_survey.enrollment
    campaign = enrollment.campaign
    late = date(2025, 1, 5)
    assert findings(campaign, "surveys.taken", late, enrollment) == [
        (
            Severity.WARNING,
            "The survey is not closed yet, though the campaign ended on Dec. 31, 2024",
        )
    ]
    close(open_survey, today=CLOSES)
    assert findings(campaign, "surveys.taken", late, enrollment) == []


def _close_with(survey, codes, dissatisfied, satisfied):
    for code in codes[:dissatisfied]:
        services.submit_response(code, answers("dissatisfied"), today=DURING)
    for code in codes[dissatisfied : dissatisfied + satisfied]:
        services.submit_response(code, answers("satisfied"), today=DURING)
    close(survey, today=CLOSES)


def test_a_failed_survey_is_red_with_its_counts(open_survey, codes):
    _close_with(open_survey, codes, 6, 5)
    assert findings(open_survey.enrollment.campaign, "surveys.satisfied", CLOSES) == [
        (Severity.FAILING, "Survey 1: 6 of 11 valid responses dissatisfied, a majority")
    ]


def test_half_dissatisfied_is_not_a_finding(open_survey, codes):
    _close_with(open_survey, codes, 5, 5)
    assert findings(open_survey.enrollment.campaign, "surveys.satisfied", CLOSES) == []


def test_a_survey_nobody_answered_is_amber(open_survey, codes):
    close(open_survey, today=CLOSES)
    assert findings(open_survey.enrollment.campaign, "surveys.satisfied", CLOSES) == [
        (Severity.WARNING, "Survey 1 closed with no responses; survey the unit again")
    ]


def test_remedial_is_amber_then_red_when_its_end_passes_then_fine_after_a_passed_survey(
    open_survey, codes
):
    enrollment = open_survey.enrollment
    campaign = enrollment.campaign
    _close_with(open_survey, codes, 6, 5)
    assert findings(campaign, "surveys.remedial", CLOSES) == [
        (
            Severity.WARNING,
            "Remedial cycle (补课) in progress since Nov. 30, 2024: a new survey is required",
        )
    ]
    cycle = enrollment.remedial_cycles.get()
    campaign_services.schedule_remedial(
        cycle, starts_on=date(2024, 12, 1), ends_on=date(2024, 12, 15), acting=None
    )
    assert findings(campaign, "surveys.remedial", date(2024, 12, 15))[0][0] == Severity.WARNING
    assert findings(campaign, "surveys.remedial", date(2024, 12, 16)) == [
        (
            Severity.FAILING,
            "The remedial cycle opened on Nov. 30, 2024 ended on Dec. 15, 2024 without a passed "
            "new survey",
        )
    ]
    second = services.create_survey(
        enrollment, opens_on=date(2024, 12, 16), closes_on=date(2024, 12, 20), acting=None
    )
    services.store_frame(
        second, Method.REPRESENTATIVES, people(3, groups=("群众代表",)), filename="r", acting=None
    )
    issued = services.issue_codes(second, channel=Channel.SLIP, acting=None)
    open_(second)
    for _invitation, code in issued:
        services.submit_response(code, answers(), today=date(2024, 12, 17))
    close(second, today=date(2024, 12, 20))
    assert findings(campaign, "surveys.remedial", date(2024, 12, 21)) == []
    assert findings(campaign, "surveys.satisfied", date(2024, 12, 21)) == []


def test_survey_rules_take_constant_queries(tree, batches):
    def add(prefix, count):
        for index in range(count):
            unit = Organization.objects.add_child(
                tree["root"], dict(code=f"{prefix}{index}", name=f"{prefix}{index}", kind="branch")
            )
            enrollment = campaign_services.enroll(batches[1], unit)
            campaign_services.save_phase_plan(enrollment, PLAN, acting=None)
            survey = services.create_survey(
                enrollment, opens_on=date(2024, 10, 1), closes_on=date(2024, 10, 10), acting=None
            )
            services.store_frame(
                survey, Method.REPRESENTATIVES, people(2), filename="r", acting=None
            )
            issued = services.issue_codes(survey, channel=Channel.SLIP, acting=None)
            open_(survey)
            services.submit_response(issued[0][1], answers("dissatisfied"), today=date(2024, 10, 2))
            close(survey, today=date(2024, 10, 10))  # failed: 补课

    def run():
        campaign = batches[0].campaign
        context = compliance.ComplianceContext(campaign, today=date(2024, 12, 1))
        context.enrollments  # noqa: B018 — loaded before counting, as the dashboard does
        rules = [r for code, r in compliance.RULES.items() if code.startswith("surveys.")]
        with CaptureQueriesContext(connection) as captured:
            found = [finding for rule in rules for finding in rule.check(context)]
        assert len(found) == 2 * len(context.enrollments)  # failed, and 补课 in progress
        return len(captured)

    add("X", 2)
    few = run()
    add("Y", 6)
    assert run() == few
    assert few <= 4  # the surveys, then the latest results: surveys, answers, invitations
