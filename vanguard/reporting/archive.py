"""The reporting part of the inspection archive (档案): each phase summary as printed (with
its sign-off), filed under its phase, with its evidence files; the unit's briefs (all but
drafts) as one list, with their pictures. Declared as `archive` in the reporting PhaseApp;
the unit's readers see them (`can_see_reports`), as on the reporting pages."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.core import archive
from vanguard.core.archive import ArchiveDocument
from vanguard.reporting.models import (
    Brief,
    BriefPicture,
    BriefStatus,
    PhaseSummary,
    SummaryEvidence,
)
from vanguard.reporting.views.summaries import SUMMARY_PDF, summary_context


def unit_archive(enrollment, scope) -> Iterator[ArchiveDocument]:
    if not scope.can_see_reports(enrollment.organization):
        return
    if enrollment.campaign.has_module("summaries"):
        yield from _summaries(enrollment)
    if enrollment.campaign.has_module("briefs"):
        yield from _briefs(enrollment)


def _summaries(enrollment) -> Iterator[ArchiveDocument]:
    summaries = PhaseSummary.objects.filter(enrollment=enrollment).select_related(
        "enrollment__campaign__organization", "enrollment__organization"
    )
    titles = {phase.code: phase.title for phase in enrollment.campaign.rules.phases}
    for summary in summaries:
        phase = titles.get(summary.phase_code, summary.phase_code)
        yield ArchiveDocument(
            _("Phase summary: %(phase)s") % {"phase": phase},
            "pdf",
            archive.pdf(SUMMARY_PDF, _context(summary)),
            phase=summary.phase_code,
            on=summary.approved_on or summary.submitted_on,
            order=(80,),
        )
    evidence = SummaryEvidence.objects.filter(summary__enrollment=enrollment).select_related(
        "summary"
    )
    for file in evidence.order_by("uploaded_at", "pk"):
        yield ArchiveDocument(
            file.title,
            archive.extension_of(file.file.name),
            archive.stored(file.file),
            phase=file.summary.phase_code,
            on=timezone.localdate(file.uploaded_at),
            order=(81, file.uploaded_at),
        )


def _briefs(enrollment) -> Iterator[ArchiveDocument]:
    briefs = Brief.objects.filter(enrollment=enrollment).exclude(status=BriefStatus.DRAFT)
    last = briefs.aggregate(last=Max("submitted_on"))["last"]

    def table() -> archive.Table:
        titles = {phase.code: phase.title for phase in enrollment.campaign.rules.phases}
        rows = [
            [
                b.title,
                titles.get(b.phase_code, ""),
                b.get_status_display(),
                b.submitted_on,
                b.published_on,
                b.body,
            ]
            for b in briefs.order_by("submitted_on", "pk")
        ]
        headers = [
            _("Title"),
            _("Phase"),
            _("Review status"),
            _("Submitted on"),
            _("Published on"),
            _("Text"),
        ]
        subtitle = f"{enrollment.organization.name} · {enrollment.campaign.title}"
        return archive.Table(_("Briefs"), subtitle, headers, rows)

    yield ArchiveDocument(_("Briefs"), "pdf", archive.table_pdf(table), on=last, order=(85,))
    pictures = BriefPicture.objects.filter(brief__in=briefs).select_related("brief")
    for picture in pictures.order_by("uploaded_at", "pk"):
        yield ArchiveDocument(
            picture.caption or picture.brief.title,
            archive.extension_of(picture.image.name),
            archive.stored(picture.image),
            on=timezone.localdate(picture.uploaded_at),
            order=(86, picture.uploaded_at),
        )


def _context(summary: PhaseSummary) -> Callable[[], dict]:
    return lambda: summary_context(summary)
