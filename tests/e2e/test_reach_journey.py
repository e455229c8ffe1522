"""A member short of hours sees it on the to-do list and in a notification, opens it,
checks in to today's session, and the to-do item is gone (issue 17's journey)."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD, TEMPLATE
from tests.e2e.conftest import ARTIFACTS
from vanguard.campaigns import services as campaign_services
from vanguard.campaigns.template import load_template, shipped_template_path
from vanguard.notifications import scheduler
from vanguard.study.hours import refresh_member_hours
from vanguard.study.models import Attendance, StudySession

pytestmark = pytest.mark.browser


def test_member_short_of_hours_checks_in_and_the_item_is_gone(live_server, browser, personas, tree):
    today = timezone.localdate()
    campaign = campaign_services.start_campaign(
        load_template(shipped_template_path(TEMPLATE)),
        organization=tree["root"],
        batches=[("第一批", today - timedelta(days=20), today + timedelta(days=150))],
    )
    enrollment = campaign_services.enroll(campaign.batches.get(), tree["A"])
    plan = {
        "study": (today - timedelta(days=20), today + timedelta(days=10)),
        "analysis": (today + timedelta(days=11), today + timedelta(days=40)),
        "rectification": (today + timedelta(days=41), today + timedelta(days=80)),
    }
    campaign_services.save_phase_plan(enrollment, plan, acting=None)
    bob = personas["bob"].member

    def session(day, hours, starts=time(8), ends=time(20)):
        return StudySession.objects.create(
            enrollment=enrollment,
            organization=tree["A"],
            kind="party_lecture",
            topic="党课",
            date=day,
            starts_at=starts,
            ends_at=ends,
            hours=Decimal(hours),
        )

    past = session(today - timedelta(days=5), "38")
    Attendance.objects.create(session=past, member=bob, status="present")
    refresh_member_hours(campaign.pk, [bob.pk])
    todays = session(today, "2", starts=time(0), ends=time(23, 59))
    # the scheduler's run of the day: ten days before the study phase ends
    scheduler.run(enqueue=False)

    phone = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 844}
    )
    page = phone.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/me/")
    page.fill("#id_username", "bob")
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"{live_server.url}/me/")

    # the to-do item and the notification's count in the header
    assert "集中学习还差2" in page.locator("#todo-list").inner_text()
    assert page.locator("#unread-count").inner_text().strip().endswith("1")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "reach-member-todo.png", full_page=True)

    # he opens the notification: it is read, and leads to his page
    page.click("#notification-bell")
    assert "学习动员阶段还有10天结束" in page.locator("#notification-list").inner_text()
    page.locator("#notification-list button").first.click()
    page.wait_for_url(f"{live_server.url}/me/")
    assert page.locator("#unread-count").count() == 0

    # he checks in to today's session with its code
    page.goto(f"{live_server.url}/study/sessions/{todays.pk}/checkin/?code={todays.checkin_code}")
    page.click("#checkin-submit")
    page.wait_for_url(f"{live_server.url}/study/me/")

    # and the item is gone from his to-do list
    page.goto(f"{live_server.url}/me/")
    assert page.locator("#todo-empty").count() == 1
    phone.close()
