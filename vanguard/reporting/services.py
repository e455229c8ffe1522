"""State changes of phase summaries and briefs; each takes `acting=` (the acting user's
Scope, None for the system) and checks it first (`require_acting`)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.accounts.access import Scope, require_acting
from vanguard.reporting import figures
from vanguard.reporting.models import (
    Brief,
    BriefPicture,
    BriefStatus,
    PhaseSummary,
    SummaryEvidence,
    SummaryReview,
    SummaryStatus,
)

_SUMMARY_FLOW = {
    SummaryStatus.SUBMITTED: {SummaryStatus.RETURNED, SummaryStatus.APPROVED},
    SummaryStatus.RETURNED: {SummaryStatus.SUBMITTED},
    SummaryStatus.APPROVED: set(),
}
_BRIEF_FLOW = {
    BriefStatus.DRAFT: {BriefStatus.SUBMITTED, BriefStatus.WITHDRAWN},
    BriefStatus.SUBMITTED: {BriefStatus.RETURNED, BriefStatus.ACCEPTED, BriefStatus.WITHDRAWN},
    BriefStatus.RETURNED: {BriefStatus.SUBMITTED, BriefStatus.WITHDRAWN},
    BriefStatus.ACCEPTED: {BriefStatus.PUBLISHED, BriefStatus.RETURNED},
    BriefStatus.PUBLISHED: {BriefStatus.ACCEPTED},  # taken off the public site
    BriefStatus.WITHDRAWN: set(),
}
EDITABLE_BRIEF = (BriefStatus.DRAFT, BriefStatus.RETURNED)


def _transition(obj, allowed: dict, to: str) -> None:
    if to not in allowed.get(obj.status, ()):
        labels = dict(type(obj)._meta.get_field("status").choices)
        raise ValidationError(
            _("Cannot go from “%(current)s” to “%(target)s”.")
            % {"current": labels[obj.status], "target": labels[to]}
        )
    obj.status = to


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _required_text(value: str, message: str) -> str:
    if not (value or "").strip():
        raise ValidationError(message)
    return value.strip()


# -- phase summaries ------------------------------------------------------------------------


def submit_summary(
    enrollment,
    phase_code: str,
    *,
    text: str,
    files=(),
    by=None,
    today: date | None = None,
    acting: Scope | None,
) -> PhaseSummary:
    """Submit (or, once returned, resubmit) the unit's summary of a phase; the figures are
    taken from the system now, `files` ((title, uploaded file) pairs) are added to its
    evidence."""
    require_acting(acting, lambda scope: scope.can_write_reports(enrollment.organization))
    enrollment.campaign.check_writable()
    if phase_code not in {phase.code for phase in enrollment.campaign.rules.phases}:
        raise ValidationError(_("Unknown phase."))
    text = _required_text(text, _("Write the summary of the phase."))
    with transaction.atomic():
        summary = (
            PhaseSummary.objects.select_for_update()
            .filter(enrollment=enrollment, phase_code=phase_code)
            .first()
        )
        if summary is None:
            summary = PhaseSummary(enrollment=enrollment, phase_code=phase_code)
        else:
            _transition(summary, _SUMMARY_FLOW, SummaryStatus.SUBMITTED)
        summary.text = text
        summary.figures = figures.snapshot(enrollment)
        summary.submitted_on = _today(today)
        summary.submitted_by = by
        summary.save()
        for title, upload in files:
            SummaryEvidence.objects.create(
                summary=summary, title=title or upload.name, file=upload, uploaded_by=by
            )
    return summary


def return_summary(summary: PhaseSummary, *, by, comment: str, acting: Scope | None):
    """Back to the unit with what should change; the comment is kept."""
    require_acting(acting, lambda scope: scope.can_sign_off_summary(summary))
    summary.enrollment.campaign.check_writable()
    comment = _required_text(comment, _("Say what should change."))
    _transition(summary, _SUMMARY_FLOW, SummaryStatus.RETURNED)
    with transaction.atomic():
        summary.save()
        SummaryReview.objects.create(
            summary=summary, decision=SummaryReview.Decision.RETURNED, comment=comment, reviewer=by
        )
    return summary


def approve_summary(
    summary: PhaseSummary,
    *,
    by,
    comment: str = "",
    today: date | None = None,
    acting: Scope | None,
):
    """转段验收 passed: with `[summaries] approval_required`, the next phase now counts as
    started (`campaigns.phases`)."""
    require_acting(acting, lambda scope: scope.can_sign_off_summary(summary))
    summary.enrollment.campaign.check_writable()
    _transition(summary, _SUMMARY_FLOW, SummaryStatus.APPROVED)
    summary.approved_on = _today(today)
    with transaction.atomic():
        summary.save()
        SummaryReview.objects.create(
            summary=summary,
            decision=SummaryReview.Decision.APPROVED,
            comment=(comment or "").strip(),
            reviewer=by,
        )
    return summary


# -- briefs ---------------------------------------------------------------------------------


def _phase_on(enrollment, day: date) -> str:
    """The unit's phase on `day`: the window containing it, else the last one begun."""
    windows = sorted(enrollment.phases.all(), key=lambda w: w.starts_on)
    inside = [w for w in windows if w.starts_on <= day <= w.ends_on]
    begun = [w for w in windows if w.starts_on <= day]
    found = (inside or begun or windows[:1] or [None])[-1]
    return found.phase_code if found else ""


