"""The signed-in landing pages: home sends each persona where their work is."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from vanguard.accounts.models import Role
from vanguard.campaigns import group_steps
from vanguard.campaigns.groups import member_group
from vanguard.campaigns.models import Campaign, CampaignState, Enrollment
from vanguard.portal.views import public

# The session key of the campaign in view (the sidebar's campaign picker).
NAV_CAMPAIGN_KEY = "nav_campaign"


def visible_campaigns(scope):
    campaigns = Campaign.objects.select_related("organization").order_by("-starts_on", "-pk")
    return [c for c in campaigns if scope.can_view_campaign_of(c.organization)]


def chosen_campaign(request, campaigns):
    """The campaign the user picked in the sidebar (kept in the session) if still among
    `campaigns`, else the newest."""
    picked = request.session.get(NAV_CAMPAIGN_KEY) if hasattr(request, "session") else None
    for campaign in campaigns:
        if campaign.pk == picked:
            return campaign
    return campaigns[0] if campaigns else None


def home(request):
    """The root: the public site for a visitor who is not signed in (staff sign in from its
    header); a signed-in user goes where their work is."""
    if not request.user.is_authenticated:
        return public.index(request)
    scope = request.scope
    if scope.has_role(Role.LEADER) and not scope.is_office:
        return redirect("oversight:leader-home")  # liaison points first (SCREENS.md)
    if scope.has_role(Role.UNIT_ADMIN) and not scope.is_office:
        unit = my_unit(scope)  # the unit administrator's own unit page
        if unit is not None:
            return redirect("campaigns:unit", campaign_pk=unit.campaign_id, enrollment_pk=unit.pk)
    if scope.has_role(Role.LIAISON) and not scope.is_office:
        return redirect("oversight:my-assignments")  # the officer's own units and visits
    if scope.is_staff_reader:
        campaigns = visible_campaigns(scope)
        if campaigns:
            return redirect("campaigns:overview", campaign_pk=campaigns[0].pk)
        return redirect("orgs:tree")
    if scope.member is not None:
        return redirect("portal:me")
    return render(request, "portal/no_role.html")


def my_unit(scope):
    """The enrolled unit a unit administrator manages, in the newest campaign (the top-most
    when they manage several)."""
    enrollments = (
        Enrollment.objects.visible_to(scope)
        .select_related("organization", "campaign")
        .order_by("-campaign__starts_on", "organization__path")
    )
    return next((e for e in enrollments if scope.can_manage_org(e.organization)), None)


@login_required
def pick_campaign(request):
    """The sidebar's campaign picker: the campaign in view, kept in the session, among those
    the user reads (several campaigns may run at once); then back to the page."""
    pk = request.GET.get("campaign", "")
    if pk:
        campaigns = {c.pk: c for c in visible_campaigns(request.scope)}
        if not pk.isdigit() or int(pk) not in campaigns:
            raise Http404
        request.session[NAV_CAMPAIGN_KEY] = int(pk)
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    if not target and pk:
        return redirect("campaigns:overview", campaign_pk=int(pk))
    return redirect(target or "portal:home")


@login_required
def me(request):
    member = request.scope.member
    if member is None:
        raise Http404
    # The enrolments of the member's organisation or of an ancestor, found by path in the
    # database (not every enrolment of every campaign, each with its template); read once
    # for the page, its panels and the navigation.
    enrollments = request.scope.enrollments_covering(member)
    plans = [
        {
            "enrollment": e,
            # 三.5: the member's 分类指导 group in the campaign, with its requirements.
            "group": member_group(e.campaign, member),
            # …and the steps that differ for the member's groups, with their records.
            "steps": group_steps.member_shown(e.campaign, member),
            "can_record": e.campaign.state != CampaignState.ENDED,
            "windows": [
                (e.campaign.rules.phase(w.phase_code).title, w)
                for w in sorted(e.phases.all(), key=lambda w: w.starts_on)
            ],
        }
        for e in enrollments
    ]
    context = {
        "member": member,
        "plans": plans,
        "today": timezone.localdate(),
        "member_campaigns": [e.campaign for e in enrollments],
    }
    return render(request, "portal/me.html", context)
