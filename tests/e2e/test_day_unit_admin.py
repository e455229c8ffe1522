"""A unit administrator's day (issue 19): lands on the unit's page; on a phone, saves a plan
that runs past the batch end and is warned (not congratulated); at the desk, enters an opinion
received at a meeting with the author's name kept — axe-core on every page."""

import pytest

from tests.e2e.checks import audit, log_in, phone
from vanguard.appraisal.models import Opinion

pytestmark = pytest.mark.browser


def test_the_unit_administrator_plans_and_enters_an_opinion(
    live_server, browser, page, request, personas, enrollments
):
    enrollment = enrollments["A"]
    unit_url = f"{live_server.url}/campaigns/{enrollment.campaign_id}/units/{enrollment.pk}/"

    mobile = phone(browser)
    log_in(mobile, live_server, "alice")
    mobile.wait_for_url(unit_url)
    audit(mobile, live_server, request, "unit-phone")
    for field, day in {
        "study_start": "2024-07-01",
        "study_end": "2024-08-14",
        "analysis_start": "2024-08-15",
        "analysis_end": "2024-09-13",
        "rectification_start": "2024-09-14",
        "rectification_end": "2025-02-28",
    }.items():
        mobile.fill(f"#id_{field}", day)
    mobile.click("#plan-form button[type=submit]")
    mobile.wait_for_selector(".alert-warning")
    assert "尚不符合通知要求" in mobile.inner_text(".alert-warning")
    assert mobile.locator(".alert-success").count() == 0
    audit(mobile, live_server, request, "plan-warned-phone")
    mobile.context.close()

    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/appraisal/{enrollment.campaign_id}/opinions/new/")
    assert not page.is_checked("#id_anonymous")
    audit(page, live_server, request, "opinion-form")
    page.select_option("#id_channel", index=0)
    page.fill("#id_received_on", "2024-08-20")
    page.check("input[name=subject][value=unit]")
    page.select_option("#id_unit", index=1)
    page.fill("#id_content", "希望党员教师多与家长沟通。")
    page.fill("#id_author_name", "王家长")
    page.fill("#id_author_contact", "13900000000")
    page.click("#opinion-form button[type=submit]")
    page.wait_for_load_state()
    audit(page, live_server, request, "opinion-received")
    opinion = Opinion.objects.get()
    assert (opinion.anonymous, opinion.author_name) == (False, "王家长")
