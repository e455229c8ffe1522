"""What reporting tells people (declared in its registry entry, sent by
`vanguard.notifications`): a phase summary returned with a comment, or approved (转段验收)
— to the unit's administrators, once per decision, within a week of it."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanguard.accounts.access import role_holders
from vanguard.accounts.models import Role
from vanguard.core.registry import Due, NotificationEvent
from vanguard.reporting.models import SummaryReview

RECENT_DAYS = 7


def _decided(campaign, today, decision):
    reviews = list(
        SummaryReview.objects.filter(
            summary__enrollment__campaign=campaign,
            decision=decision,
            reviewed_at__date__gte=today - timedelta(days=RECENT_DAYS),
            reviewed_at__date__lte=today,
        ).select_related("summary__enrollment__organization")
    )
    units = {r.summary.enrollment.organization for r in reviews}
    admins = role_holders(Role.UNIT_ADMIN, units, today)
    phases = {phase.code: phase.title for phase in campaign.rules.phases}
    for review in reviews:
        summary = review.summary
        unit = summary.enrollment.organization
        for user_id in admins.get(unit.pk, ()):
            yield review, summary, unit, phases.get(summary.phase_code, ""), user_id


def summary_returned(campaign, today, lead_days):
    for review, summary, unit, phase, user_id in _decided(
        campaign, today, SummaryReview.Decision.RETURNED
    ):
        yield Due(
            user_id=user_id,
            key=f"summary_returned:{review.pk}",
            title=_("%(unit)s: the summary of %(phase)s was returned")
            % {"unit": unit.name, "phase": phase},
            body=review.comment[:200],
            url=summary.get_absolute_url(),
            organization_id=unit.pk,
        )


def summary_approved(campaign, today, lead_days):
    for review, summary, unit, phase, user_id in _decided(
        campaign, today, SummaryReview.Decision.APPROVED
    ):
        yield Due(
            user_id=user_id,
            key=f"summary_approved:{review.pk}",
            title=_("%(unit)s: the summary of %(phase)s was approved")
            % {"unit": unit.name, "phase": phase},
            body=review.comment[:200],
            url=summary.get_absolute_url(),
            organization_id=unit.pk,
        )


def _event(code, title):
    return NotificationEvent(
        code=code,
        title=title,
        finder=f"vanguard.reporting.notifications.{code}",
        audience=gettext_lazy("unit administrators"),
        module="summaries",
    )


EVENTS = (
    _event("summary_returned", gettext_lazy("A phase summary was returned")),
    _event("summary_approved", gettext_lazy("A phase summary was approved (转段验收)")),
)
