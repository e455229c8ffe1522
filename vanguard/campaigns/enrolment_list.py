"""The list of units to enrol in a batch, as an Excel workbook (参加单位名单).

One sheet, a header row with the column 组织编码 (the organisation's code, as in the
organisation workbook) and optionally 组织名称 (checked against the code, to catch a
shifted row). The list is all-or-nothing: every problem is reported with its row and
column — an unknown code, a repeated one, a name that does not match, and each unit the
batch refuses (already enrolled, not an enrollable type, outside the leading organisation,
the batch's dates) — and nothing is enrolled until the list has none.

Read through `reports.sheets` (bounded rows, columns and time).
"""

from __future__ import annotations

from typing import IO, Any

from django.utils.translation import gettext as _

from vanguard.orgs.excel import ImportProblem, WorkbookError
from vanguard.orgs.models import Organization
from vanguard.reports.sheets import Bounds, SheetRefused, bounded_rows, load_bounded

SHEET = "参加单位"
CODE = "组织编码"
NAME = "组织名称"
MAX_ROWS = 5000


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _file_problem(message: str) -> ImportProblem:
    return ImportProblem(sheet="", row=None, column="", message=message)


def read_unit_list(file: IO[bytes]) -> list[tuple[int, Organization, str]]:
    """(row number, organisation, sheet title) per row; `WorkbookError` with every problem
    of the file itself (unreadable, no code column, unknown or repeated codes)."""
    try:
        workbook = load_bounded(file)
    except SheetRefused as error:
        raise WorkbookError([_file_problem(str(error))]) from error
    except Exception as error:  # openpyxl raises many kinds for a file that is not xlsx
        raise WorkbookError([_file_problem(_not_xlsx())]) from error
    try:
        return _read(workbook)
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


def _read(workbook: Any) -> list[tuple[int, Organization, str]]:
    if not workbook.worksheets:
        raise WorkbookError([_file_problem(_("The workbook has no sheet."))])
    named = [sheet for sheet in workbook.worksheets if sheet.title.strip() == SHEET]
    sheet = named[0] if named else workbook.worksheets[0]
    title = sheet.title
    values = bounded_rows(sheet, Bounds(rows=MAX_ROWS, columns=10))
    header = [_text(value) for value in (next(values, None) or ())]
    if CODE not in header:
        message = _("This column is missing from the header row.")
        raise WorkbookError([ImportProblem(title, 1, CODE, message)])
    code_at = header.index(CODE)
    name_at = header.index(NAME) if NAME in header else None
    rows: list[tuple[int, str, str]] = []
    for number, row in enumerate(values, start=2):
        cells = list(row) + [None] * len(header)
        code = _text(cells[code_at])
        name = _text(cells[name_at]) if name_at is not None else ""
        if code or name:
            rows.append((number, code, name))
    problems: list[ImportProblem] = []
    if not rows:
        problems.append(_file_problem(_("The list is empty: there are no rows under the header.")))
    orgs = Organization.objects.in_bulk([code for _n, code, _name in rows], field_name="code")
    seen: dict[str, int] = {}
    found = []
    for number, code, name in rows:
        if not code:
            problems.append(ImportProblem(title, number, CODE, _("The code is missing.")))
            continue
        if code in seen:
            message = _("The code is repeated (first in row %(row)s).") % {"row": seen[code]}
            problems.append(ImportProblem(title, number, CODE, message))
            continue
        seen[code] = number
        org = orgs.get(code)
        if org is None:
            message = _("No organisation has the code %(code)s.") % {"code": code}
            problems.append(ImportProblem(title, number, CODE, message))
            continue
        if name and name != org.name:
            message = _("The code %(code)s is %(name)s, not this name.") % {
                "code": code,
                "name": org.name,
            }
            problems.append(ImportProblem(title, number, NAME, message))
            continue
        found.append((number, org, title))
    if problems:
        raise WorkbookError(problems)
    return found
