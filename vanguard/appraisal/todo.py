"""The appraisal app's to-do items (待办): a member's 党性分析 to write or revise and ballots
to cast; a unit's opinions to answer, analyses to review, and talks still to hold before
its 专题组织生活会 (五.2(3), `readiness`)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.appraisal import readiness
from vanguard.appraisal.models import (
    AnalysisStatus,
    AppraisalRound,
    Opinion,
    OpinionStatus,
    SelfAnalysis,
    VoterRoll,
)
from vanguard.campaigns.models import PhaseWindow
from vanguard.core.registry import TodoItem

DUE_SOON_DAYS = 3


def todo(scope, campaign, today):
    items = []
    if scope.member is not None:
        items.extend(_member_items(scope.member, campaign, today))
    if scope.admin_paths:
        items.extend(_unit_items(scope, campaign, today))
    return items


def _member_items(member, campaign, today):
    if campaign.has_module("self_analysis"):
        yield from _analysis_items(member, campaign, today)
    if campaign.has_module("appraisal"):
        yield from _ballot_items(member, campaign)


def _analysis_items(member, campaign, today):
    analysis = SelfAnalysis.objects.filter(campaign=campaign, member=member).first()
    window = _analysis_window(member, campaign)  # always: a query count that does not vary
    url = reverse("appraisal:my-self-analysis", args=[campaign.pk])
    if analysis is not None and analysis.status == AnalysisStatus.RETURNED:
        yield TodoItem(title=_("Revise your party-spirit analysis"), url=url, overdue=True)
    elif (
        (analysis is None or analysis.status == AnalysisStatus.DRAFT)
        and window is not None
        and window.starts_on <= today <= window.ends_on
    ):
        yield TodoItem(title=_("Write your party-spirit analysis"), url=url, due=window.ends_on)


def _ballot_items(member, campaign):
    now = timezone.now()
    rounds = AppraisalRound.objects.filter(
        campaign=campaign,
        sealed=False,
        opens_at__lte=now,
        closes_at__gt=now,
        organization__path__in=member.organization.ancestor_paths(),
    )
    voted = set(
        VoterRoll.objects.filter(round__in=rounds, member=member).values_list("round", flat=True)
    )
    for round_ in rounds:
        if round_.pk not in voted:
            yield TodoItem(
                title=_("Vote: %(round)s") % {"round": round_.title},
                url=reverse("appraisal:vote", args=[round_.pk]),
                due=timezone.localdate(round_.closes_at),
            )


def _analysis_window(member, campaign):
    phases = campaign.rules.phases
    if len(phases) < 2:
        return None
    return PhaseWindow.objects.filter(
        enrollment__campaign=campaign,
        phase_code=phases[1].code,
        enrollment__organization__path__in=member.organization.ancestor_paths(),
    ).first()


def _unit_items(scope, campaign, today):
    if campaign.has_module("opinions"):
        yield from _opinion_items(scope, campaign, today)
    if campaign.has_module("self_analysis"):
        yield from _review_items(scope, campaign)
    if readiness.applies(campaign):
        yield from _meeting_items(scope, campaign, today)


def _meeting_items(scope, campaign, today):
    """Units whose meeting is near (their analysis phase ends within `MEETING_NEAR_DAYS`)
    with members still to talk with, or to hand in their 党性分析, first."""
    near = today + timedelta(days=readiness.MEETING_NEAR_DAYS)
    windows = (
        readiness.analysis_windows(campaign)
        .filter(ends_on__gte=today, ends_on__lte=near)
        .filter(scope.administered_filter("enrollment__organization__"))
    )
    for found in readiness.not_ready(campaign, windows, today):
        enrollment = found.window.enrollment
        yield TodoItem(
            title=_(
                "%(unit)s: %(count)s members to talk with before the special "
                "organisational-life meeting"
            )
            % {"unit": enrollment.organization.name, "count": len(found.members)},
            url=reverse("appraisal:talks", args=[campaign.pk, enrollment.pk]),
            due=found.window.ends_on,
            count=len(found.members),
        )


def _opinion_items(scope, campaign, today):
    opinions = Opinion.objects.filter(campaign=campaign, status=OpinionStatus.OPEN).filter(
        scope.administered_filter("responsible_unit__")
    )
    overdue = opinions.filter(due_on__lt=today).aggregate(n=Count("pk"), first=Min("due_on"))
    soon = opinions.filter(
        due_on__gte=today, due_on__lte=today + timedelta(days=DUE_SOON_DAYS)
    ).aggregate(n=Count("pk"), first=Min("due_on"))
    url = reverse("appraisal:opinions", args=[campaign.pk])
    if overdue["n"]:
        yield TodoItem(
            title=_("%(count)s opinions overdue for an answer") % {"count": overdue["n"]},
            url=f"{url}?overdue=1",
            due=overdue["first"],
            overdue=True,
            count=overdue["n"],
        )
    if soon["n"]:
        yield TodoItem(
            title=_("%(count)s opinions to answer within %(days)s days")
            % {"count": soon["n"], "days": DUE_SOON_DAYS},
            url=f"{url}?status=open",
            due=soon["first"],
            count=soon["n"],
        )


def _review_items(scope, campaign):
    submitted = SelfAnalysis.objects.filter(
        campaign=campaign, status=AnalysisStatus.SUBMITTED
    ).filter(scope.administered_filter("member__organization__"))
    count = submitted.count()
    if count:
        yield TodoItem(
            title=_("%(count)s party-spirit analyses to review") % {"count": count},
            url=reverse("appraisal:overview", args=[campaign.pk]),
            count=count,
        )
