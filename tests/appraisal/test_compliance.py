"""The compliance rules of 分析评议 at their boundaries, and their query budget.

Unit A plans 分析评议 from 15 August to 13 September 2024: a missing item is nothing
before the phase, a warning during it, failing after it.
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.appraisal.conftest import PLAN, ballot_for, close_now, new_round, open_window
from tests.conftest import make_member
from vanguard.appraisal import services
from vanguard.appraisal.models import AppraisalRound, Subject
from vanguard.campaigns import compliance
from vanguard.campaigns import services as campaign_services
from vanguard.campaigns.closure import closure_problems
from vanguard.campaigns.verdicts import Severity
from vanguard.orgs.models import Organization

BEFORE, DURING, AFTER = date(2024, 8, 14), date(2024, 8, 15), date(2024, 9, 14)


@pytest.fixture
def planned(enrollments, members):
    campaign_services.save_phase_plan(enrollments["A"], PLAN, acting=None)
    return enrollments["A"]


def verdict(enrollment, code, today):
    report = compliance.evaluate_unit(enrollment, today=today)
    return next(v for v in report.verdicts if v.code == code)


def level(enrollment, code, today):
    return verdict(enrollment, code, today).level


# -- opinions ------------------------------------------------------------------------------


def test_an_opinion_fails_the_day_after_its_deadline(planned, opinion):
    assert level(planned, "appraisal.opinions", opinion.due_on) == Severity.OK
    after = verdict(planned, "appraisal.opinions", opinion.due_on + timedelta(days=1))
    assert after.level == Severity.FAILING
    assert after.findings[0].message == "1 opinion is past its answer deadline without an answer"


def test_an_answered_opinion_is_no_longer_overdue(planned, opinion):
    services.answer_opinion(
        opinion, text="已答复", user=None, today=opinion.due_on + timedelta(3), acting=None
    )
    assert level(planned, "appraisal.opinions", opinion.due_on + timedelta(days=9)) == Severity.OK


def test_an_overdue_opinion_with_the_bureau_shows_on_the_dashboard(planned, campaign_a, tree):
    services.receive_opinion(
        campaign_a,
        channel="online",
        subject=Subject.BUREAU,
        content="意见",
        received_on=date(2024, 8, 1),
        acting=None,
    )
    report = compliance.evaluate(campaign_a, today=date(2024, 9, 1))
    findings = next(v for v in report.verdicts if v.code == "appraisal.opinions").findings
    assert [(f.enrollment_id, f.level) for f in findings] == [(None, Severity.FAILING)]
    assert tree["root"].name in findings[0].message


# -- feedback, self-analysis, talks --------------------------------------------------------


def test_feedback_to_the_member_is_due_with_the_phase(planned, opinion):
    assert level(planned, "appraisal.feedback", BEFORE) == Severity.OK
    assert level(planned, "appraisal.feedback", DURING) == Severity.WARNING
    failing = verdict(planned, "appraisal.feedback", AFTER)
    assert failing.level == Severity.FAILING and failing.findings[0].members == ("鲍勃",)
    services.record_feedback(opinion, on=date(2024, 8, 25), acting=None)
    assert level(planned, "appraisal.feedback", AFTER) == Severity.OK


def test_every_member_hands_in_a_self_analysis(planned, campaign_a, members, personas):
    assert level(planned, "appraisal.self_analysis", BEFORE) == Severity.OK
    assert level(planned, "appraisal.self_analysis", DURING) == Severity.WARNING
    for member in members.values():
        services.save_self_analysis(campaign_a, member, text="稿", submit=True, acting=None)
    assert level(planned, "appraisal.self_analysis", AFTER) == Severity.OK
    # a returned one is missing again until resubmitted
    analysis = members["bob"].self_analyses.get()
    services.review_self_analysis(
        analysis, accept=False, comments="重写", user=personas["alice"], acting=None
    )
    failing = verdict(planned, "appraisal.self_analysis", AFTER)
    assert failing.level == Severity.FAILING and failing.findings[0].members == ("鲍勃",)


def test_every_member_is_talked_with(planned, members):
    services.record_talk(
        planned,
        talked_on=date(2024, 8, 20),
        initiator=members["dora"],
        partner=members["bob"],
        topic="谈心",
        acting=None,
    )
    failing = verdict(planned, "appraisal.talks", AFTER)
    assert failing.level == Severity.FAILING
    assert failing.findings[0].message == "1 of 3 members has had no talk"
    assert failing.findings[0].members == ("伊芙",)
    services.record_talk(
        planned,
        talked_on=date(2024, 8, 21),
        initiator=members["dora"],
        partner=members["eve"],
        topic="谈心",
        acting=None,
    )
    assert level(planned, "appraisal.talks", AFTER) == Severity.OK


def test_an_unplanned_unit_is_judged_by_its_batch(enrollments, members):
    enrollment = enrollments["A"]  # batch 2: July to December 2024
    assert level(enrollment, "appraisal.talks", date(2024, 6, 30)) == Severity.OK
    assert level(enrollment, "appraisal.talks", date(2024, 7, 1)) == Severity.WARNING
    assert level(enrollment, "appraisal.talks", date(2025, 1, 1)) == Severity.FAILING


# -- the democratic appraisal --------------------------------------------------------------


def _round_over(planned, tree, members):
    appraisal_round = new_round(planned, organization=tree["A"], title="评议", **open_window())
    services.cast_ballot(
        appraisal_round, ballot_for(appraisal_round), member=members["bob"], acting=None
    )
    close_now(appraisal_round)
    return appraisal_round


def test_the_appraisal_from_none_to_announced(planned, tree, members, personas):
    assert level(planned, "appraisal.appraisal", BEFORE) == Severity.OK
    assert level(planned, "appraisal.appraisal", DURING) == Severity.WARNING
    assert verdict(planned, "appraisal.appraisal", AFTER).findings[0].message == (
        "No democratic appraisal round yet"
    )

    appraisal_round = _round_over(planned, tree, members)
    missing = verdict(planned, "appraisal.appraisal", AFTER)
    assert missing.level == Severity.FAILING
    assert missing.findings[0].message == "3 members have no appraisal conclusion yet"

    entries = {pk: ("qualified", "") for pk, _n in services.candidates_of(appraisal_round)}
    services.save_conclusions(appraisal_round, entries, user=personas["alice"], acting=None)
    assert "not announced" in verdict(planned, "appraisal.appraisal", AFTER).findings[0].message

    services.publish_notice(appraisal_round, text="通报", user=personas["alice"], acting=None)
    assert level(planned, "appraisal.appraisal", AFTER) == Severity.OK


def test_a_round_still_open_after_the_phase_is_a_warning(planned, tree, members):
    new_round(planned, organization=tree["A"], title="评议", **open_window())
    assert level(planned, "appraisal.appraisal", DURING) == Severity.OK
    assert level(planned, "appraisal.appraisal", AFTER) == Severity.WARNING


# -- closing a unit's campaign -------------------------------------------------------------


def test_open_opinions_and_an_unannounced_appraisal_keep_a_unit_open(
    planned, opinion, tree, members
):
    problems = closure_problems(planned)
    assert "1 opinion is not answered" in problems
    _round_over(planned, tree, members)
    assert any("not concluded and announced" in p for p in closure_problems(planned))
    with pytest.raises(ValidationError):
        campaign_services.close_enrollment(planned, acting=None)


# -- query budget --------------------------------------------------------------------------


def _add_busy_units(tree, batch, prefix, count):
    for index in range(count):
        unit = Organization.objects.add_child(
            tree["root"], dict(code=f"{prefix}{index}", name=f"{prefix}{index}", kind="branch")
        )
        people = [make_member(unit, f"{prefix}{index}-{n}", f"成员{n}") for n in range(3)]
        enrollment = campaign_services.enroll(batch, unit)
        campaign_services.save_phase_plan(enrollment, PLAN, acting=None)
        services.receive_opinion(
            batch.campaign,
            channel="online",
            subject=Subject.MEMBER,
            member=people[0],
            content="意见",
            received_on=date(2024, 8, 16),
            acting=None,
        )
        services.record_talk(
            enrollment,
            talked_on=date(2024, 8, 20),
            initiator=people[0],
            partner=people[1],
            topic="谈",
            acting=None,
        )
        services.save_self_analysis(batch.campaign, people[2], text="稿", submit=True, acting=None)
        new_round(enrollment, organization=unit, title="评议", **open_window())


def test_evaluation_queries_do_not_grow_with_units(tree, batches, enrollments):
    def run():
        with CaptureQueriesContext(connection) as captured:
            compliance.evaluate(batches[0].campaign, today=AFTER)
        return len(captured)

    _add_busy_units(tree, batches[1], "X", 2)
    few = run()
    _add_busy_units(tree, batches[1], "Y", 6)
    assert run() == few
    assert AppraisalRound.objects.count() == 8
