"""The 分析评议 part of the inspection archive (档案): opinions and their feedback (an
anonymous opinion as 匿名, never its author), talks, 党性分析 (only for a requester who may
read them: otherwise listed as left out), the 专题组织生活会 minutes, and each counted
appraisal round's notice and results. Declared as `archive` in the appraisal PhaseApp.

Each record kind is one document dated by its latest record and filed under the phase of
that date; its rows are read only when the archive is written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.appraisal.models import (
    HANDED_IN,
    AppraisalRound,
    Opinion,
    OrgLifeMeeting,
    SelfAnalysis,
    Talk,
)
from vanguard.appraisal.views.opinions import opinion_headers, opinion_row
from vanguard.appraisal.views.rounds import NOTICE_PDF, notice_context
from vanguard.campaigns.archive import phase_on
from vanguard.core import archive
from vanguard.core.archive import ArchiveDocument
from vanguard.orgs.models import Member


def unit_archive(enrollment, scope) -> Iterator[ArchiveDocument]:
    campaign = enrollment.campaign
    parts = (
        ("opinions", _opinions),
        ("talks", _talks),
        ("self_analysis", _self_analyses),
        ("meetings", _meetings),
        ("appraisal", _rounds),
    )
    for order, (module, part) in enumerate(parts):
        if campaign.has_module(module):
            for document in part(enrollment, scope):
                yield replace(document, order=(30 + order,))


def _subtitle(enrollment) -> str:
    return f"{enrollment.organization.name} · {enrollment.campaign.title}"


def _document(enrollment, title, last, render, **options) -> ArchiveDocument:
    return ArchiveDocument(
        title, "pdf", render, phase=phase_on(enrollment, last), on=last, **options
    )


def _opinions(enrollment, scope):
    opinions = Opinion.objects.filter(
        enrollment.organization.subtree_q("responsible_unit__"), campaign=enrollment.campaign
    )
    last = opinions.aggregate(last=Max("received_on"))["last"]

    def table() -> archive.Table:
        rules = enrollment.campaign.rules
        rows = [
            [*opinion_row(o, rules), _("Anonymous") if o.anonymous else o.author_name]
            for o in opinions.select_related("responsible_unit", "member", "unit").order_by(
                "received_on", "pk"
            )
        ]
        headers = [*opinion_headers(), _("Author")]
        return archive.Table(_("Opinions and feedback"), _subtitle(enrollment), headers, rows)

    yield _document(enrollment, _("Opinions and feedback"), last, archive.table_pdf(table))


def _talks(enrollment, scope):
    talks = Talk.objects.filter(enrollment=enrollment)
    last = talks.aggregate(last=Max("talked_on"))["last"]

    def table() -> archive.Table:
        rows = [
            [t.talked_on, t.initiator.name, t.partner.name, t.topic, t.summary]
            for t in talks.select_related("initiator", "partner").order_by("talked_on", "pk")
        ]
        headers = [_("Date"), _("Talked"), _("With"), _("Topic"), _("Summary")]
        return archive.Table(_("Heart-to-heart talks"), _subtitle(enrollment), headers, rows)

    yield _document(enrollment, _("Heart-to-heart talks"), last, archive.table_pdf(table))


def _self_analyses(enrollment, scope):
    title = _("Party-spirit self-analyses")
    if not scope.can_read_self_analyses(enrollment.organization):
        reason = _("your role may not read them")
        yield ArchiveDocument(title, "pdf", None, phase=None, omitted=reason)
        return
    analyses = SelfAnalysis.objects.filter(
        enrollment.organization.subtree_q("member__organization__"),
        campaign=enrollment.campaign,
        status__in=HANDED_IN,
    )
    last = analyses.aggregate(last=Max("submitted_on"))["last"]

    def table() -> archive.Table:
        rows = [
            [a.member.name, a.get_status_display(), a.submitted_on, a.text, a.comments]
            for a in analyses.select_related("member").order_by(
                "member__organization__path", "member__code"
            )
        ]
        headers = [
            _("Member"),
            _("Review status"),
            _("Submitted on"),
            title,
            _("Comments of the unit"),
        ]
        return archive.Table(title, _subtitle(enrollment), headers, rows)

    yield _document(enrollment, title, last, archive.table_pdf(table))


def _meetings(enrollment, scope):
    meetings = OrgLifeMeeting.objects.filter(enrollment=enrollment)
    last = meetings.aggregate(last=Max("held_on"))["last"]
    title = _("Minutes of the special organisational-life meetings")

    def table() -> archive.Table:
        attendees = Prefetch("attendees", queryset=Member.objects.order_by("code"))
        rows = [
            [
                m.held_on,
                m.organization.name,
                m.place,
                m.host,
                "、".join(a.name for a in m.attendees.all()),
                m.minutes,
            ]
            for m in meetings.select_related("organization")
            .prefetch_related(attendees)
            .order_by("held_on", "pk")
        ]
        headers = [
            _("Date"),
            _("Held by"),
            _("Place"),
            _("Chaired by"),
            _("Attendees"),
            _("Minutes"),
        ]
        return archive.Table(title, _subtitle(enrollment), headers, rows)

    yield _document(enrollment, title, last, archive.table_pdf(table))


def _rounds(enrollment, scope):
    rounds = (
        AppraisalRound.objects.filter(enrollment=enrollment, counted_at__isnull=False)
        .select_related("campaign", "organization")
        .order_by("closes_at", "pk")
    )
    for appraisal_round in rounds:
        day = appraisal_round.published_on or timezone.localdate(appraisal_round.closes_at)
        yield _document(
            enrollment,
            _("Appraisal notice and results: %(round)s") % {"round": appraisal_round.title},
            day,
            archive.pdf(NOTICE_PDF, lambda r=appraisal_round: notice_context(r)),
        )
