"""Reporting's to-do items (待办): a unit's summaries to write (its phase has ended) or to
redo (returned); summaries to sign off (liaison officer, office); briefs to review (office).
A constant number of queries, whatever the data."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from vanguard.accounts.access import subtree_filter
from vanguard.campaigns.models import PhaseWindow
from vanguard.core.registry import TodoItem
from vanguard.reporting.models import Brief, BriefStatus, PhaseSummary, SummaryStatus


def todo(scope, campaign, today) -> list[TodoItem]:
    items: list[TodoItem] = []
    if campaign.is_read_only:
        return items
    if campaign.has_module("summaries"):
        items += _summaries_to_write(scope, campaign, today)
        items += _summaries_to_sign_off(scope, campaign)
    if campaign.has_module("briefs") and scope.is_office:
        waiting = (
            Brief.objects.filter(campaign=campaign, status=BriefStatus.SUBMITTED)
            .filter(subtree_filter(scope.office_paths, "enrollment__organization__"))
            .count()
        )
        if waiting:
            items.append(
                TodoItem(
                    title=_("%(count)s briefs to review") % {"count": waiting},
                    url=reverse("reporting:briefs", args=[campaign.pk]) + "?status=submitted",
                    count=waiting,
                )
            )
    return items


def _summaries_to_write(scope, campaign, today) -> list[TodoItem]:
    if not scope.admin_paths:
        return []
    ended = list(
        PhaseWindow.objects.filter(enrollment__campaign=campaign, ends_on__lt=today)
        .filter(scope.administered_filter("enrollment__organization__"))
        .values_list("enrollment_id", "phase_code", "ends_on")
    )
    done = set(
        PhaseSummary.objects.filter(enrollment__campaign=campaign)
        .filter(scope.administered_filter("enrollment__organization__"))
        .exclude(status=SummaryStatus.RETURNED)
        .values_list("enrollment_id", "phase_code")
    )
    owed = [(pk, code, ends) for pk, code, ends in ended if (pk, code) not in done]
    if not owed:
        return []
    first = min(owed, key=lambda row: row[2])
    return [
        TodoItem(
            title=_("%(count)s phase summaries to write or redo") % {"count": len(owed)},
            url=reverse("reporting:unit-summaries", args=[campaign.pk, first[0]]),
            due=first[2],
            overdue=True,
            count=len(owed),
        )
    ]


def _summaries_to_sign_off(scope, campaign) -> list[TodoItem]:
    waiting = (
        PhaseSummary.objects.filter(enrollment__campaign=campaign, status=SummaryStatus.SUBMITTED)
        .filter(scope.sign_off_filter())
        .count()
    )
    if not waiting:
        return []
    return [
        TodoItem(
            title=_("%(count)s phase summaries to sign off") % {"count": waiting},
            url=reverse("reporting:summaries", args=[campaign.pk]) + "?status=submitted",
            count=waiting,
        )
    ]
