"""Excel exports of opinions and of a round's results; the printable notice (PDF)."""

import io
import os

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.appraisal.conftest import ballot_for, close_now
from tests.reports.helpers import content, export
from vanguard.appraisal import codes, services


def workbook(response):
    return load_workbook(io.BytesIO(content(response)))


def test_the_opinion_export_follows_the_filters(login, personas, opinion, campaign_a, tree):
    services.receive_opinion(
        campaign_a, channel="online", subject="unit", unit=tree["A"], content="另一条", acting=None
    )
    services.answer_opinion(opinion, text="已答复", user=None, acting=None)
    url = reverse("appraisal:opinions-export", args=[campaign_a.pk])

    book = workbook(export(login(personas["alice"]), f"{url}?status=answered"))

    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 2  # the header and the answered one
    assert rows[1][3] == "上课时经常接打电话。" and rows[1][7] == "已答复"


def test_the_round_export_has_the_tally_and_every_ballot(login, personas, open_round, members):
    for member in members.values():
        services.cast_ballot(
            open_round, ballot_for(open_round, "excellent"), member=member, acting=None
        )
    close_now(open_round)
    response = export(
        login(personas["alice"]), reverse("appraisal:round-export", args=[open_round.pk])
    )
    book = workbook(response)
    tally, ballots, receipts = book.worksheets
    header = next(tally.iter_rows(values_only=True))
    assert header[:5] == ("Member", "优秀", "合格", "基本合格", "不合格")
    assert {row[1] for row in list(tally.iter_rows(values_only=True))[1:]} == {3}
    # the ballots and the receipts are two sheets of equal length, without a shared column
    ballot_rows = list(ballots.iter_rows(values_only=True))[1:]
    assert len(ballot_rows) == 3 and {cell for row in ballot_rows for cell in row} == {"优秀"}
    listed = [row[0] for row in list(receipts.iter_rows(values_only=True))[1:]]
    assert listed == sorted(
        codes.grouped(r) for r in open_round.receipts.values_list("receipt", flat=True)
    )


def test_no_export_while_voting_is_open(login, personas, open_round):
    url = reverse("appraisal:round-export", args=[open_round.pk])
    assert export(login(personas["alice"]), url).status_code == 403


def test_the_printable_results(login, personas, open_round, members):
    try:
        import weasyprint  # noqa: F401
    except OSError as error:  # pragma: no cover - depends on the system's pango
        if os.environ.get("VANGUARD_CI"):
            raise
        pytest.skip(f"WeasyPrint cannot load its system libraries: {error}")
    from pypdf import PdfReader

    for member in members.values():
        services.cast_ballot(open_round, ballot_for(open_round), member=member, acting=None)
    close_now(open_round)
    services.save_conclusions(
        open_round,
        {members["bob"].pk: ("qualified", "学习不够系统")},
        user=personas["alice"],
        acting=None,
    )
    response = export(
        login(personas["alice"]), reverse("appraisal:round-pdf", args=[open_round.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content(response))).pages)
    assert "鲍勃" in text and "学习不够系统" in text and "甲中学党总支" in text
