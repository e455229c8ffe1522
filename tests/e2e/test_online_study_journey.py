"""Issue 20's journey: a teacher member on a phone studies an online material of the
网络党校 and sees the time counted, submits a 学习体会; the unit recommends it, the office
publishes it, and it appears in the campaign's public column."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import ARTIFACTS
from vanguard.orgs.models import Member
from vanguard.study import online
from vanguard.study.models import OnlineMaterial, OnlineProgress, Writing

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def log_in(page, url, username):
    page.goto(url)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(url)


def new_page(browser, viewport):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_a_teacher_studies_online_and_her_writing_reaches_the_public_column(
    live_server, browser, personas, enrollments, monkeypatch
):
    monkeypatch.setattr(online, "HEARTBEAT_SECONDS", 1)  # the page's heartbeat, sped up
    enrollment = enrollments["A"]  # 甲中学党总支: a school
    campaign = enrollment.campaign
    bob = Member.objects.get(user=personas["bob"])
    material = OnlineMaterial.objects.create(
        campaign=campaign,
        title="《保持共产党员先进性教育读本》第一章",
        kind="document",
        text="第一章 ……",
        minutes=10,
    )
    # Bob already read 5 min 57 s of another material: 3 s more make his first 0.1 hour.
    earlier = OnlineMaterial.objects.create(
        campaign=campaign, title="党章", kind="document", text="……", minutes=30
    )
    OnlineProgress.objects.create(material=earlier, member=bob, seconds=357)

    # given Bob, a teacher member, on his phone, in the 网络党校
    phone = new_page(browser, PHONE)
    mine = f"{live_server.url}/study/{campaign.pk}/online/"
    log_in(phone, mine, "bob")
    phone.click(f"[data-material='{material.pk}']")
    phone.bring_to_front()

    # when he reads the material with the page in front of him
    timer = phone.locator("#online-timer")
    timer.wait_for()
    phone.mouse.move(100, 200)
    # then the time is counted, and with it his study hours
    expect(phone.locator("[data-online-hours]")).to_have_text("0.1", timeout=30_000)
    assert phone.locator("[data-online-clock]").inner_text() != "0:00"
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=ARTIFACTS / "online-study-phone.png", full_page=True)
    assert OnlineProgress.objects.get(material=material, member=bob).seconds >= 3

    # and the 网络党校 page shows the time on the material
    phone.goto(mine)
    assert phone.locator("#online-summary [data-online-credited]").inner_text() == "0.1"

    # when he submits a 学习体会 to his unit
    phone.goto(f"{live_server.url}/study/{campaign.pk}/writings/mine/")
    phone.select_option("#id_kind", "experience")
    phone.fill("#id_title", "读《读本》第一章的体会")
    phone.fill("#id_body", "保持先进性，首先要学习。")
    phone.click("#submit-writing")
    phone.wait_for_selector("#my-writings [data-status='submitted']")
    writing = Writing.objects.get()

    # then the unit's administrator accepts it and recommends it to the office
    desk = new_page(browser, {"width": 1366, "height": 900})
    url = f"{live_server.url}/study/writings/{writing.pk}/"
    log_in(desk, url, "alice")
    desk.click("#action-accept")
    desk.wait_for_selector("#writing-status[data-status='accepted']")
    desk.click("#action-recommend")
    desk.wait_for_selector("#writing-status[data-status='recommended']")
    desk.context.close()

    # and the office publishes it in the campaign column
    office = new_page(browser, {"width": 1366, "height": 900})
    log_in(office, url, "office")
    office.click("#action-publish")
    office.wait_for_selector("#writing-status[data-status='published']")
    office.context.close()

    # where anyone, on a phone, finds it
    public = new_page(browser, PHONE)
    public.goto(f"{live_server.url}/public/study/writings/")
    assert "读《读本》第一章的体会" in public.locator("#public-writings").inner_text()
    public.click("text=读《读本》第一章的体会")
    assert "保持先进性，首先要学习。" in public.content()
    public.context.close()
    phone.context.close()
