"""The organisations-and-members workbook: import (every kind of mistake, all-or-nothing,
idempotent by code, scope), export (what the list shows, round trip, query budget), the
template, the views' access rules and the shell command."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from tests.conftest import make_member, make_user
from tests.reports import helpers as background
from vanguard.accounts.access import Scope
from vanguard.accounts.models import Role, RoleGrant
from vanguard.orgs import excel
from vanguard.orgs.excel import (
    MEMBER_BIRTH,
    MEMBER_CODE,
    MEMBER_GENDER,
    MEMBER_HEADERS,
    MEMBER_JOINED,
    MEMBER_LEADER,
    MEMBER_NAME,
    MEMBER_ORG,
    MEMBER_PHONE,
    MEMBER_POSITION,
    MEMBER_SHEET,
    MEMBER_STATUS,
    ORG_CATEGORY,
    ORG_CODE,
    ORG_HEADERS,
    ORG_KIND,
    ORG_NAME,
    ORG_PARENT,
    ORG_SHEET,
    ImportProblem,
    WorkbookError,
    import_workbook,
)
from vanguard.orgs.models import Member, MemberStatus, Organization, OrgKind
from vanguard.reports.models import Job

# --- Building workbooks -------------------------------------------------------------


def org_row(code, parent, name=None, kind="党支部", category="企业"):
    return {
        ORG_CODE: code,
        ORG_NAME: name or f"{code}党组织",
        ORG_PARENT: parent,
        ORG_KIND: kind,
        ORG_CATEGORY: category,
    }


def member_row(code, org, **cells):
    row = {
        MEMBER_CODE: code,
        MEMBER_NAME: f"党员{code}",
        MEMBER_GENDER: "女",
        MEMBER_BIRTH: "1980-05-01",
        MEMBER_ORG: org,
        MEMBER_JOINED: date(2005, 7, 1),
        MEMBER_STATUS: "正式党员",
        MEMBER_LEADER: "否",
        MEMBER_POSITION: "教师",
        MEMBER_PHONE: "0571-88886666",
    }
    row.update(cells)
    return row


def xlsx(orgs=(), members=(), *, org_headers=ORG_HEADERS, member_headers=MEMBER_HEADERS):
    """An in-memory workbook; a sheet is left out when its headers are None."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows in (
        (ORG_SHEET, org_headers, orgs),
        (MEMBER_SHEET, member_headers, members),
    ):
        if headers is None:
            continue
        sheet = workbook.create_sheet(title)
        sheet.append(list(headers))
        for row in rows:
            sheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def valid_orgs():
    # The child comes first: creation must still go parent before child.
    return [org_row("C1", "C", kind="党支部"), org_row("C", "R", kind="党总支")]


def valid_members():
    return [member_row("C1-001", "C1"), member_row("C1-002", "C1", **{MEMBER_LEADER: "是"})]


def snapshot():
    """What an import may write: rows and history rows."""
    return (
        Organization.objects.count(),
        Member.objects.count(),
        Organization.history.count(),
        Member.history.count(),
    )


def places(problems):
    return {(problem.sheet, problem.row, problem.column) for problem in problems}


@pytest.fixture
def office_scope(personas):
    return Scope.for_user(personas["office"])


@pytest.fixture
def alice_scope(personas):
    return Scope.for_user(personas["alice"])


def assert_tree_is_sound():
    assert all(not problems for problems in Organization.objects.find_problems())


def parent_of(org):
    return Organization.objects.get_parent(org)


# --- A valid import -----------------------------------------------------------------


def test_a_valid_import_creates_the_tree_and_the_members(tree, office_scope, personas):
    # when
    result = import_workbook(
        xlsx(valid_orgs(), valid_members()), office_scope, user=personas["office"]
    )

    # then
    assert (result.organizations.created, result.members.created) == (2, 2)
    unit_c = Organization.objects.get(code="C")
    unit_c1 = Organization.objects.get(code="C1")
    assert parent_of(unit_c) == tree["root"]
    assert parent_of(unit_c1) == unit_c
    assert unit_c.kind == OrgKind.GENERAL_BRANCH
    member = Member.objects.get(code="C1-002")
    assert member.organization == unit_c1
    assert member.is_leader_cadre
    assert member.birth_date == date(1980, 5, 1)
    assert member.joined_on == date(2005, 7, 1)
    assert member.gender == "female"
    assert member.status == MemberStatus.FORMAL
    assert member.history.get().history_user == personas["office"]
    assert_tree_is_sound()


