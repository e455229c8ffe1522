"""The organisations-and-members workbook: one format for import, export and the blank template.

Two sheets, 组织 and 党员, with Chinese headers in row 1. The sheet names, headers and
choice labels below are the file format (like column names) and are never translated.

Import checks every row of both sheets before writing anything; if any row is wrong it
raises `WorkbookError` listing every problem (sheet, row as Excel numbers it, column,
reason) and writes nothing. Otherwise it creates and updates rows by their stable code in
one transaction, and writes nothing at all for rows whose values equal the stored ones, so
re-importing a file (or an export) is a no-op. Rows whose code starts with 示例 are the
template's examples and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from vanguard.orgs.models import (
    Gender,
    Member,
    MemberStatus,
    Organization,
    OrgCategory,
    OrgKind,
    PostKind,
    Transfer,
)
from vanguard.reports.sheets import Bounds, SheetRefused, bounded_rows, load_bounded, safe_value

# --- The file format ----------------------------------------------------------------

ORG_SHEET = "组织"
MEMBER_SHEET = "党员"
HELP_SHEET = "说明"

ORG_CODE = "组织编码"
ORG_NAME = "组织名称"
ORG_PARENT = "上级组织编码"
ORG_KIND = "组织类型"
ORG_CATEGORY = "组织类别"
ORG_PUBLIC_NAME = "对外名称"
ORG_HEADERS = (ORG_CODE, ORG_NAME, ORG_PARENT, ORG_KIND, ORG_CATEGORY, ORG_PUBLIC_NAME)
# Columns a workbook may leave out (added after the first files were made).
OPTIONAL_HEADERS = {ORG_PUBLIC_NAME}

MEMBER_CODE = "党员编号"
MEMBER_NAME = "姓名"
MEMBER_GENDER = "性别"
MEMBER_BIRTH = "出生日期"
MEMBER_ORG = "所在组织编码"
MEMBER_JOINED = "入党日期"
MEMBER_STATUS = "党员类别"
MEMBER_LEADER = "是否党员领导干部"
MEMBER_POSITION = "职务"
MEMBER_PHONE = "联系电话"
# 五.1(1) 摸清党员队伍的基本情况: optional columns (a workbook without them changes nothing
# of these values; a new member then gets the defaults).
MEMBER_POST = "岗位类别"
MEMBER_RETIRED = "是否离退休"
MEMBER_FLOATING = "是否流动党员"
MEMBER_LOST = "是否失去联系"
OPTIONAL_MEMBER_HEADERS = (MEMBER_POST, MEMBER_RETIRED, MEMBER_FLOATING, MEMBER_LOST)
# The optional columns' fields, by header.
OPTIONAL_MEMBER_FIELDS = {
    MEMBER_POST: "post_kind",
    MEMBER_RETIRED: "retired",
    MEMBER_FLOATING: "floating",
    MEMBER_LOST: "out_of_contact",
}
MEMBER_HEADERS = (
    MEMBER_CODE,
    MEMBER_NAME,
    MEMBER_GENDER,
    MEMBER_BIRTH,
    MEMBER_ORG,
    MEMBER_JOINED,
    MEMBER_STATUS,
    MEMBER_LEADER,
    MEMBER_POSITION,
    MEMBER_PHONE,
    *OPTIONAL_MEMBER_HEADERS,
)
HELP_HEADERS = ("工作表", "列名", "必填", "说明")

KIND_LABELS = {
    OrgKind.COMMITTEE: "党委",
    OrgKind.GENERAL_BRANCH: "党总支",
    OrgKind.BRANCH: "党支部",
}
CATEGORY_LABELS = {
    OrgCategory.ORGAN: "机关",
    OrgCategory.INSTITUTION: "事业单位",
    OrgCategory.SCHOOL: "学校",
    OrgCategory.ENTERPRISE: "企业",
}
GENDER_LABELS = {Gender.MALE: "男", Gender.FEMALE: "女"}
STATUS_LABELS = {MemberStatus.FORMAL: "正式党员", MemberStatus.PROBATIONARY: "预备党员"}
POST_LABELS = {
    PostKind.TEACHER: "教师",
    PostKind.MANAGER: "管理人员",
    PostKind.STAFF: "工作人员",
    PostKind.OTHER: "其他",
}
YES, NO = "是", "否"

# A row whose code starts with this is an example (the template's grey rows): skipped.
EXAMPLE_PREFIX = "示例"
EXPORT_FILENAME = "组织与党员-{date:%Y-%m-%d}.xlsx"
TEMPLATE_FILENAME = "组织与党员-导入模板.xlsx"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MAX_FILE_MB = 10
MAX_ROWS = 50_000  # per sheet; a guard against runaway files, well above 12,000 members
DATE_EXAMPLE = "2024-01-05"
DATE_EXAMPLES = "2024-01-05、2024/1/5、2024年1月5日"

_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_PHONE_RE = re.compile(r"[0-9 \-]{7,20}")
_CODE_QUERY_CHUNK = 900  # codes per `IN (…)` lookup: below SQLite's old 999-parameter limit
_WRITE_BATCH = 500
MEMBER_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "organization_id",
    "joined_on",
    "status",
    "is_leader_cadre",
    "position",
    "phone",
    *OPTIONAL_MEMBER_FIELDS.values(),
)
ORG_FIELDS = ("name", "kind", "category", "public_name")


# --- Results and problems -----------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    sheet: str  # "" for the file as a whole
    row: int | None  # as Excel numbers it; None for the file or sheet as a whole
    column: str  # the header; "" when the problem is not about one column
    message: str

    def __str__(self) -> str:
        place = [self.sheet] if self.sheet else []
        if self.row:
            place.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            place.append(self.column)
        return f"{', '.join(place)}: {self.message}" if place else self.message


class WorkbookError(Exception):
    """A workbook with problems; `problems` lists every one found. Nothing was written."""

    def __init__(self, problems: Iterable[ImportProblem]) -> None:
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportResult:
    organizations: Counts = field(default_factory=Counts)
    members: Counts = field(default_factory=Counts)
    examples_skipped: int = 0

    @property
    def total(self) -> int:
        return self.organizations.total + self.members.total

    def summary(self) -> str:
        return _(
            "Organisations: %(orgs_created)s created, %(orgs_updated)s updated, "
            "%(orgs_unchanged)s unchanged. Members: %(members_created)s created, "
            "%(members_updated)s updated, %(members_unchanged)s unchanged."
        ) % {
            "orgs_created": self.organizations.created,
            "orgs_updated": self.organizations.updated,
            "orgs_unchanged": self.organizations.unchanged,
            "members_created": self.members.created,
            "members_updated": self.members.updated,
            "members_unchanged": self.members.unchanged,
        }


# --- Reading cells ------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    cells: dict[str, Any]  # header → raw cell value


def _text(value: Any) -> str:
    """A cell as text: numbers typed into code or phone cells lose no digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def _is_blank(values: Iterable[Any]) -> bool:
    return all(_text(value) == "" for value in values)


