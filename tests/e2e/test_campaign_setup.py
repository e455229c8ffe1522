"""The campaign office sets up its next campaign in the browser: it uploads a template with a
mistake, sees the problem with its key and line, fixes it in the editor, starts the
campaign, creates two batches and enrols units from the organisation tree."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import PASSWORD, TEMPLATE
from vanguard.campaigns.models import Campaign, Enrollment
from vanguard.campaigns.template import shipped_template_path

pytestmark = pytest.mark.browser


def test_the_office_sets_up_a_campaign_from_an_uploaded_template(
    live_server, page, screenshot, personas, tree
):
    good = shipped_template_path(TEMPLATE).read_text(encoding="utf-8")
    good = good.replace('code = "xianjinxing-2024"', 'code = "djxx-2026"', 1)
    bad = good.replace("min_study_hours = ", "min_study_hourz = ", 1)
    bad_line = next(i for i, line in enumerate(bad.splitlines(), 1) if "min_study_hourz" in line)
    today = timezone.localdate()

    # the office logs in and follows 活动设置 in its navigation
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "office")
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.click("#nav-campaign-setup")
    page.click("#upload-template")

    # it uploads a template with a mistake: every problem with its key and line, nothing kept
    page.set_input_files(
        "#id_file",
        files=[{"name": "djxx.toml", "mimeType": "text/plain", "buffer": bad.encode()}],
    )
    page.click("#template-submit")
    problems = page.locator("#template-problems")
    assert "thresholds.min_study_hourz" in problems.inner_text()
    rows = page.locator(".template-problem")
    lines = [rows.nth(i).locator(".problem-line").inner_text() for i in range(rows.count())]
    assert str(bad_line) in lines
    assert "min_study_hourz" in page.input_value("#id_text")  # the text kept in the editor
    screenshot("template-error")

    # it fixes the mistake in the editor and checks again: kept, on to starting the campaign
    fixed = page.input_value("#id_text").replace("min_study_hourz", "min_study_hours")
    page.fill("#id_text", fixed)
    page.click("#template-submit")
    page.wait_for_url("**/campaigns/setup/start/**")
    page.fill("#id_code", "djxx-2026")
    page.fill("#id_title", "党纪学习教育")
    page.select_option("#id_organization", str(tree["root"].pk))
    page.fill("#id_starts_on", today.isoformat())
    page.fill("#id_ends_on", (today + timedelta(days=300)).isoformat())
    page.click("#start-submit")
    page.wait_for_url("**/campaigns/setup/*/")
    campaign = Campaign.objects.get(code="djxx-2026")
    assert campaign.template_code == "djxx-2026"

    # two batches
    for title, start, end in [("第一批", 0, 120), ("第二批", 121, 300)]:
        page.fill("#id_title", title)
        page.fill("#id_starts_on", (today + timedelta(days=start)).isoformat())
        page.fill("#id_ends_on", (today + timedelta(days=end)).isoformat())
        page.click("#batch-submit")
        page.wait_for_url("**/batches/*/")
        page.goto(f"{live_server.url}/campaigns/setup/{campaign.pk}/")
    assert page.locator("#batches tr[data-batch]").count() == 2
    screenshot("batches")

    # units enrolled from the tree into the first batch: A and its branch A1 both ticked,
    # A1 refused with its reason (covered by A), B enrolled
    page.click("#batches tr[data-batch] >> nth=0 >> a")
    for code in ("A", "A1", "B"):
        page.check(f'[data-org="{code}"] input[type=checkbox]')
    page.click("#tree-submit")
    expect(page.locator(".batch-unit")).to_have_count(2)  # waits for the page the form returns
    assert "甲中学第一支部" in page.locator("#enrol-refusals").inner_text()
    screenshot("enrolled")
    assert set(
        Enrollment.objects.filter(campaign=campaign).values_list("organization__code", flat=True)
    ) == {"A", "B"}
