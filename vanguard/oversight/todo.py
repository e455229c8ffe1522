"""The oversight app's to-do items (待办): a unit administrator's suggestions to answer; a
liaison officer's answers to accept or return; a leader cadre's 三先 / 十个一 items still to
record (三.4)."""

from __future__ import annotations

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from vanguard.core.registry import TodoItem
from vanguard.oversight import duties
from vanguard.oversight.models import (
    AWAITING_ANSWER,
    Commendation,
    CommendationStatus,
    Suggestion,
    SuggestionStatus,
)


def todo(scope, campaign, today):
    items = list(_duty_items(scope, campaign, today))
    if not campaign.has_module("liaison"):
        return items
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


def _duty_items(scope, campaign, today):
    """A signed-in leader cadre's items of the template's `leader_duties` without a record,
    due at the end of their phase in the unit's plan; overdue once that day has passed."""
    cadre = scope.member
    if cadre is None or not cadre.is_leader_cadre or not campaign.rules.leader_duties:
        return
    enrollment = scope.member_enrollments().filter(campaign=campaign).first()
    if enrollment is None:
        return
    due = duties.open_items(campaign, cadre, enrollment)
    if not due:
        return
    first = min(day for _duty, day in due)
    yield TodoItem(
        title=_("%(count)s items of your leader's duties to record") % {"count": len(due)},
        url=reverse("oversight:cadre-duties", args=[campaign.pk, cadre.pk]),
        due=first,
        overdue=first < today,
        count=len(due),
    )
