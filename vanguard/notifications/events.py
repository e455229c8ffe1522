"""The shell's own events: a unit's phase starting and ending (its plan's dates, R5).

The phase apps declare theirs in their registry entries (`PhaseApp.notification_events`).
A finder returns `Due`s for one campaign on one day: `lead_days` are the days ahead at
which people are told (7 and 1: a week before and the day before).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanguard.accounts.access import role_holders
from vanguard.accounts.models import Role
from vanguard.campaigns.models import Campaign, EnrollmentStatus, PhaseWindow
from vanguard.core.registry import Due, NotificationEvent, register_events


def _windows(campaign: Campaign, field: str, days: Iterable[date]):
    return (
        PhaseWindow.objects.filter(enrollment__campaign=campaign, **{f"{field}__in": list(days)})
        .exclude(enrollment__status=EnrollmentStatus.CLOSED)
        .select_related("enrollment__organization")
    )


def _phase_dues(campaign, today, lead_days, *, field: str, event: str, title: str):
    by_day = {today + timedelta(days=lead): lead for lead in lead_days}
    windows = list(_windows(campaign, field, by_day))
    admins = role_holders(Role.UNIT_ADMIN, {w.enrollment.organization for w in windows}, today)
    for window in windows:
        unit = window.enrollment.organization
        lead = by_day[getattr(window, field)]
        phase = campaign.rules.phase(window.phase_code)
        text = title % {"unit": unit.name, "phase": phase.title, "days": lead}
        url = reverse("campaigns:unit", args=[campaign.pk, window.enrollment.pk])
        for user_id in admins.get(unit.pk, ()):
            yield Due(
                user_id=user_id,
                key=f"{event}:{window.pk}:{getattr(window, field)}:{lead}",
                title=text,
                url=url,
                organization_id=unit.pk,
            )


def phase_starts(campaign, today, lead_days):
    return _phase_dues(
        campaign,
        today,
        lead_days,
        field="starts_on",
        event="phase_starts",
        title=_("%(unit)s: the phase %(phase)s starts in %(days)s days"),
    )


def phase_ends(campaign, today, lead_days):
    return _phase_dues(
        campaign,
        today,
        lead_days,
        field="ends_on",
        event="phase_ends",
        title=_("%(unit)s: the phase %(phase)s ends in %(days)s days"),
    )


register_events(
    NotificationEvent(
        code="phase_starts",
        title=gettext_lazy("A phase starts soon"),
        finder="vanguard.notifications.events.phase_starts",
        default_lead_days=(7, 1),
        audience=gettext_lazy("unit administrators"),
    ),
    NotificationEvent(
        code="phase_ends",
        title=gettext_lazy("A phase ends soon"),
        finder="vanguard.notifications.events.phase_ends",
        default_lead_days=(7, 1),
        audience=gettext_lazy("unit administrators"),
    ),
)
