"""What the oversight app tells people (declared in its registry entry, sent by
`vanguard.notifications`):

- a liaison officer's visit recorded at a unit, and a suggestion's answer due soon or
  overdue (六.3: 提出建议，督促解决问题) — to the unit's administrators;
- a unit's answer awaiting the officer's acceptance — to the liaison officer who made the
  suggestion (who reaches the unit through the dispatch's grant).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanguard.accounts.access import unit_admins_of_each
from vanguard.core.registry import Due, NotificationEvent
from vanguard.oversight.models import (
    AWAITING_ANSWER,
    Suggestion,
    SuggestionStatus,
    SupervisionVisit,
)

RECENT_DAYS = 7


def _to_admins(objects, today, make):
    for obj, _unit, user_id in unit_admins_of_each(objects, lambda o: o.unit, today):
        yield make(obj, user_id)


def _suggestions(campaign):
    return Suggestion.objects.filter(visit__assignment__batch__campaign=campaign).select_related(
        "visit__organization", "visit__assignment"
    )


def visit_recorded(campaign, today, lead_days):
    visits = SupervisionVisit.objects.filter(
        assignment__batch__campaign=campaign,
        visited_on__gte=today - timedelta(days=RECENT_DAYS),
        visited_on__lte=today,
    ).select_related("organization")
    for visit in visits:
        visit.unit = visit.organization
    return _to_admins(
        visits,
        today,
        lambda visit, user_id: Due(
            user_id=user_id,
            key=f"visit_recorded:{visit.pk}",
            title=_("%(unit)s: the liaison officer recorded a visit of %(date)s")
            % {"unit": visit.unit.name, "date": visit.visited_on.isoformat()},
            body=visit.findings[:200],
            url=visit.get_absolute_url(),
            organization_id=visit.unit.pk,
        ),
    )


def suggestion_due(campaign, today, lead_days):
    by_day = {today + timedelta(days=lead): lead for lead in lead_days}
    suggestions = list(
        _suggestions(campaign).filter(status__in=AWAITING_ANSWER, answer_due_on__in=list(by_day))
    )
    for suggestion in suggestions:
        suggestion.unit = suggestion.visit.organization
    return _to_admins(
        suggestions,
        today,
        lambda s, user_id: Due(
            user_id=user_id,
            key=f"suggestion_due:{s.pk}:{s.answer_due_on}:{by_day[s.answer_due_on]}",
            title=_(
                "%(unit)s: a liaison officer's suggestion must be answered within %(days)s days"
            )
            % {"unit": s.unit.name, "days": by_day[s.answer_due_on]},
            body=s.text[:200],
            url=s.get_absolute_url(),
            organization_id=s.unit.pk,
        ),
    )


def suggestion_overdue(campaign, today, lead_days):
    suggestions = list(
        _suggestions(campaign).filter(status__in=AWAITING_ANSWER, answer_due_on__lt=today)
    )
    for suggestion in suggestions:
        suggestion.unit = suggestion.visit.organization
    return _to_admins(
        suggestions,
        today,
        lambda s, user_id: Due(
            user_id=user_id,
            key=f"suggestion_overdue:{s.pk}:{s.answer_due_on}",
            title=_("%(unit)s: a liaison officer's suggestion is overdue (due %(date)s)")
            % {"unit": s.unit.name, "date": s.answer_due_on.isoformat()},
            body=s.text[:200],
            url=s.get_absolute_url(),
            organization_id=s.unit.pk,
        ),
    )


def answer_to_accept(campaign, today, lead_days):
    for s in _suggestions(campaign).filter(
        status=SuggestionStatus.ANSWERED, answered_on__lte=today
    ):
        yield Due(
            user_id=s.visit.assignment.officer_id,
            key=f"answer_to_accept:{s.pk}:{s.answered_on}",
            title=_("%(unit)s answered your suggestion: accept it or return it")
            % {"unit": s.visit.organization.name},
            body=s.answer[:200],
            url=s.get_absolute_url(),
            organization_id=s.visit.organization_id,
        )


def _event(code, title, audience, lead_days=()):
    return NotificationEvent(
        code=code,
        title=title,
        finder=f"vanguard.oversight.notifications.{code}",
        default_lead_days=lead_days,
        audience=audience,
        module="liaison",
    )


ADMINS = gettext_lazy("unit administrators")
EVENTS = (
    _event("visit_recorded", gettext_lazy("A liaison officer's visit was recorded"), ADMINS),
    _event("suggestion_due", gettext_lazy("A suggestion's answer is due soon"), ADMINS, (3,)),
    _event("suggestion_overdue", gettext_lazy("A suggestion's answer is overdue"), ADMINS),
    _event(
        "answer_to_accept",
        gettext_lazy("A unit's answer awaits your acceptance"),
        gettext_lazy("liaison officers"),
    ),
)
