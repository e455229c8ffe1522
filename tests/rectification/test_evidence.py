"""The rectification findings show their evidence (issue 16): at each rule's boundary the
finding states the figure counted ("overdue 2 / 2") and links the unit's list filtered to
the records behind it (the overdue, the reopened items), the bureau's findings its own
list; the verdict page's queries do not grow with the number of units."""

from datetime import date

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_member
from tests.rectification.conftest import unit_item
from tests.rectification.test_compliance import PLAN, findings_for, verdict
from vanguard.campaigns import services as campaign_services
from vanguard.campaigns.compliance import evaluate, evaluate_unit
from vanguard.campaigns.verdicts import Severity
from vanguard.orgs.models import Organization

DEADLINE, DAY_AFTER = date(2024, 11, 30), date(2024, 12, 1)


def urls(finding) -> list[str]:
    return [url for _label, url in finding.links]


def test_overdue_items_at_the_boundary(items, enrollments, login, personas):
    a = enrollments["A"]
    unit_list = reverse("rectification:unit", args=[a.campaign_id, a.pk])
    unit_page = reverse("campaigns:unit", args=[a.campaign_id, a.pk])

    (counted,) = verdict(evaluate_unit(a, today=DEADLINE), "rectification.overdue").evidence
    assert counted.counted == "overdue 0 / 3"  # A's, A1's and bob's items
    assert urls(counted) == [unit_page, unit_list]

    (failing,) = findings_for(a, "rectification.overdue", DAY_AFTER)
    assert failing.level == Severity.FAILING and failing.counted == "overdue 3 / 3"
    assert urls(failing) == [unit_page, f"{unit_list}?overdue=1"]
    page = login(personas["alice"]).get(urls(failing)[1]).content.decode()
    assert items["A"].problem in page and items["A1"].problem in page


def test_the_bureaus_overdue_items_link_its_list(items, campaign):
    report = evaluate(campaign, today=date(2025, 1, 1))
    bureau = [f for f in verdict(report, "rectification.overdue").findings if not f.enrollment_id]
    assert [f.counted for f in bureau] == ["overdue 1 / 1"]
    assert urls(bureau[0]) == [f"{reverse('rectification:bureau', args=[campaign.pk])}?overdue=1"]


def test_items_without_owner_are_counted(campaign, enrollments, tree, secretary):
    unit_item(campaign, tree["A"], None)
    unit_item(campaign, tree["A"], secretary)
    (failing,) = findings_for(enrollments["A"], "rectification.owners", DAY_AFTER)
    assert failing.counted == "without owner or deadline 1 / 2"
    a = enrollments["A"]
    assert reverse("rectification:unit", args=[a.campaign_id, a.pk]) in urls(failing)


def test_the_published_list_after_the_phase(campaign, enrollments, tree, secretary):
    a = enrollments["A"]
    campaign_services.save_phase_plan(a, PLAN, acting=None)
    unit_item(campaign, tree["A"], secretary)
    after = date(2024, 10, 14)  # the day after 整改提高 ends
    assert findings_for(a, "rectification.published", date(2024, 10, 13)) == []
    (failing,) = findings_for(a, "rectification.published", after)
    assert failing.counted == "published 0 / 1"
    assert reverse("rectification:unit", args=[a.campaign_id, a.pk]) in urls(failing)


def test_the_verdict_page_queries_do_not_grow_with_units(
    tree, campaign, batches, items, login, personas
):
    client = login(personas["office"])
    url = reverse("campaigns:verdict", args=[campaign.pk, "rectification.overdue"])

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
            owner = make_member(unit, f"{prefix}{index}-1", "成员")
            enrollment = campaign_services.enroll(batches[1], unit)
            campaign_services.save_phase_plan(enrollment, PLAN, acting=None)
            unit_item(campaign, unit, owner, deadline=date(2024, 9, 1))

    add("X", 2)
    few = count()
    add("Y", 6)
    assert count() == few
