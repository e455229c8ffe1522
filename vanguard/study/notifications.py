"""What the study app tells people (declared in its registry entry, sent by
`vanguard.notifications`): a member still short of the concentrated study hours a few days
before the study phase ends (五.1(4): 集中学习时间不少于40小时); a 学习体会 or 调研文章 submitted
— to the administrators of its unit, who review it (五.1(4)二)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanguard.accounts.access import unit_admins_of_each
from vanguard.campaigns.models import EnrollmentStatus, PhaseWindow
from vanguard.core.registry import Due, NotificationEvent
from vanguard.orgs.models import Member
from vanguard.study.hours import HOURS_FIELD, required_hours_expression
from vanguard.study.models import MemberHours, Writing, WritingStatus
from vanguard.study.writings import writings_on


def hours_short(campaign, today, lead_days):
    """Members with fewer stored hours than their minimum when the first phase (the study
    phase) of their unit ends in one of `lead_days` days."""
    by_day = {today + timedelta(days=lead): lead for lead in lead_days}
    study_phase = campaign.rules.phases[0]
    windows = (
        PhaseWindow.objects.filter(
            enrollment__campaign=campaign, phase_code=study_phase.code, ends_on__in=list(by_day)
        )
        .exclude(enrollment__status=EnrollmentStatus.CLOSED)
        .select_related("enrollment__organization")
    )
    stored = MemberHours.objects.filter(campaign=campaign, member=OuterRef("pk")).values("hours")
    for window in windows:
        lead = by_day[window.ends_on]
        unit = window.enrollment.organization
        members = (
            Member.objects.active(today)
            .within(unit)
            .filter(user__isnull=False)
            .annotate(
                required=required_hours_expression(campaign.rules),
                hours=Coalesce(
                    Subquery(stored, output_field=HOURS_FIELD),
                    Value(Decimal("0.0"), output_field=DecimalField()),
                ),
            )
            .values_list("user_id", "organization_id", "required", "hours")
        )
        for user_id, org_id, required, hours in members:
            if hours >= required:
                continue
            yield Due(
                user_id=user_id,
                key=f"hours_short:{window.pk}:{window.ends_on}:{lead}",
                title=_(
                    "%(phase)s ends in %(days)s days: you have %(hours)s of %(required)s "
                    "study hours"
                )
                % {
                    "phase": study_phase.title,
                    "days": lead,
                    "hours": floatformat(hours, -1),
                    "required": floatformat(required, -1),
                },
                url=reverse("portal:me"),
                organization_id=org_id,
            )


def writing_submitted(campaign, today, lead_days):
    """Writings waiting for the unit's review, each told once (a resubmission after a
    return is a new occurrence: its submission time is in the key)."""
    if not writings_on(campaign):
        return
    waiting = (
        Writing.objects.filter(campaign=campaign, status=WritingStatus.SUBMITTED)
        .exclude(enrollment__status=EnrollmentStatus.CLOSED)
        .select_related("enrollment__organization", "member")
    )
    for writing, unit, user_id in unit_admins_of_each(
        waiting, lambda w: w.enrollment.organization, today
    ):
        yield Due(
            user_id=user_id,
            key=f"writing_submitted:{writing.pk}:{writing.submitted_at:%Y%m%d%H%M%S}",
            title=_("%(unit)s: %(member)s submitted “%(title)s” for review")
            % {"unit": unit.name, "member": writing.member.name, "title": writing.title},
            url=reverse("study:writing", args=[writing.pk]),
            organization_id=unit.pk,
        )


EVENTS = (
    NotificationEvent(
        code="hours_short",
        title=gettext_lazy("Study hours still short before the study phase ends"),
        finder="vanguard.study.notifications.hours_short",
        default_lead_days=(10, 3),
        audience=gettext_lazy("members"),
        module="sessions",
    ),
    NotificationEvent(
        code="writing_submitted",
        title=gettext_lazy("A study writing was submitted for review"),
        finder="vanguard.study.notifications.writing_submitted",
        audience=gettext_lazy("unit administrators"),
        module="writings",
    ),
)