def _read_sheets(file: IO[bytes]) -> dict[str, list[_Row]]:
    """The data rows of the 组织 and 党员 sheets found in `file`, blank rows left out."""
    try:
        workbook = load_bounded(file)
    except SheetRefused as error:
        raise WorkbookError([_file_problem(str(error))]) from error
    except Exception as error:  # openpyxl raises many kinds for a file that is not xlsx
        raise WorkbookError([_not_xlsx()]) from error
    try:
        return _read_open_workbook(workbook)
    except WorkbookError:
        raise
    except SheetRefused as error:
        raise WorkbookError([_file_problem(str(error))]) from error
    except Exception as error:  # a damaged sheet inside a valid zip
        raise WorkbookError([_not_xlsx()]) from error
    finally:
        workbook.close()


def _file_problem(message: str) -> ImportProblem:
    return ImportProblem(sheet="", row=None, column="", message=message)


def _not_xlsx() -> ImportProblem:
    return _file_problem(_("The file is not a valid Excel workbook (.xlsx)."))


def _read_open_workbook(workbook) -> dict[str, list[_Row]]:
    worksheets = {sheet.title.strip(): sheet for sheet in workbook.worksheets}
    problems: list[ImportProblem] = []
    found: dict[str, list[_Row]] = {}
    for name, headers in ((ORG_SHEET, ORG_HEADERS), (MEMBER_SHEET, MEMBER_HEADERS)):
        if name not in worksheets:
            continue
        rows = bounded_rows(worksheets[name], Bounds(rows=MAX_ROWS))
        header = next(rows, None)
        if header is None or _is_blank(header):
            continue
        columns: dict[str, int] = {}
        for index, value in enumerate(header):
            columns.setdefault(_text(value), index)
        missing = [
            column
            for column in headers
            if column not in columns
            and column not in OPTIONAL_MEMBER_HEADERS
            and column not in OPTIONAL_HEADERS
        ]
        for column in missing:
            problems.append(
                ImportProblem(name, 1, column, _("This column is missing from the header row."))
            )
        if missing:
            found[name] = []
            continue
        found[name] = _data_rows(name, rows, headers, columns, problems)
    if not found:
        problems.append(
            _file_problem(
                _(
                    "The workbook is empty: it needs a sheet named %(orgs)s or %(members)s "
                    "with the header row."
                )
                % {"orgs": ORG_SHEET, "members": MEMBER_SHEET}
            )
        )
    elif not problems and not any(found.values()):
        problems.append(_file_problem(_("The workbook is empty: there are no rows to import.")))
    if problems:
        raise WorkbookError(problems)
    return found


