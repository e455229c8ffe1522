"""Importing a list of the public: all-or-nothing with the sheet, row and column of every
problem; only the four columns delivery needs are kept."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.surveys.conftest import frame_bytes, people, workbook_bytes
from vanguard.orgs.excel import WorkbookError
from vanguard.surveys import frames, sampling, services
from vanguard.surveys.models import Frame, FrameRow, Invitation, Method


def import_(survey, data: bytes, method=Method.RANDOM_SAMPLE):
    return services.import_frame(
        survey, method, io.BytesIO(data), filename="名单.xlsx", acting=None
    )


def problems(survey, data: bytes):
    with translation.override("en"), pytest.raises(WorkbookError) as error:
        import_(survey, data)
    return [(p.sheet, p.row, p.column, p.message) for p in error.value.problems]


def test_a_good_list_is_kept_with_its_fingerprint(survey):
    rows = people(30)
    frame = import_(survey, frame_bytes(rows))
    assert frame.row_count == 30
    assert frame.fingerprint == sampling.fingerprint(rows)
    assert list(frame.rows.values_list("number", flat=True)) == list(range(2, 32))
    assert not Invitation.objects.exists()  # a sample list invites nobody until the draw


def test_representatives_are_all_invited(survey):
    import_(survey, frame_bytes(people(7, groups=("群众代表",))), Method.REPRESENTATIVES)
    assert survey.invitations.filter(method=Method.REPRESENTATIVES, group="群众代表").count() == 7


def test_every_bad_row_is_reported_and_nothing_is_kept(survey):
    data = workbook_bytes(
        [
            ("张三", "学生家长", "13800000000", ""),
            ("", "教师", "13800000001", ""),  # row 3: no name
            ("李四", "", "", "幸福小区"),  # row 4: no group
            ("王五", "教师", "电话", ""),  # row 5: not a phone number
            ("赵六", "教师", "", ""),  # row 6: no way to reach them
            ("张三", "学生家长", "13800000000", ""),  # row 7: the same person as row 2
            ("钱七", "社", "", "地" * 201),  # row 8: address too long
        ]
    )
    found = problems(survey, data)
    sheet = frames.SHEET
    assert found == [
        (sheet, 3, "姓名", "This value is required."),
        (sheet, 4, "类别", "This value is required."),
        (sheet, 5, "手机号码", "A phone number has 7 to 20 digits, spaces or dashes."),
        (
            sheet,
            6,
            "手机号码",
            "Give a phone number or a delivery address: the invitation must reach them.",
        ),
        (sheet, 7, "姓名", "The same person is already on row 2."),
        (sheet, 8, "送达地址", "Too long: at most 200 characters."),
    ]
    assert not Frame.objects.exists() and not FrameRow.objects.exists()


def test_missing_columns_are_named(survey):
    found = problems(survey, workbook_bytes([("张三", "教师")], headers=("姓名", "类别", "电话")))
    assert [(row, column) for _sheet, row, column, _message in found] == [
        (1, "手机号码"),
        (1, "送达地址"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a workbook", "The file is not a valid Excel workbook (.xlsx)."),
        (workbook_bytes([]), "The list is empty: there are no rows under the header."),
    ],
)
def test_files_that_are_not_lists_are_refused(survey, data, message):
    assert problems(survey, data) == [("", None, "", message)]


def test_other_columns_are_ignored_and_never_stored(survey):
    headers = ("身份证号", *frames.HEADERS, "备注")
    data = workbook_bytes(
        [("330900199001011234", "张三", "教师", "13800000000", "", "秘密")], headers=headers
    )
    frame = import_(survey, data)
    row = frame.rows.get()
    stored = " ".join(str(getattr(row, f.attname)) for f in FrameRow._meta.concrete_fields)
    assert "330900199001011234" not in stored and "秘密" not in stored
    assert frame.fingerprint == sampling.fingerprint(
        [sampling.FrameRow(2, "张三", "教师", "13800000000")]
    )


def test_blank_rows_are_skipped_and_rows_keep_excel_numbers(survey):
    data = workbook_bytes(
        [
            ("张三", "教师", "13800000000", ""),
            (None, None, None, None),
            ("李四", "教师", 13800000001, ""),
        ]
    )
    frame = import_(survey, data)
    assert list(frame.rows.values_list("number", "phone")) == [
        (2, "13800000000"),
        (4, "13800000001"),
    ]


def test_the_sheet_named_like_the_template_is_read_first(survey):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "封面"
    workbook.active.append(["说明"])
    sheet = workbook.create_sheet(frames.SHEET)
    sheet.append(list(frames.HEADERS))
    sheet.append(["张三", "教师", "13800000000", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert import_(survey, buffer.getvalue()).row_count == 1


def test_the_blank_template_has_the_headers_and_imports_as_empty(survey):
    buffer = io.BytesIO()
    frames.write_template(buffer)
    with translation.override("en"), pytest.raises(WorkbookError, match="empty"):
        frames.read_frame(io.BytesIO(buffer.getvalue()))


def test_a_list_is_replaced_until_a_draw_is_announced(survey):
    import_(survey, frame_bytes(people(10)))
    frame = import_(survey, frame_bytes(people(12)))
    assert Frame.objects.get().row_count == 12
    services.announce_draw(
        frame,
        services.Announcement(
            seed="1", seed_source="骰子", witnesses=["甲", "乙"], size=3, strata={}
        ),
        acting=None,
    )
    with pytest.raises(ValidationError):
        import_(survey, frame_bytes(people(14)))
    assert Frame.objects.get().row_count == 12


def test_lists_are_fixed_once_the_survey_is_open(open_survey):
    with pytest.raises(ValidationError):
        import_(open_survey, frame_bytes(people(3, groups=("群众代表",))), Method.REPRESENTATIVES)
