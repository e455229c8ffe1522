"""The member's own page of 分析评议 (phone first): ballots to cast, their self-analysis,
the opinions fed back to them (never who wrote them), their talks and conclusions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from vanguard.appraisal.models import (
    AppraisalConclusion,
    AppraisalRound,
    CriticismItem,
    Opinion,
    SelfAnalysis,
    Talk,
    VoterRoll,
)


def ballots_to_cast(member, now):
    """Open rounds in which the member is graded and has not voted yet."""
    voted = VoterRoll.objects.filter(member=member).values("round_id")
    return list(
        AppraisalRound.objects.filter(
            candidates__member=member, sealed=False, opens_at__lte=now, closes_at__gt=now
        )
        .exclude(pk__in=voted)
        .select_related("organization")
    )


def opinions_fed_back(member):
    """Opinions about the member that the unit has fed back to them. Only what was said
    and answered: no channel, no author."""
    return Opinion.objects.filter(member=member, fed_back_on__isnull=False).only(
        "received_on", "content", "status", "answer", "answered_on", "fed_back_on"
    )


@login_required
def my_appraisal(request):
    member = request.scope.member
    if member is None:
        raise Http404
    now = timezone.now()
    analyses = {a.campaign_id: a for a in SelfAnalysis.objects.filter(member=member)}
    enrollments = request.scope.enrollments_covering(member)
    context = {
        "member": member,
        "to_cast": ballots_to_cast(member, now),
        "campaigns": [(e, analyses.get(e.campaign_id)) for e in enrollments],
        "opinions": opinions_fed_back(member),
        "talks": Talk.objects.filter(Q(initiator=member) | Q(partner=member)).select_related(
            "initiator", "partner"
        ),
        "criticism": CriticismItem.objects.filter(member=member).select_related(
            "meeting", "raised_by"
        ),
        "conclusions": AppraisalConclusion.objects.filter(
            member=member, round__published_on__isnull=False
        ).select_related("round__campaign"),
        "rounds": AppraisalRound.objects.filter(candidates__member=member)
        .select_related("organization")
        .order_by("-opens_at"),
    }
    return render(request, "appraisal/me.html", context)