def test_new_organisations_between_existing_siblings_keep_the_tree_sound(tree, office_scope):
    # given: A0 sorts between A and B, so inserting it moves B's path
    orgs = [org_row("A0", "R"), org_row("B1", "B"), org_row("A00", "A0")]

    # when
    import_workbook(xlsx(orgs, [member_row("B1-001", "B1")]), office_scope)

    # then
    assert_tree_is_sound()
    unit_b = Organization.objects.get(code="B")
    assert parent_of(Organization.objects.get(code="B1")) == unit_b
    assert parent_of(Organization.objects.get(code="A00")).code == "A0"
    assert Member.objects.get(code="B1-001").organization.code == "B1"


@pytest.mark.parametrize(
    "cell",
    [
        "2024-01-05",
        "2024/1/5",
        "2024年1月5日",
        "2024.1.5",
        datetime(2024, 1, 5),  # noqa: DTZ001 (Excel cells hold naive datetimes)
        date(2024, 1, 5),
    ],
)
def test_dates_are_read_from_date_cells_and_common_text_forms(tree, office_scope, cell):
    import_workbook(xlsx([], [member_row("A-9", "A", **{MEMBER_JOINED: cell})]), office_scope)

    assert Member.objects.get(code="A-9").joined_on == date(2024, 1, 5)


def test_number_cells_keep_their_digits(tree, office_scope):
    row = member_row(1001, "A", **{MEMBER_PHONE: 13800138000})

    import_workbook(xlsx([], [row]), office_scope)

    assert Member.objects.get(code="1001").phone == "13800138000"


def test_empty_optional_cells_take_their_defaults(tree, office_scope):
    row = member_row(
        "A-9",
        "A",
        **{
            MEMBER_BIRTH: None,
            MEMBER_JOINED: None,
            MEMBER_STATUS: None,
            MEMBER_LEADER: None,
            MEMBER_POSITION: None,
            MEMBER_PHONE: None,
        },
    )

    import_workbook(xlsx([org_row("A2", "A", category=None)], [row]), office_scope)

    member = Member.objects.get(code="A-9")
    assert (member.birth_date, member.joined_on, member.position, member.phone) == (
        None,
        None,
        "",
        "",
    )
    assert member.status == MemberStatus.FORMAL
    assert not member.is_leader_cadre
    assert Organization.objects.get(code="A2").category == ""


def test_columns_may_come_in_any_order_and_extra_columns_are_ignored(tree, office_scope):
    headers = ["备注", *reversed(MEMBER_HEADERS)]
    row = member_row("A-9", "A", **{MEMBER_LEADER: True, "备注": "无关"})

    import_workbook(xlsx([], [row], member_headers=headers), office_scope)

    member = Member.objects.get(code="A-9")
    assert (member.organization, member.is_leader_cadre) == (tree["A"], True)


# --- Idempotence --------------------------------------------------------------------


def test_reimporting_the_same_file_writes_nothing(tree, office_scope):
    # given
    import_workbook(xlsx(valid_orgs(), valid_members()), office_scope)
    before = snapshot()

    # when
    result = import_workbook(xlsx(valid_orgs(), valid_members()), office_scope)

    # then
    assert snapshot() == before
    assert (result.organizations.created, result.organizations.updated) == (0, 0)
    assert (result.members.created, result.members.updated) == (0, 0)
    assert (result.organizations.unchanged, result.members.unchanged) == (2, 2)


def test_a_changed_cell_updates_just_that_member(tree, office_scope):
    # given
    import_workbook(xlsx(valid_orgs(), valid_members()), office_scope)
    orgs_before, members_before, org_history, member_history = snapshot()
    other = Member.objects.get(code="C1-001")
    members = valid_members()
    members[1][MEMBER_PHONE] = "010-12345678"

    # when
    result = import_workbook(xlsx(valid_orgs(), members), office_scope)

    # then
    assert (result.members.updated, result.members.unchanged) == (1, 1)
    assert result.organizations.unchanged == 2
    assert Member.objects.get(code="C1-002").phone == "010-12345678"
    assert Member.history.count() == member_history + 1
    assert Member.history.latest("history_date").code == "C1-002"
    assert snapshot()[:3] == (orgs_before, members_before, org_history)
    assert Member.objects.get(code="C1-001").history.count() == other.history.count()