def _data_rows(sheet, rows, headers, columns, problems) -> list[_Row]:
    data: list[_Row] = []
    for number, values in enumerate(rows, start=2):
        if _is_blank(values):
            continue
        if len(data) == MAX_ROWS:
            message = _("Too many rows: a sheet may have at most %(max)s rows.") % {"max": MAX_ROWS}
            problems.append(ImportProblem(sheet, number, "", message))
            break
        cells = {
            header: values[columns[header]]
            if header in columns and columns[header] < len(values)
            else None
            for header in headers
            if header in columns  # an optional column may be absent
        }
        data.append(_Row(number, cells))
    return data


# --- Import -------------------------------------------------------------------------


@dataclass
class _OrgRow:
    number: int
    code: str
    name: str = ""
    parent_code: str = ""
    kind: str = ""
    category: str = ""
    public_name: str = ""
    valid: bool = True

    def values(self) -> dict[str, str]:
        return {
            "name": self.name,
            "kind": self.kind,
            "category": self.category,
            "public_name": self.public_name,
        }


@dataclass
class _MemberRow:
    number: int
    code: str
    org_code: str
    values: dict[str, Any]
    valid: bool = True


class _Importer:
    """Validates the rows against the database and the user's scope, then writes them."""

    def __init__(self, scope, user=None):
        self.scope = scope
        self.user = user
        self.problems: list[ImportProblem] = []
        self.result = ImportResult()
        # Every organisation in one query: the tree is small next to the members.
        self.orgs_by_code = {org.code: org for org in Organization.objects.order_by()}
        self.orgs_by_path = {org.path: org for org in self.orgs_by_code.values()}
        self.orgs_by_id = {org.pk: org for org in self.orgs_by_code.values()}
        self.org_rows: dict[str, _OrgRow] = {}  # code → row, first occurrence
        self.org_updates: list[tuple[Organization, dict[str, str]]] = []
        self.org_creates: list[_OrgRow] = []
        self.member_creates: list[_MemberRow] = []
        self.member_updates: list[tuple[Member, _MemberRow]] = []

    # -- scope -------------------------------------------------------------------------

    def manages(self, path: str) -> bool:
        return self.scope.is_superuser or self.scope.can_manage_path(path)

    def reads(self, path: str) -> bool:
        return self.scope.is_superuser or self.scope.can_view_path(path)

    def parent_code(self, org: Organization) -> str:
        parent = self.orgs_by_path.get(org.path[: -Organization.steplen])
        return parent.code if org.depth > 1 and parent else ""

    # -- cells -------------------------------------------------------------------------

    def problem(self, sheet: str, row: int, column: str, message: str) -> None:
        self.problems.append(ImportProblem(sheet, row, column, message))

    def text(self, sheet, row: _Row, column, *, required=False, max_length=None) -> str:
        value = _text(row.cells.get(column))  # an optional column may be absent
        if required and not value:
            self.problem(sheet, row.number, column, _("This value is required."))
        elif max_length and len(value) > max_length:
            message = _("Too long: at most %(max)s characters.") % {"max": max_length}
            self.problem(sheet, row.number, column, message)
        return value

    def choice(self, sheet, row: _Row, column, labels: dict, *, default=None) -> Any:
        if isinstance(row.cells[column], bool) and row.cells[column] in labels:
            return row.cells[column]  # an Excel TRUE/FALSE cell in the 是/否 column
        value = _text(row.cells[column])
        if not value and default is not None:
            return default
        by_label = {label: choice for choice, label in labels.items()}
        if value in by_label:
            return by_label[value]
        if not value:
            self.problem(sheet, row.number, column, _("This value is required."))
        else:
            message = _("Unknown value “%(value)s”; allowed: %(allowed)s.") % {
                "value": value,
                "allowed": " / ".join(labels.values()),
            }
            self.problem(sheet, row.number, column, message)
        return default

    def date_value(self, sheet, row: _Row, column) -> date | None:
        value = row.cells[column]
        if isinstance(value, datetime):
            parsed = value.date()
        elif isinstance(value, date):
            parsed = value
        elif _text(value) == "":
            return None
        else:
            parsed = _parse_date(_text(value))
            if parsed is None:
                message = _("“%(value)s” is not a date; write it like %(example)s.") % {
                    "value": _text(value),
                    "example": DATE_EXAMPLE,
                }
                self.problem(sheet, row.number, column, message)
                return None
        if parsed > self.scope.today:
            message = _("The date %(date)s is in the future.") % {"date": parsed.isoformat()}
            self.problem(sheet, row.number, column, message)
        return parsed

    def code(self, sheet, row: _Row, column, first_rows: dict[str, int]) -> str:
        code = self.text(sheet, row, column, required=True, max_length=32)
        if code in first_rows:
            message = _("The code %(code)s is already used on row %(row)s of this sheet.") % {
                "code": code,
                "row": first_rows[code],
            }
            self.problem(sheet, row.number, column, message)
            return ""
        if code:
            first_rows[code] = row.number
        return code

    # -- organisations -----------------------------------------------------------------

    def read_orgs(self, rows: list[_Row]) -> None:
        first_rows: dict[str, int] = {}
        for row in rows:
            before = len(self.problems)
            code = self.code(ORG_SHEET, row, ORG_CODE, first_rows)
            org = _OrgRow(
                number=row.number,
                code=code,
                name=self.text(ORG_SHEET, row, ORG_NAME, required=True, max_length=100),
                parent_code=self.text(ORG_SHEET, row, ORG_PARENT),
                kind=self.choice(ORG_SHEET, row, ORG_KIND, KIND_LABELS) or "",
                category=self.choice(ORG_SHEET, row, ORG_CATEGORY, CATEGORY_LABELS, default="")
                or "",
                public_name=self.text(ORG_SHEET, row, ORG_PUBLIC_NAME, max_length=100),
            )
            org.valid = len(self.problems) == before
            if code:
                self.org_rows[code] = org

    def check_orgs(self) -> None:
        for row in self.org_rows.values():
            existing = self.orgs_by_code.get(row.code)
            if existing is None:
                self.check_new_org(row)
            else:
                self.check_existing_org(row, existing)
        self.check_cycles()

    def check_existing_org(self, row: _OrgRow, org: Organization) -> None:
        current_parent = self.parent_code(org)
        if row.parent_code != current_parent:
            if current_parent:
                message = _(
                    "Organisation %(code)s already exists under %(parent)s; moving it to "
                    "another parent is not supported."
                ) % {"code": row.code, "parent": current_parent}
            else:
                message = _(
                    "Organisation %(code)s already exists at the top level; moving it under "
                    "another parent is not supported."
                ) % {"code": row.code}
            self.problem(ORG_SHEET, row.number, ORG_PARENT, message)
            row.valid = False
        changed = row.valid and row.values() != {name: getattr(org, name) for name in ORG_FIELDS}
        if not self.manages(org.path) and (changed or not self.reads(org.path)):
            self.problem(ORG_SHEET, row.number, ORG_CODE, _outside_scope(row.code))
        elif changed:
            self.org_updates.append((org, row.values()))
            self.result.organizations.updated += 1
        else:
            self.result.organizations.unchanged += 1

    def check_new_org(self, row: _OrgRow) -> None:
        parent_code = row.parent_code
        parent = self.orgs_by_code.get(parent_code)
        if not parent_code:
            if not self.scope.is_superuser:
                message = _(
                    "The parent organisation code is required: only a superuser may create "
                    "a top-level organisation."
                )
                self.problem(ORG_SHEET, row.number, ORG_PARENT, message)
        elif parent is not None:
            if not self.manages(parent.path):
                self.problem(ORG_SHEET, row.number, ORG_PARENT, _outside_scope(parent_code))
        elif parent_code not in self.org_rows:
            self.problem(ORG_SHEET, row.number, ORG_PARENT, _unknown_org(parent_code))
        self.org_creates.append(row)
        self.result.organizations.created += 1

    def check_cycles(self) -> None:
        """New organisations whose parent codes lead back to themselves."""
        new_rows = {row.code: row for row in self.org_creates}
        state: dict[str, str] = {}
        for start in new_rows:
            chain: list[str] = []
            code = start
            while code in new_rows and code not in state:
                state[code] = "visiting"
                chain.append(code)
                code = new_rows[code].parent_code
            if state.get(code) == "visiting":
                cycle = chain[chain.index(code) :]
                message = _("The parent codes form a cycle: %(cycle)s.") % {
                    "cycle": " → ".join([*cycle, code])
                }
                for member in cycle:
                    self.problem(ORG_SHEET, new_rows[member].number, ORG_PARENT, message)
            for code in chain:
                state[code] = "done"

    # -- members -----------------------------------------------------------------------

    def read_members(self, rows: list[_Row]) -> list[_MemberRow]:
        first_rows: dict[str, int] = {}
        members = []
        for row in rows:
            before = len(self.problems)
            code = self.code(MEMBER_SHEET, row, MEMBER_CODE, first_rows)
            values = {
                "name": self.text(MEMBER_SHEET, row, MEMBER_NAME, required=True, max_length=50),
                "gender": self.choice(MEMBER_SHEET, row, MEMBER_GENDER, GENDER_LABELS),
                "birth_date": self.date_value(MEMBER_SHEET, row, MEMBER_BIRTH),
                "joined_on": self.date_value(MEMBER_SHEET, row, MEMBER_JOINED),
                "status": self.choice(
                    MEMBER_SHEET, row, MEMBER_STATUS, STATUS_LABELS, default=MemberStatus.FORMAL
                ),
                "is_leader_cadre": self.choice(
                    MEMBER_SHEET, row, MEMBER_LEADER, {True: YES, False: NO}, default=False
                ),
                "position": self.text(MEMBER_SHEET, row, MEMBER_POSITION, max_length=100),
                "phone": self.phone(row),
            }
            yes_no = {True: YES, False: NO}
            for header, name in OPTIONAL_MEMBER_FIELDS.items():
                if header not in row.cells:
                    continue
                if header == MEMBER_POST:
                    value = self.choice(MEMBER_SHEET, row, header, POST_LABELS, default="")
                else:
                    value = self.choice(MEMBER_SHEET, row, header, yes_no, default=False)
                values[name] = value
            org_code = self.text(MEMBER_SHEET, row, MEMBER_ORG, required=True)
            if org_code and org_code not in self.orgs_by_code and org_code not in self.org_rows:
                self.problem(MEMBER_SHEET, row.number, MEMBER_ORG, _unknown_org(org_code))
            if code:
                member = _MemberRow(row.number, code, org_code, values)
                member.valid = len(self.problems) == before
                members.append(member)
        return members

    def phone(self, row: _Row) -> str:
        phone = _text(row.cells[MEMBER_PHONE])
        if phone and not _PHONE_RE.fullmatch(phone):
            message = _("A phone number has 7 to 20 digits, spaces or dashes.")
            self.problem(MEMBER_SHEET, row.number, MEMBER_PHONE, message)
        return phone

    def check_members(self, rows: list[_MemberRow]) -> None:
        existing = _members_by_code([row.code for row in rows])
        for row in rows:
            target = self.orgs_by_code.get(row.org_code)
            if target is not None:
                row.values["organization_id"] = target.pk
            member = existing.get(row.code)
            if member is None:
                if target is not None and not self.manages(target.path):
                    self.problem(MEMBER_SHEET, row.number, MEMBER_ORG, _outside_scope(row.org_code))
                self.member_creates.append(row)
                self.result.members.created += 1
                continue
            for name in OPTIONAL_MEMBER_FIELDS.values():
                row.values.setdefault(name, getattr(member, name))  # column absent: kept
            current = self.orgs_by_id[member.organization_id]
            changed = row.valid and any(
                row.values.get(name) != getattr(member, name) for name in MEMBER_FIELDS
            )
            readable = self.reads(current.path) or member == getattr(self.scope, "member", None)
            if not self.manages(current.path) and (changed or not readable):
                message = _("Member %(code)s belongs to an organisation you do not manage.") % {
                    "code": row.code
                }
                self.problem(MEMBER_SHEET, row.number, MEMBER_CODE, message)
            elif changed and target is not None and not self.manages(target.path):
                self.problem(MEMBER_SHEET, row.number, MEMBER_ORG, _outside_scope(row.org_code))
            elif changed:
                self.member_updates.append((member, row))
                self.result.members.updated += 1
            else:
                self.result.members.unchanged += 1

    # -- writing -----------------------------------------------------------------------

    @transaction.atomic
    def write(self) -> None:
        for org, values in self.org_updates:
            for name, value in values.items():
                setattr(org, name, value)
            org._history_user = self.user
            org.save(update_fields=list(values))
        created = self.create_orgs()
        for row in self.member_creates:
            row.values.setdefault("organization_id", created.get(row.org_code))
        new_members = [Member(code=row.code, **row.values) for row in self.member_creates]
        if new_members:
            bulk_create_with_history(
                new_members, Member, batch_size=_WRITE_BATCH, default_user=self.user
            )
        changed_members, transfers = [], []
        today = timezone.localdate()
        for member, row in self.member_updates:
            row.values.setdefault("organization_id", created.get(row.org_code))
            old_org = member.organization_id
            for name in MEMBER_FIELDS:
                setattr(member, name, row.values[name])
            if member.organization_id != old_org:
                # A move by import is a transfer like any other, dated the day of the import.
                member.organization_since = today
                transfers.append(
                    Transfer(
                        member=member,
                        from_org_id=old_org,
                        to_org_id=member.organization_id,
                        on=today,
                        recorded_by=self.user,
                    )
                )
            changed_members.append(member)
        if changed_members:
            bulk_update_with_history(
                changed_members,
                Member,
                fields=[*MEMBER_FIELDS, "organization_since"],
                batch_size=_WRITE_BATCH,
                default_user=self.user,
            )
        if transfers:
            bulk_create_with_history(
                transfers, Transfer, batch_size=_WRITE_BATCH, default_user=self.user
            )

    def create_orgs(self) -> dict[str, int]:
        """Creates the new organisations parents first; returns their ids by code."""
        new_rows = {row.code: row for row in self.org_creates}

        def depth(row: _OrgRow) -> int:
            steps = 0
            while row.parent_code in new_rows:  # no cycles: checked before writing
                row = new_rows[row.parent_code]
                steps += 1
            return steps

        created: dict[str, Organization] = {}
        for row in sorted(new_rows.values(), key=lambda row: (depth(row), row.code)):
            values = {"code": row.code, **row.values()}
            parent = created.get(row.parent_code) or self.orgs_by_code.get(row.parent_code)
            if parent is None:
                org = Organization.objects.add_root(values)
            else:
                # The manager re-reads (and locks) the parent: earlier inserts may have moved
                # its path or changed its child count.
                org = Organization.objects.add_child(parent, values)
            created[row.code] = org
        return {code: org.pk for code, org in created.items()}


