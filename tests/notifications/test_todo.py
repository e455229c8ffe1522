"""The to-do lists (待办): each persona's items, computed from the campaign, linked to where
they are done, gone once done; never another unit's; queries constant in the data."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_member
from vanguard.accounts.access import Scope
from vanguard.campaigns import services
from vanguard.campaigns.models import PhaseWindow, StepRecord, StepStatus
from vanguard.campaigns.verdicts import Severity
from vanguard.core.registry import todo_items

pytestmark = pytest.mark.django_db


def titles(user, campaign, today):
    return [item.title for item in todo_items(Scope.for_user(user, today), campaign, today)]


@pytest.fixture
def planned(enrollments):
    a = enrollments["A"]
    for code, starts, ends in [
        ("study", date(2024, 7, 1), date(2024, 8, 14)),
        ("analysis", date(2024, 8, 15), date(2024, 9, 14)),
        ("rectification", date(2024, 9, 15), date(2024, 10, 31)),
    ]:
        PhaseWindow.objects.create(enrollment=a, phase_code=code, starts_on=starts, ends_on=ends)
    return a


def test_unit_admin_is_asked_to_plan_overdue_once_the_batch_started(
    personas, campaign, enrollments
):
    [early] = todo_items(Scope.for_user(personas["alice"]), campaign, date(2024, 6, 30))
    assert "制订阶段计划" in early.title and not early.overdue
    [item] = todo_items(Scope.for_user(personas["alice"]), campaign, date(2024, 7, 2))
    assert "制订阶段计划" in item.title and item.overdue
    assert item.url == reverse("campaigns:unit-plan", args=[campaign.pk, enrollments["A"].pk])


def test_steps_of_the_running_phase_until_done(personas, campaign, planned):
    [item] = todo_items(Scope.for_user(personas["alice"]), campaign, date(2024, 7, 10))
    assert "学习动员阶段还有4个环节未完成" in item.title
    for step in ("survey_problems", "make_plan", "mobilize", "training"):
        StepRecord.objects.update_or_create(
            enrollment=planned, step_code=step, defaults={"status": StepStatus.DONE}
        )
    assert titles(personas["alice"], campaign, date(2024, 7, 10)) == []


def test_an_outsider_sees_nothing_of_unit_a(personas, campaign, planned):
    assert not any("甲中学" in t for t in titles(personas["charlie"], campaign, date(2024, 7, 10)))


def test_member_hours_short_until_enough(personas, campaign, planned):
    from vanguard.study.models import MemberHours

    bob = personas["bob"]
    [item] = todo_items(Scope.for_user(bob), campaign, date(2024, 7, 10))
    assert "集中学习还差40" in item.title and item.due == date(2024, 8, 14)
    MemberHours.objects.create(campaign=campaign, member=bob.member, hours=Decimal("40.0"))
    assert titles(bob, campaign, date(2024, 7, 10)) == []


def test_member_writes_the_analysis_in_the_analysis_phase(personas, campaign, planned):
    from vanguard.appraisal.models import SelfAnalysis
    from vanguard.study.models import MemberHours

    bob = personas["bob"]
    MemberHours.objects.create(campaign=campaign, member=bob.member, hours=Decimal("40.0"))
    assert titles(bob, campaign, date(2024, 8, 20)) == ["撰写党性分析材料"]
    SelfAnalysis.objects.create(
        campaign=campaign,
        member=bob.member,
        text="…",
        status="returned",
        reviewed_on=date(2024, 8, 25),
    )
    [item] = todo_items(Scope.for_user(bob), campaign, date(2024, 8, 26))
    assert item.overdue and "修改" in item.title
    SelfAnalysis.objects.filter(member=bob.member).update(status="submitted")
    assert titles(bob, campaign, date(2024, 8, 26)) == []


def test_office_counts_units_without_a_plan(personas, campaign, enrollments):
    [item] = todo_items(Scope.for_user(personas["office"]), campaign, date(2024, 7, 2))
    assert item.count == 2 and item.url == reverse("campaigns:overview", args=[campaign.pk])


def test_liaison_officer_has_answers_to_accept(personas, campaign, planned, tree):
    from vanguard.oversight.models import LiaisonAssignment, Suggestion, SupervisionVisit

    batch = planned.batch
    assignment = LiaisonAssignment.objects.create(
        batch=batch,
        officer=personas["liaison"],
        organization=tree["A"],
        dispatched_on=batch.starts_on,
    )
    visit = SupervisionVisit.objects.create(
        assignment=assignment,
        organization=tree["A"],
        visited_on=date(2024, 7, 5),
        checked="x",
        findings="y",
    )
    suggestion = Suggestion.objects.create(
        visit=visit,
        text="加强学习",
        answer_due_on=date(2024, 7, 19),
        status="answered",
        answer="已整改",
    )
    assert "1条建议答复待您验收或退回" in titles(personas["liaison"], campaign, date(2024, 7, 10))
    suggestion.status = "accepted"
    suggestion.save()
    assert titles(personas["liaison"], campaign, date(2024, 7, 10)) == []


def test_the_list_is_on_the_members_page(login, personas, campaign, planned):
    html = login(personas["bob"]).get(reverse("portal:me")).content.decode()
    assert 'id="todo-list"' in html or 'id="todo-empty"' in html


def test_queries_do_not_grow_with_the_units(personas, campaign, tree, batches):
    from vanguard.accounts.models import Role, RoleGrant
    from vanguard.orgs.models import Organization, OrgKind

    RoleGrant.objects.create(
        user=personas["charlie"], role=Role.UNIT_ADMIN, organization=tree["root"]
    )

    def count_queries():
        scope = Scope.for_user(personas["charlie"], date(2024, 7, 10))
        with CaptureQueriesContext(connection) as captured:
            todo_items(scope, campaign, date(2024, 7, 10))
        return len(captured)

    services.enroll(batches[1], tree["A"])
    few = count_queries()
    for n in range(5):
        unit = Organization.objects.add_child(
            tree["root"], dict(code=f"S{n}", name=f"学校{n}", kind=OrgKind.BRANCH)
        )
        make_member(unit, f"S{n}-1", f"党员{n}")
        services.enroll(batches[1], unit)
    assert count_queries() == few


def test_office_has_failing_units_once_the_figures_are_stored(personas, campaign, enrollments):
    from vanguard.campaigns import figures

    today = date(2024, 7, 2)
    assert not any("不达标" in t for t in titles(personas["office"], campaign, today))
    figures.state(campaign)  # the overview computes and stores them
    failing = [t for t in titles(personas["office"], campaign, today) if "不达标" in t]
    assert failing and failing[0].startswith("2个单位")  # both units lack a plan


def test_office_failing_count_reads_the_units_levels_not_their_figures(
    personas, campaign, enrollments, monkeypatch
):
    """The office's count of failing units is read from the small entries stored beside
    each unit's figures (its level), never by putting the campaign's report together, and
    follows a write once the worker has recomputed the unit."""
    from django.utils import translation

    from vanguard.campaigns import figures

    reports = []
    real = figures.campaign_report
    monkeypatch.setattr(figures, "campaign_report", lambda c, **k: reports.append(c) or real(c))
    figures.state(campaign)
    assert figures.failing_unit_count(campaign) == 2  # neither unit has a plan
    windows = {
        "study": (date(2024, 7, 1), date(2024, 8, 14)),
        "analysis": (date(2024, 8, 15), date(2024, 9, 14)),
        "rectification": (date(2024, 9, 15), date(2024, 10, 31)),
    }
    services.save_phase_plan(enrollments["A"], windows, acting=None)
    figures.refresh(campaign.pk, translation.get_language())  # the worker catches up
    assert figures.failing_unit_count(campaign) == 2  # A planned, but its steps are overdue
    failing = [t for t in titles(personas["office"], campaign, date(2024, 7, 2)) if "不达标" in t]
    assert failing and failing[0].startswith("2个单位") and reports == []
    # the same count as the report put together from every unit's figures
    levels = real(campaign).unit_levels
    assert sum(1 for e in enrollments.values() if levels[e.pk] == Severity.FAILING) == 2


def test_office_failing_count_computes_units_evicted_from_the_cache(
    personas, campaign, enrollments
):
    """A unit whose stored figures were evicted is computed for the count, not skipped."""
    from django.core.cache import cache
    from django.utils import translation

    from vanguard.campaigns import figures

    figures.state(campaign)
    language = translation.get_language()
    cache.delete_many(
        [figures._stamp_key(e.pk, language) for e in enrollments.values()]
        + [figures._unit_key(e.pk, language) for e in enrollments.values()]
    )
    figures._memo.clear()
    assert figures.failing_unit_count(campaign) == 2


def test_office_decides_nominations(personas, campaign, enrollments, batches, tree):
    from vanguard.oversight.models import Commendation

    Commendation.objects.create(
        campaign=campaign,
        kind="outstanding_member",
        member=personas["bob"].member,
        nominated_by_unit=tree["A"],
        citation="事迹",
        nominated_by=personas["alice"],
        nominated_on=batches[1].starts_on,
    )
    assert "1项表彰推荐待审定" in titles(personas["office"], campaign, date(2024, 7, 2))
    assert not any("表彰" in t for t in titles(personas["alice"], campaign, date(2024, 7, 2)))


def test_the_list_is_kept_until_a_write_to_the_campaign(personas, campaign, planned, monkeypatch):
    """A landing page read again while nothing was written does not gather the list again;
    once a step is done (a write to the campaign's data) the list follows it."""
    from vanguard.campaigns import todo

    gathered = []
    real = todo.todo_items
    monkeypatch.setattr(todo, "todo_items", lambda *a: gathered.append(1) or real(*a))
    alice, day = Scope.for_user(personas["alice"]), date(2024, 7, 10)
    [item] = todo.cached_items(alice, campaign, day)
    assert todo.cached_items(alice, campaign, day) == [item] and len(gathered) == 1
    bob = Scope.for_user(personas["bob"])  # another user: a list of their own
    assert item not in todo.cached_items(bob, campaign, day) and len(gathered) == 2
    for step in ("survey_problems", "make_plan", "mobilize", "training"):
        StepRecord.objects.update_or_create(
            enrollment=planned, step_code=step, defaults={"status": StepStatus.DONE}
        )
    assert todo.cached_items(alice, campaign, day) == [] and len(gathered) == 3