def test_a_changed_organisation_name_updates_it(tree, office_scope):
    orgs = [org_row("A1", "A", name="甲中学一支部", category="学校")]

    result = import_workbook(xlsx(orgs), office_scope)

    assert result.organizations.updated == 1
    assert Organization.objects.get(code="A1").name == "甲中学一支部"


def test_a_member_can_move_to_another_managed_organisation(tree, personas, office_scope):
    import_workbook(xlsx([], [member_row("A1-001", "B", **{MEMBER_GENDER: "男"})]), office_scope)

    member = Member.objects.get(code="A1-001")
    assert member.organization == tree["B"]
    # the move is a dated transfer like any other, kept in the member's history
    (transfer,) = member.transfers.all()
    assert (transfer.from_org, transfer.to_org) == (tree["A1"], tree["B"])
    assert transfer.on == member.organization_since == timezone.localdate()


# --- Mistakes: every problem reported, nothing written ------------------------------


def with_org(**cells):
    orgs = valid_orgs()
    orgs[1].update(cells)
    return orgs, valid_members()


def with_member(**cells):
    members = valid_members()
    members[0].update(cells)
    return valid_orgs(), members


FUTURE = (timezone.localdate() + timedelta(days=1)).isoformat()

MISTAKES = {
    "missing name": (with_org(**{ORG_NAME: None}), (ORG_SHEET, 3, ORG_NAME)),
    "missing code": (with_member(**{MEMBER_CODE: " "}), (MEMBER_SHEET, 2, MEMBER_CODE)),
    "unknown kind": (with_org(**{ORG_KIND: "党小组"}), (ORG_SHEET, 3, ORG_KIND)),
    "unknown category": (with_org(**{ORG_CATEGORY: "医院"}), (ORG_SHEET, 3, ORG_CATEGORY)),
    "unknown gender": (with_member(**{MEMBER_GENDER: "M"}), (MEMBER_SHEET, 2, MEMBER_GENDER)),
    "unknown status": (with_member(**{MEMBER_STATUS: "党员"}), (MEMBER_SHEET, 2, MEMBER_STATUS)),
    "unknown yes/no": (with_member(**{MEMBER_LEADER: "Y"}), (MEMBER_SHEET, 2, MEMBER_LEADER)),
    "bad date": (with_member(**{MEMBER_BIRTH: "1980-13-01"}), (MEMBER_SHEET, 2, MEMBER_BIRTH)),
    "not a date": (with_member(**{MEMBER_BIRTH: "去年"}), (MEMBER_SHEET, 2, MEMBER_BIRTH)),
    "future date": (with_member(**{MEMBER_JOINED: FUTURE}), (MEMBER_SHEET, 2, MEMBER_JOINED)),
    "bad phone": (with_member(**{MEMBER_PHONE: "call me"}), (MEMBER_SHEET, 2, MEMBER_PHONE)),
    "short phone": (with_member(**{MEMBER_PHONE: "12345"}), (MEMBER_SHEET, 2, MEMBER_PHONE)),
    "long name": (with_member(**{MEMBER_NAME: "名" * 51}), (MEMBER_SHEET, 2, MEMBER_NAME)),
    "duplicate member code": (
        with_member(**{MEMBER_CODE: "C1-002"}),
        (MEMBER_SHEET, 3, MEMBER_CODE),
    ),
    "duplicate org code": (with_org(**{ORG_CODE: "C1"}), (ORG_SHEET, 3, ORG_CODE)),
    "unknown parent": (with_org(**{ORG_PARENT: "ZZ"}), (ORG_SHEET, 3, ORG_PARENT)),
    "unknown member org": (with_member(**{MEMBER_ORG: "ZZ"}), (MEMBER_SHEET, 2, MEMBER_ORG)),
    "cycle": (with_org(**{ORG_PARENT: "C1"}), (ORG_SHEET, 2, ORG_PARENT)),
    "new root": (with_org(**{ORG_PARENT: None}), (ORG_SHEET, 3, ORG_PARENT)),
    "moved org": (([org_row("A1", "B")], []), (ORG_SHEET, 2, ORG_PARENT)),
    "moved root": (([org_row("R", "B", kind="党委")], []), (ORG_SHEET, 2, ORG_PARENT)),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_a_mistake_is_reported_where_it_is_and_nothing_is_written(tree, office_scope, mistake):
    # given
    (orgs, members), place = MISTAKES[mistake]
    before = snapshot()

    # when
    with pytest.raises(WorkbookError) as caught:
        import_workbook(xlsx(orgs, members), office_scope)

    # then
    assert place in places(caught.value.problems)
    assert snapshot() == before


def test_every_problem_is_reported_at_once(tree, office_scope):
    # given
    orgs = [org_row("C", "R", kind="党小组"), org_row("X", "Y"), org_row("Y", "X")]
    members = [
        member_row("M1", "C", **{MEMBER_NAME: None, MEMBER_BIRTH: "昨天"}),
        member_row("M1", "C"),
    ]
    before = snapshot()

    # when
    with translation.override("en"), pytest.raises(WorkbookError) as caught:
        import_workbook(xlsx(orgs, members), office_scope)

    # then
    problems = caught.value.problems
    assert [(p.sheet, p.row, p.column) for p in problems] == [
        (ORG_SHEET, 2, ORG_KIND),
        (ORG_SHEET, 3, ORG_PARENT),
        (ORG_SHEET, 4, ORG_PARENT),
        (MEMBER_SHEET, 2, MEMBER_NAME),
        (MEMBER_SHEET, 2, MEMBER_BIRTH),
        (MEMBER_SHEET, 3, MEMBER_CODE),
    ]
    messages = [p.message for p in problems]
    assert messages[0].startswith("Unknown value")
    assert messages[1] == "The parent codes form a cycle: X → Y → X."
    assert messages[3] == "This value is required."
    assert messages[5] == "The code M1 is already used on row 2 of this sheet."
    with translation.override("en"):
        assert str(problems[3]) == f"{MEMBER_SHEET}, row 2, {MEMBER_NAME}: This value is required."
    assert snapshot() == before


def test_a_missing_header_is_reported_with_its_sheet(tree, office_scope):
    headers = [header for header in ORG_HEADERS if header != ORG_CATEGORY]

    with pytest.raises(WorkbookError) as caught:
        import_workbook(xlsx(valid_orgs(), valid_members(), org_headers=headers), office_scope)

    assert places(caught.value.problems) == {(ORG_SHEET, 1, ORG_CATEGORY)}


def test_a_file_that_is_not_xlsx_gets_a_clear_message(tree, office_scope):
    with translation.override("en"), pytest.raises(WorkbookError) as caught:
        import_workbook(io.BytesIO("code,name\nC,丙\n".encode()), office_scope)

    [problem] = caught.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("", None, "")
    assert problem.message == "The file is not a valid Excel workbook (.xlsx)."


def other_sheets_only():
    workbook = Workbook()
    workbook.active.append(["组织编码", "组织名称"])  # right headers, wrong sheet name
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize(
    "make_workbook",
    [
        other_sheets_only,
        lambda: xlsx(),  # headers only
        lambda: xlsx(org_headers=(), member_headers=None),  # a blank 组织 sheet
    ],
    ids=["no known sheet", "headers only", "blank sheet"],
)
def test_an_empty_workbook_is_reported(tree, office_scope, make_workbook):
    with translation.override("en"), pytest.raises(WorkbookError) as caught:
        import_workbook(make_workbook(), office_scope)

    [problem] = caught.value.problems
    assert problem.message.startswith("The workbook is empty")


def test_a_members_only_workbook_is_fine(tree, office_scope):
    result = import_workbook(xlsx([], [member_row("A-9", "A")], org_headers=None), office_scope)

    assert result.members.created == 1


# --- Scope --------------------------------------------------------------------------


def test_a_unit_admin_imports_only_under_their_unit(tree, personas, alice_scope):
    # given
    orgs = [org_row("A2", "A"), org_row("B2", "B"), org_row("B", "R", name="改名")]
    members = [
        member_row("A2-001", "A2"),
        member_row("B-002", "B"),
        member_row("B-001", "B", **{MEMBER_NAME: "改名"}),
        member_row("A1-001", "B", **{MEMBER_NAME: "鲍勃", MEMBER_GENDER: "男"}),
    ]
    before = snapshot()

    # when
    with pytest.raises(WorkbookError) as caught:
        import_workbook(xlsx(orgs, members), alice_scope)

    # then
    assert places(caught.value.problems) == {
        (ORG_SHEET, 3, ORG_PARENT),  # a new org under B
        (ORG_SHEET, 4, ORG_CODE),  # B itself
        (MEMBER_SHEET, 3, MEMBER_ORG),  # a new member in B
        (MEMBER_SHEET, 4, MEMBER_CODE),  # B's member
        (MEMBER_SHEET, 5, MEMBER_ORG),  # moving her member to B
    }
    assert snapshot() == before


def test_a_unit_admin_creates_and_updates_under_their_unit(tree, personas, alice_scope):
    orgs = [org_row("A2", "A"), org_row("A1", "A", name="甲中学第一支部", category="学校")]
    members = [member_row("A2-001", "A2"), member_row("A1-001", "A1", **{MEMBER_NAME: "鲍勃"})]

    result = import_workbook(xlsx(orgs, members), alice_scope)

    assert (result.organizations.created, result.organizations.unchanged) == (1, 1)
    assert (result.members.created, result.members.updated) == (1, 1)
    assert Member.objects.get(code="A1-001").gender == "female"


def test_unchanged_rows_the_user_may_only_read_pass(tree, personas):
    # given: a unit admin of A who is also the liaison of B
    user = make_user("dora", Role.UNIT_ADMIN, tree["A"])
    RoleGrant.objects.create(user=user, role=Role.LIAISON, organization=tree["B"])
    scope = Scope.for_user(user)
    rows = [member_row("B-001", "B", **{MEMBER_NAME: "查理同事", MEMBER_GENDER: "男"})]
    for cell in (MEMBER_BIRTH, MEMBER_JOINED, MEMBER_POSITION, MEMBER_PHONE):
        rows[0][cell] = None
    orgs = [org_row("B", "R", name="乙中心党支部", kind="党支部", category="事业单位")]

    # when
    result = import_workbook(xlsx(orgs, rows), scope)

    # then
    assert (result.organizations.unchanged, result.members.unchanged) == (1, 1)


def test_only_a_superuser_creates_a_top_level_organisation(tree, personas):
    admin = make_user("root")
    admin.is_superuser = True
    admin.save()

    result = import_workbook(xlsx([org_row("S", None, kind="党委")]), Scope.for_user(admin))

    assert result.organizations.created == 1
    assert Organization.objects.get(code="S").is_root()
    assert_tree_is_sound()


# --- The template -------------------------------------------------------------------


def test_the_template_downloads_with_its_example_rows_and_help(personas, login):
    response = login(personas["alice"]).get(reverse("orgs:import-template"))

    assert response.status_code == 200
    assert response["Content-Type"] == excel.XLSX_CONTENT_TYPE
    assert "filename*=utf-8''" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == [ORG_SHEET, MEMBER_SHEET, excel.HELP_SHEET]
    assert [cell.value for cell in workbook[ORG_SHEET][1]] == list(ORG_HEADERS)
    assert [cell.value for cell in workbook[MEMBER_SHEET][1]] == list(MEMBER_HEADERS)
    example = workbook[MEMBER_SHEET][2]
    assert example[0].value.startswith(excel.EXAMPLE_PREFIX)
    assert example[0].font.color.rgb == "FF999999"
    help_columns = {row[1] for row in workbook[excel.HELP_SHEET].iter_rows(values_only=True)}
    assert set(ORG_HEADERS) | set(MEMBER_HEADERS) <= help_columns


def test_importing_the_untouched_template_writes_nothing(tree, office_scope):
    buffer = io.BytesIO()
    excel.write_template(buffer)
    buffer.seek(0)
    before = snapshot()

    result = import_workbook(buffer, office_scope)

    assert result.total == 0
    assert result.examples_skipped == 2
    assert snapshot() == before


# --- Export -------------------------------------------------------------------------


def export(client, query=""):
    """Start the export, let the worker make it, download it."""
    response = background.export(client, reverse("orgs:export") + query)
    assert response.status_code == 200
    return response, background.content(response)


def sheet_codes(content, sheet):
    rows = load_workbook(io.BytesIO(content), read_only=True)[sheet].iter_rows(values_only=True)
    return [row[0] for row in list(rows)[1:]]


def test_the_export_is_named_by_date_and_has_the_import_format(personas, login):
    response, content = export(login(personas["office"]))

    today = timezone.localdate().isoformat()
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert today in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == [ORG_SHEET, MEMBER_SHEET]
    assert [cell.value for cell in workbook[ORG_SHEET][1]] == list(ORG_HEADERS)
    assert sheet_codes(content, ORG_SHEET) == ["R", "A", "A1", "B"]
    assert sheet_codes(content, MEMBER_SHEET) == ["A1-001", "B-001"]


def test_export_then_import_changes_nothing(tree, personas, login, office_scope):
    # given: members with every field filled
    make_member(
        tree["A"],
        "A-002",
        "全字段",
        birth_date=date(1970, 2, 3),
        joined_on=date(1999, 7, 1),
        status=MemberStatus.PROBATIONARY,
        is_leader_cadre=True,
        position="校长",
        phone="0571 1234 5678",
    )
    _, content = export(login(personas["office"]))
    before = snapshot()

    # when
    result = import_workbook(io.BytesIO(content), office_scope)

    # then
    assert snapshot() == before
    assert (result.organizations.unchanged, result.members.unchanged) == (4, 3)
    assert result.organizations.updated == result.members.updated == 0


def test_a_unit_admins_export_round_trips_too(personas, login, alice_scope):
    _, content = export(login(personas["alice"]))
    before = snapshot()

    result = import_workbook(io.BytesIO(content), alice_scope)

    assert sheet_codes(content, ORG_SHEET) == ["A", "A1"]
    assert (result.organizations.unchanged, result.members.unchanged) == (2, 1)
    assert snapshot() == before


def test_the_export_contains_only_what_the_user_may_see(personas, login):
    _, content = export(login(personas["charlie"]))

    assert sheet_codes(content, ORG_SHEET) == ["B"]
    assert sheet_codes(content, MEMBER_SHEET) == ["B-001"]


def test_the_export_follows_the_member_list_filters(personas, login):
    _, content = export(login(personas["office"]), "?q=鲍勃")

    assert sheet_codes(content, MEMBER_SHEET) == ["A1-001"]


def test_the_export_query_count_does_not_grow_with_members(tree, personas, login):
    client = login(personas["office"])

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            export(client)
        return len(queries)

    for number in range(5):
        make_member(tree["A1"], f"N-{number:03}", "成员")
    with_five = count_queries()
    for number in range(5, 50):
        make_member(tree["A1"], f"N-{number:03}", "成员")

    assert count_queries() == with_five


def test_the_import_query_count_does_not_grow_with_rows(tree, office_scope):
    def count_queries(codes):
        members = [member_row(code, "C1") for code in codes]
        with CaptureQueriesContext(connection) as queries:
            import_workbook(xlsx(valid_orgs(), members), office_scope)
        return len(queries)

    few = count_queries([f"F-{n}" for n in range(5)])
    # The same organisations again (unchanged) and ten times the members, new and old.
    many = count_queries([f"F-{n}" for n in range(5)] + [f"G-{n}" for n in range(45)])

    # The first import created two organisations (treebeard: a few queries each), the
    # second leaves them unchanged; members cost the same whatever their number.
    assert many <= few


# --- Views and access ---------------------------------------------------------------


def upload(client, content, name="组织与党员.xlsx"):
    """Upload the workbook; the worker imports it. The start's response (a redirect)."""
    file = SimpleUploadedFile(name, content.getvalue() if hasattr(content, "getvalue") else content)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("orgs:import"), {"file": file}, HTTP_ACCEPT_LANGUAGE="en")