def _outside_scope(code: str) -> str:
    return _("Organisation %(code)s is outside the organisations you manage.") % {"code": code}


def _unknown_org(code: str) -> str:
    return _(
        "Unknown organisation code %(code)s: it is neither in the system nor in sheet %(sheet)s."
    ) % {"code": code, "sheet": ORG_SHEET}


def _parse_date(text: str) -> date | None:
    match = _DATE_RE.fullmatch(text)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _members_by_code(codes: list[str]) -> dict[str, Member]:
    found: dict[str, Member] = {}
    for start in range(0, len(codes), _CODE_QUERY_CHUNK):
        chunk = codes[start : start + _CODE_QUERY_CHUNK]
        found.update((m.code, m) for m in Member.objects.filter(code__in=chunk).order_by())
    return found


def _is_example(row: _Row, code_column: str) -> bool:
    return _text(row.cells[code_column]).startswith(EXAMPLE_PREFIX)


def import_workbook(file: IO[bytes], scope, *, user=None, dry_run: bool = False) -> ImportResult:
    """Imports the workbook in `file` with the rights of `scope` (an `access.Scope`).

    Raises `WorkbookError` with every problem found, having written nothing. `user` is
    recorded as the author of the history rows; `dry_run` checks and counts only.
    """
    sheets = _read_sheets(file)
    org_rows = [row for row in sheets.get(ORG_SHEET, []) if not _is_example(row, ORG_CODE)]
    member_rows = [row for row in sheets.get(MEMBER_SHEET, []) if not _is_example(row, MEMBER_CODE)]
    importer = _Importer(scope, user)
    importer.result.examples_skipped = (
        sum(len(rows) for rows in sheets.values()) - len(org_rows) - len(member_rows)
    )
    importer.read_orgs(org_rows)
    members = importer.read_members(member_rows)
    importer.check_orgs()
    importer.check_members(members)
    if importer.problems:
        raise WorkbookError(sorted(importer.problems, key=_problem_order))
    if not dry_run:
        importer.write()
    return importer.result


