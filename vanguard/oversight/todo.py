"""The oversight app's to-do items (待办): a unit administrator's suggestions to answer; a
liaison officer's answers to accept or return."""

from __future__ import annotations

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from vanguard.core.registry import TodoItem
from vanguard.oversight.models import (
    AWAITING_ANSWER,
    Commendation,
    CommendationStatus,
    Suggestion,
    SuggestionStatus,
)


def todo(scope, campaign, today):
    if not campaign.has_module("liaison"):
        return []
    items = []
    suggestions = Suggestion.objects.filter(visit__assignment__batch__campaign=campaign)
    url = reverse("oversight:suggestions", args=[campaign.pk])
    if scope.admin_paths:
        owed = (
            suggestions.filter(status__in=AWAITING_ANSWER)
            .filter(scope.administered_filter("visit__organization__"))
            .aggregate(
                n=Count("pk"),
                late=Count("pk", filter=Q(answer_due_on__lt=today)),
                first=Min("answer_due_on"),
            )
        )
        if owed["n"]:
            items.append(
                TodoItem(
                    title=_("%(count)s liaison officers' suggestions to answer")
                    % {"count": owed["n"]},
                    url=url,
                    due=owed["first"],
                    overdue=bool(owed["late"]),
                    count=owed["n"],
                )
            )
    if scope.is_office and campaign.has_module("commendations"):
        nominated = Commendation.objects.filter(
            campaign=campaign, status=CommendationStatus.NOMINATED
        ).count()
        if nominated:
            items.append(
                TodoItem(
                    title=_("%(count)s nominations for commendation to decide")
                    % {"count": nominated},
                    url=reverse("oversight:commendations", args=[campaign.pk]),
                    count=nominated,
                )
            )
    answered = suggestions.filter(
        status=SuggestionStatus.ANSWERED, visit__assignment__officer=scope.user
    ).count()
    if answered:
        items.append(
            TodoItem(
                title=_("%(count)s answers to your suggestions to accept or return")
                % {"count": answered},
                url=url,
                count=answered,
            )
        )
    return items
