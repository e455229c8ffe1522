"""Excel and PDF responses.

Modules describe what to export — sheets of rows for Excel, a print template and its
context for PDF — and these functions render and stream it. PDFs are A4 with the Noto CJK
fonts (WeasyPrint); templates extend `reports/print_base.html`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.http import FileResponse, HttpResponse
from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from vanguard.reports.sheets import safe_value

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Sheet:
    """One worksheet: a title, a header row and the rows (any iterable, consumed once)."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[object]]
    widths: Sequence[int] = ()


def write_sheets(file, sheets: Iterable[Sheet]) -> None:
    """Write sheets to `file` in openpyxl's streaming (write-only) mode; text that a
    spreadsheet would run as a formula is written as text (`sheets.safe_value`)."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=sheet.title[:31])
        for index, width in enumerate(sheet.widths, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = width
        header = []
        for title in sheet.headers:
            cell = _cell(worksheet, safe_value(title))
            cell.font = bold
            header.append(cell)
        worksheet.append(header)
        for row in sheet.rows:
            worksheet.append([safe_value(value) for value in row])
    workbook.save(file)


def _cell(worksheet, value):
    from openpyxl.cell import WriteOnlyCell

    return WriteOnlyCell(worksheet, value=value)


def xlsx_response(write: Callable[[object], None], filename: str) -> FileResponse:
    """Write a workbook with `write(file)` to a temporary file and stream it.

    FileResponse sends a non-ASCII filename as RFC 5987 `filename*=utf-8''…`.
    """
    # Not a `with` block: FileResponse closes the file (and so deletes it) once sent.
    file = tempfile.TemporaryFile()  # noqa: SIM115
    write(file)
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def sheets_response(sheets: Iterable[Sheet], filename: str) -> FileResponse:
    return xlsx_response(lambda file: write_sheets(file, sheets), filename)


def render_pdf(template_name: str, context: dict, request=None) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template_name, context, request=request)
    base_url = request.build_absolute_uri("/") if request is not None else None
    return HTML(string=html, base_url=base_url).write_pdf()


def pdf_response(template_name: str, context: dict, filename: str, request=None) -> HttpResponse:
    response = HttpResponse(
        render_pdf(template_name, context, request=request), content_type="application/pdf"
    )
    # inline: the browser shows the form, ready to print; the name is used when saved.
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response
