"""Organisation tree, member list and member pages: access, search, pagination, queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_member
from vanguard.orgs.models import Member


@pytest.mark.parametrize(
    ("persona", "status", "sees_a", "sees_b"),
    [
        ("office", 200, True, True),
        ("leader", 200, True, True),
        ("alice", 200, True, False),
        ("liaison", 200, True, False),
        ("charlie", 200, False, True),
        ("bob", 404, False, False),
    ],
)
def test_org_tree_shows_the_scope(login, personas, tree, persona, status, sees_a, sees_b):
    response = login(personas[persona]).get(reverse("orgs:tree"))
    assert response.status_code == status
    body = response.content.decode()
    assert (tree["A"].name in body) is sees_a
    assert (tree["B"].name in body) is sees_b


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("office", 200),
        ("leader", 200),
        ("alice", 200),
        ("bob", 200),
        ("liaison", 200),
        ("charlie", 404),
    ],
)
def test_member_page_access(login, personas, persona, status):
    bob = Member.objects.get(code="A1-001")
    response = login(personas[persona]).get(reverse("orgs:member-detail", args=[bob.pk]))
    assert response.status_code == status


def test_member_cannot_see_a_colleague(login, personas, tree):
    colleague = make_member(tree["A1"], "A1-002", "同事")
    response = login(personas["bob"]).get(reverse("orgs:member-detail", args=[colleague.pk]))
    assert response.status_code == 404


def test_member_list_filtered_by_an_org_outside_the_scope_is_404(login, personas, tree):
    response = login(personas["charlie"]).get(reverse("orgs:member-list"), {"org": tree["A"].pk})
    assert response.status_code == 404


def test_member_list_for_a_member_is_404(login, personas):
    assert login(personas["bob"]).get(reverse("orgs:member-list")).status_code == 404


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("orgs:member-list"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_member_search_and_filters(login, personas, tree):
    make_member(tree["A1"], "A1-002", "王小明", phone="13900000001", is_leader_cadre=True)
    make_member(tree["A1"], "A1-003", "李四", status="probationary")
    client = login(personas["office"])

    def codes(**params):
        response = client.get(reverse("orgs:member-list"), params)
        return sorted(m.code for m in response.context["page"])

    assert codes(q="王小") == ["A1-002"]
    assert codes(q="1390000") == ["A1-002"]
    assert codes(leader="1") == ["A1-002"]
    assert codes(status="probationary") == ["A1-003"]
    assert codes(org=tree["B"].pk) == ["B-001"]
    assert len(codes()) == 4


def test_member_list_paginates(login, personas, tree):
    Member.objects.bulk_create(
        Member(code=f"P{i:03d}", name=f"成员{i}", gender="male", organization=tree["B"])
        for i in range(120)
    )
    response = login(personas["charlie"]).get(reverse("orgs:member-list"), {"page": 3})
    page = response.context["page"]
    assert page.paginator.count == 121 and page.number == 3 and len(page) == 21


@pytest.mark.parametrize("url_name", ["orgs:member-list", "orgs:tree"])
def test_list_queries_do_not_grow_with_rows(login, personas, tree, url_name):
    client = login(personas["office"])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(url_name)).status_code == 200
        return len(captured)

    few = queries()
    Member.objects.bulk_create(
        Member(code=f"Q{i:03d}", name=f"成员{i}", gender="female", organization=tree["A1"])
        for i in range(40)
    )
    assert queries() == few


def test_tree_counts_members_of_each_subtree(login, personas, tree):
    make_member(tree["A"], "A-001", "总支成员")
    orgs = {o.code: o for o in login(personas["office"]).get(reverse("orgs:tree")).context["orgs"]}
    assert (orgs["A"].member_count, orgs["A"].subtree_count) == (1, 2)  # A's own + A1's bob
    assert (orgs["R"].member_count, orgs["R"].subtree_count) == (0, 3)
