"""Reading uploaded workbooks safely, and writing cells no spreadsheet will run.

Every import of a workbook (members and organisations, survey sampling frames, quiz
questions) reads it through `load_bounded` and `bounded_rows`, so that a small file cannot
keep a worker busy: a 5 KB workbook with one cell at XFD1048576 makes a naive reader pad a
million rows to 16,384 cells each (about 50 minutes). Here it is refused at once:

- the archive's declared unpacked size is bounded (`zipfile` never inflates a member past
  its declared size, so the bound is real);
- the sheet's declared dimensions are checked before a row is read;
- rows are read only up to the caller's limit and cut to a number of columns, whatever the
  dimensions claim, so a sheet without dimensions or with false ones is bounded too;
- a time budget (`VANGUARD_SHEET_SECONDS`) stops anything else that is slow.

Every writer passes its values through `safe_value`: text starting with `=`, `+`, `-`, `@`,
a tab or a carriage return is stored as text behind an apostrophe (OWASP's advice against
CSV/formula injection), so that a public opinion reading `=HYPERLINK(…)` arrives in the
office's export as the words typed, never as a live formula.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_COLUMNS = 50
MAX_UNPACKED_MB = 256
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class SheetRefused(Exception):
    """The workbook is too large to read; `str()` is the message for the user."""


@dataclass(frozen=True)
class Bounds:
    """How much of a sheet a reader accepts: data rows under the header, columns, seconds."""

    rows: int
    columns: int = MAX_COLUMNS
    seconds: float | None = None  # default: settings.VANGUARD_SHEET_SECONDS

    @property
    def budget(self) -> float:
        if self.seconds is not None:
            return self.seconds
        return float(getattr(settings, "VANGUARD_SHEET_SECONDS", 30))


def load_bounded(file: IO[bytes]):
    """The workbook in `file` opened read-only (values, not formulas).

    Raises `SheetRefused` when it would unpack to more than `MAX_UNPACKED_MB`; any other
    exception means the file is not a readable workbook.
    """
    try:
        with zipfile.ZipFile(file) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        unpacked = 0  # not a zip: openpyxl says so below
    if unpacked > MAX_UNPACKED_MB * 1024 * 1024:
        raise SheetRefused(
            _("The workbook unpacks to more than %(max)s MB; split it into smaller files.")
            % {"max": MAX_UNPACKED_MB}
        )
    file.seek(0)
    return load_workbook(file, read_only=True, data_only=True)


def bounded_rows(sheet, bounds: Bounds) -> Iterator[tuple[Any, ...]]:
    """The header row and up to `bounds.rows` rows under it, as tuples of at most
    `bounds.columns` values; raises `SheetRefused` for a sheet larger than that (declared
    or found) or slower to read than the time budget."""
    max_row = bounds.rows + 1  # the header row, then the data rows
    _check_declared(sheet, max_row, bounds.columns)
    deadline = time.monotonic() + bounds.budget
    rows = sheet.iter_rows(min_row=1, max_row=max_row + 1, max_col=bounds.columns, values_only=True)
    # Empty rows are held back until a row with a value follows them (so row numbers stay
    # right), and never handed on at the end: a sheet padded with empty rows up to the
    # limit costs the callers nothing.
    empty_rows = 0
    for number, values in enumerate(rows, start=1):
        if number > max_row:
            raise SheetRefused(_too_many_rows(bounds.rows))
        if time.monotonic() > deadline:
            raise SheetRefused(
                _("The workbook took too long to read (over %(seconds)s seconds); split it.")
                % {"seconds": int(bounds.budget)}
            )
        if all(value is None for value in values):
            empty_rows += 1
            continue
        for _empty in range(empty_rows):
            yield ()
        empty_rows = 0
        yield values


def _check_declared(sheet, max_row: int, max_columns: int) -> None:
    declared_rows = getattr(sheet, "max_row", None)
    declared_columns = getattr(sheet, "max_column", None)
    if declared_rows is not None and declared_rows > max_row:
        raise SheetRefused(_too_many_rows(max_row - 1))
    if declared_columns is not None and declared_columns > max_columns:
        raise SheetRefused(
            _(
                "The sheet %(sheet)s uses %(columns)s columns; at most %(max)s are read. "
                "Delete the columns (or formatted cells) to the right of the table."
            )
            % {"sheet": sheet.title, "columns": declared_columns, "max": max_columns}
        )


def _too_many_rows(limit: int) -> str:
    return _(
        "Too many rows: a sheet may have at most %(max)s rows under its header (rows that "
        "only look empty, with formatting, count too). Delete them or split the file."
    ) % {"max": limit}


def safe_value(value: Any) -> Any:
    """`value` for a spreadsheet cell: text a spreadsheet would run as a formula (or DDE
    command) is prefixed with an apostrophe so that it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
