"""五.1(1) 摸清问题: the profile computed from the member data, what the unit enters, its
突出问题 linked to opinions, the meeting and rectification items, and the step that follows
them (no checkbox); access for every persona; a template without it shows nothing."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_member
from vanguard.accounts.access import Scope
from vanguard.appraisal.models import OrgLifeMeeting
from vanguard.campaigns.models import StepRecord, StepStatus
from vanguard.situation import profile, services
from vanguard.situation.models import Problem, ProblemLink

ENTERED = {
    "political_quality": "较好",
    "ideology_and_style": "一般",
    "work_ability": "较强",
    "self_image": "良好",
}


@pytest.fixture
def unit(enrollments):
    return enrollments["A"]


def step_status(enrollment):
    record = StepRecord.objects.filter(enrollment=enrollment, step_code="survey_problems").first()
    return record.status if record else StepStatus.TODO


def test_the_profile_counts_the_member_data(tree, unit):
    make_member(tree["A1"], "P1", "青年", birth_date=date(1989, 7, 1))  # 35 on 2024-07-01
    make_member(tree["A1"], "P2", "中年", birth_date=date(1988, 7, 1), retired=True)  # 36
    make_member(tree["A"], "P3", "流动", floating=True, out_of_contact=True, post_kind="teacher")
    make_member(tree["A"], "P4", "离开", left_on=date(2024, 1, 1))  # left: not counted
    figures = profile.compute(unit)  # on the batch's first day, 2024-07-01
    assert figures["total"] == 3
    assert figures["by"]["age"] == {"le35": 1, "36-45": 1, "unknown": 1}
    assert figures["flags"]["retired"] == 1
    assert figures["flags"]["floating"] == 1 and figures["flags"]["out_of_contact"] == 1
    assert figures["by"]["post"] == {"teacher": 1, "unknown": 2}
    assert figures["by"]["group"] == {"school_teachers": 2, "retired_members": 1}
    titles = [section["title"] for section in profile.sections(figures, unit.campaign.rules)]
    assert len(titles) == 5


def test_the_step_is_done_when_confirmed_and_problems_recorded(unit, personas):
    alice = Scope.for_user(personas["alice"])
    assert step_status(unit) == StepStatus.TODO
    with pytest.raises(ValidationError):  # every heading before confirming
        services.save_profile(unit, {**ENTERED, "self_image": " "}, confirm=True, acting=alice)
    services.save_profile(unit, ENTERED, confirm=True, acting=alice)
    assert step_status(unit) == StepStatus.DOING  # confirmed, no problem yet
    problem = services.add_problem(unit, title="理想信念淡薄", acting=alice)
    assert step_status(unit) == StepStatus.DONE
    # withdrawing the last problem, or changing the confirmed text, undoes the step
    services.withdraw_problem(problem, acting=alice)
    assert step_status(unit) == StepStatus.DOING
    assert Problem.objects.filter(pk=problem.pk).exists()  # kept
    services.add_problem(unit, title="敬业精神不强", acting=alice)
    assert step_status(unit) == StepStatus.DONE
    services.save_profile(unit, {**ENTERED, "self_image": "改了"}, acting=alice)
    assert step_status(unit) == StepStatus.DOING


def test_outsiders_and_readers_cannot_change_it(unit, personas):
    for who in ("charlie", "leader", "liaison", "bob"):
        with pytest.raises(PermissionDenied):
            services.add_problem(unit, title="x", acting=Scope.for_user(personas[who]))
    assert not Problem.objects.exists()


def test_the_checkbox_is_gone(unit, campaign, personas, client):
    client.force_login(personas["alice"])
    url = reverse("campaigns:unit-step", args=[campaign.pk, unit.pk, "survey_problems"])
    client.post(url, {"survey_problems-status": "done"})
    assert step_status(unit) == StepStatus.TODO
    page = client.get(reverse("campaigns:unit", args=[campaign.pk, unit.pk])).content.decode()
    assert reverse("situation:unit", args=[campaign.pk, unit.pk]) in page


def test_links_to_the_units_meeting_and_not_anothers(unit, campaign, enrollments, personas, tree):
    alice = Scope.for_user(personas["alice"])
    problem = services.add_problem(unit, title="凝聚力不强", acting=alice)
    ours = OrgLifeMeeting.objects.create(
        campaign=campaign, enrollment=unit, organization=tree["A"], held_on=date(2024, 8, 1)
    )
    theirs = OrgLifeMeeting.objects.create(
        campaign=campaign,
        enrollment=enrollments["B"],
        organization=tree["B"],
        held_on=date(2024, 3, 1),
    )
    services.link(problem, kind="meeting", object_id=ours.pk, acting=alice)
    with pytest.raises(ValidationError):
        services.link(problem, kind="meeting", object_id=theirs.pk, acting=alice)
    with pytest.raises(ValidationError):
        services.link(problem, kind="xyzzy", object_id=ours.pk, acting=alice)
    link = ProblemLink.objects.get()
    services.unlink(link, acting=alice)
    link.refresh_from_db()
    assert link.removed_on is not None  # kept


def test_the_page_for_every_persona(unit, campaign, personas, client, tree):
    url = reverse("situation:unit", args=[campaign.pk, unit.pk])
    for who, status in [
        ("office", 200),
        ("leader", 200),
        ("liaison", 200),
        ("alice", 200),
        ("bob", 404),
        ("charlie", 404),
    ]:
        client.force_login(personas[who])
        assert client.get(url).status_code == status, who
    client.force_login(personas["alice"])
    add = reverse("situation:problem-add", args=[campaign.pk, unit.pk])
    answer = client.post(add, {"title": "", "description": "我的描述"})
    assert answer.status_code == 400 and "我的描述" in answer.content.decode()
    assert client.post(add, {"title": "师德师风有待加强"}).status_code == 302
    profile_url = reverse("situation:profile", args=[campaign.pk, unit.pk])
    answer = client.post(profile_url, {"political_quality": "较好", "confirm": "1"})
    assert answer.status_code == 400 and "较好" in answer.content.decode()
    client.post(profile_url, {**ENTERED, "confirm": "1"})
    assert step_status(unit) == StepStatus.DONE
    client.force_login(personas["leader"])
    assert client.post(add, {"title": "x"}).status_code == 403


def test_the_page_queries_do_not_grow_with_members(unit, campaign, personas, client, tree):
    client.force_login(personas["alice"])
    url = reverse("situation:unit", args=[campaign.pk, unit.pk])
    services.add_problem(unit, title="一", acting=None)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(20):
        make_member(tree["A1"], f"Q{index}", "党员", retired=index % 2 == 0)
    services.add_problem(unit, title="二", acting=None)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_a_template_without_it_shows_nothing(unit, campaign, personas, client):
    campaign.template_data = dataclasses.replace(campaign.rules, situation=None).to_dict()
    campaign.save()
    client.force_login(personas["alice"])
    assert client.get(reverse("situation:unit", args=[campaign.pk, unit.pk])).status_code == 404
    page = client.get(reverse("campaigns:unit", args=[campaign.pk, unit.pk])).content.decode()
    assert "data-step-page" not in page
    url = reverse("campaigns:unit-step", args=[campaign.pk, unit.pk, "survey_problems"])
    client.post(url, {"survey_problems-status": "done"})
    assert step_status(unit) == StepStatus.DONE  # the checkbox again
