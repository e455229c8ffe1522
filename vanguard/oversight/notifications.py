"""What the oversight app tells people (declared in its registry entry, sent by
`vanguard.notifications`):

- a liaison officer's visit recorded at a unit, and a suggestion's answer due soon or
  overdue (六.3: 提出建议，督促解决问题) — to the unit's administrators;
- a unit's answer awaiting the officer's acceptance — to the liaison officer who made the
  suggestion (who reaches the unit through the dispatch's grant);
- a leader cadre's 三先 / 十个一 items (三.4) still without a record when the phase they are
  due in ends in N days — to the cadre.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanguard.accounts.access import unit_admins_of_each
from vanguard.campaigns.models import EnrollmentStatus, PhaseWindow
from vanguard.core.registry import Due, NotificationEvent
from vanguard.oversight import duties
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


def duties_due(campaign, today, lead_days):
    """Leader cadres with items of `leader_duties` unrecorded when the phase those items are
    due in ends, in their unit's plan, in one of `lead_days` days."""
    if not campaign.rules.leader_duties:
        return
    by_day = {today + timedelta(days=lead): lead for lead in lead_days}
    phases = {duties.due_phase(campaign, duty) for duty in campaign.rules.leader_duties}
    windows = list(
        PhaseWindow.objects.filter(
            enrollment__campaign=campaign, phase_code__in=phases, ends_on__in=list(by_day)
        )
        .exclude(enrollment__status=EnrollmentStatus.CLOSED)
        .select_related("enrollment__organization")
    )
    cadres = duties.cadres_of({w.enrollment for w in windows})
    records = duties.records_of(campaign, [m for ms in cadres.values() for m in ms])
    for window in windows:
        lead = by_day[window.ends_on]
        due = [
            duty
            for duty in campaign.rules.leader_duties
            if duties.due_phase(campaign, duty) == window.phase_code
        ]
        for cadre in cadres[window.enrollment_id]:
            missing = [d for d in due if not records.get(cadre.pk, {}).get(d.code)]
            if cadre.user_id is None or not missing:
                continue
            yield Due(
                user_id=cadre.user_id,
                key=f"duties_due:{window.pk}:{window.ends_on}:{lead}",
                title=_("In %(days)s days the phase ends: %(count)s of your duties unrecorded")
                % {"days": lead, "count": len(missing)},
                body="、".join(str(d.title) for d in missing),
                url=reverse("oversight:cadre-duties", args=[campaign.pk, cadre.pk]),
                organization_id=cadre.organization_id,
            )


def _event(code, title, audience, lead_days=(), module="liaison"):
    return NotificationEvent(
        code=code,
        title=title,
        finder=f"vanguard.oversight.notifications.{code}",
        default_lead_days=lead_days,
        audience=audience,
        module=module,
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
    _event(
        "duties_due",
        gettext_lazy("Leader's duties still unrecorded before their phase ends"),
        gettext_lazy("leader cadres"),
        (7, 1),
        module="",
    ),
)