def _problem_order(problem: ImportProblem) -> tuple:
    sheets = (ORG_SHEET, MEMBER_SHEET)
    sheet = sheets.index(problem.sheet) if problem.sheet in sheets else -1
    headers = ORG_HEADERS + MEMBER_HEADERS
    column = headers.index(problem.column) if problem.column in headers else -1
    return (sheet, problem.row or 0, column)


# --- Export and template ------------------------------------------------------------


def org_export_rows(orgs: QuerySet[Organization]) -> Iterator[tuple]:
    """The 组织 sheet's rows for `orgs`, parents before children."""
    parent = Organization.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Organization.steplen)
    )
    orgs = orgs.annotate(parent_code=Subquery(parent.values("code")[:1])).order_by("path")
    for org in orgs.iterator(chunk_size=2000):
        yield (
            org.code,
            org.name,
            org.parent_code or None,
            KIND_LABELS.get(org.kind, org.kind),
            CATEGORY_LABELS.get(org.category) if org.category else None,
            org.public_name or None,
        )


def member_export_rows(members: QuerySet[Member]) -> Iterator[tuple]:
    """The 党员 sheet's rows for `members`, in the queryset's order."""
    for member in members.select_related("organization").iterator(chunk_size=2000):
        yield (
            member.code,
            member.name,
            GENDER_LABELS.get(member.gender, member.gender),
            member.birth_date,
            member.organization.code,
            member.joined_on,
            STATUS_LABELS.get(member.status, member.status),
            YES if member.is_leader_cadre else NO,
            member.position or None,
            member.phone or None,
            POST_LABELS.get(member.post_kind) if member.post_kind else None,
            YES if member.retired else NO,
            YES if member.floating else NO,
            YES if member.out_of_contact else NO,
        )