def result_page(client, response):
    """The job's page, as the user polls it: its status and result."""
    job = background.job_of(response)
    return job, client.get(response.url, HTTP_ACCEPT_LANGUAGE="en")


def test_the_office_imports_anywhere_under_the_root(tree, personas, login):
    client = login(personas["office"])
    orgs = [org_row("A2", "A"), org_row("B2", "B")]

    job, page = result_page(client, upload(client, xlsx(orgs, [member_row("B2-001", "B2")])))

    assert job.status == Job.Status.DONE
    assert "2 created" in job.message and "2 created" in page.content.decode()
    assert job.result["next_url"] == reverse("orgs:tree")
    assert Organization.objects.filter(code__in=["A2", "B2"]).count() == 2
    assert not job.upload  # the workbook is not kept once imported


def test_alice_sees_the_problems_of_a_row_for_b_and_nothing_is_written(tree, personas, login):
    client = login(personas["alice"])
    before = snapshot()

    job, page = result_page(client, upload(client, xlsx([org_row("A2", "A"), org_row("B2", "B")])))

    assert job.status == Job.Status.FAILED
    problems = [ImportProblem(**problem) for problem in job.result["problems"]]
    assert places(problems) == {(ORG_SHEET, 3, ORG_PARENT)}
    assert b"import-problems" in page.content
    assert "组织与党员.xlsx" in page.content.decode()  # the file's name is kept
    assert snapshot() == before


