"""Access to this module's pages, composed only of `request.scope` (vanguard.accounts.access).

Two kinds of object:

- **staff records** (opinions, talks, self-analyses of others, meetings): seen by those who
  hold a reading role on the unit concerned — not by the unit's members, who see only
  what is theirs (`staff_object_or_404`);
- **unit business** (an appraisal round, its published ballots): seen by the unit's
  readers *and* its members (`unit_object_or_404`).

Outside the scope the answer is 404; visible but not yours to change is 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from vanguard.campaigns.models import Campaign, Enrollment


def campaign_or_404(scope, pk) -> Campaign:
    """A campaign the user reads as staff (members reach their pages through /me/)."""
    campaign = get_object_or_404(Campaign.objects.select_related("organization"), pk=pk)
    if not scope.is_staff_reader or not scope.can_view_campaign_of(campaign.organization):
        raise Http404
    return campaign


def _check(scope, org, *, manage: bool, members_too: bool) -> None:
    visible = scope.can_view_unit(org) if members_too else scope.can_view_org(org)
    if not visible:
        raise Http404
    if manage and not scope.can_manage_org(org):
        raise PermissionDenied


def staff_object_or_404(scope, queryset, *, unit, manage: bool = False, **lookup):
    """The object if the user reads its unit (`unit(obj)`) as staff; with `manage`, 403
    unless they also manage it."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404
    _check(scope, unit(obj), manage=manage, members_too=False)
    return obj


def unit_object_or_404(scope, queryset, *, unit, manage: bool = False, **lookup):
    """As `staff_object_or_404`, but the unit's own members may see it too."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404
    _check(scope, unit(obj), manage=manage, members_too=True)
    return obj


def enrollment_or_404(scope, campaign_pk, pk, *, manage: bool = False) -> Enrollment:
    """An enrolled unit whose staff pages (talks, self-analyses, meetings, rounds) the user
    may read (and, with `manage`, change)."""
    return staff_object_or_404(
        scope,
        Enrollment.objects.select_related("campaign__organization", "organization", "batch"),
        unit=lambda e: e.organization,
        manage=manage,
        pk=pk,
        campaign_id=campaign_pk,
    )


def require_manager(scope) -> None:
    """Pages that create records somewhere in the user's scope: 404 for those with no
    staff role, 403 for readers who manage nothing."""
    if not scope.is_staff_reader:
        raise Http404
    if not scope.manage_paths:
        raise PermissionDenied
