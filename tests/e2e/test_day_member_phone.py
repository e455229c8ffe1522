"""A member's day on a phone (issue 19): lands on /me/, writes a study note (its text is not
labelled 备注), reads the study page — axe-core on every page, no sideways scrolling."""

import pytest

from tests.e2e.checks import audit, log_in, phone
from vanguard.study.models import StudyNote

pytestmark = pytest.mark.browser


def test_a_member_writes_a_note_on_a_phone(live_server, browser, request, personas, enrollments):
    page = phone(browser)
    campaign = enrollments["A"].campaign

    log_in(page, live_server, "bob")
    page.wait_for_url(f"{live_server.url}/me/")
    audit(page, live_server, request, "portal:me")

    page.goto(f"{live_server.url}/study/me/")
    audit(page, live_server, request, "study")

    page.goto(f"{live_server.url}/study/{campaign.pk}/notes/")
    assert page.inner_text("label[for=id_content]").strip() == "学习心得内容"
    page.fill("#id_title", "学习党章的体会")
    page.fill("#id_content", "党章是党的根本大法，要时时对照检查。")
    page.click("#note-form button[type=submit]")
    page.wait_for_selector(".alert-success")
    audit(page, live_server, request, "note-saved")
    assert StudyNote.objects.get().content == "党章是党的根本大法，要时时对照检查。"
    page.context.close()
