"""Results: response rate, satisfaction overall, by method and by group (small groups
hidden), combined by the template's rule; and the hook other modules call,
`latest_result(s)`, in a constant number of queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.surveys.conftest import CLOSES, DURING, answers, people
from tests.surveys.factories import close, open_
from vanguard.campaigns import services as campaign_services
from vanguard.orgs.models import Organization
from vanguard.surveys import results, services
from vanguard.surveys.models import Channel, Method


def test_results_by_method_and_group(open_survey, codes):
    by_code = {code: services.find_code(code, today=DURING) for code in codes}
    reps = [c for c, inv in by_code.items() if inv.method == Method.REPRESENTATIVES]
    sample = [c for c, inv in by_code.items() if inv.method == Method.RANDOM_SAMPLE]
    for code in reps[:4]:
        services.submit_response(code, answers("satisfied"), today=DURING)
    for code in sample[:3]:
        services.submit_response(code, answers("dissatisfied"), today=DURING)
    services.submit_response(sample[3], answers("basically_satisfied"), today=DURING)
    close(open_survey, today=CLOSES)

    result = results.compute(open_survey)

    assert (result.invited, result.responses) == (15, 8)
    assert round(result.response_rate, 1) == 53.3
    assert result.combined.counts == {"satisfied": 4, "dissatisfied": 3, "basically_satisfied": 1}
    assert result.combined.dissatisfied == 3 and round(result.combined.satisfied_share, 1) == 62.5
    assert not result.redo_required and result.passed
    methods = {part.method: part for part in result.by_method}
    assert (methods["representatives"].total, methods["representatives"].invited) == (4, 5)
    assert (methods["random_sample"].total, methods["random_sample"].invited) == (4, 10)
    groups = {part.label: part for part in result.by_group}
    assert groups["群众代表"].shown and groups["群众代表"].counts == {"satisfied": 4}
    assert sum(part.total for part in groups.values()) == 8
    for part in groups.values():  # under k, a group would show how someone answered
        assert part.shown == (part.total >= part.min_shown)


def test_the_template_rule_decides_over_the_pooled_counts(open_survey, codes):
    """Representatives satisfied, sample dissatisfied: pooled, 6 of 11 is a majority."""
    for code in codes[:6]:
        services.submit_response(code, answers("dissatisfied"), today=DURING)
    for code in codes[6:11]:
        services.submit_response(code, answers("satisfied"), today=DURING)
    close(open_survey, today=CLOSES)
    result = results.compute(open_survey)
    assert result.redo_required and result.failed
    assert (result.combined.dissatisfied, result.responses) == (6, 11)


def test_graded_answers_and_comments_are_tallied(open_survey, codes):
    services.submit_response(
        codes[0], answers(problems_solved="good", comment="很好"), today=DURING
    )
    services.submit_response(codes[1], answers(problems_solved="poor", comment=" "), today=DURING)
    services.submit_response(codes[2], answers(problems_solved="good"), today=DURING)
    close(open_survey, today=CLOSES)
    tallies, comments = results.question_tallies(open_survey)
    first = tallies[0]
    assert first.answered == 3  # the k-anonymity threshold of these tests
    assert {grade.code: n for grade, n, _share in first.rows}["good"] == 2
    assert comments == ["很好"]


def test_no_survey_yet_is_none(enrollments):
    assert results.latest_result(enrollments["A"]) is None
    assert results.latest_results([]) == {}


def test_only_closed_surveys_have_a_result_and_published_only_filters(open_survey, codes):
    enrollment = open_survey.enrollment
    assert results.latest_result(enrollment) is None  # open: no result yet
    close(open_survey, today=CLOSES)
    assert results.latest_result(enrollment).survey_id == open_survey.pk
    assert results.latest_result(enrollment, published_only=True) is None
    services.publish_results(open_survey, today=CLOSES, acting=None)
    assert results.latest_result(enrollment, published_only=True).is_published


def _surveyed_units(tree, batch, count, prefix):
    enrollments = []
    for index in range(count):
        unit = Organization.objects.add_child(
            tree["root"], dict(code=f"{prefix}{index}", name=f"{prefix}{index}", kind="branch")
        )
        enrollment = campaign_services.enroll(batch, unit)
        survey = services.create_survey(
            enrollment, opens_on=date(2024, 11, 1), closes_on=CLOSES, acting=None
        )
        services.store_frame(
            survey,
            Method.REPRESENTATIVES,
            people(3, groups=("群众代表",)),
            filename="r",
            acting=None,
        )
        issued = services.issue_codes(survey, channel=Channel.SLIP, acting=None)
        open_(survey)
        for _invitation, code in issued:
            services.submit_response(code, answers(), today=DURING)
        close(survey, today=CLOSES)
        enrollments.append(enrollment)
    return enrollments


def test_latest_results_take_constant_queries_however_many_units(tree, batches):
    few = _surveyed_units(tree, batches[1], 2, "X")
    many = few + _surveyed_units(tree, batches[1], 6, "Y")

    def count(enrollments):
        with CaptureQueriesContext(connection) as captured:
            found = results.latest_results(enrollments)
        return len(captured), found

    few_queries, _found = count(few)
    many_queries, many_found = count(many)
    # surveys, responses, invitations (and the campaigns, unless the enrolments hold them)
    assert few_queries == many_queries <= 4
    assert len(many_found) == 8 and all(r.responses == 3 and r.passed for r in many_found.values())


def test_published_results_feed_the_campaigns_effect_figures(open_survey, codes):
    effect = pytest.importorskip("vanguard.rectification.effect")
    campaign, enrollment = open_survey.enrollment.campaign, open_survey.enrollment
    assert effect.latest_satisfaction(campaign, [enrollment.pk]) == {}
    for code in codes[:3]:
        services.submit_response(code, answers("satisfied"), today=DURING)
    services.submit_response(codes[3], answers("dissatisfied"), today=DURING)
    close(open_survey, today=CLOSES)
    assert effect.latest_satisfaction(campaign, [enrollment.pk]) == {}  # not published yet
    services.publish_results(open_survey, today=CLOSES, acting=None)
    found = effect.latest_satisfaction(campaign, [enrollment.pk])[enrollment.pk]
    assert (found.satisfied_share, found.responses, found.surveyed_on) == (0.75, 4, CLOSES)
    assert found.redo_required is False


def test_a_closed_surveys_effect_figure_is_kept_until_what_decides_it_changes(open_survey, codes):
    """The effect figures read a closed survey's result once (its responses are final); read
    again they cost the one query finding the latest surveys. A change of the template's rule
    gives the figure again, worked out under the new rule."""
    effect = pytest.importorskip("vanguard.rectification.effect")
    campaign, enrollment = open_survey.enrollment.campaign, open_survey.enrollment
    for code in codes[:2]:
        services.submit_response(code, answers("satisfied"), today=DURING)
    services.submit_response(codes[2], answers("dissatisfied"), today=DURING)
    close(open_survey, today=CLOSES)
    services.publish_results(open_survey, today=CLOSES, acting=None)
    first = effect.latest_satisfaction(campaign, [enrollment.pk])[enrollment.pk]
    with CaptureQueriesContext(connection) as captured:
        again = effect.latest_satisfaction(campaign, [enrollment.pk])[enrollment.pk]
    assert again == first and len(captured) == 1
    # the template now hides results of fewer than 5 respondents (k-anonymity)
    data = campaign.template_data
    data.setdefault("satisfaction", {})["min_group_size"] = 5
    campaign.template_data = data
    campaign.save(update_fields=["template_data"])
    campaign.__dict__.pop("template", None)
    assert effect.latest_satisfaction(campaign, [enrollment.pk]) == {}
