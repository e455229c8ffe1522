"""The panels on a unit's page and on a member's page cost a constant number of queries."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_member
from vanguard.oversight import services
from vanguard.oversight.models import DispositionCase, GroupRole


def _count(client, url):
    cache.clear()  # count the figures computed, not served from the cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _more(campaign, tree, personas, officer, assignment, today, group, prefix, count):
    for index in range(count):
        member = make_member(tree["A1"], f"{prefix}-{index}", f"成员{prefix}{index}")
        services.add_group_member(group, member, role=GroupRole.MEMBER, acting=None)
        services.record_visit(
            assignment,
            by=officer,
            visited_on=today,
            checked="c",
            findings="f",
            suggestions=[f"建议{prefix}{index}", "再一条"],
            acting=None,
        )
        commendation = services.nominate(
            campaign,
            "party_vanguard",
            unit=tree["A"],
            citation="c",
            by=None,
            member=member,
            acting=None,
        )
        services.review_nomination(commendation, approve=True, by=personas["office"], acting=None)
        services.publish_commendation(commendation, acting=None)
        services.open_case(campaign, member, by=None, opened_on=today, reason="r", acting=None)


def test_unit_panel_queries_do_not_grow(
    login, personas, campaign, enrollments, tree, officer, assignment, today, people
):
    group = services.create_leading_group(campaign, tree["A"], acting=None)
    url = reverse("campaigns:unit", args=[campaign.pk, enrollments["A"].pk])
    client = login(personas["alice"])
    _more(campaign, tree, personas, officer, assignment, today, group, "X", 1)
    few = _count(client, url)
    _more(campaign, tree, personas, officer, assignment, today, group, "Y", 6)
    assert _count(client, url) == few


def test_member_panel_queries_do_not_grow(login, personas, campaign, tree, people, today):
    bob = people["bob"]
    client = login(personas["bob"])
    services.open_case(campaign, bob, by=None, opened_on=today, reason="r", acting=None)
    few = _count(client, reverse("portal:me"))
    for kind in ("outstanding_member", "party_vanguard", "outstanding_party_worker"):
        commendation = services.nominate(
            campaign, kind, unit=tree["A"], citation="c", by=None, member=bob, acting=None
        )
        services.review_nomination(commendation, approve=True, by=personas["office"], acting=None)
        services.publish_commendation(commendation, acting=None)
    for index in range(3):
        services.record_talk(
            DispositionCase.objects.get(),
            held_on=today,
            talked_by=f"书记{index}",
            summary="s",
            acting=None,
        )
    assert _count(client, reverse("portal:me")) == few
