"""Leading groups (R25, 六.1): the bureau's and each unit's, with the 一把手 marked."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.campaigns.models import Enrollment
from vanguard.oversight import services
from vanguard.oversight.forms import GroupCreateForm, GroupMemberForm
from vanguard.oversight.models import GroupMembership, LeadingGroup
from vanguard.oversight.selectors import sorted_memberships
from vanguard.oversight.views.common import attempt, require, require_visible


def _can_view_group(scope, group: LeadingGroup) -> bool:
    """A unit's group: whoever sees the unit; the bureau's: everyone in the campaign."""
    if group.organization_id == group.campaign.organization_id:
        return scope.can_view_campaign_of(group.organization) or scope.can_view_unit(
            group.organization
        )
    return scope.can_view_unit(group.organization)


def _group_or_404(request, pk) -> LeadingGroup:
    group = get_object_or_404(
        LeadingGroup.objects.select_related("campaign__organization", "organization"), pk=pk
    )
    require_visible(_can_view_group(request.scope, group))
    request.scope.module_or_404(group.campaign, "leading_groups")
    return group


@login_required
def group_list(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="leading_groups")
    return _render_list(request, campaign, GroupCreateForm(campaign=campaign, scope=request.scope))


def _render_list(request, campaign, form, status=200):
    scope = request.scope
    groups = (
        LeadingGroup.objects.filter(campaign=campaign)
        .filter(scope.unit_filter() | _bureau_q(campaign))
        .select_related("organization")
        .prefetch_related("memberships__member")
        .order_by("organization__path")
    )
    rows = [{"group": g, "memberships": sorted_memberships(g.memberships.all())} for g in groups]
    grouped = {row["group"].organization_id for row in rows}
    missing = [
        e
        for e in Enrollment.objects.filter(campaign=campaign)
        .filter(scope.unit_filter())
        .select_related("organization", "batch")
        if e.organization_id not in grouped
    ]
    context = {"campaign": campaign, "rows": rows, "missing": missing, "form": form}
    return render(request, "oversight/group_list.html", context, status=status)


def _bureau_q(campaign):
    return Q(organization_id=campaign.organization_id)


@login_required
@require_POST
def group_create(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="leading_groups")
    require(bool(request.scope.manage_paths))
    form = GroupCreateForm(request.POST, campaign=campaign, scope=request.scope)
    if form.is_valid():
        try:
            group = services.create_leading_group(
                campaign, **form.cleaned_data, acting=request.scope
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(group)
    return _render_list(request, campaign, form, status=400)


@login_required
def group_detail(request, pk):
    group = _group_or_404(request, pk)
    return _render_detail(request, group, GroupMemberForm(group=group))


def _render_detail(request, group, form, status=200):
    memberships = GroupMembership.objects.filter(group=group).select_related("member__organization")
    context = {
        "group": group,
        "campaign": group.campaign,
        "memberships": sorted_memberships(memberships),
        "can_manage": request.scope.can_manage_org(group.organization),
        # The list of groups is for the campaign's readers: a member goes back to their page.
        "can_list": request.scope.can_view_campaign_of(group.campaign.organization),
        "form": form,
    }
    return render(request, "oversight/group_detail.html", context, status=status)


@login_required
@require_POST
def group_add_member(request, pk):
    group = _group_or_404(request, pk)
    require(request.scope.can_manage_org(group.organization))
    form = GroupMemberForm(request.POST, group=group)
    if form.is_valid():
        try:
            services.add_group_member(group, **form.cleaned_data, acting=request.scope)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(group)
    return _render_detail(request, group, form, status=400)


def _membership_to_change(request, pk) -> GroupMembership:
    membership = get_object_or_404(
        GroupMembership.objects.select_related(
            "group__campaign__organization", "group__organization", "member"
        ),
        pk=pk,
    )
    require_visible(_can_view_group(request.scope, membership.group))
    request.scope.module_or_404(membership.group.campaign, "leading_groups")
    require(request.scope.can_manage_org(membership.group.organization))
    return membership


@login_required
@require_POST
def membership_remove(request, pk):
    membership = _membership_to_change(request, pk)
    group = membership.group
    attempt(
        request,
        lambda: services.remove_group_member(membership, acting=request.scope),
        _("%(member)s left the group.") % {"member": membership.member},
    )
    return redirect(group)


@login_required
@require_POST
def membership_responsible(request, pk):
    membership = _membership_to_change(request, pk)
    attempt(
        request,
        lambda: services.mark_responsible(membership, acting=request.scope),
        _("%(member)s is marked as the responsible head.") % {"member": membership.member},
    )
    return redirect(membership.group)