def test_the_page_explains_a_file_that_is_not_xlsx(personas, login):
    response = upload(login(personas["alice"]), b"%PDF-1.4 not a workbook", name="a.pdf")

    assert response.status_code == 400  # refused by the form: nothing is queued
    assert b"The file is not a valid Excel workbook (.xlsx)." in response.content
    assert not Job.objects.exists()


def test_a_file_over_the_size_limit_is_refused(personas, login, monkeypatch):
    monkeypatch.setattr(excel, "MAX_FILE_MB", 0)
    before = snapshot()

    response = upload(login(personas["alice"]), xlsx([org_row("A2", "A")]))

    assert response.status_code == 400
    assert not Job.objects.exists()
    assert response.context["form"].errors["file"] == [
        "The file is larger than 0 MB; split it into several workbooks."
    ]
    assert snapshot() == before


def test_importing_the_untouched_template_through_the_page(personas, login):
    client = login(personas["office"])
    template = b"".join(client.get(reverse("orgs:import-template")).streaming_content)
    before = snapshot()

    job, _page = result_page(client, upload(client, template))

    assert job.status == Job.Status.DONE
    assert job.message == "Nothing was imported: the workbook has only example rows."
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["office", "alice", "charlie"])
def test_managers_see_the_import_page(personas, login, persona):
    response = login(personas[persona]).get(reverse("orgs:import"))

    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content


