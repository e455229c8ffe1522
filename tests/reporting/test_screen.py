"""The data screen (数据大屏): its JSON from the stored figures, who may open it, its constant
query count, and in Chromium at 1920×1080 the charts drawn with data and brought up to date
without reloading the page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.e2e.conftest import ARTIFACTS, chromium
from tests.reporting.test_campaign_report import add_items, add_sessions, enrol_more


@pytest.fixture
def world(enrollments):
    add_sessions(enrollments["B"], 3)
    add_items(enrollments["B"], done=2, overdue=1)
    add_sessions(enrollments["A"], 1)
    add_items(enrollments["A"], done=1, overdue=0, planned=2)
    return enrollments


def screen_json(client, campaign):
    response = client.get(reverse("reporting:screen-data", args=[campaign.pk]))
    assert response.status_code == 200
    return response.json()


def test_the_json_carries_the_figures_of_every_batch(client, personas, campaign, world):
    client.force_login(personas["office"])

    data = screen_json(client, campaign)

    assert data["campaign"] == campaign.title
    assert data["batches"] == ["第一批", "第二批"]
    kpis = {kpi["key"]: kpi["value"] for kpi in data["kpis"]}
    assert kpis["units"] == "2"
    assert kpis["study.sessions"] == "4"
    assert kpis["rectification.done"] == "3"
    assert data["per_batch"]["rectification.done"] == [2, 1]
    assert data["per_batch"]["rectification.overdue"] == [1, 0]
    tree = {batch["name"]: [u["name"] for u in batch["children"]] for batch in data["tree"]}
    assert tree == {"第一批": ["乙中心党支部"], "第二批": ["甲中学党总支"]}
    assert len(data["as_of"]) == 8  # HH:MM:SS


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("office", 200),
        ("leader", 200),
        ("liaison", 404),
        ("alice", 404),
        ("bob", 404),
        ("charlie", 404),
    ],
)
def test_who_may_open_the_screen(client, personas, campaign, world, who, status):
    client.force_login(personas[who])

    for name in ("reporting:screen", "reporting:screen-data"):
        assert client.get(reverse(name, args=[campaign.pk])).status_code == status


def test_anonymous_users_are_sent_to_the_login_page(client, campaign, world):
    response = client.get(reverse("reporting:screen-data", args=[campaign.pk]))
    assert response.status_code == 302
    assert "login" in response.url


def test_the_page_refreshes_every_minute_unless_told(client, personas, campaign, world):
    client.force_login(personas["leader"])
    url = reverse("reporting:screen", args=[campaign.pk])

    assert 'data-refresh="60"' in client.get(url).text
    assert 'data-refresh="5"' in client.get(url, {"refresh": "5"}).text
    assert 'data-refresh="60"' in client.get(url, {"refresh": "often"}).text
    assert 'data-refresh="1"' in client.get(url, {"refresh": "0"}).text


def data_queries(client, campaign) -> int:
    screen_json(client, campaign)  # stored figures made current
    with CaptureQueriesContext(connection) as queries:
        screen_json(client, campaign)
    return len(queries)


def test_the_json_costs_the_same_queries_whatever_the_units(
    client, personas, tree, campaign, world
):
    client.force_login(personas["office"])
    small = data_queries(client, campaign)

    enrol_more(campaign, tree, 8)
    large = data_queries(client, campaign)

    assert large == small


# -- in the browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    """Chromium for this module only (closed before the next module's tests)."""
    yield from chromium()


def canvas_painted(page, chart_id: str) -> bool:
    """Whether the chart's canvas exists and has pixels that are not transparent."""
    return page.evaluate(
        """(id) => {
            const canvas = document.querySelector('#' + id + ' canvas');
            if (!canvas || !canvas.width) return false;
            const context = canvas.getContext('2d');
            const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
            return false;
        }""",
        chart_id,
    )


CHARTS = (
    "chart-progress",
    "chart-participation",
    "chart-hours",
    "chart-tree",
    "chart-opinions",
    "chart-rectification",
    "chart-satisfaction",
)


@pytest.mark.browser
def test_the_screen_draws_and_updates_itself(live_server, browser, personas, campaign, world):
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1920, "height": 1080}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        # given the leader, signed in, on the screen refreshing every 2 seconds
        url = f"{live_server.url}{reverse('reporting:screen', args=[campaign.pk])}?refresh=2"
        page.goto(url)
        page.fill("#id_username", "leader")
        page.fill("#id_password", PASSWORD)
        page.click("#login-submit")
        page.wait_for_url(url)

        # then every chart is drawn, and the figures are on the page
        page.wait_for_selector('.screen-kpi[data-key="study.sessions"]')
        assert page.inner_text('.screen-kpi[data-key="study.sessions"] .value') == "4"
        assert "截至" in page.inner_text("#screen-as-of")
        for chart in CHARTS:
            assert canvas_painted(page, chart), chart
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "test_screen-1920x1080.png")

        # when unit B records five more sessions
        page.evaluate("window.notReloaded = true")
        add_sessions(world["B"], 5)

        # then the next refresh shows the new number without reloading
        page.wait_for_function(
            """() => document.querySelector('.screen-kpi[data-key="study.sessions"] .value')
                       .textContent === '9'"""
        )
        assert page.evaluate("window.notReloaded === true")
        page.screenshot(path=ARTIFACTS / "test_screen-1920x1080-updated.png")

        # and the overview's chart still draws with the upgraded ECharts (6.x), linking here
        page.goto(f"{live_server.url}{reverse('campaigns:overview', args=[campaign.pk])}")
        page.wait_for_selector("#verdict-chart svg rect")
        assert page.locator("#campaign-report-links a").count() == 2
    finally:
        context.close()
