"""The sampling-frame workbook (抽样名单): one format for import, verification and the blank
template.

One sheet — the one named 抽样名单, or else the workbook's first sheet — with the headers
姓名, 类别, 手机号码, 送达地址 in row 1. Only these four columns are read; any other column is
ignored and never stored, so a list may carry nothing beyond what delivering an invitation
needs. Every row is checked before anything is kept: if any row is wrong, `read_frame`
raises `WorkbookError` listing every problem (sheet, row as Excel numbers it, column,
reason). Blank rows are skipped; the others keep their Excel row numbers, which are the
row numbers the draw publishes (docs/sampling.md).
"""

from __future__ import annotations

import re
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from vanguard.orgs.excel import ImportProblem, WorkbookError
from vanguard.reports.sheets import Bounds, SheetRefused, bounded_rows, load_bounded
from vanguard.surveys.sampling import FrameRow, normalise

SHEET = "抽样名单"
HELP_SHEET = "说明"
NAME = "姓名"
GROUP = "类别"
PHONE = "手机号码"
ADDRESS = "送达地址"
HEADERS = (NAME, GROUP, PHONE, ADDRESS)
TEMPLATE_FILENAME = "抽样名单-导入模板.xlsx"

MAX_FILE_MB = 20
MAX_ROWS = 200_000
NAME_MAX = 50
GROUP_MAX = 30
ADDRESS_MAX = 200
_PHONE_RE = re.compile(r"\+?[0-9][0-9 \-]{6,19}")

EXAMPLES = (
    ("张三", "学生家长", "13800000000", ""),
    ("李四", "社区居民", "", "新城街道幸福小区3幢2单元"),
)


def _text(value: Any) -> str:
    """A cell as text: a phone number typed as a number loses no digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalise(value)


def read_frame(file: IO[bytes]) -> list[FrameRow]:
    """The frame's rows in file order; raises `WorkbookError` with every problem."""
    try:
        workbook = load_bounded(file)
    except SheetRefused as error:
        raise WorkbookError([_file_problem(str(error))]) from error
    except Exception as error:  # openpyxl raises many kinds for a file that is not xlsx
        raise WorkbookError([_file_problem(_not_xlsx())]) from error
    try:
        return _read_workbook(workbook)
    except WorkbookError:
        raise
    except SheetRefused as error:
        raise WorkbookError([_file_problem(str(error))]) from error
    except Exception as error:  # a damaged sheet inside a valid zip
        raise WorkbookError([_file_problem(_not_xlsx())]) from error
    finally:
        workbook.close()


def _not_xlsx() -> str:
    return _("The file is not a valid Excel workbook (.xlsx).")


def _file_problem(message: str) -> ImportProblem:
    return ImportProblem(sheet="", row=None, column="", message=message)


def _read_workbook(workbook) -> list[FrameRow]:
    if not workbook.worksheets:
        raise WorkbookError([_file_problem(_("The workbook has no sheet."))])
    named = [sheet for sheet in workbook.worksheets if sheet.title.strip() == SHEET]
    sheet = named[0] if named else workbook.worksheets[0]
    title = sheet.title
    values = bounded_rows(sheet, Bounds(rows=MAX_ROWS))
    header = next(values, None) or ()
    columns: dict[str, int] = {}
    for index, value in enumerate(header):
        columns.setdefault(_text(value), index)
    missing = [column for column in HEADERS if column not in columns]
    if missing:
        message = _("This column is missing from the header row.")
        raise WorkbookError([ImportProblem(title, 1, column, message) for column in missing])
    reader = _RowReader(title, columns)
    for number, cells in enumerate(values, start=2):
        if all(_text(cell) == "" for cell in cells):
            continue
        if len(reader.rows) == MAX_ROWS:
            message = _("Too many rows: a list may have at most %(max)s rows.") % {"max": MAX_ROWS}
            reader.problem(number, "", message)
            break
        reader.read(number, cells)
    if not reader.rows and not reader.problems:
        reader.problems.append(
            _file_problem(_("The list is empty: there are no rows under the header."))
        )
    if reader.problems:
        raise WorkbookError(reader.problems)
    return reader.rows


class _RowReader:
    """Checks each row of the sheet and keeps the good ones."""

    def __init__(self, sheet: str, columns: dict[str, int]):
        self.sheet = sheet
        self.columns = columns
        self.rows: list[FrameRow] = []
        self.problems: list[ImportProblem] = []
        self.people: dict[tuple[str, str], int] = {}  # (name, contact) → first row

    def problem(self, number: int, column: str, message: str) -> None:
        self.problems.append(ImportProblem(self.sheet, number, column, message))

    def cell(self, cells, column: str) -> str:
        index = self.columns[column]
        return _text(cells[index]) if index < len(cells) else ""

    def read(self, number: int, cells) -> None:
        before = len(self.problems)
        name = self.required(number, cells, NAME, NAME_MAX)
        group = self.required(number, cells, GROUP, GROUP_MAX)
        phone = self.cell(cells, PHONE)
        address = self.cell(cells, ADDRESS)
        if phone and not _PHONE_RE.fullmatch(phone):
            self.problem(number, PHONE, _("A phone number has 7 to 20 digits, spaces or dashes."))
        if len(address) > ADDRESS_MAX:
            self.problem(number, ADDRESS, _too_long(ADDRESS_MAX))
        if not phone and not address:
            message = _(
                "Give a phone number or a delivery address: the invitation must reach them."
            )
            self.problem(number, PHONE, message)
        for contact in filter(None, (phone, address)):
            first = self.people.setdefault((name, contact), number)
            if first != number:
                message = _("The same person is already on row %(row)s.") % {"row": first}
                self.problem(number, NAME, message)
                break
        if len(self.problems) == before:
            self.rows.append(FrameRow(number, name, group, phone, address))

    def required(self, number: int, cells, column: str, max_length: int) -> str:
        value = self.cell(cells, column)
        if not value:
            self.problem(number, column, _("This value is required."))
        elif len(value) > max_length:
            self.problem(number, column, _too_long(max_length))
        return value


def _too_long(max_length: int) -> str:
    return _("Too long: at most %(max)s characters.") % {"max": max_length}


def write_template(file: IO[bytes]) -> None:
    """The blank workbook: the header row, and 说明 with examples (the list sheet has none,
    so nothing needs deleting before import)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (12, 14, 16, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet(HELP_SHEET)
    for line in _help_lines():
        help_sheet.append((line,))
    help_sheet.append(())
    help_sheet.append(HEADERS)
    for example in EXAMPLES:
        help_sheet.append(example)
    for letter, width in zip("ABCD", (100, 14, 16, 40), strict=True):
        help_sheet.column_dimensions[letter].width = width
    workbook.save(file)


def _help_lines() -> list[str]:
    return [
        _("Every row of the sheet %(sheet)s is a person of the list; the header is row 1.")
        % {"sheet": SHEET},
        _("%(name)s and %(group)s are required; give %(phone)s, %(address)s or both.")
        % {"name": NAME, "group": GROUP, "phone": PHONE, "address": ADDRESS},
        _(
            "%(group)s is the person's group, e.g. 学生家长, 教师, 社区居民, 行风监督员, 群众代表; "
            "a stratified draw takes given shares of these groups."
        )
        % {"group": GROUP},
        _(
            "Only these four columns are read. Do not add identity numbers or other personal "
            "data: any other column is ignored and never stored."
        ),
        _(
            "Keep the file unchanged after importing it: anyone holding it can re-draw the "
            "sample and check it against the published fingerprint, seed and row numbers."
        ),
    ]
