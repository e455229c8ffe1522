"""The oversight findings show their evidence (issue 16): supervision suggestions at their
answer deadline, leading groups and the leaders' liaison points state the figure counted
and link the records behind them (the unit's overdue suggestions, the leading groups, the
liaison points); the verdict page's queries do not grow with the number of units."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.conftest import make_member, make_user
from vanguard.campaigns import services as campaign_services
from vanguard.campaigns.compliance import ComplianceContext
from vanguard.campaigns.verdicts import Severity
from vanguard.orgs.models import Organization
from vanguard.oversight import services
from vanguard.oversight.compliance import leading_groups, liaison_points, suggestions_answered


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def urls(finding) -> list[str]:
    return [url for _label, url in finding.links]


def of_unit(findings, enrollment):
    return [f for f in findings if f.enrollment_id == enrollment.pk]


def test_suggestions_at_their_answer_deadline(
    campaign, enrollments, suggestion, login, personas, tree
):
    a, due = enrollments["A"], suggestion.answer_due_on
    listed = reverse("oversight:suggestions", args=[campaign.pk])

    (counted,) = of_unit(suggestions_answered(ComplianceContext(campaign, today=due)), a)
    assert counted.level == Severity.OK
    assert counted.counted == "unanswered past the deadline 0 / 2"
    assert f"{listed}?unit={tree['A'].pk}" in urls(counted)
    assert "thresholds.suggestion_answer_days" in counted.threshold

    day_after = ComplianceContext(campaign, today=due + timedelta(days=1))
    (failing,) = of_unit(suggestions_answered(day_after), a)
    assert failing.level == Severity.FAILING
    assert failing.counted == "unanswered past the deadline 2 / 2"
    overdue = f"{listed}?unit={tree['A'].pk}&status=overdue"
    assert overdue in urls(failing)


def test_the_overdue_link_lists_the_overdue_suggestions(
    campaign, enrollments, suggestion, login, personas, today
):
    type(suggestion).objects.filter(pk=suggestion.pk).update(
        answer_due_on=today - timedelta(days=1)
    )
    (failing,) = of_unit(suggestions_answered(ComplianceContext(campaign)), enrollments["A"])
    assert failing.counted == "unanswered past the deadline 1 / 2"
    page = login(personas["alice"]).get(urls(failing)[-1])
    assert page.status_code == 200 and suggestion.text in page.content.decode()


def test_a_unit_without_a_leading_group_links_the_groups(campaign, enrollments, bureau_group):
    findings = leading_groups(ComplianceContext(campaign))
    groups = reverse("oversight:groups", args=[campaign.pk])
    (unit_a,) = of_unit(findings, enrollments["A"])
    assert unit_a.level == Severity.WARNING and groups in urls(unit_a)
    (bureau,) = [f for f in findings if f.enrollment_id is None]
    assert bureau.level == Severity.OK and "has 1 responsible head" in bureau.message


def test_liaison_points_count_the_leaders_with_both(campaign, points):
    findings = liaison_points(ComplianceContext(campaign))
    assert {f.counted for f in findings} == {"leaders with both points 1 / 2"}
    (deputy,) = [f for f in findings if f.level > Severity.OK]  # the deputy has none
    assert deputy.level == Severity.FAILING
    assert urls(deputy) == [reverse("oversight:points", args=[campaign.pk])]


def test_the_verdict_page_queries_do_not_grow_with_units(
    campaign, batches, tree, login, personas, today
):
    client = login(personas["office"])
    url = reverse("campaigns:verdict", args=[campaign.pk, "oversight.suggestions"])
    officer = make_user("officer")

    def count():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url)
        assert page.status_code == 200 and "finding-counted" in page.content.decode()
        return len(captured)

    def add(prefix, number):
        for index in range(number):
            unit = Organization.objects.add_child(
                tree["root"], dict(code=f"{prefix}{index}", name=f"{prefix}{index}", kind="branch")
            )
            make_member(unit, f"{prefix}{index}-1", "成员")
            campaign_services.enroll(batches[1], unit)
            assignment = services.dispatch_officer(
                batches[1], officer, unit, by=personas["office"], acting=None
            )
            services.record_visit(
                assignment,
                by=officer,
                visited_on=today,
                checked="两本一册",
                findings="点名册不全",
                suggestions=["补全点名册"],
                acting=None,
            )

    add("X", 2)
    few = count()
    add("Y", 6)
    assert count() == few
