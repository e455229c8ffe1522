"""What the appraisal app tells people (declared in its registry entry, sent by
`vanguard.notifications`):

- an opinion's answer due in a few days, and overdue (五.2(2): 及时准确地反馈) — to the
  administrators of the unit answering for it;
- a member's 党性分析 returned for revision or accepted — to the member;
- a ballot open, and closing soon — to every member of the round's unit. Everyone is told,
  voted or not: a reminder sent only to those who have not voted would record, beside the
  roll, *when* each member voted, which the roll deliberately does not keep;
- a unit's 专题组织生活会 near (its analysis phase ends in N days, no meeting recorded) while
  members still lack their talk or 党性分析 (五.2(3), `readiness`) — to its administrators.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanguard.accounts.access import unit_admins_of_each
from vanguard.appraisal import readiness
from vanguard.appraisal.models import (
    AnalysisStatus,
    AppraisalRound,
    Opinion,
    OpinionStatus,
    SelfAnalysis,
)
from vanguard.core.registry import Due, NotificationEvent
from vanguard.orgs.models import Member

RECENT_REVIEW_DAYS = 7  # a review older than this is not announced any more


def _to_unit_admins(items, today, unit_of, make):
    for item, unit, user_id in unit_admins_of_each(items, unit_of, today):
        yield make(item, user_id, unit)


def opinion_due(campaign, today, lead_days):
    by_day = {today + timedelta(days=lead): lead for lead in lead_days}
    opinions = Opinion.objects.filter(
        campaign=campaign, status=OpinionStatus.OPEN, due_on__in=list(by_day)
    ).select_related("responsible_unit")
    return _to_unit_admins(
        opinions,
        today,
        lambda o: o.responsible_unit,
        lambda o, user_id, unit: Due(
            user_id=user_id,
            key=f"opinion_due:{o.pk}:{o.due_on}:{by_day[o.due_on]}",
            title=_("%(unit)s: an opinion must be answered within %(days)s days")
            % {"unit": unit.name, "days": by_day[o.due_on]},
            body=o.content[:200],
            url=o.get_absolute_url(),
            organization_id=unit.pk,
        ),
    )


def opinion_overdue(campaign, today, lead_days):
    opinions = Opinion.objects.filter(
        campaign=campaign, status=OpinionStatus.OPEN, due_on__lt=today
    ).select_related("responsible_unit")
    return _to_unit_admins(
        opinions,
        today,
        lambda o: o.responsible_unit,
        lambda o, user_id, unit: Due(
            user_id=user_id,
            key=f"opinion_overdue:{o.pk}:{o.due_on}",
            title=_("%(unit)s: an opinion is overdue (due %(date)s)")
            % {"unit": unit.name, "date": o.due_on.isoformat()},
            body=o.content[:200],
            url=o.get_absolute_url(),
            organization_id=unit.pk,
        ),
    )


def analysis_reviewed(campaign, today, lead_days):
    analyses = SelfAnalysis.objects.filter(
        campaign=campaign,
        status__in=(AnalysisStatus.RETURNED, AnalysisStatus.ACCEPTED),
        reviewed_on__gte=today - timedelta(days=RECENT_REVIEW_DAYS),
        reviewed_on__lte=today,
        member__user__isnull=False,
    ).select_related("member")
    for analysis in analyses:
        returned = analysis.status == AnalysisStatus.RETURNED
        yield Due(
            user_id=analysis.member.user_id,
            key=f"analysis:{analysis.pk}:{analysis.status}:{analysis.reviewed_on}",
            title=_("Your party-spirit analysis was returned for revision")
            if returned
            else _("Your party-spirit analysis was accepted"),
            body=analysis.comments[:300],
            url=reverse("appraisal:my-self-analysis", args=[campaign.pk]),
            organization_id=analysis.member.organization_id,
        )


def _round_members(round_, today):
    return (
        Member.objects.active(today)
        .within(round_.organization)
        .filter(user__isnull=False)
        .values_list("user_id", "organization_id")
    )


def _moment(today):
    """Now, or nine in the morning of `today` when the scheduler runs for another day."""
    now = timezone.now()
    if timezone.localdate(now) == today:
        return now
    return timezone.make_aware(datetime.combine(today, time(9)))


def ballot_open(campaign, today, lead_days):
    now = _moment(today)
    rounds = AppraisalRound.objects.filter(
        campaign=campaign, sealed=False, opens_at__lte=now, closes_at__gt=now
    ).select_related("organization")
    for round_ in rounds:
        for user_id, org_id in _round_members(round_, today):
            yield Due(
                user_id=user_id,
                key=f"ballot_open:{round_.pk}",
                title=_("Voting is open: %(round)s, until %(closes)s")
                % {
                    "round": round_.title,
                    "closes": timezone.localtime(round_.closes_at).strftime("%Y-%m-%d %H:%M"),
                },
                url=reverse("appraisal:vote", args=[round_.pk]),
                organization_id=org_id,
            )


def ballot_closing(campaign, today, lead_days):
    now = _moment(today)
    horizon = max(lead_days or (1,))
    rounds = AppraisalRound.objects.filter(
        campaign=campaign,
        sealed=False,
        opens_at__lte=now,
        closes_at__gt=now,
        closes_at__lte=now + timedelta(days=horizon),
    ).select_related("organization")
    for round_ in rounds:
        days_left = (timezone.localdate(round_.closes_at) - today).days
        for user_id, org_id in _round_members(round_, today):
            yield Due(
                user_id=user_id,
                key=f"ballot_closing:{round_.pk}",
                title=_("Voting closes soon: %(round)s, at %(closes)s — if you have not voted yet")
                % {
                    "round": round_.title,
                    "closes": timezone.localtime(round_.closes_at).strftime("%Y-%m-%d %H:%M"),
                },
                body=_("%(days)s days left.") % {"days": days_left} if days_left else "",
                url=reverse("appraisal:vote", args=[round_.pk]),
                organization_id=org_id,
            )


MODULES = {
    "opinion_due": "opinions",
    "opinion_overdue": "opinions",
    "analysis_reviewed": "self_analysis",
    "ballot_open": "appraisal",
    "ballot_closing": "appraisal",
    "talks_before_meeting": "meetings",
}


def talks_before_meeting(campaign, today, lead_days):
    if not readiness.applies(campaign):
        return
    by_day = {today + timedelta(days=lead): lead for lead in lead_days}
    windows = readiness.analysis_windows(campaign).filter(ends_on__in=list(by_day))
    found = readiness.not_ready(campaign, windows, today)
    yield from _to_unit_admins(
        found,
        today,
        lambda f: f.window.enrollment.organization,
        lambda f, user_id, unit: Due(
            user_id=user_id,
            key=f"talks_before_meeting:{f.window.pk}:{f.window.ends_on}:{by_day[f.window.ends_on]}",
            title=_(
                "%(unit)s: %(count)s members still to talk with before the special "
                "organisational-life meeting (the phase ends in %(days)s days)"
            )
            % {"unit": unit.name, "count": len(f.members), "days": by_day[f.window.ends_on]},
            body="、".join(name for _pk, name in f.members[:20]),
            url=reverse("appraisal:talks", args=[campaign.pk, f.window.enrollment_id]),
            organization_id=unit.pk,
        ),
    )


def _event(code, title, finder, lead_days=(), audience=""):
    return NotificationEvent(
        code=code,
        title=title,
        finder=f"vanguard.appraisal.notifications.{finder}",
        default_lead_days=lead_days,
        audience=audience,
        module=MODULES[code],
    )


EVENTS = (
    _event(
        "opinion_due",
        gettext_lazy("An opinion's answer is due soon"),
        "opinion_due",
        (3,),
        gettext_lazy("unit administrators"),
    ),
    _event(
        "opinion_overdue",
        gettext_lazy("An opinion's answer is overdue"),
        "opinion_overdue",
        (),
        gettext_lazy("unit administrators"),
    ),
    _event(
        "analysis_reviewed",
        gettext_lazy("Your party-spirit analysis was returned or accepted"),
        "analysis_reviewed",
        (),
        gettext_lazy("members"),
    ),
    _event(
        "ballot_open",
        gettext_lazy("A democratic appraisal ballot is open"),
        "ballot_open",
        (),
        gettext_lazy("members"),
    ),
    _event(
        "ballot_closing",
        gettext_lazy("A ballot closes soon"),
        "ballot_closing",
        (1,),
        gettext_lazy("members"),
    ),
    _event(
        "talks_before_meeting",
        gettext_lazy("Talks still to hold before the special organisational-life meeting"),
        "talks_before_meeting",
        (7, 3),
        gettext_lazy("unit administrators"),
    ),
)