_ORG_WIDTHS = (16, 30, 16, 12, 12, 24)
_MEMBER_WIDTHS = (16, 12, 8, 14, 16, 14, 12, 18, 20, 18, 12, 12, 14, 14)
_GREY = Font(color="FF999999", italic=True)
_BOLD = Font(bold=True)


def write_export(file: IO[bytes], orgs: QuerySet[Organization], members: QuerySet[Member]) -> None:
    """Writes the workbook for `orgs` and `members` to `file`, streaming the rows."""
    workbook = Workbook(write_only=True)
    for title, headers, widths, rows in (
        (ORG_SHEET, ORG_HEADERS, _ORG_WIDTHS, org_export_rows(orgs)),
        (MEMBER_SHEET, MEMBER_HEADERS, _MEMBER_WIDTHS, member_export_rows(members)),
    ):
        sheet = workbook.create_sheet(title)
        _set_widths(sheet, widths)
        sheet.freeze_panes = "A2"
        sheet.append([_bold_cell(sheet, header) for header in headers])
        for row in rows:
            sheet.append([safe_value(value) for value in row])
    workbook.save(file)


def _bold_cell(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = _BOLD
    return cell


def _set_widths(sheet, widths: Iterable[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


EXAMPLE_ORG = ("示例-ZB01", "示例第一党支部", "示例-DW", "党支部", "学校", "示例中学")
EXAMPLE_MEMBER = (
    "示例-0001",
    "张三",
    "男",
    date(1980, 5, 1),
    "示例-ZB01",
    date(2005, 7, 1),
    "正式党员",
    NO,
    "教师",
    "0571-88886666",
    "教师",
    NO,
    NO,
    NO,
)


def write_template(file: IO[bytes]) -> None:
    """Writes the blank workbook: headers, one grey example row per sheet, and 说明."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, widths, example in (
        (ORG_SHEET, ORG_HEADERS, _ORG_WIDTHS, EXAMPLE_ORG),
        (MEMBER_SHEET, MEMBER_HEADERS, _MEMBER_WIDTHS, EXAMPLE_MEMBER),
    ):
        sheet = workbook.create_sheet(title)
        sheet.append(headers)
        sheet.append(example)
        for cell in sheet[1]:
            cell.font = _BOLD
        for cell in sheet[2]:
            cell.font = _GREY
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
        _set_widths(sheet, widths)
        sheet.freeze_panes = "A2"
    _add_choice_lists(workbook)
    _write_help(workbook.create_sheet(HELP_SHEET))
    workbook.save(file)


def _add_choice_lists(workbook: Workbook) -> None:
    """Drop-down lists on the choice columns, so typing mistakes are rarer."""
    lists = {
        ORG_SHEET: {ORG_KIND: KIND_LABELS.values(), ORG_CATEGORY: CATEGORY_LABELS.values()},
        MEMBER_SHEET: {
            MEMBER_GENDER: GENDER_LABELS.values(),
            MEMBER_STATUS: STATUS_LABELS.values(),
            MEMBER_LEADER: (YES, NO),
            MEMBER_POST: POST_LABELS.values(),
            MEMBER_RETIRED: (YES, NO),
            MEMBER_FLOATING: (YES, NO),
            MEMBER_LOST: (YES, NO),
        },
    }
    for title, columns in lists.items():
        sheet = workbook[title]
        headers = [cell.value for cell in sheet[1]]
        for header, labels in columns.items():
            letter = get_column_letter(headers.index(header) + 1)
            validation = DataValidation(
                type="list", formula1='"{}"'.format(",".join(labels)), allow_blank=True
            )
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{MAX_ROWS}")


def _help_rows() -> list[tuple[str, str, str, str]]:
    def one_of(labels: Iterable[str], default: str = "") -> str:
        values = " / ".join(labels)
        if default:
            return _("One of: %(values)s; empty means %(default)s.") % {
                "values": values,
                "default": default,
            }
        return _("One of: %(values)s.") % {"values": values}

    a_date = _("A date such as %(examples)s; not in the future; may be empty.") % {
        "examples": DATE_EXAMPLES
    }
    org_code = _(
        "A stable code for the organisation, unique. Importing a row with an existing code "
        "updates that organisation."
    )
    org_parent = _(
        "The code of the parent organisation, already in the system or in this sheet. Empty "
        "only for a top-level organisation, which only a superuser may create. An existing "
        "organisation cannot be moved to another parent."
    )
    category = _("One of: %(values)s; may be empty.") % {
        "values": " / ".join(CATEGORY_LABELS.values())
    }
    member_code = _(
        "A stable member number, unique. Importing a row with an existing number updates "
        "that member."
    )
    member_org = _(
        "The code of the member's organisation, already in the system or in sheet %(sheet)s."
    ) % {"sheet": ORG_SHEET}
    phone = _("Digits, spaces and dashes, 7 to 20 characters; may be empty.")
    optional_column = _(
        "%(values)s An optional column: a workbook without it leaves this value of existing "
        "members unchanged."
    )
    return [
        (ORG_SHEET, ORG_CODE, YES, org_code),
        (ORG_SHEET, ORG_NAME, YES, _("The organisation's full name.")),
        (ORG_SHEET, ORG_PARENT, YES, org_parent),
        (ORG_SHEET, ORG_KIND, YES, one_of(KIND_LABELS.values())),
        (ORG_SHEET, ORG_CATEGORY, NO, category),
        (
            ORG_SHEET,
            ORG_PUBLIC_NAME,
            NO,
            _(
                "The name the public knows, e.g. the school's name for its Party branches; "
                "the public opinion form offers it. Empty: not offered to the public."
            ),
        ),
        (MEMBER_SHEET, MEMBER_CODE, YES, member_code),
        (MEMBER_SHEET, MEMBER_NAME, YES, _("The member's name.")),
        (MEMBER_SHEET, MEMBER_GENDER, YES, one_of(GENDER_LABELS.values())),
        (MEMBER_SHEET, MEMBER_BIRTH, NO, a_date),
        (MEMBER_SHEET, MEMBER_ORG, YES, member_org),
        (MEMBER_SHEET, MEMBER_JOINED, NO, a_date),
        (
            MEMBER_SHEET,
            MEMBER_STATUS,
            NO,
            one_of(STATUS_LABELS.values(), STATUS_LABELS[MemberStatus.FORMAL]),
        ),
        (MEMBER_SHEET, MEMBER_LEADER, NO, one_of((YES, NO), NO)),
        (MEMBER_SHEET, MEMBER_POSITION, NO, _("Free text; may be empty.")),
        (MEMBER_SHEET, MEMBER_PHONE, NO, phone),
        (MEMBER_SHEET, MEMBER_POST, NO, optional_column % {"values": one_of(POST_LABELS.values())}),
        *(
            (MEMBER_SHEET, header, NO, optional_column % {"values": one_of((YES, NO), NO)})
            for header in (MEMBER_RETIRED, MEMBER_FLOATING, MEMBER_LOST)
        ),
    ]


def _write_help(sheet) -> None:
    sheet.append(HELP_HEADERS)
    for cell in sheet[1]:
        cell.font = _BOLD
    for row in _help_rows():
        sheet.append(row)
    sheet.append(())
    notes = (
        _("Rows whose code starts with %(prefix)s are examples: import skips them.")
        % {"prefix": EXAMPLE_PREFIX},
        _(
            "Import checks every row first: if any row is wrong, nothing is written and every "
            "problem is listed with its sheet, row and column."
        ),
        _(
            "Rows are matched by code: importing the same file again changes nothing, and a "
            "changed cell updates only that row."
        ),
    )
    for note in notes:
        sheet.append(("", "", "", note))
    _set_widths(sheet, (10, 18, 8, 90))
