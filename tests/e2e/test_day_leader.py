"""A leader's day (issue 19): lands on the liaison points, reads the campaign and a unit —
axe-core on every page."""

import pytest

from tests.e2e.checks import audit, log_in

pytestmark = pytest.mark.browser


def test_the_leader_reads_the_campaign(live_server, page, request, personas, enrollments):
    campaign = enrollments["A"].campaign
    log_in(page, live_server, "leader")
    page.wait_for_url(f"{live_server.url}/oversight/leader/")
    audit(page, live_server, request, "points")

    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    audit(page, live_server, request, "overview")
    page.click("table a:has-text('甲中学党总支')")
    page.wait_for_selector("#unit-status")
    assert page.locator("#unit-verdicts, .verdict, [data-level]").count() >= 1
    audit(page, live_server, request, "unit")
