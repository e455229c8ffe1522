"""两本一册 and the unit's hours page: printed forms (PDF, with Chinese text), Excel, and query
counts that do not grow with members and sessions."""

import io
import os
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import pgettext
from openpyxl import load_workbook

from tests.conftest import make_member
from tests.reports.helpers import content, export
from vanguard.orgs.models import Organization
from vanguard.study import services
from vanguard.study.models import StudyNote
from vanguard.study.services import Mark


def pdf_text(response) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content(response))).pages)


@pytest.fixture
def weasyprint():
    try:
        import weasyprint
    except OSError as error:  # the pango system library is missing
        if os.environ.get("VANGUARD_CI"):
            raise
        pytest.skip(f"WeasyPrint cannot load its system libraries: {error}")
    return weasyprint


@pytest.fixture
def kept(make_session, a_members, personas, planned):
    """Two sessions with their roll and record, and a leader cadre's note."""
    bob, one, _two = a_members
    first = make_session(day=date(2024, 7, 2), topic="学习党章总纲")
    second = make_session(day=date(2024, 7, 9), topic="党课：做合格党员", kind="party_lecture")
    services.save_roll(
        first,
        {bob.pk: Mark("present"), one.pk: Mark("leave", "出差")},
        user=personas["alice"],
        acting=None,
    )
    services.save_roll(second, {bob.pk: Mark("late")}, user=personas["alice"], acting=None)
    services.save_log(
        first, content="支部书记领学党章总纲，大家交流体会。", summary="学习认真", acting=None
    )
    one.is_leader_cadre = True
    one.save()
    StudyNote.objects.create(
        campaign=planned["A"].campaign,
        member=one,
        written_on=date(2024, 7, 3),
        title="学习党章的体会",
        content="要牢记党员的义务。",
    )
    return planned["A"]


def url(name, enrollment, query=""):
    return reverse(name, args=[enrollment.campaign_id, enrollment.pk]) + query


def test_roster_pdf_has_the_chinese_form(weasyprint, login, personas, kept, a_members):
    response = export(login(personas["alice"]), url("study:roster-pdf", kept))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert kept.organization.name in text
    assert "鲍勃" in text and "甲一" in text
    assert "7月2日" in text


def test_log_and_notes_pdfs(weasyprint, login, personas, kept):
    client = login(personas["alice"])
    log = pdf_text(export(client, url("study:log-pdf", kept)))
    assert "支部书记领学党章总纲" in log and "出差" in log
    notes = pdf_text(export(client, url("study:notes-pdf", kept)))
    assert "学习党章的体会" in notes and "甲一" in notes


def test_roster_excel(login, personas, kept, a_members):
    response = export(login(personas["alice"]), url("study:roster-xlsx", kept))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    by_name = {row[1]: row for row in rows[1:]}
    # marks per session, then hours, required and shortfall
    late = pgettext("roster mark: late", "L")  # 迟 in Chinese
    assert by_name["鲍勃"][3:] == ("✓", late, 4.0, 40.0, 36.0)
    assert by_name["甲二"][3:5] == ("×", "×")
    assert rows[0][3].endswith("学习党章总纲")


def test_log_and_notes_excel(login, personas, kept):
    client = login(personas["alice"])
    log = load_workbook(
        io.BytesIO(b"".join(export(client, url("study:log-xlsx", kept)).streaming_content))
    ).active
    cells = [cell for row in log.iter_rows(values_only=True) for cell in row]
    assert "支部书记领学党章总纲，大家交流体会。" in cells
    notes = load_workbook(
        io.BytesIO(b"".join(export(client, url("study:notes-xlsx", kept)).streaming_content))
    ).active
    assert [row[3] for row in notes.iter_rows(values_only=True)][1:] == ["学习党章的体会"]


def test_notes_filtered_by_member(login, personas, kept, a_members):
    client = login(personas["alice"])
    other = a_members[0]
    page = client.get(url("study:notes", kept, f"?member={other.pk}"))
    assert "学习党章的体会" not in page.content.decode()
    outsider = make_member(Organization.objects.get(code="B"), "B-100", "乙百")
    assert client.get(url("study:notes", kept, f"?member={outsider.pk}")).status_code == 404


# -- query counts ----------------------------------------------------------------------------


def grow(planned, make_session, personas, members: int, sessions: int, prefix: str):
    branch = Organization.objects.add_child(
        planned["A"].organization, dict(code=prefix, name=prefix, kind="branch")
    )
    people = [make_member(branch, f"{prefix}{i:03d}", f"{prefix}{i}") for i in range(members)]
    for index in range(sessions):
        session = make_session(day=date(2024, 7, 1) + timedelta(days=index), topic=prefix)
        services.save_roll(session, {m.pk: Mark("present") for m in people}, user=None, acting=None)
        services.save_log(session, content="记录", acting=None)
    StudyNote.objects.create(
        campaign=planned["A"].campaign,
        member=people[0],
        written_on=date(2024, 7, 1),
        title=prefix,
        content="笔记",
    )


@pytest.mark.parametrize(
    "name",
    [
        "study:unit-hours",
        "study:roster",
        "study:roster-xlsx",
        "study:log",
        "study:notes",
        "study:sessions",
        "study:unit-five-ones",
    ],
)
def test_unit_pages_do_not_grow_with_members_and_sessions(
    login, personas, planned, make_session, name
):
    client = login(personas["alice"])

    def count():
        with CaptureQueriesContext(connection) as captured:
            if name.endswith("-xlsx"):  # start, run in the worker, download
                response = export(client, url(name, planned["A"]))
            else:
                response = client.get(url(name, planned["A"]))
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        assert response.status_code == 200
        return len(captured)

    grow(planned, make_session, personas, members=3, sessions=2, prefix="X")
    few = count()
    grow(planned, make_session, personas, members=30, sessions=12, prefix="Y")
    assert count() == few


def test_overview_does_not_grow_with_units(login, personas, planned, make_session, tree, batches):
    from vanguard.campaigns import services as campaign_services

    client = login(personas["office"])
    overview = reverse("study:overview", args=[planned["A"].campaign_id])

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(overview).status_code == 200
        return len(captured)

    grow(planned, make_session, personas, members=3, sessions=2, prefix="X")
    few = count()
    for index in range(5):
        unit = Organization.objects.add_child(
            tree["root"], dict(code=f"U{index}", name=f"U{index}", kind="branch")
        )
        make_member(unit, f"U{index}-1", "成员")
        enrollment = campaign_services.enroll(batches[0], unit)
        make_session(enrollment, day=date(2024, 1, 10))
    assert count() == few