def create_brief(
    enrollment, *, title: str, body: str, pictures=(), author=None, acting: Scope | None
) -> Brief:
    """A draft brief of the unit, with `pictures` ((caption, uploaded image) pairs)."""
    require_acting(acting, lambda scope: scope.can_write_reports(enrollment.organization))
    enrollment.campaign.check_writable()
    with transaction.atomic():
        brief = Brief.objects.create(
            campaign=enrollment.campaign,
            enrollment=enrollment,
            title=_required_text(title, _("Give the brief a title.")),
            body=_required_text(body, _("Write the brief.")),
            author=author,
        )
        _add_pictures(brief, pictures)
    return brief


def _add_pictures(brief: Brief, pictures) -> None:
    for caption, image in pictures:
        BriefPicture.objects.create(brief=brief, caption=caption or "", image=image)


def update_brief(
    brief: Brief, *, title: str, body: str, pictures=(), acting: Scope | None
) -> Brief:
    require_acting(acting, lambda scope: scope.can_write_reports(brief.enrollment.organization))
    brief.campaign.check_writable()
    if brief.status not in EDITABLE_BRIEF:
        raise ValidationError(_("Only a draft or a returned brief can be edited."))
    brief.title = _required_text(title, _("Give the brief a title."))
    brief.body = _required_text(body, _("Write the brief."))
    with transaction.atomic():
        brief.save()
        _add_pictures(brief, pictures)
    return brief


def submit_brief(brief: Brief, *, today: date | None = None, acting: Scope | None) -> Brief:
    require_acting(acting, lambda scope: scope.can_write_reports(brief.enrollment.organization))
    brief.campaign.check_writable()
    _transition(brief, _BRIEF_FLOW, BriefStatus.SUBMITTED)
    brief.submitted_on = _today(today)
    brief.phase_code = _phase_on(brief.enrollment, brief.submitted_on)
    brief.save()
    return brief


def withdraw_brief(brief: Brief, *, acting: Scope | None) -> Brief:
    """The unit takes back a brief not yet accepted (kept, marked withdrawn)."""
    require_acting(acting, lambda scope: scope.can_write_reports(brief.enrollment.organization))
    brief.campaign.check_writable()
    _transition(brief, _BRIEF_FLOW, BriefStatus.WITHDRAWN)
    brief.save()
    return brief


def return_brief(brief: Brief, *, by, note: str, acting: Scope | None) -> Brief:
    """Back to the unit with a note (also takes an accepted brief back, and a published one
    off the public site)."""
    require_acting(acting, lambda scope: scope.can_review_brief(brief))
    brief.campaign.check_writable()
    note = _required_text(note, _("Say what should change."))
    if brief.status == BriefStatus.PUBLISHED:
        _transition(brief, _BRIEF_FLOW, BriefStatus.ACCEPTED)
    _transition(brief, _BRIEF_FLOW, BriefStatus.RETURNED)
    brief.reviewed_by, brief.review_note, brief.published_on = by, note, None
    brief.save()
    return brief


def accept_brief(brief: Brief, *, by, acting: Scope | None) -> Brief:
    require_acting(acting, lambda scope: scope.can_review_brief(brief))
    brief.campaign.check_writable()
    _transition(brief, _BRIEF_FLOW, BriefStatus.ACCEPTED)
    brief.reviewed_by, brief.review_note = by, ""
    brief.save()
    return brief


def publish_brief(brief: Brief, *, today: date | None = None, acting: Scope | None) -> Brief:
    """An accepted brief goes on the public site as news."""
    require_acting(acting, lambda scope: scope.can_review_brief(brief))
    brief.campaign.check_writable()
    _transition(brief, _BRIEF_FLOW, BriefStatus.PUBLISHED)
    brief.published_on = _today(today)
    brief.save()
    return brief


def unpublish_brief(brief: Brief, *, acting: Scope | None) -> Brief:
    """Off the public site; it stays accepted."""
    require_acting(acting, lambda scope: scope.can_review_brief(brief))
    brief.campaign.check_writable()
    _transition(brief, _BRIEF_FLOW, BriefStatus.ACCEPTED)
    brief.published_on = None
    brief.save()
    return brief
