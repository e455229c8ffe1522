"""The list pages and panels run a number of queries that does not grow with the data."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.reporting.conftest import PLAN
from vanguard.campaigns import services as campaigns
from vanguard.orgs.models import Organization, OrgCategory, OrgKind
from vanguard.reporting import services


def add_units(tree, batches, count, start):
    for n in range(start, start + count):
        org = Organization.objects.add_child(
            tree["root"],
            dict(code=f"U{n}", name=f"单位{n}", kind=OrgKind.BRANCH, category=OrgCategory.SCHOOL),
        )
        enrollment = campaigns.enroll(batches[1], org)
        campaigns.save_phase_plan(enrollment, PLAN, acting=None)
        services.submit_summary(enrollment, "study", text="总结", acting=None)
        brief = services.create_brief(enrollment, title="t", body="b", acting=None)
        services.submit_brief(brief, acting=None)


def count(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["reporting:summaries", "reporting:briefs"])
def test_list_queries_do_not_grow(client, tree, batches, personas, name, monkeypatch):
    monkeypatch.setattr("vanguard.reporting.figures.snapshot", lambda enrollment: [])
    campaign = batches[0].campaign
    url = reverse(name, args=[campaign.pk])
    client.force_login(personas["office"])
    add_units(tree, batches, 2, 0)
    few = count(client, url)
    add_units(tree, batches, 6, 10)
    assert count(client, url) == few


def test_the_overview_panel_and_to_do_stay_constant(client, tree, batches, personas, monkeypatch):
    monkeypatch.setattr("vanguard.reporting.figures.snapshot", lambda enrollment: [])
    from vanguard.accounts.access import Scope
    from vanguard.core import registry

    campaign = batches[0].campaign
    office = Scope.for_user(personas["office"])
    add_units(tree, batches, 2, 0)
    with CaptureQueriesContext(connection) as few:
        items = [i for i in registry.todo_items(office, campaign, PLAN["analysis"][0])]
    assert any("总结" in i.title or "summar" in i.title for i in items)
    add_units(tree, batches, 6, 10)
    with CaptureQueriesContext(connection) as many:
        registry.todo_items(office, campaign, PLAN["analysis"][0])
    assert len(many) == len(few)
