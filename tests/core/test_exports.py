"""The shared workbook writer (`vanguard/core/exports.py`) past the 26th column: the
column letters run A … Z, AA, AB (a letter built by `chr(ord("A") + i)` would go on to
'[' and break the workbook)."""

import io

from openpyxl import load_workbook

from vanguard.core.exports import Sheet, write_sheets


def test_a_27_column_export_keeps_every_column_and_width():
    headers = [f"列{number}" for number in range(1, 28)]
    widths = list(range(10, 37))
    file = io.BytesIO()
    write_sheets(file, [Sheet("宽表", headers, [list(range(27))], widths=widths)])
    file.seek(0)

    sheet = load_workbook(file)["宽表"]

    assert sheet.max_column == 27
    assert [cell.value for cell in sheet[1]] == headers
    assert (sheet["Z2"].value, sheet["AA2"].value) == (25, 26)
    assert sheet.column_dimensions["Z"].width == 35
    assert sheet.column_dimensions["AA"].width == 36
