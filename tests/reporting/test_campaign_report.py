"""The campaign report (活动总结报告): a Word document and a PDF made in the background for the
leading group, with each batch's and unit's figures read from the stored figures."""

from __future__ import annotations

import io
from datetime import date, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from docx import Document
from pypdf import PdfReader

from tests.conftest import make_user
from tests.reports.helpers import content, export, start
from vanguard.accounts.models import Role
from vanguard.campaigns import services
from vanguard.orgs.models import Organization, OrgCategory, OrgKind
from vanguard.rectification.models import Level, RectificationItem, Status
from vanguard.study.models import StudySession


def add_sessions(enrollment, count):
    for day in range(1, count + 1):
        StudySession.objects.create(
            enrollment=enrollment,
            organization=enrollment.organization,
            kind="concentrated_study",
            topic="学习党章",
            date=date(2024, 3, day),
            starts_at=time(9),
            ends_at=time(11),
            hours=2,
        )


def add_items(enrollment, *, done, overdue, planned=0):
    def item(status, deadline):
        RectificationItem.objects.create(
            campaign=enrollment.campaign,
            enrollment=enrollment,
            organization=enrollment.organization,
            level=Level.ORGANIZATION,
            problem="制度不健全",
            status=status,
            progress=100 if status == Status.DONE else 0,
            deadline=deadline,
        )

    for _n in range(done):
        item(Status.DONE, date(2024, 5, 1))
    for _n in range(overdue):
        item(Status.IN_PROGRESS, date(2024, 5, 1))  # long past
    for _n in range(planned):
        item(Status.PLANNED, date(2099, 5, 1))


@pytest.fixture
def world(enrollments):
    """Unit B (第一批): 3 sessions, 2 items done and 1 overdue; unit A (第二批): 1 session,
    1 item done, 2 planned."""
    add_sessions(enrollments["B"], 3)
    add_items(enrollments["B"], done=2, overdue=1)
    add_sessions(enrollments["A"], 1)
    add_items(enrollments["A"], done=1, overdue=0, planned=2)
    return enrollments


def labels():
    with translation.override("zh-hans"):
        return {
            "sessions": str(translation.gettext("Study sessions held")),
            "items": str(translation.gettext("Rectification items")),
            "done": str(translation.gettext("Items done")),
            "overdue": str(translation.gettext("Items overdue")),
        }


def docx_tables(data: bytes) -> list[list[list[str]]]:
    document = Document(io.BytesIO(data))
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def rows_by_name(table: list[list[str]]) -> dict[str, dict[str, str]]:
    header = table[0]
    return {row[0]: dict(zip(header, row, strict=True)) for row in table[1:]}


def make_report(client, campaign, fmt) -> bytes:
    response = export(client, reverse("reporting:campaign-report-start", args=[campaign.pk, fmt]))
    assert response.status_code == 200
    return content(response)


def test_the_word_document_has_each_batch_and_unit_with_their_figures(
    client, personas, campaign, world
):
    # given the office
    client.force_login(personas["office"])

    # when it makes the Word document
    data = make_report(client, campaign, "docx")

    # then it opens with python-docx, and carries the campaign, each batch and each unit
    document = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert campaign.title in text
    batches, units = docx_tables(data)[:2]
    label = labels()
    by_batch = rows_by_name(batches)
    assert by_batch["第一批"][label["sessions"]] == "3"
    assert by_batch["第一批"][label["done"]] == "2"
    assert by_batch["第一批"][label["overdue"]] == "1"
    assert by_batch["第二批"][label["sessions"]] == "1"
    assert by_batch["第二批"][label["items"]] == "3"
    assert by_batch["全部批次"][label["items"]] == "6"
    by_unit = rows_by_name(units)
    assert by_unit["乙中心党支部"][label["sessions"]] == "3"
    assert by_unit["甲中学党总支"][label["done"]] == "1"
    # and the charts are embedded
    assert len(document.inline_shapes) == 3  # rates, rectification, verdicts


