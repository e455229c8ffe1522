"""The study app's to-do items (待办): a member's hours still needed; a unit's sessions held
without a roll call."""

from __future__ import annotations

from django.db.models import Count
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext as _

from vanguard.campaigns.models import PhaseWindow
from vanguard.core.registry import TodoItem
from vanguard.study.hours import required_hours
from vanguard.study.models import MemberHours, StudySession, Writing, WritingStatus
from vanguard.study.writings import writings_on


def todo(scope, campaign, today):
    items = []
    if campaign.has_module("sessions"):
        if scope.member is not None:
            items.extend(_member_items(scope.member, campaign, today))
        if scope.admin_paths:
            items.extend(_unit_items(scope, campaign, today))
    if writings_on(campaign):
        items.extend(_writing_items(scope, campaign))
    return items


def _writing_items(scope, campaign):
    """学习体会/调研文章 to review (the unit) and recommended ones to publish (the office)."""
    if scope.admin_paths:
        submitted = (
            Writing.objects.filter(campaign=campaign, status=WritingStatus.SUBMITTED)
            .filter(scope.administered_filter("enrollment__organization__"))
            .values("enrollment")
            .annotate(n=Count("pk"))
        )
        for row in submitted:
            yield TodoItem(
                title=_("%(count)s study writings to review") % {"count": row["n"]},
                url=reverse("study:writings-unit", args=[campaign.pk, row["enrollment"]]),
                count=row["n"],
            )
    if scope.is_office:
        recommended = Writing.objects.filter(
            campaign=campaign, status=WritingStatus.RECOMMENDED
        ).count()
        if recommended:
            yield TodoItem(
                title=_("%(count)s recommended study writings to publish or decline")
                % {"count": recommended},
                url=reverse("study:writings-campaign", args=[campaign.pk]),
                count=recommended,
            )


def _member_items(member, campaign, today):
    study_phase = campaign.rules.phases[0]
    window = (
        PhaseWindow.objects.filter(
            enrollment__campaign=campaign,
            phase_code=study_phase.code,
            enrollment__organization__path__in=member.organization.ancestor_paths(),
        )
        .only("ends_on", "starts_on")
        .first()
    )
    # Both queries always run: the page's query count does not depend on the data.
    stored = (
        MemberHours.objects.filter(campaign=campaign, member=member)
        .values_list("hours", flat=True)
        .first()
    )
    if window is None or window.ends_on < today:
        return
    required = required_hours(campaign, member)
    short = required - (stored or 0)
    if short > 0:
        yield TodoItem(
            title=_("Study %(short)s more hours (%(hours)s of %(required)s)")
            % {
                "short": floatformat(short, -1),
                "hours": floatformat(stored or 0, -1),
                "required": floatformat(required, -1),
            },
            url=reverse("study:me"),
            due=window.ends_on,
        )


def _unit_items(scope, campaign, today):
    sessions = (
        StudySession.objects.filter(
            enrollment__campaign=campaign, date__lte=today, roll_taken_at__isnull=True
        )
        .filter(scope.administered_filter())
        .select_related("enrollment__organization")
        .order_by("date")
    )
    by_unit: dict = {}
    for session in sessions:
        by_unit.setdefault(session.enrollment, []).append(session)
    for enrollment, held in by_unit.items():
        yield TodoItem(
            title=_("%(unit)s: %(count)s study sessions held without a roll call")
            % {"unit": enrollment.organization.name, "count": len(held)},
            url=reverse("study:sessions", args=[campaign.pk, enrollment.pk]),
            due=held[0].date,
            overdue=True,
            count=len(held),
        )
