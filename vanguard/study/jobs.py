"""The study exports run by the background worker (`vanguard.reports.jobs`): a unit's hours
and its 两本一册 (roster, collective study log, study notes) as PDF and Excel, and the
campaign's members short of hours. Access is checked again here with the user's scope."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.accounts.access import STAFF
from vanguard.core.exports import Sheet
from vanguard.reports import jobs
from vanguard.study import books


def _enrollment(ctx, pk, enrollment_pk):
    return ctx.scope.get_enrollment_or_404(pk, enrollment_pk, prefetch=("phases",), require=STAFF)


def filename(enrollment, what: str, extension: str) -> str:
    return f"{enrollment.organization.name}-{what}-{timezone.localdate():%Y%m%d}.{extension}"


def _base(enrollment, **extra) -> dict:
    return {"campaign": enrollment.campaign, "enrollment": enrollment, **extra}


@jobs.export("study.unit_hours_xlsx")
def unit_hours_xlsx(ctx, pk, enrollment_pk) -> jobs.Output:
    from vanguard.study.views.unit import unit_hours_rows

    enrollment = _enrollment(ctx, pk, enrollment_pk)
    members = unit_hours_rows(enrollment, ctx.GET.get("short") == "1")
    sheet = hours_sheet(ctx.counted(members, members.count()))
    return jobs.sheets_output([sheet], filename(enrollment, _("Study hours"), "xlsx"))


def hours_sheet(members) -> Sheet:
    """The members' hours against the required (the unit's hours export, the archive)."""
    rows = (
        [
            m.code,
            m.name,
            m.organization.name,
            m.get_status_display(),
            _("Yes") if m.is_leader_cadre else "",
            float(m.hours),
            float(m.required),
            float(m.shortfall),
        ]
        for m in members
    )
    headers = [
        _("Number"),
        _("Name"),
        _("Organisation"),
        _("Membership"),
        _("Leader cadre"),
        _("Hours"),
        _("Required"),
        _("Short by"),
    ]
    return Sheet(_("Study hours"), headers, rows, widths=(16, 12, 28, 12, 10))


@jobs.export("study.roster_pdf")
def roster_pdf(ctx, pk, enrollment_pk) -> jobs.Output:
    enrollment = _enrollment(ctx, pk, enrollment_pk)
    return jobs.pdf_output(
        ROSTER_PDF, roster_context(enrollment), filename(enrollment, _("Roster"), "pdf")
    )


ROSTER_PDF = "study/print/roster.html"
LOG_PDF = "study/print/study_log.html"
NOTES_PDF = "study/print/notes.html"


def roster_context(enrollment) -> dict:
    return _base(enrollment, roster=books.roster(enrollment), legend=books.legend())


def log_context(enrollment) -> dict:
    return _base(
        enrollment, entries=labelled(books.study_log(enrollment), enrollment.campaign.rules)
    )


def notes_context(enrollment, member=None) -> dict:
    return _base(enrollment, notes=books.unit_notes(enrollment, member), member=member)


@jobs.export("study.roster_xlsx")
def roster_xlsx(ctx, pk, enrollment_pk) -> jobs.Output:
    enrollment = _enrollment(ctx, pk, enrollment_pk)
    sheet = books.roster_sheet(books.roster(enrollment))
    return jobs.sheets_output([sheet], filename(enrollment, _("Roster"), "xlsx"))


def labelled(entries, rules):
    for entry in entries:
        entry.session.kind_title = rules.label("session_kinds", entry.session.kind)
    return entries


@jobs.export("study.log_pdf")
def study_log_pdf(ctx, pk, enrollment_pk) -> jobs.Output:
    enrollment = _enrollment(ctx, pk, enrollment_pk)
    return jobs.pdf_output(
        LOG_PDF, log_context(enrollment), filename(enrollment, _("Collective study log"), "pdf")
    )


@jobs.export("study.log_xlsx")
def study_log_xlsx(ctx, pk, enrollment_pk) -> jobs.Output:
    enrollment = _enrollment(ctx, pk, enrollment_pk)
    sheet = books.log_sheet(books.study_log(enrollment), enrollment.campaign.rules)
    return jobs.sheets_output([sheet], filename(enrollment, _("Collective study log"), "xlsx"))


@jobs.export("study.notes_pdf")
def notes_pdf(ctx, pk, enrollment_pk) -> jobs.Output:
    from vanguard.study.views.unit import notes_member

    enrollment = _enrollment(ctx, pk, enrollment_pk)
    member = notes_member(ctx, enrollment)
    return jobs.pdf_output(
        NOTES_PDF, notes_context(enrollment, member), filename(enrollment, _("Study notes"), "pdf")
    )


@jobs.export("study.notes_xlsx")
def notes_xlsx(ctx, pk, enrollment_pk) -> jobs.Output:
    from vanguard.study.views.unit import notes_member

    enrollment = _enrollment(ctx, pk, enrollment_pk)
    sheet = books.notes_sheet(books.unit_notes(enrollment, notes_member(ctx, enrollment)))
    return jobs.sheets_output([sheet], filename(enrollment, _("Study notes"), "xlsx"))


@jobs.export("study.shortfalls_xlsx")
def shortfalls_xlsx(ctx, pk) -> jobs.Output:
    from vanguard.study.views.campaign import short_members

    campaign = ctx.scope.get_campaign_or_404(pk)
    enrollments, units, members = short_members(ctx, campaign)
    names = {e.pk: e.organization.name for e in enrollments}
    rows = (
        [
            m.code,
            m.name,
            names.get(units.get(m.organization_id), ""),
            m.organization.name,
            float(m.hours),
            float(m.required),
            float(m.shortfall),
        ]
        for m in ctx.counted(members, members.count())
    )
    headers = [
        _("Number"),
        _("Name"),
        _("Unit"),
        _("Organisation"),
        _("Hours"),
        _("Required"),
        _("Short by"),
    ]
    sheet = Sheet(_("Study hours"), headers, rows, widths=(16, 12, 28, 28))
    name = f"{campaign.title}-{_('Study hours')}-{timezone.localdate():%Y%m%d}.xlsx"
    return jobs.sheets_output([sheet], name)


# The quiz question import is declared next to its view; importing it registers it.
from vanguard.study.views import quiz  # noqa: E402, F401
