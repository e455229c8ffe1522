"""The signed-in landing pages: home sends each persona where their work is."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from vanguard.accounts.models import Role
from vanguard.campaigns.models import Campaign, Enrollment


def visible_campaigns(scope):
    campaigns = Campaign.objects.select_related("organization").order_by("-starts_on")
    return [c for c in campaigns if scope.can_view_campaign_of(c.organization)]


@login_required
def home(request):
    scope = request.scope
    if scope.has_role(Role.LEADER) and not scope.is_office:
        return redirect("oversight-leader-home")  # liaison points first (SCREENS.md)
    if scope.is_staff_reader:
        campaigns = visible_campaigns(scope)
        if campaigns:
            return redirect("campaign-overview", pk=campaigns[0].pk)
        return redirect("org-tree")
    if scope.member is not None:
        return redirect("me")
    return render(request, "portal/no_role.html")


@login_required
def me(request):
    member = request.scope.member
    if member is None:
        raise Http404
    # The enrolments of the member's organisation or of an ancestor, found by path in the
    # database (not every enrolment of every campaign, each with its template).
    enrollments = list(
        Enrollment.objects.covering(member.organization)
        .select_related("campaign", "batch", "organization")
        .prefetch_related("phases")
        .order_by("-campaign__starts_on", "pk")
    )
    plans = [
        {
            "enrollment": e,
            "windows": [
                (e.campaign.rules.phase(w.phase_code).title, w)
                for w in sorted(e.phases.all(), key=lambda w: w.starts_on)
            ],
        }
        for e in enrollments
    ]
    return render(request, "portal/me.html", {"member": member, "plans": plans})
