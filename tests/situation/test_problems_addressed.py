"""The 突出问题 a record addresses, shown on that record's page (issue 20): the opinion, the
专题组织生活会 and the rectification item each name the unit's problems linked to them, with a
link to the situation page only for a viewer who may open it; a withdrawn problem or a
removed link shows nothing; a template without 摸清问题 shows nothing."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from django.urls import reverse

from vanguard.accounts.access import Scope
from vanguard.appraisal.models import Opinion, OrgLifeMeeting
from vanguard.orgs.models import Member
from vanguard.rectification import services as rectification
from vanguard.rectification.models import Level
from vanguard.situation import services
from vanguard.situation.models import ProblemLink


@pytest.fixture
def unit(enrollments):
    return enrollments["A"]


@pytest.fixture
def problem(unit, personas):
    return services.add_problem(
        unit, title="理论学习流于形式", acting=Scope.for_user(personas["alice"])
    )


@pytest.fixture
def records(unit, campaign, tree, personas):
    """An opinion about unit A, A's meeting and bob's own rectification item."""
    opinion = Opinion.objects.create(
        campaign=campaign,
        channel="suggestion_box",
        subject="unit",
        unit=tree["A"],
        content="希望多开家长会",
        received_on=date(2024, 8, 1),
        responsible_unit=tree["A"],
        due_on=date(2024, 8, 16),
    )
    meeting = OrgLifeMeeting.objects.create(
        campaign=campaign, enrollment=unit, organization=tree["A"], held_on=date(2024, 8, 20)
    )
    item = rectification.create_item(
        campaign,
        level=Level.MEMBER,
        member=Member.objects.get(code="A1-001"),
        problem="理论学习不够系统",
        measures="制定学习计划",
        deadline=date(2024, 11, 30),
        acting=None,
    )
    return {
        "opinion": (opinion.pk, reverse("appraisal:opinion", args=[opinion.pk])),
        "meeting": (meeting.pk, reverse("appraisal:meeting", args=[meeting.pk])),
        "item": (item.pk, reverse("rectification:item", args=[item.pk])),
    }


def _link_all(problem, records, personas):
    alice = Scope.for_user(personas["alice"])
    for kind, (pk, _url) in records.items():
        services.link(problem, kind=kind, object_id=pk, acting=alice)


@pytest.mark.parametrize("kind", ["opinion", "meeting", "item"])
def test_each_linked_page_names_the_problem_with_a_link_for_the_unit(
    kind, unit, campaign, problem, records, personas, client
):
    _link_all(problem, records, personas)
    client.force_login(personas["alice"])
    page = client.get(records[kind][1]).content.decode()
    assert 'id="problems-addressed"' in page
    assert "理论学习流于形式" in page
    assert reverse("situation:unit", args=[campaign.pk, unit.pk]) in page


@pytest.mark.parametrize("kind", ["opinion", "meeting", "item"])
def test_a_page_not_linked_shows_no_problem(kind, problem, records, personas, client):
    client.force_login(personas["alice"])
    page = client.get(records[kind][1]).content.decode()
    assert 'id="problems-addressed"' not in page


def test_a_member_sees_the_problem_of_their_item_without_the_working_papers(
    unit, campaign, problem, records, personas, client
):
    _link_all(problem, records, personas)
    client.force_login(personas["bob"])
    answer = client.get(records["item"][1])
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "理论学习流于形式" in page
    situation_url = reverse("situation:unit", args=[campaign.pk, unit.pk])
    assert situation_url not in page
    assert client.get(situation_url).status_code == 404  # the reason there is no link


def test_a_withdrawn_problem_or_a_removed_link_is_not_shown(problem, records, personas, client):
    _link_all(problem, records, personas)
    alice = Scope.for_user(personas["alice"])
    services.unlink(ProblemLink.objects.get(kind="meeting"), acting=alice)
    client.force_login(personas["alice"])
    assert "理论学习流于形式" not in client.get(records["meeting"][1]).content.decode()
    assert "理论学习流于形式" in client.get(records["item"][1]).content.decode()
    services.withdraw_problem(problem, acting=alice)
    assert "理论学习流于形式" not in client.get(records["item"][1]).content.decode()


def test_outsiders_still_get_404_on_the_linked_pages(problem, records, personas, client):
    _link_all(problem, records, personas)
    client.force_login(personas["charlie"])
    for _pk, url in records.values():
        assert client.get(url).status_code == 404


def test_a_template_without_the_situation_shows_no_problem(
    campaign, problem, records, personas, client
):
    _link_all(problem, records, personas)
    campaign.template_data = dataclasses.replace(campaign.rules, situation=None).to_dict()
    campaign.save()
    client.force_login(personas["alice"])
    for _pk, url in records.values():
        assert "理论学习流于形式" not in client.get(url).content.decode()


def test_the_service_answers_in_one_query_whatever_the_number_of_problems(
    unit, problem, records, personas, django_assert_num_queries
):
    alice = Scope.for_user(personas["alice"])
    item_pk = records["item"][0]
    services.link(problem, kind="item", object_id=item_pk, acting=alice)
    with django_assert_num_queries(1):
        assert len(services.problems_addressed(alice, "item", item_pk)) == 1
    for n in range(5):
        more = services.add_problem(unit, title=f"问题{n}", acting=alice)
        services.link(more, kind="item", object_id=item_pk, acting=alice)
    with django_assert_num_queries(1):
        found = services.problems_addressed(alice, "item", item_pk)
    assert [row["title"] for row in found][-1] == "问题4"
    assert all(row["url"] for row in found)
