"""The shell's part of the inspection archive (档案): a unit's phase plan with its steps and
the evidence files of its steps; the campaign's own plan. Registered with
`registry.register_archive` (the phase apps declare theirs in their `PhaseApp`).

`phase_on` and `step_phases` file a phase app's records under the phase they belong to."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.core import archive
from vanguard.core.archive import ArchiveDocument
from vanguard.core.dates import format_date

from .models import Campaign, Enrollment, StepEvidence, StepStatus


def phase_on(enrollment: Enrollment, day: date | None) -> str | None:
    """The phase whose planned window holds `day` (None: unplanned, or no date): a record
    is filed under the phase it was made in. Reads `enrollment.phases` (prefetched)."""
    if day is None:
        return None
    for window in enrollment.phases.all():
        if window.starts_on <= day <= window.ends_on:
            return window.phase_code
    return None


def step_phases(enrollment: Enrollment) -> dict[str, str]:
    """{step code: its phase code} of the campaign's template."""
    return {
        step.code: phase.code for phase in enrollment.campaign.rules.phases for step in phase.steps
    }


def unit_archive(enrollment: Enrollment, scope: Any) -> Iterator[ArchiveDocument]:
    yield ArchiveDocument(
        _("Phase plan"),
        "pdf",
        archive.table_pdf(_phase_plan(enrollment)),
        on=min((w.starts_on for w in enrollment.phases.all()), default=None),
        order=(0,),
    )
    yield from _step_evidence(enrollment, scope)


def _phase_plan(enrollment: Enrollment) -> archive.Table:
    rules = enrollment.campaign.rules
    windows = {w.phase_code: w for w in enrollment.phases.all()}
    records = {r.step_code: r for r in enrollment.steps.all()}
    statuses = dict(StepStatus.choices)
    rows: list[list[object]] = []
    for phase in rules.phases:
        window = windows.get(phase.code)
        dates = (
            f"{format_date(window.starts_on)} – {format_date(window.ends_on)}"
            if window
            else _("Not planned")
        )
        for step in phase.steps:
            record = records.get(step.code)
            status = statuses[record.status] if record else statuses[StepStatus.TODO]
            done = format_date(record.done_on) if record and record.done_on else ""
            rows.append([phase.title, dates, step.title, status, done])
    return archive.Table(
        _("Phase plan"),
        f"{enrollment.organization.name} · {enrollment.campaign.title} · {enrollment.batch}",
        [_("Phase"), _("Dates"), _("Step"), _("Step status"), _("Done on")],
        rows,
    )


def _step_evidence(enrollment: Enrollment, scope: Any) -> Iterable[ArchiveDocument]:
    phases = step_phases(enrollment)
    files = StepEvidence.objects.filter(step_record__enrollment=enrollment).select_related(
        "step_record"
    )
    readable = scope.can_download_evidence(enrollment.organization)
    for evidence in files:
        yield ArchiveDocument(
            evidence.title,
            archive.extension_of(evidence.file.name),
            archive.stored(evidence.file) if readable else None,
            phase=phases.get(evidence.step_record.step_code),
            on=timezone.localdate(evidence.uploaded_at),
            order=(90, evidence.uploaded_at),
            omitted="" if readable else _("Not readable by your role"),
        )


def campaign_archive(campaign: Campaign, scope: Any) -> Iterator[ArchiveDocument]:
    """The campaign's plan: its batches and the units the requester reads in each."""
    enrollments = (
        Enrollment.objects.filter(campaign=campaign)
        .filter(scope.unit_filter())
        .select_related("organization", "batch")
        .order_by("batch__number", "organization__path")
    )
    rows = [
        [
            str(e.batch),
            f"{format_date(e.batch.starts_on)} – {format_date(e.batch.ends_on)}",
            e.organization.name,
        ]
        for e in enrollments
    ]
    table = archive.Table(
        _("Campaign plan"),
        f"{campaign.organization.name} · {campaign.title}",
        [_("Batch"), _("Dates"), _("Unit")],
        rows,
        landscape=False,
    )
    yield ArchiveDocument(_("Campaign plan"), "pdf", archive.table_pdf(table), order=(0,))
