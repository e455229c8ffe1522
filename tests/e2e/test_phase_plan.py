"""A unit administrator logs in, edits the phase plan and sees the verdict change."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_unit_admin_edits_the_plan_and_the_verdict_turns_green(
    live_server, page, screenshot, personas, enrollments
):
    enrollment = enrollments["A"]
    unit_url = f"{live_server.url}/campaigns/{enrollment.campaign_id}/units/{enrollment.pk}/"

    # given alice, the administrator of unit A, logged in through the login page
    page.goto(unit_url)
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(unit_url)
    plan_verdict = page.locator('[data-verdict="plan.phases"]')
    assert plan_verdict.get_attribute("data-level") == "2"  # failing: nothing planned

    # when she plans a phase overlapping the next one, the plan is refused, her input kept
    page.fill("#id_study_start", "2024-07-01")
    page.fill("#id_study_end", "2024-08-20")
    page.fill("#id_analysis_start", "2024-08-15")
    page.fill("#id_analysis_end", "2024-09-13")
    page.fill("#id_rectification_start", "2024-09-14")
    page.fill("#id_rectification_end", "2024-10-13")
    page.click("#plan-form button[type=submit]")
    expect(page.locator("#plan-form .text-danger")).to_have_count(1)  # the refused form returned
    assert page.input_value("#id_study_end") == "2024-08-20"

    # then she corrects it and saves
    page.fill("#id_study_end", "2024-08-14")
    page.click("#plan-form button[type=submit]")
    page.wait_for_url(unit_url)

    # the verdict is green and the timeline shows the three phases
    expect(page.locator('[data-verdict="plan.phases"]')).to_have_attribute("data-level", "0")
    expect(page.locator(".timeline .phase")).to_have_count(3)
    screenshot("saved")
