"""An office user starts the member workbook export with its button, follows the job's page
to the file, downloads it, and finds it again under 我的下载."""

from __future__ import annotations

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_export_in_the_background_then_download(live_server, page, screenshot, personas, tmp_path):
    # given the office, logged in, on the organisation tree
    tree_url = f"{live_server.url}{reverse('orgs:tree')}"
    page.goto(tree_url)
    page.fill("#id_username", "office")
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(tree_url)

    # when the export button is pressed (htmx: the server sends the browser to the job)
    page.click("form.export-start button")
    page.wait_for_url("**/downloads/*/")

    # then the job's page offers the file, and it is the member workbook
    page.wait_for_selector("#job-download")
    screenshot("job")
    with page.expect_download() as download:
        page.click("#job-download")
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    assert len(load_workbook(path).sheetnames) == 2

    # and 我的下载 lists it
    page.click("#nav-downloads")
    page.wait_for_selector("#downloads-table")
    assert "已完成" in page.inner_text("#downloads-table")