@pytest.mark.parametrize("persona", ["bob", "liaison", "leader"])
@pytest.mark.parametrize("url", ["orgs:import", "orgs:import-template"])
def test_non_managers_get_404_on_import(personas, login, persona, url):
    assert login(personas[persona]).get(reverse(url)).status_code == 404


def test_a_post_by_a_non_manager_is_404_and_writes_nothing(personas, login):
    before = snapshot()

    response = upload(login(personas["liaison"]), xlsx([org_row("A2", "A")]))

    assert response.status_code == 404
    assert snapshot() == before
    assert not Job.objects.exists()


def test_a_member_without_a_role_gets_404_on_export(personas, login):
    assert login(personas["bob"]).post(reverse("orgs:export")).status_code == 404


@pytest.mark.parametrize("persona", ["leader", "liaison"])
def test_readers_export(personas, login, persona):
    export(login(personas[persona]))


@pytest.mark.parametrize("url", ["orgs:import", "orgs:import-template", "orgs:export"])
def test_anonymous_users_are_sent_to_log_in(client, url):
    response = client.get(reverse(url))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# --- The shell command --------------------------------------------------------------


def write_file(tmp_path, buffer):
    path = tmp_path / "import.xlsx"
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_the_command_imports_and_prints_the_counts(tree, tmp_path):
    out = io.StringIO()

    with translation.override("en"):
        call_command("import_orgs", write_file(tmp_path, xlsx(valid_orgs())), stdout=out)

    assert Organization.objects.filter(code__in=["C", "C1"]).count() == 2
    assert "Organisations: 2 created" in out.getvalue()


def test_the_command_prints_every_problem_and_exits_with_1(tree, tmp_path):
    err = io.StringIO()
    before = snapshot()
    orgs, members = with_member(**{MEMBER_BIRTH: "1980-13-01"})

    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("import_orgs", write_file(tmp_path, xlsx(orgs, members)), stderr=err)

    assert caught.value.returncode == 1
    assert f"{MEMBER_SHEET}, row 2, {MEMBER_BIRTH}: " in err.getvalue()
    assert snapshot() == before


def test_the_command_uses_the_rights_of_a_named_user(tree, personas, tmp_path):
    path = write_file(tmp_path, xlsx([org_row("B2", "B")]))

    with pytest.raises(CommandError):
        call_command("import_orgs", path, user="alice", stderr=io.StringIO())
    call_command("import_orgs", path, user="office", stdout=io.StringIO())

    assert parent_of(Organization.objects.get(code="B2")) == tree["B"]


def test_the_command_dry_run_writes_nothing(tree, tmp_path):
    before = snapshot()

    call_command(
        "import_orgs", write_file(tmp_path, xlsx(valid_orgs())), dry_run=True, stdout=io.StringIO()
    )

    assert snapshot() == before
