"""Leading groups (R25) and liaison points (R26): services, pages, access and verdicts."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext

from vanguard.campaigns import compliance
from vanguard.campaigns.verdicts import Severity
from vanguard.oversight import services
from vanguard.oversight.models import GroupMembership, GroupRole, LeadingGroup, PointKind


def _findings(campaign, code, **kwargs):
    report = compliance.evaluate(campaign, **kwargs)
    return next(v for v in report.verdicts if v.code == code).findings


# -- leading groups ------------------------------------------------------------------------


def test_groups_only_for_the_bureau_and_enrolled_units(campaign, enrollments, tree):
    services.create_leading_group(campaign, tree["A"], acting=None)
    with pytest.raises(ValidationError):  # A1 is not enrolled itself
        services.create_leading_group(campaign, tree["A1"], acting=None)
    with pytest.raises(ValidationError):  # one group per unit
        services.create_leading_group(campaign, tree["A"], acting=None)


def test_group_members_come_from_the_unit_and_one_head_is_marked(campaign, enrollments, people):
    group = services.create_leading_group(campaign, enrollments["A"].organization, acting=None)
    head = services.add_group_member(
        group, people["alice"], role=GroupRole.LEADER, is_responsible=True, acting=None
    )
    deputy = services.add_group_member(group, people["carol"], role=GroupRole.DEPUTY, acting=None)
    with pytest.raises(ValidationError):  # not a member of A
        services.add_group_member(group, people["deputy"], role=GroupRole.MEMBER, acting=None)
    services.mark_responsible(deputy, acting=None)
    head.refresh_from_db()
    assert [m.member for m in group.memberships.filter(is_responsible=True)] == [people["carol"]]
    assert head.is_responsible is False
    with pytest.raises(IntegrityError), transaction.atomic():  # the database agrees
        GroupMembership.objects.filter(pk=head.pk).update(is_responsible=True)


def test_leading_group_verdict(campaign, enrollments, people, bureau_group):
    findings = {f.organization.code: f for f in _findings(campaign, "oversight.leading_groups")}
    assert set(findings) == {"A", "B"}  # the bureau's is complete; both units lack one
    assert {f.level for f in findings.values()} == {Severity.WARNING}

    group = services.create_leading_group(campaign, enrollments["A"].organization, acting=None)
    services.add_group_member(group, people["alice"], role=GroupRole.LEADER, acting=None)
    findings = {f.organization.code: f for f in _findings(campaign, "oversight.leading_groups")}
    no_head = gettext("The leading group of %(unit)s has no responsible head marked")
    assert set(findings) == {"A", "B"}
    assert findings["A"].message == no_head % {"unit": enrollments["A"].organization.name}

    services.mark_responsible(group.memberships.get(), acting=None)
    codes = {f.organization.code for f in _findings(campaign, "oversight.leading_groups")}
    assert codes == {"B"}


def test_a_missing_bureau_group_fails_but_only_where_the_bureau_is_seen(
    campaign, enrollments, personas
):
    from vanguard.accounts.access import Scope

    bureau = [
        f
        for f in _findings(campaign, "oversight.leading_groups")
        if f.organization == campaign.organization
    ]
    assert [f.level for f in bureau] == [Severity.FAILING]
    alice_scope = Scope.for_user(personas["alice"])
    seen = _findings(campaign, "oversight.leading_groups", scope=alice_scope)
    assert {f.organization.code for f in seen} == {"A"}
    unit = compliance.evaluate_unit(enrollments["A"])
    assert all(f.enrollment_id == enrollments["A"].pk for v in unit.verdicts for f in v.findings)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("office", 200),
        ("leader", 200),
        ("alice", 200),
        ("liaison", 200),
        ("charlie", 200),
        ("bob", 404),
    ],
)
def test_group_list_access(login, personas, campaign, bureau_group, persona, status):
    response = login(personas[persona]).get(reverse("oversight:groups", args=[campaign.pk]))
    assert response.status_code == status


def test_group_list_needs_login(client, campaign):
    response = client.get(reverse("oversight:groups", args=[campaign.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.fixture
def group_a(campaign, enrollments, people):
    group = services.create_leading_group(campaign, enrollments["A"].organization, acting=None)
    services.add_group_member(
        group, people["alice"], role=GroupRole.LEADER, is_responsible=True, acting=None
    )
    return group


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("office", 200),
        ("leader", 200),
        ("alice", 200),
        ("liaison", 200),
        ("bob", 200),
        ("charlie", 404),
    ],
)
def test_unit_group_page_access(login, personas, group_a, persona, status):
    response = login(personas[persona]).get(reverse("oversight:group", args=[group_a.pk]))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("office", 302),
        ("alice", 302),
        ("leader", 403),
        ("liaison", 403),
        ("bob", 403),
        ("charlie", 404),
    ],
)
def test_only_managers_add_people(login, personas, group_a, people, persona, status):
    response = login(personas[persona]).post(
        reverse("oversight:group-add-member", args=[group_a.pk]),
        {"member": people["carol"].pk, "role": GroupRole.OFFICE_DIRECTOR, "duty": "党务干部"},
    )
    assert response.status_code == status
    added = GroupMembership.objects.filter(group=group_a, member=people["carol"]).exists()
    assert added is (status == 302)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("office", 302), ("alice", 403), ("leader", 403), ("charlie", 403)],
)
def test_only_the_office_changes_the_bureau_group(login, personas, bureau_group, persona, status):
    deputy = bureau_group.memberships.get(role=GroupRole.DEPUTY)
    response = login(personas[persona]).post(
        reverse("oversight:membership-responsible", args=[deputy.pk])
    )
    assert response.status_code == status


def test_unit_admin_creates_his_units_group_and_a_bad_form_keeps_input(
    login, personas, campaign, enrollments, tree
):
    client = login(personas["alice"])
    url = reverse("oversight:group-create", args=[campaign.pk])
    bad = client.post(url, {"organization": tree["B"].pk, "name": "乙中心领导小组"})
    assert bad.status_code == 400 and "乙中心领导小组" in bad.content.decode()
    good = client.post(url, {"organization": tree["A"].pk, "name": "甲中学领导小组"})
    assert good.status_code == 302
    assert LeadingGroup.objects.get().organization == tree["A"]


def test_unit_page_shows_the_group(login, personas, group_a, enrollments):
    url = reverse("campaigns:unit", args=[enrollments["A"].campaign_id, enrollments["A"].pk])
    body = login(personas["bob"]).get(url).content.decode()
    assert group_a.name in body and "爱丽丝" in body


# -- liaison points ------------------------------------------------------------------------


def test_points_need_a_bureau_leader_and_the_right_kind(
    campaign, bureau_group, people, tree, department, enrollments
):
    with pytest.raises(ValidationError):  # alice is no bureau leader
        services.set_liaison_point(
            campaign, people["alice"], PointKind.UNIT, tree["A"], acting=None
        )
    with pytest.raises(ValidationError):  # a school is no department
        services.set_liaison_point(
            campaign, people["leader"], PointKind.DEPARTMENT, tree["A"], acting=None
        )
    with pytest.raises(ValidationError):  # a department is no school or unit
        services.set_liaison_point(
            campaign, people["leader"], PointKind.UNIT, department, acting=None
        )
    services.set_liaison_point(campaign, people["leader"], PointKind.UNIT, tree["A"], acting=None)
    point = services.set_liaison_point(
        campaign, people["leader"], PointKind.UNIT, tree["B"], acting=None
    )
    assert point.organization == tree["B"]  # one unit per leader: replaced


def test_liaison_point_verdict(campaign, bureau_group, people, tree, department, enrollments):
    findings = _findings(campaign, "oversight.liaison_points")
    assert {(f.members, f.level) for f in findings} == {
        (("钱领导",), Severity.FAILING),
        (("韩副组长",), Severity.FAILING),
    }
    services.set_liaison_point(campaign, people["leader"], PointKind.UNIT, tree["A"], acting=None)
    services.set_liaison_point(
        campaign, people["leader"], PointKind.DEPARTMENT, department, acting=None
    )
    services.set_liaison_point(campaign, people["deputy"], PointKind.UNIT, tree["B"], acting=None)
    findings = _findings(campaign, "oversight.liaison_points")
    assert [(f.members, f.level) for f in findings] == [(("韩副组长",), Severity.WARNING)]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("office", 200),
        ("leader", 200),
        ("alice", 404),
        ("liaison", 404),
        ("charlie", 404),
        ("bob", 404),
    ],
)
def test_points_and_officers_pages_are_the_bureaus(
    login, personas, campaign, points, persona, status
):
    client = login(personas[persona])
    assert client.get(reverse("oversight:points", args=[campaign.pk])).status_code == status
    assert client.get(reverse("oversight:officers", args=[campaign.pk])).status_code == status


@pytest.mark.parametrize(("persona", "status"), [("office", 302), ("leader", 403), ("alice", 404)])
def test_only_the_office_sets_points(
    login, personas, campaign, bureau_group, people, tree, persona, status
):
    response = login(personas[persona]).post(
        reverse("oversight:points-set", args=[campaign.pk]),
        {"leader": people["deputy"].pk, "kind": PointKind.UNIT, "organization": tree["B"].pk},
    )
    assert response.status_code == status


def test_a_bad_point_is_refused_with_a_message(
    login, personas, campaign, bureau_group, people, tree
):
    response = login(personas["office"]).post(
        reverse("oversight:points-set", args=[campaign.pk]),
        {"leader": people["deputy"].pk, "kind": PointKind.DEPARTMENT, "organization": tree["B"].pk},
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()


@pytest.mark.parametrize(("persona", "status"), [("office", 302), ("leader", 403), ("alice", 404)])
def test_only_the_office_dispatches_and_recalls(
    login, personas, campaign, batches, enrollments, officer, tree, persona, status
):
    client = login(personas[persona])
    response = client.post(
        reverse("oversight:officers-dispatch", args=[campaign.pk]),
        {"batch": batches[1].pk, "organization": tree["A"].pk, "officer": officer.pk},
    )
    assert response.status_code == status
    if status == 302:
        from vanguard.oversight.models import LiaisonAssignment

        assignment = LiaisonAssignment.objects.get()
        recall = client.post(reverse("oversight:assignment-withdraw", args=[assignment.pk]))
        assert recall.status_code == 302
        assignment.refresh_from_db()
        assert assignment.withdrawn_on is not None
