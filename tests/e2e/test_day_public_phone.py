"""The public on a phone (issue 19): the site's address opens the public site (not the staff
login), the opinion form offers the school by the name a parent knows, the receipt comes
back — axe-core on every page, no sideways scrolling."""

import pytest

from tests.e2e.checks import audit, phone
from vanguard.appraisal.models import Opinion

pytestmark = pytest.mark.browser


def test_a_parent_sends_an_opinion_from_a_phone(live_server, browser, request, enrollments, tree):
    for code in ("A", "A1"):
        tree[code].public_name = "甲中学"
        tree[code].save()
    page = phone(browser)

    page.goto(live_server.url + "/")
    assert page.url == live_server.url + "/"  # the public site, not the login page
    assert page.is_visible("#staff-login")
    audit(page, live_server, request, "root")

    page.click("a[href^='/public/opinions/']")  # with ?campaign= (the campaign in view)
    page.wait_for_selector("#public-opinion-form")
    audit(page, live_server, request, "opinion-form")
    options = page.eval_on_selector_all("#id_unit option", "els => els.map(e => e.textContent)")
    assert "甲中学" in options and not any("支部" in option for option in options)
    page.check("input[name=subject][value=unit]")
    page.select_option("#id_unit", label="甲中学")
    page.fill("#id_content", "希望学校公开食堂账目。")
    page.click("#send-opinion")
    page.wait_for_selector("#receipt-code")
    audit(page, live_server, request, "receipt")
    assert Opinion.objects.get().responsible_unit == tree["A"]

    page.goto(live_server.url + "/public/surveys/draws/")
    audit(page, live_server, request, "draws")
    page.context.close()
