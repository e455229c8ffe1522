"""Issue 19: the organisation's public name (what a parent calls a school), declared in the
organisation data and its workbook column 对外名称 — optional, so older files still import."""

from tests.orgs.test_excel import office_scope, org_row, xlsx  # noqa: F401 (fixture)
from vanguard.orgs.excel import ORG_HEADERS, ORG_PUBLIC_NAME, ORG_SHEET, import_workbook
from vanguard.orgs.models import Organization


def test_the_public_name_is_imported(tree, office_scope):  # noqa: F811
    row = org_row("A1", "A", name="甲中学第一支部", category="学校")
    orgs = [{**row, ORG_PUBLIC_NAME: "甲中学"}]
    result = import_workbook(xlsx(orgs), office_scope)
    assert result.organizations.updated == 1
    assert Organization.objects.get(code="A1").public_name == "甲中学"


def test_a_workbook_without_the_column_still_imports(tree, office_scope):  # noqa: F811
    headers = [header for header in ORG_HEADERS if header != ORG_PUBLIC_NAME]
    orgs = [org_row("C", "R", kind="党总支", name="丙中学党总支", category="学校")]
    result = import_workbook(xlsx(orgs, org_headers=headers, member_headers=None), office_scope)
    assert result.organizations.created == 1
    assert Organization.objects.get(code="C").public_name == ""


def test_the_export_carries_the_public_name(tree):
    from io import BytesIO

    from openpyxl import load_workbook

    from vanguard.orgs import excel

    tree["A"].public_name = "甲中学"
    tree["A"].save()
    buffer = BytesIO()
    excel.write_export(buffer, Organization.objects.all(), excel.Member.objects.none())
    sheet = load_workbook(BytesIO(buffer.getvalue()))[ORG_SHEET]
    header = [cell.value for cell in sheet[1]]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["A"][header.index(ORG_PUBLIC_NAME)] == "甲中学"
