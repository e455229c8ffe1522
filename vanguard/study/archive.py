"""The study part of the inspection archive (档案): the 两本一册 — the roster, the collective
study log (every session's record) and the study notes — as PDF, and the members' hours as
Excel, filed under the phase the unit's study began in. Declared as `archive` in the
study PhaseApp; each document is rendered only when the archive is written."""

from __future__ import annotations

from django.db.models import Max, Min
from django.utils.translation import gettext as _

from vanguard.campaigns.archive import phase_on
from vanguard.core import archive
from vanguard.core.archive import ArchiveDocument
from vanguard.study import jobs
from vanguard.study.models import StudySession


def unit_archive(enrollment, scope):
    campaign = enrollment.campaign
    span = StudySession.objects.filter(enrollment=enrollment).aggregate(
        first=Min("date"), last=Max("date")
    )
    phase = phase_on(enrollment, span["first"])
    if campaign.has_module("two_books"):
        for number, (title, template, context) in enumerate(
            [
                (_("Roster"), jobs.ROSTER_PDF, jobs.roster_context),
                (_("Collective study log"), jobs.LOG_PDF, jobs.log_context),
                (_("Study notes"), jobs.NOTES_PDF, jobs.notes_context),
            ]
        ):
            yield ArchiveDocument(
                title,
                "pdf",
                archive.pdf(template, lambda context=context: context(enrollment)),
                phase=phase,
                on=span["last"],
                order=(10 + number,),
            )
    if campaign.has_module("sessions"):
        yield ArchiveDocument(
            _("Study hours"),
            "xlsx",
            archive.sheets(lambda: [jobs.hours_sheet(_hours(enrollment))]),
            phase=phase,
            on=span["last"],
            order=(20,),
        )


def _hours(enrollment):
    from vanguard.study.views.unit import unit_hours_rows

    return unit_hours_rows(enrollment)
