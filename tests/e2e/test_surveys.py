"""The office issues invitation codes for a unit's survey; a visitor opens a code's link on
a phone, answers, and cannot answer again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.conftest import PASSWORD
from tests.e2e.conftest import ARTIFACTS
from tests.surveys.factories import open_
from vanguard.surveys import services
from vanguard.surveys.models import Method, SealedResponse, ValidCode
from vanguard.surveys.sampling import FrameRow

pytestmark = pytest.mark.browser


@pytest.fixture
def survey_ready(enrollments):
    """Unit A's survey, open today, with three representatives and no codes yet."""
    today = timezone.localdate()
    survey = services.create_survey(
        enrollments["A"],
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=7),
        acting=None,
    )
    people = [FrameRow(n, f"代表{n}", "群众代表", f"1390000000{n}", "") for n in range(2, 5)]
    services.store_frame(
        survey, Method.REPRESENTATIVES, people, filename="群众代表.xlsx", acting=None
    )
    open_(survey)
    return survey


def test_a_visitor_opens_a_codes_link_answers_and_cannot_answer_again(
    live_server, browser, page, screenshot, personas, survey_ready, tmp_path
):
    # given the office, logged in, issues the codes as a list for text messages
    survey_url = f"{live_server.url}/surveys/{survey_ready.pk}/"
    page.goto(survey_url)
    page.fill("#id_username", "office")
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(survey_url)
    screenshot("office-survey")
    with page.expect_download() as download:
        page.click("#sms-form button[type=submit]")
    path = tmp_path / "codes.xlsx"
    download.value.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 3
    link = rows[0][4]
    assert link.startswith(live_server.url)

    # when a visitor opens the link (what the QR code holds) on a phone and answers
    phone = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 844}
    ).new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    phone.goto(link)
    assert phone.locator("#response-form").is_visible()
    phone.screenshot(path=ARTIFACTS / "surveys-phone-form.png", full_page=True)
    phone.click("label[for=id_overall_1]")  # 基本满意
    phone.click("label[for=id_q_problems_solved_1]")  # 较好
    phone.fill("#id_comment", "希望继续公开整改进展。<b>谢谢</b>")
    phone.click("#response-submit")
    phone.wait_for_url(f"{live_server.url}/public/surveys/thanks/")
    assert phone.locator("#thanks").is_visible()
    phone.screenshot(path=ARTIFACTS / "surveys-phone-thanks.png", full_page=True)

    # then the answer is sealed for the tellers, and the code is spent
    box = bytes(SealedResponse.objects.get().box)
    assert "希望继续公开整改进展".encode() not in box
    assert ValidCode.objects.filter(used=True).count() == 1

    # and opening the link again refuses the code with a clear message
    phone.goto(link)
    assert phone.locator("#refused").is_visible()
    assert phone.locator("#response-form").count() == 0
    phone.screenshot(path=ARTIFACTS / "surveys-phone-spent.png", full_page=True)
    assert SealedResponse.objects.count() == 1
