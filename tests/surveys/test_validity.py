"""Survey validity and k-anonymity at the shipped template's values (issue 16): a survey
below the minimum response rate (50 %) or the minimum of respondents (10) is 无效 — never
通过, never 补课 — with its reason; no result is shown for a group, or a whole survey, with
fewer than 5 responses, on any page or in any export."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.surveys.conftest import CLOSES, DURING, OPENS, answers, loosen
from tests.surveys.factories import close, open_
from vanguard.campaigns.compliance import evaluate_units
from vanguard.campaigns.models import EnrollmentStatus
from vanguard.campaigns.template import load_template, shipped_template_path
from vanguard.surveys import results, services
from vanguard.surveys.closure import *  # noqa: F403  (registers the closure gate)
from vanguard.surveys.models import Channel, Method, Outcome
from vanguard.surveys.sampling import FrameRow

SHIPPED = load_template(shipped_template_path("xianjinxing-2024")).satisfaction


@pytest.fixture
def strict(campaign):
    """The shipped template's validity and k-anonymity values (the package's `campaign`
    fixture loosens them for the other survey tests)."""
    loosen(
        campaign,
        min_respondents=SHIPPED.min_respondents,
        min_response_rate=SHIPPED.min_response_rate,
        min_group_size=SHIPPED.min_group_size,
    )
    return campaign


def run_survey(enrollment, invited, answered, *, overall="satisfied", groups=None, comment=""):
    """A survey of `invited` representatives of whom the first `answered` answer."""
    survey = services.create_survey(enrollment, opens_on=OPENS, closes_on=CLOSES, acting=None)
    groups = groups or ["群众代表"] * invited
    rows = [
        FrameRow(n, f"代表{n}", groups[n - 2], f"1390000{n:04d}") for n in range(2, 2 + invited)
    ]
    services.store_frame(survey, Method.REPRESENTATIVES, rows, filename="代表.xlsx", acting=None)
    issued = services.issue_codes(survey, channel=Channel.SLIP, today=OPENS, acting=None)
    open_(survey)
    for _invitation, code in issued[:answered]:
        services.submit_response(code, answers(overall, comment=comment), today=DURING)
    return close(survey, today=CLOSES)


def test_the_shipped_template_states_its_minimums():
    assert (SHIPPED.min_response_rate, SHIPPED.min_respondents, SHIPPED.min_group_size) == (
        0.5,
        10,
        5,
    )


@pytest.mark.parametrize(
    ("invited", "answered", "outcome"),
    [
        (24, 12, Outcome.PASSED),  # exactly 50 %: valid
        (24, 11, Outcome.INVALID),  # 45.8 %, though 11 ≥ 10 respondents
        (10, 10, Outcome.PASSED),  # exactly 10 respondents: valid
        (10, 9, Outcome.INVALID),  # 9 respondents (min − 1), though 90 % answered
        (51, 1, Outcome.INVALID),  # the issue's 1 of 51
    ],
)
def test_validity_at_the_boundaries(strict, enrollments, invited, answered, outcome):
    survey = run_survey(enrollments["A"], invited, answered)
    assert survey.outcome == outcome
    result = results.compute(survey)
    assert result.passed == (outcome == Outcome.PASSED)
    assert bool(result.invalid_reason) == (outcome == Outcome.INVALID)


def test_the_reason_names_what_fell_short(strict, enrollments):
    rate_only, few = run_survey(enrollments["A"], 24, 11), run_survey(enrollments["B"], 10, 9)
    with translation.override("en"):
        rate_only, few = results.compute(rate_only), results.compute(few)
    assert "45.8%" in rate_only.invalid_reason and "respondents" not in rate_only.invalid_reason
    assert "9 respondents" in few.invalid_reason and "rate" not in few.invalid_reason


def test_an_invalid_survey_is_neither_passed_nor_remedial(strict, enrollments, settings):
    enrollment = enrollments["A"]
    survey = run_survey(enrollment, 24, 11, overall="dissatisfied")  # all dissatisfied
    assert survey.outcome == Outcome.INVALID
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE
    assert not enrollment.remedial_cycles.exists()  # no 补课
    report = evaluate_units(strict, [enrollment.pk], today=date(2024, 12, 5))
    (finding,) = next(v for v in report.verdicts if v.code == "surveys.satisfied").findings
    assert finding.level.name == "WARNING"
    assert "45.8%" in finding.message
    assert finding.links[-1][1] == reverse("surveys:results", args=[survey.pk])
    passed = next(v for v in report.verdicts if v.code == "surveys.satisfied")
    assert passed.evidence == []  # and it counts for no pass either


def test_the_results_page_says_invalid_and_why(strict, enrollments, login, personas):
    survey = run_survey(enrollments["A"], 24, 11)
    body = login(personas["office"]).get(reverse("surveys:results", args=[survey.pk]))
    text = body.content.decode()
    assert 'id="invalid-reason"' in text and "45.8%" in text and "无效" in text


def test_k_anonymity_of_groups(strict, enrollments, login, personas):
    groups = ["教师"] * 5 + ["学生家长"] * 4 + ["社区居民"]  # k, k − 1, 1
    survey = run_survey(enrollments["A"], 10, 10, groups=groups)
    result = results.compute(survey)
    shown = {part.label: part.shown for part in result.by_group}
    assert shown == {"教师": True, "学生家长": False, "社区居民": False}
    assert result.shown  # ten responses in all
    body = login(personas["office"]).get(reverse("surveys:results", args=[survey.pk]))
    by_group = body.content.decode().split('id="result-groups"')[1].split("</table>")[0]
    assert by_group.count("不予显示") == 2


def test_no_result_of_a_survey_below_k_anywhere(strict, enrollments, login, personas, client):
    survey = run_survey(enrollments["A"], 4, 4, comment="只有四个人回答")  # k − 1
    result = results.compute(survey)
    assert not result.shown and result.invalid
    assert results.question_tallies(survey) == ([], [])
    office = login(personas["office"])
    page = office.get(reverse("surveys:results", args=[survey.pk])).content.decode()
    assert 'id="result-combined"' not in page and "只有四个人回答" not in page
    assert 'id="not-shown"' in page
    detail = office.get(reverse("surveys:detail", args=[survey.pk])).content.decode()
    assert "不予显示" in detail
    services.publish_results(survey, acting=None)
    client.logout()
    public = client.get(reverse("surveys:public-draws")).content.decode()
    assert "不予显示" in public
    # the campaign's effect figures leave it out too
    effect = pytest.importorskip("vanguard.rectification.effect")
    assert effect.latest_satisfaction(strict, [enrollments["A"].pk]) == {}


def test_at_k_the_survey_is_shown(strict, enrollments):
    survey = run_survey(enrollments["A"], 5, 5, comment="五个人")  # k: shown, though invalid
    result = results.compute(survey)
    assert result.shown and result.invalid
    _tallies, comments = results.question_tallies(survey)
    assert comments == ["五个人"] * 5


def test_the_results_pdf_hides_a_survey_below_k(strict, enrollments, login, personas):
    from tests.reports.helpers import export
    from tests.surveys.test_views import _pdf_text, _weasyprint_or_skip

    _weasyprint_or_skip()
    survey = run_survey(enrollments["A"], 4, 4, comment="只有四个人回答")
    response = export(login(personas["office"]), reverse("surveys:results-pdf", args=[survey.pk]))
    text = _pdf_text(response)
    assert "只有四个人回答" not in text and "不予显示" in text


def test_survey_rules_take_constant_queries_with_invalid_surveys(strict, tree, batches):
    from vanguard.campaigns import services as campaign_services
    from vanguard.orgs.models import Organization, OrgKind

    def units(count, prefix):
        made = []
        for n in range(count):
            org = Organization.objects.add_child(
                tree["root"], dict(code=f"{prefix}{n}", name=f"{prefix}{n}", kind=OrgKind.BRANCH)
            )
            enrollment = campaign_services.enroll(batches[1], org)
            run_survey(enrollment, 10, 9 if n % 2 else 10)
            made.append(enrollment.pk)
        return made

    def count(ids):
        with CaptureQueriesContext(connection) as captured:
            evaluate_units(strict, ids, today=date(2024, 12, 5))
        return len(captured)

    few = units(2, "X")
    many = few + units(4, "Y")
    assert count(few) == count(many)
