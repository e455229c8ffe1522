"""A verdict's own page: the overview lists the first findings of each verdict and links to
all of them; the page lists them in pages, as far as the user reaches; outsiders get 404."""

import json
import re

import pytest
from django.urls import reverse

from tests.campaigns.test_views import _add_units
from tests.conftest import make_user
from vanguard.campaigns.views.campaign import EVIDENCE_SHOWN, FINDINGS_PER_PAGE

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_units(tree, batches, enrollments):
    # Each unit's steps are all undone: one plan.steps finding per unit and phase.
    _add_units(tree, batches[1], "M", EVIDENCE_SHOWN + 2, members_each=1)
    return enrollments


def verdict_url(campaign_id, code="plan.steps"):
    return reverse("campaigns:verdict", args=[campaign_id, code])


def test_the_overview_lists_a_few_findings_and_links_to_all(login, personas, many_units):
    campaign_id = many_units["A"].campaign_id
    body = login(personas["office"]).get(reverse("campaigns:overview", args=[campaign_id]))
    html = body.content.decode()
    assert verdict_url(campaign_id) in html
    assert "查看全部" in html


def test_the_verdict_page_lists_every_finding_in_pages(login, personas, many_units):
    campaign_id = many_units["A"].campaign_id
    client = login(personas["office"])
    pages, number = [], 1
    while True:
        html = client.get(verdict_url(campaign_id), {"page": number}).content.decode()
        pages.append(html)
        if f"page={number + 1}" not in html:
            break
        number += 1
    items = [html.count('class="list-group-item small"') for html in pages]
    assert len(pages) > 1 and items[0] == FINDINGS_PER_PAGE
    total = re.search(r"(\d+)个问题", pages[0]).group(1)
    assert sum(items) == int(total)
    every = "".join(pages)
    assert all(f"单位M{index}" in every for index in range(EVIDENCE_SHOWN + 2))


def test_a_unit_administrator_sees_only_their_units_findings(login, personas, many_units):
    html = login(personas["alice"]).get(verdict_url(many_units["A"].campaign_id)).content
    html = html.decode()
    assert "单位M0" not in html


@pytest.mark.parametrize("code", ["no.such.rule", "plan.steps"])
def test_outsiders_and_unknown_verdicts_get_404(client, login, many_units, code):
    stranger = make_user("stranger")
    response = login(stranger).get(verdict_url(many_units["A"].campaign_id, code))
    assert response.status_code == 404
    office_view = client.get(verdict_url(many_units["A"].campaign_id, code))
    assert office_view.status_code in (302, 404)  # anonymous: to the login page


def test_unknown_verdict_is_404_for_the_office(login, personas, many_units):
    url = verdict_url(many_units["A"].campaign_id, "no.such.rule")
    assert login(personas["office"]).get(url).status_code == 404


def test_the_verdict_page_costs_the_same_queries_for_more_units(
    login, personas, tree, batches, enrollments
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(personas["office"])
    url = verdict_url(enrollments["A"].campaign_id)

    def count():
        cache.clear()  # count the verdict computed, not served from the cache
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _add_units(tree, batches[1], "F", 2, members_each=1)
    few = count()
    _add_units(tree, batches[1], "G", 8, members_each=3)
    assert count() == few


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
def test_verdict_page_access_for_every_persona(login, personas, many_units, persona, status):
    """Readers of the campaign see the page (each within their reach); a member, who has no
    reading role, gets 404 as on the overview."""
    response = login(personas[persona]).get(verdict_url(many_units["A"].campaign_id))
    assert response.status_code == status
    overview = reverse("campaigns:overview", args=[many_units["A"].campaign_id])
    assert login(personas[persona]).get(overview).status_code == status


def test_the_overview_pages_each_batchs_units_worst_first(login, personas, many_units, monkeypatch):
    from vanguard.campaigns.views import campaign as views

    monkeypatch.setattr(views, "ROWS_PER_PAGE", 5)
    campaign = many_units["A"].campaign
    second = campaign.batches.order_by("number")[1]
    client = login(personas["office"])
    url = reverse("campaigns:overview", args=[campaign.pk])

    def rows(html):
        return re.findall(r'<tr data-unit="(\d+)" data-failing="(\d+)"', html)

    first_page = client.get(url).content.decode()
    units = second.enrollments.count()
    assert units > 10
    assert f"?batch={second.pk}&page=2" in first_page
    assert f"本批次共 {units} 个单位" in first_page
    later = client.get(url, {"batch": second.pk, "page": 2}).content.decode()
    shown_first, shown_later = rows(first_page), rows(later)
    assert len(shown_first) == len(shown_later)  # the first batch's page, and 5 of the second's
    assert set(shown_first) != set(shown_later)
    second_first = [int(f) for _, f in shown_first[-5:]]
    second_later = [int(f) for _, f in shown_later[-5:]]
    assert min(second_first) >= max(second_later)  # worst first
    for bad in ({"batch": "x", "page": "y"}, {"batch": second.pk, "page": "999"}):
        assert client.get(url, bad).status_code == 200  # the first page, or the last
    chart = json.loads(re.search(r'id="verdict-chart-data"[^>]*>(.*?)</script>', later).group(1))
    assert sum(sum(s["data"]) for s in chart["series"]) == campaign.enrollments.count()
