"""Nothing a user can lose is hard-deleted: campaign records protect the organisations,
members and enrolments they belong to (in the admin and in code); members leave or move
with a date instead; users, role grants and public comments keep a history."""

from datetime import date

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from tests.conftest import make_user
from vanguard.accounts.models import Role, RoleGrant, User
from vanguard.orgs.models import Member, Organization
from vanguard.study import services
from vanguard.study.models import Attendance
from vanguard.study.services import Mark


@pytest.fixture
def marked(make_session, a_members):
    """A session of unit A with the roll taken: attendance marks of bob and two more."""
    session = make_session()
    services.save_roll(session, {m.pk: Mark("present") for m in a_members}, user=None, acting=None)
    return session


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("root", password="x"))
    return client


def test_deleting_an_enrollment_with_history_is_refused_in_code(marked):
    with pytest.raises(ProtectedError):
        marked.enrollment.delete()
    with pytest.raises(ProtectedError):
        marked.attendances.first().member.delete()
    assert Attendance.objects.count() == 3


@pytest.mark.parametrize(
    "target",
    [
        lambda s: ("campaigns_enrollment", s.enrollment),
        lambda s: ("orgs_member", s.attendances.first().member),
        lambda s: ("orgs_organization", s.enrollment.organization),  # unit A: enrolled
    ],
)
def test_the_admin_refuses_a_delete_naming_what_depends_on_it(admin_client, marked, target):
    name, obj = target(marked)
    url = reverse(f"admin:{name}_delete", args=[obj.pk])

    page = admin_client.get(url)
    assert page.status_code == 200
    assert page.context["protected"], "the page lists the records that protect it"
    assert "exists" not in str(page.context["protected"])

    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200  # the same refusal, nothing deleted
    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert Attendance.objects.count() == 3


def test_the_admin_counts_the_subtree_of_an_organisation(admin_client, tree, personas):
    """A1 has no foreign key to A, but deleting A would delete it (and bob's member row)."""
    url = reverse("admin:orgs_organization_delete", args=[tree["A"].pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert any("鲍勃" in str(row) for row in response.context["protected"])
    assert Organization.objects.filter(pk=tree["A1"].pk).exists()


def test_an_organisation_with_nothing_depending_on_it_can_still_go(admin_client, tree):
    empty = Organization.objects.add_child(
        tree["B"], {"code": "B9", "name": "空支部", "kind": "branch"}
    )
    admin_client.post(reverse("admin:orgs_organization_delete", args=[empty.pk]), {"post": "yes"})
    assert not Organization.objects.filter(pk=empty.pk).exists()


# -- members leave or move ------------------------------------------------------------------


def test_a_member_leaves_with_a_date_and_drops_out_of_the_active_list(login, personas, marked):
    bob = personas["bob"].member
    client = login(personas["alice"])
    response = client.post(
        reverse("orgs:member-leave", args=[bob.pk]),
        {"left_on": "2024-09-01", "reason": "调离本系统"},
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert (bob.left_on, bob.left_reason) == (date(2024, 9, 1), "调离本系统")
    assert Attendance.objects.filter(member=bob).exists()  # the records stay

    client.get(reverse("orgs:member-detail", args=[bob.pk]))  # the message "… has left" is shown
    listed = client.get(reverse("orgs:member-list")).content.decode()
    assert "鲍勃" not in listed and "甲一" in listed
    assert "鲍勃" in client.get(reverse("orgs:member-list"), {"left": "1"}).content.decode()
    assert (
        'id="member-left"'
        in client.get(reverse("orgs:member-detail", args=[bob.pk])).content.decode()
    )
    assert Member.objects.active(date(2024, 8, 31)).filter(pk=bob.pk).exists()


def test_a_bad_leaving_date_is_refused_with_a_message(login, personas):
    bob = personas["bob"].member
    bob.joined_on = date(2010, 7, 1)
    bob.save()
    client = login(personas["alice"])
    response = client.post(
        reverse("orgs:member-leave", args=[bob.pk]),
        {"left_on": "2001-01-01", "reason": "x"},
        follow=True,
    )
    assert list(response.context["messages"])  # said why
    bob.refresh_from_db()
    assert bob.left_on is None


@pytest.mark.parametrize(("persona", "status"), [("bob", 403), ("leader", 403), ("charlie", 404)])
def test_only_the_unit_managers_record_leaving(login, personas, persona, status):
    bob = personas["bob"].member
    response = login(personas[persona]).post(
        reverse("orgs:member-leave", args=[bob.pk]), {"left_on": "2024-09-01", "reason": "x"}
    )
    assert response.status_code == status
    bob.refresh_from_db()
    assert bob.left_on is None


def test_a_member_moves_with_a_date_and_the_history_keeps_where_they_were(login, personas, tree):
    bob = personas["bob"].member
    client = login(personas["alice"])
    client.post(
        reverse("orgs:member-move", args=[bob.pk]),
        {"organization": tree["A"].pk, "moved_on": "2024-09-01"},
    )
    bob.refresh_from_db()
    assert (bob.organization, bob.organization_since) == (tree["A"], date(2024, 9, 1))
    assert {h.organization_id for h in bob.history.all()} == {tree["A"].pk, tree["A1"].pk}


def test_a_member_cannot_be_moved_outside_the_managers_units(login, personas, tree):
    bob = personas["bob"].member
    login(personas["alice"]).post(
        reverse("orgs:member-move", args=[bob.pk]),
        {"organization": tree["B"].pk, "moved_on": "2024-09-01"},
    )
    bob.refresh_from_db()
    assert bob.organization == tree["A1"]


# -- history -------------------------------------------------------------------------------


def test_users_and_role_grants_keep_a_history_without_the_password(tree):
    user = make_user("dora", Role.UNIT_ADMIN, tree["A"])
    user.full_name = "朵拉"
    user.set_password("another-password-456")
    user.save()
    assert user.history.count() == 2
    assert not hasattr(user.history.first(), "password")
    grant = RoleGrant.objects.get(user=user)
    grant.ends_on = date(2024, 12, 31)
    grant.save()
    assert grant.history.count() == 2
