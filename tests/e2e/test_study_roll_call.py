"""A unit administrator creates a study session and takes its roll on one screen; the
member then sees the hours on their own page."""

import pytest

from tests.conftest import PASSWORD, make_member
from tests.e2e.conftest import ARTIFACTS
from vanguard.campaigns import services as campaign_services
from vanguard.study.models import Attendance

pytestmark = pytest.mark.browser

PLAN = {
    "study": ("2024-07-01", "2024-08-14"),
    "analysis": ("2024-08-15", "2024-09-13"),
    "rectification": ("2024-09-14", "2024-10-13"),
}


def log_in(page, url, username):
    page.goto(url)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(url)


def test_admin_takes_the_roll_and_the_member_sees_the_hours(
    live_server, browser, page, screenshot, personas, enrollments, tree
):
    from datetime import date

    enrollment = enrollments["A"]
    campaign_services.save_phase_plan(
        enrollment,
        {k: tuple(date.fromisoformat(d) for d in v) for k, v in PLAN.items()},
        acting=None,
    )
    colleague = make_member(tree["A"], "A-001", "甲一")
    sessions_url = (
        f"{live_server.url}/study/{enrollment.campaign_id}/units/{enrollment.pk}/sessions/"
    )

    # given alice, the administrator of unit A, on her unit's sessions
    log_in(page, sessions_url, "alice")

    # when she schedules a three-hour party lecture
    page.click("#new-session")
    page.select_option("#id_kind", "party_lecture")
    page.fill("#id_topic", "党课：做一名合格的共产党员")
    page.fill("#id_date", "2024-07-10")
    page.fill("#id_starts_at", "14:00")
    page.fill("#id_ends_at", "17:00")
    page.fill("#id_hours", "3")
    page.fill("#id_place", "报告厅")
    page.click("#save-session")
    page.wait_for_selector("#take-roll")

    # and takes the roll: bob present (the default), 甲一 on leave with a reason
    page.click("#take-roll")
    page.wait_for_selector("#roll-form")
    page.click(f'label[for="s-{colleague.pk}-leave"]')
    page.fill(f'input[name="reason-{colleague.pk}"]', "外出培训")
    screenshot("roll-call")
    page.click("#save-roll")
    page.wait_for_selector("#marks")

    # then the session shows who came
    assert page.locator("#session-rate").inner_text().startswith("1/2")
    marks = dict(Attendance.objects.values_list("member__name", "status"))
    assert marks == {"鲍勃": "present", "甲一": "leave"}

    # and bob, logging in on his phone, sees his three hours and what remains
    phone = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 844}
    )
    member_page = phone.new_page()
    member_page.set_default_timeout(10_000)
    log_in(member_page, f"{live_server.url}/study/me/", "bob")
    assert member_page.locator("#my-hours [data-hours]").first.inner_text() == "3"
    assert (
        member_page.locator("#my-hours [data-remaining]").get_attribute("data-remaining") == "37.0"
    )
    assert "党课：做一名合格的共产党员" in member_page.locator("#my-sessions").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    member_page.screenshot(path=ARTIFACTS / "study-member-hours.png", full_page=True)
    phone.close()
