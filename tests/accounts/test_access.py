"""The one access module: roles on tree nodes reach their subtree, periods end grants."""

from datetime import date

import pytest

from tests.conftest import make_user
from vanguard.accounts.access import Scope, covering_paths
from vanguard.accounts.models import Role


def test_covering_paths_keeps_only_the_tops():
    assert covering_paths(["0001", "00010002", "0002", "00020001"]) == ("0001", "0002")


def test_unit_admin_reaches_the_subtree_and_nothing_else(personas, tree):
    scope = Scope.for_user(personas["alice"])
    assert {o.code for o in scope.orgs()} == {"A", "A1"}
    assert scope.can_manage_org(tree["A1"])
    assert not scope.can_view_org(tree["B"])
    assert not scope.can_view_org(tree["root"])
    assert {m.code for m in scope.members()} == {"A1-001"}


def test_leader_reads_everything_and_manages_nothing(personas, tree):
    scope = Scope.for_user(personas["leader"])
    assert scope.orgs().count() == 4
    assert not any(scope.can_manage_org(org) for org in tree.values())


def test_office_manages_everything(personas, tree):
    scope = Scope.for_user(personas["office"])
    assert all(scope.can_manage_org(org) for org in tree.values())
    assert scope.can_manage_campaigns()


def test_member_sees_only_themselves(personas, tree):
    scope = Scope.for_user(personas["bob"])
    assert not scope.is_staff_reader
    assert [m.code for m in scope.members()] == ["A1-001"]
    assert scope.orgs().count() == 0
    assert scope.can_view_unit(tree["A"])  # the campaign page of the unit they belong to
    assert not scope.can_view_unit(tree["B"])


def test_anonymous_user_reaches_nothing(tree):
    from django.contrib.auth.models import AnonymousUser

    scope = Scope.for_user(AnonymousUser())
    assert scope.orgs().count() == 0 and scope.members().count() == 0


@pytest.mark.parametrize(
    ("today", "active"),
    [
        (date(2024, 6, 30), False),
        (date(2024, 7, 1), True),
        (date(2024, 12, 31), True),
        (date(2025, 1, 1), False),
    ],
)
def test_a_grant_counts_only_within_its_period(tree, today, active):
    officer = make_user(
        "officer",
        Role.LIAISON,
        tree["A"],
        starts_on=date(2024, 7, 1),
        ends_on=date(2024, 12, 31),
    )
    scope = Scope.for_user(officer, today=today)
    assert scope.can_view_org(tree["A"]) is active
    assert not scope.can_manage_org(tree["A"])


def test_scope_costs_two_queries_whatever_the_grants(personas, django_assert_num_queries):
    with django_assert_num_queries(2):
        scope = Scope.for_user(personas["office"])
        _ = scope.read_paths, scope.manage_paths
