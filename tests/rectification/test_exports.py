"""The printable 整改清单 as PDF and Excel: per unit and for the bureau, signed in and on the
public site (published items only)."""

import io
import os

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.rectification.conftest import scope_of
from tests.reports.helpers import content, export
from vanguard.rectification import services


def pdf_text(response) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content(response))).pages)


@pytest.fixture
def needs_weasyprint():
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:
        if os.environ.get("VANGUARD_CI"):
            raise
        pytest.skip(f"WeasyPrint cannot run here (needs the pango library): {error}")


def workbook_rows(response):
    sheet = load_workbook(io.BytesIO(content(response))).active
    return [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]


def unit_export(item, fmt):
    return reverse("rectification:unit-export", args=[item.campaign_id, item.enrollment_id, fmt])


@pytest.mark.parametrize(
    ("persona", "status"), [("alice", 200), ("bob", 200), ("leader", 200), ("charlie", 404)]
)
def test_unit_excel_access_and_content(login, personas, items, persona, status):
    response = export(login(personas[persona]), unit_export(items["A"], "xlsx"))
    assert response.status_code == status
    if status == 200:
        rows = workbook_rows(response)
        problems = [row[3] for row in rows[1:]]
        assert sorted(problems) == sorted(["联系群众不够", "支部学习不经常", "理论学习不够系统"])
        assert rows[1][6] == "甲书记" and rows[1][9] == 0


def test_unit_pdf(login, personas, items, needs_weasyprint):
    response = export(login(personas["alice"]), unit_export(items["A"], "pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "联系群众不够" in text and "甲中学党总支" in text


def test_unknown_format_is_404(login, personas, items):
    assert export(login(personas["alice"]), unit_export(items["A"], "doc")).status_code == 404


def test_a_get_starts_nothing(login, personas, items):
    assert login(personas["alice"]).get(unit_export(items["A"], "xlsx")).status_code == 405


@pytest.mark.parametrize(
    ("persona", "status", "sees_a"),
    [("office", 200, True), ("charlie", 200, False), ("bob", 404, False)],
)
def test_the_bureaus_whole_list_in_excel(login, personas, items, persona, status, sees_a):
    url = reverse("rectification:campaign-export", args=[items["A"].campaign_id, "xlsx"])
    response = export(login(personas[persona]), url)
    assert response.status_code == status
    if status == 200:
        problems = [row[3] for row in workbook_rows(response)[1:]]
        assert problems[0] == "机关效能不高"  # the bureau's own items first
        assert ("联系群众不够" in problems) is sees_a
        assert "乙中心窗口服务差" in problems


def test_the_bureaus_whole_list_in_pdf(login, personas, items, needs_weasyprint):
    url = reverse("rectification:campaign-export", args=[items["A"].campaign_id, "pdf"])
    text = pdf_text(export(login(personas["office"]), url))
    for name in ("测试局党委", "甲中学党总支", "乙中心党支部", "机关效能不高", "乙中心窗口服务差"):
        assert name in text


def test_the_public_list_prints_published_items_only(client, campaign, tree, items, personas):
    services.publish(items["A"], acting=scope_of(personas["alice"]))
    url = reverse("rectification:public-unit-export", args=[campaign.code, tree["A"].code, "xlsx"])
    problems = [row[3] for row in workbook_rows(client.get(url))[1:]]
    assert problems == ["联系群众不够"]
    nothing = reverse(
        "rectification:public-unit-export", args=[campaign.code, tree["B"].code, "xlsx"]
    )
    assert client.get(nothing).status_code == 404


def test_the_public_pdf(client, campaign, tree, items, personas, needs_weasyprint):
    services.publish(items["A"], acting=scope_of(personas["alice"]))
    url = reverse("rectification:public-unit-export", args=[campaign.code, tree["A"].code, "pdf"])
    text = pdf_text(client.get(url))
    assert "联系群众不够" in text and "支部学习不经常" not in text
