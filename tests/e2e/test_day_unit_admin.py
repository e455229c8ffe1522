"""A unit administrator's day (issue 19): lands on the unit's page; on a phone, saves a plan
that runs past the batch end and is warned (not congratulated); at the desk, enters an opinion
received at a meeting with the author's name kept — axe-core on every page."""

import pytest

from tests.e2e.checks import audit, log_in, phone
from vanguard.appraisal.models import Opinion
from vanguard.study.models import Attendance

pytestmark = pytest.mark.browser


def roll_call_session(enrollment, tree):
    """A study session of unit A on a long roll (twenty members besides bob)."""
    from datetime import date, time
    from decimal import Decimal

    from tests.conftest import make_member
    from vanguard.study.models import StudySession

    for number in range(20):
        make_member(tree["A1"], f"A1-1{number:02}", f"党员{number:02}")
    return StudySession.objects.create(
        enrollment=enrollment,
        organization=enrollment.organization,
        kind="concentrated_study",
        topic="学习党章",
        date=date(2024, 7, 10),
        starts_at=time(14, 0),
        ends_at=time(16, 30),
        hours=Decimal("2.0"),
    )


def test_the_unit_administrator_plans_and_enters_an_opinion(
    live_server, browser, page, request, personas, enrollments, tree
):
    bob = personas["bob"].member
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

    # the roll-call on the phone: one card per member, the save button always in reach
    session = roll_call_session(enrollment, tree)
    mobile.goto(f"{live_server.url}/study/sessions/{session.pk}/roll/")
    mobile.wait_for_selector("#roll-form")
    audit(mobile, live_server, request, "roll-call-phone")
    save = mobile.locator("#save-roll").bounding_box()
    assert save is not None and save["y"] + save["height"] <= 844  # sticky at the bottom
    mobile.click(f'label[for="s-{bob.pk}-leave"]')
    mobile.fill(f'input[name="reason-{bob.pk}"]', "外出培训")
    mobile.click("#save-roll")
    mobile.wait_for_selector("#marks")
    assert Attendance.objects.get(member=bob).status == "leave"
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
