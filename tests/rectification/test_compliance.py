"""The rectification verdicts at their boundaries: owners and deadlines, overdue items
(explained or not), unpublished lists after 整改提高, reopened items; and the queries of an
evaluation do not grow with units or items."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_member
from tests.rectification.conftest import scope_of, unit_item
from vanguard.campaigns import services as campaign_services
from vanguard.campaigns.compliance import RULES, ComplianceContext, _run, evaluate, evaluate_unit
from vanguard.campaigns.verdicts import Severity
from vanguard.core.dates import format_date
from vanguard.orgs.models import Organization
from vanguard.rectification import services
from vanguard.rectification.models import RectificationItem, Status

PLAN = {
    "study": (date(2024, 7, 1), date(2024, 8, 14)),
    "analysis": (date(2024, 8, 15), date(2024, 9, 13)),
    "rectification": (date(2024, 9, 14), date(2024, 10, 13)),
}


def verdict(report, code):
    return next(v for v in report.verdicts if v.code == code)


def findings_for(enrollment, code, today):
    return verdict(evaluate_unit(enrollment, today=today), code).findings


@pytest.fixture
def planned(enrollments):
    campaign_services.save_phase_plan(enrollments["A"], PLAN, acting=None)
    return enrollments["A"]


# -- owners and deadlines --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("responsible", "deadline", "level"),
    [
        (True, date(2024, 11, 30), Severity.OK),
        (False, date(2024, 11, 30), Severity.FAILING),
        (True, None, Severity.FAILING),
    ],
)
def test_items_need_an_owner_and_a_deadline(
    campaign, enrollments, tree, secretary, responsible, deadline, level
):
    unit_item(campaign, tree["A"], secretary if responsible else None, deadline=deadline)
    findings = findings_for(enrollments["A"], "rectification.owners", date(2024, 10, 1))
    assert max((f.level for f in findings), default=Severity.OK) == level
    if findings:  # the evidence names the item, with its deadline when it has one
        when = f"（{format_date(deadline)}）" if deadline else ""
        assert findings[0].members == (f"联系群众不够{when}",)


# -- overdue ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "level"),
    [(date(2024, 11, 30), Severity.OK), (date(2024, 12, 1), Severity.FAILING)],
)
def test_an_item_is_overdue_the_day_after_its_deadline(items, enrollments, today, level):
    findings = findings_for(enrollments["A"], "rectification.overdue", today)
    assert max((f.level for f in findings), default=Severity.OK) == level


def test_an_explained_overdue_item_is_a_warning(items, enrollments, personas):
    alice = scope_of(personas["alice"])
    for key in ("A", "A1", "bob"):
        services.explain(items[key], acting=alice, text="需经费，明年完成")
    findings = findings_for(enrollments["A"], "rectification.overdue", date(2024, 12, 1))
    assert [f.level for f in findings] == [Severity.WARNING]
    assert "3" in findings[0].message


def test_a_solved_item_past_its_deadline_is_not_overdue(items, enrollments):
    RectificationItem.objects.filter(enrollment=enrollments["A"]).update(
        status=Status.DONE, progress=100
    )
    assert not findings_for(enrollments["A"], "rectification.overdue", date(2025, 1, 1))


# -- published lists -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "publish", "level"),
    [
        (date(2024, 10, 13), False, Severity.OK),  # the last day of 整改提高: not yet
        (date(2024, 10, 14), False, Severity.FAILING),
        (date(2024, 10, 14), True, Severity.OK),
    ],
)
def test_a_unit_publishes_its_list_by_the_end_of_rectification(
    items, planned, personas, today, publish, level
):
    if publish:
        services.publish(items["A"], acting=scope_of(personas["alice"]))
    findings = findings_for(planned, "rectification.published", today)
    assert max((f.level for f in findings), default=Severity.OK) == level
    if findings:
        assert "整改提高" in findings[0].message and findings[0].dates == (date(2024, 10, 13),)


def test_a_unit_without_items_fails_once_rectification_ended(planned):
    findings = findings_for(planned, "rectification.published", date(2024, 10, 14))
    assert [f.level for f in findings] == [Severity.FAILING]


def test_a_unit_without_a_plan_is_not_judged_on_publication(items, enrollments):
    assert not findings_for(enrollments["A"], "rectification.published", date(2025, 1, 1))


# -- reopened --------------------------------------------------------------------------------


def test_reopened_items_are_a_warning(items, enrollments, personas):
    RectificationItem.objects.filter(pk=items["A"].pk).update(status=Status.DONE, progress=100)
    services.apply_action(
        RectificationItem.objects.get(pk=items["A"].pk),
        "reopen",
        acting=scope_of(personas["office"]),
        reason="群众不满意",
    )
    findings = findings_for(enrollments["A"], "rectification.reopened", date(2024, 10, 1))
    assert [f.level for f in findings] == [Severity.WARNING]
    assert findings[0].members == (f"联系群众不够（{format_date(date(2024, 11, 30))}）",)


# -- the bureau's items and scope ------------------------------------------------------------


def test_the_bureaus_items_are_judged_campaign_wide_not_on_a_unit(items, campaign, enrollments):
    RectificationItem.objects.filter(pk=items["bureau"].pk).update(responsible=None)
    report = evaluate(campaign, today=date(2024, 10, 1))
    owners = verdict(report, "rectification.owners").findings
    assert [(f.organization.name, f.enrollment_id) for f in owners] == [("测试局党委", None)]
    assert not findings_for(enrollments["A"], "rectification.owners", date(2024, 10, 1))


def test_a_unit_admin_sees_only_their_units_findings(items, campaign, personas):
    RectificationItem.objects.update(responsible=None)
    report = evaluate(campaign, scope=scope_of(personas["charlie"]), today=date(2024, 10, 1))
    units = {f.organization.name for f in verdict(report, "rectification.owners").findings}
    assert units == {"乙中心党支部", "测试局党委"}  # B, and the bureau's list he may read


def test_evaluation_queries_do_not_grow_with_units_or_items(tree, campaign, batches, items):
    ours = [rule for code, rule in RULES.items() if code.startswith("rectification.")]

    def run():
        context = ComplianceContext(campaign, today=date(2024, 12, 1))
        context.enrollments  # noqa: B018 -- the context's own load, not counted
        with CaptureQueriesContext(connection) as captured:
            report = _run(context, ours)
        assert len(report.verdicts) == 4
        return len(captured)

    def add(prefix, count):
        for index in range(count):
            unit = Organization.objects.add_child(
                tree["root"], dict(code=f"{prefix}{index}", name=f"{prefix}{index}", kind="branch")
            )
            owner = make_member(unit, f"{prefix}{index}-1", "成员")
            enrollment = campaign_services.enroll(batches[1], unit)
            campaign_services.save_phase_plan(enrollment, PLAN, acting=None)
            unit_item(campaign, unit, owner)
            unit_item(campaign, unit, None, deadline=None)

    add("X", 2)
    few = run()
    assert few == 2  # 1. the flagged items, 2. the figures per list
    add("Y", 8)
    assert run() == few