def test_the_pdf_has_the_same_figures(client, personas, campaign, world):
    client.force_login(personas["leader"])

    data = make_report(client, campaign, "pdf")

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert campaign.title in text
    for name in ("第一批", "第二批", "乙中心党支部", "甲中学党总支", labels()["sessions"]):
        assert name in text
    lines = {line.split()[0]: line.split()[1:] for line in text.splitlines() if line.split()}
    # the unit rows: name, batch, then the figures in the columns' order (sessions first)
    assert lines["乙中心党支部"][:2] == ["第一批", "3"]
    assert lines["甲中学党总支"][:2] == ["第二批", "1"]


def test_commendations_and_units_in_remedial_cycle_are_listed(client, personas, campaign, world):
    from vanguard.campaigns.models import RemedialCycle
    from vanguard.oversight.models import Commendation, CommendationStatus

    kind = campaign.rules.commendation_kinds[0]
    Commendation.objects.create(
        campaign=campaign,
        kind=kind.code,
        organization=world["B"].organization,
        nominated_by_unit=world["B"].organization,
        citation="成绩突出",
        status=CommendationStatus.PUBLISHED,
        nominated_on=date(2024, 6, 1),
    )
    RemedialCycle.objects.create(
        enrollment=world["A"], number=1, reason="多数不满意", opened_on=date(2024, 12, 1)
    )
    client.force_login(personas["office"])

    document = Document(io.BytesIO(make_report(client, campaign, "docx")))

    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    commendations = tables[-1]
    assert commendations[1][:2] == [str(kind.title), "乙中心党支部"]
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets == ["甲中学党总支（第二批）"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("office", 200),
        ("leader", 200),
        ("liaison", 404),
        ("alice", 404),
        ("bob", 404),
        ("charlie", 404),
    ],
)
def test_who_may_make_the_report(client, personas, campaign, world, who, status):
    client.force_login(personas[who])

    page = client.get(reverse("reporting:campaign-report", args=[campaign.pk]))
    started = start(client, reverse("reporting:campaign-report-start", args=[campaign.pk, "pdf"]))

    assert page.status_code == status
    assert started.status_code == (302 if status == 200 else 404)


def test_a_leader_of_one_unit_only_gets_404(client, tree, campaign, world):
    client.force_login(make_user("unit_leader", Role.LEADER, tree["A"]))

    assert client.get(reverse("reporting:campaign-report", args=[campaign.pk])).status_code == 404


def test_an_unknown_format_is_404(client, personas, campaign, world):
    client.force_login(personas["office"])

    url = reverse("reporting:campaign-report-start", args=[campaign.pk, "odt"])
    assert start(client, url).status_code == 404


def test_the_overview_links_the_report_for_the_leading_group_only(
    client, personas, campaign, world
):
    url = reverse("campaigns:overview", args=[campaign.pk])
    client.force_login(personas["leader"])
    assert reverse("reporting:campaign-report", args=[campaign.pk]) in client.get(url).text
    client.force_login(personas["liaison"])
    assert reverse("reporting:campaign-report", args=[campaign.pk]) not in client.get(url).text


def enrol_more(campaign, tree, count):
    batch = campaign.batches.order_by("number").first()
    for n in range(count):
        org = Organization.objects.add_child(
            tree["root"],
            dict(
                code=f"X{n}", name=f"新增支部{n}", kind=OrgKind.BRANCH, category=OrgCategory.SCHOOL
            ),
        )
        enrollment = services.enroll(batch, org)
        add_sessions(enrollment, 2)
        add_items(enrollment, done=1, overdue=1)


def job_queries(client, campaign) -> int:
    url = reverse("reporting:campaign-report-start", args=[campaign.pk, "docx"])
    with CaptureQueriesContext(connection) as queries:
        assert start(client, url).status_code == 302
    return len(queries)


def test_the_jobs_queries_do_not_grow_with_the_units(client, personas, tree, campaign, world):
    client.force_login(personas["office"])
    job_queries(client, campaign)  # the figures stored once
    small = job_queries(client, campaign)

    enrol_more(campaign, tree, 6)
    job_queries(client, campaign)
    large = job_queries(client, campaign)

    assert large == small
