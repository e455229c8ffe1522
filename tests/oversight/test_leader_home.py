"""The bureau leader's home page: the liaison points first, with progress, verdicts, open
suggestions and the leader's 三进 visits there; its query count does not grow with data."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_member
from vanguard.campaigns import services as campaign_services
from vanguard.campaigns.models import StepStatus
from vanguard.orgs.models import Organization
from vanguard.oversight import services
from vanguard.oversight.views.leader import leader_visit_model

URL = reverse("oversight:leader-home")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("leader", 200),
        ("office", 404),
        ("alice", 404),
        ("liaison", 404),
        ("bob", 404),
        ("charlie", 404),
    ],
)
def test_leader_home_access(login, personas, points, persona, status):
    assert login(personas[persona]).get(URL).status_code == status


def test_leader_home_needs_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_leader_home_shows_the_points_with_their_verdicts_and_suggestions(
    login, personas, points, suggestion, department
):
    response = login(personas["leader"]).get(URL)
    units = response.context["units"]
    assert [row["point"].organization.code for row in units] == ["A", "D"]  # unit first
    unit_a = units[0]
    assert unit_a["enrollment"].organization.code == "A"
    assert unit_a["level"] is not None and unit_a["findings"]  # A has not planned: failing
    assert [s.pk for s in unit_a["suggestions"]] == [
        s.pk for s in suggestion.visit.suggestions.all()
    ]
    assert units[1]["enrollment"] is None  # the department is not enrolled here
    body = response.content.decode()
    assert "补全点名册" in body and department.name in body
    # a failing unit's steps bar is not green and says why the badge is red (issue 19)
    assert "data-why-level" in body and "progress-bar bg-secondary" in body


def test_leader_without_points_is_told_so(login, personas, bureau_group):
    response = login(personas["leader"]).get(URL)
    assert response.status_code == 200 and 'id="no-points"' in response.content.decode()


def test_other_leaders_points_are_not_shown(login, personas, points, campaign, people, tree):
    services.set_liaison_point(campaign, people["deputy"], "unit", tree["B"], acting=None)
    units = login(personas["leader"]).get(URL).context["units"]
    assert tree["B"] not in [row["point"].organization for row in units]


def _grow(campaign, tree, batches, officer, prefix, count):
    """More units, members, plans, steps, dispatches, visits and suggestions everywhere —
    including inside the leader's liaison-point unit A."""
    for index in range(count):
        code = f"{prefix}{index}"
        unit = Organization.objects.add_child(
            tree["root"], dict(code=code, name=f"单位{code}", kind="branch", category="school")
        )
        for number in range(3):
            make_member(unit, f"{code}-{number}", f"成员{number}")
        enrollment = campaign_services.enroll(batches[1], unit)
        start = batches[1].starts_on
        campaign_services.save_phase_plan(
            enrollment,
            {
                "study": (start, start + timedelta(days=44)),
                "analysis": (start + timedelta(days=45), start + timedelta(days=74)),
                "rectification": (start + timedelta(days=75), start + timedelta(days=104)),
            },
            acting=None,
        )
        campaign_services.record_step(enrollment, "mobilize", status=StepStatus.DONE, acting=None)
        assignment = services.dispatch_officer(batches[1], officer, unit, acting=None)
        services.record_visit(
            assignment,
            by=officer,
            visited_on=batches[1].starts_on,
            checked="c",
            findings="f",
            suggestions=["s1", "s2"],
            acting=None,
        )
        inside = Organization.objects.add_child(
            tree["A"], dict(code=f"A-{code}", name=f"甲{code}", kind="branch", category="school")
        )
        make_member(inside, f"A-{code}-1", "甲成员")


def _count(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
        assert response.status_code == 200
    return len(queries)


def test_leader_home_queries_do_not_grow_with_data(
    login, personas, points, campaign, tree, batches, officer, assignment
):
    client = login(personas["leader"])
    _grow(campaign, tree, batches, officer, "X", 2)
    few = _count(client)
    _grow(campaign, tree, batches, officer, "Y", 8)
    for number in range(5):
        services.record_visit(
            assignment,
            by=officer,
            visited_on=batches[1].starts_on,
            checked="c",
            findings="f",
            suggestions=[f"建议{number}"],
            acting=None,
        )
    many = _count(client)
    assert few == many


def test_leader_visits_are_shown_when_the_study_module_has_them(
    login, personas, points, campaign, people, tree
):
    model = leader_visit_model()
    assert model is not None  # the study module is installed
    model.objects.create(
        member=people["leader"],
        kind="school",
        visited_on=campaign.starts_on,
        place="甲中学",
        organization=tree["A1"],
        notes="与学生一起听课",
        campaign=campaign,
    )
    model.objects.create(
        member=people["leader"],
        kind="school",
        visited_on=campaign.starts_on,
        place="乙中心",
        organization=tree["B"],
        notes="不在联系点",
        campaign=campaign,
    )
    visits = login(personas["leader"]).get(URL).context["visits"]
    assert [v.notes for v in visits] == ["与学生一起听课"]
    assert visits[0].kind_title == "进学校"


def test_without_the_study_module_the_page_says_so(login, personas, points, monkeypatch):
    monkeypatch.setattr("vanguard.oversight.views.leader.leader_visit_model", lambda: None)
    response = login(personas["leader"]).get(URL)
    assert response.context["visits"] is None
    assert response.status_code == 200
