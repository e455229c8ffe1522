"""How the study views reach their objects, composed from `request.scope` only.

- A unit's staff pages (hours, roster, log, notes, 五个一) are for readers of the unit; a
  member inside the unit sees the unit but not these pages (403).
- Its sessions and materials are for readers and for the members inside (their schedule).
- Changing anything is for the managers of the unit (403 for other readers).
- Outside the scope the answer is 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from vanguard.campaigns.models import Campaign, Enrollment
from vanguard.study.models import StudySession
from vanguard.study.services import member_enrollments


def enrollment_or_404(request, campaign_pk, pk, *, manage=False, staff=False) -> Enrollment:
    queryset = Enrollment.objects.select_related(
        "campaign", "organization", "batch"
    ).prefetch_related("phases")
    enrollment = request.scope.get_in_unit_or_404(queryset, pk=pk, campaign_id=campaign_pk)
    _require(request, enrollment.organization, manage=manage, staff=staff)
    return enrollment


def session_or_404(request, pk, *, manage=False, staff=False) -> StudySession:
    queryset = StudySession.objects.select_related(
        "organization", "enrollment__campaign", "enrollment__organization", "roll_taken_by"
    )
    session = request.scope.get_in_unit_or_404(queryset, pk=pk, unit=lambda s: s.organization)
    _require(request, session.organization, manage=manage, staff=staff)
    return session


def _require(request, org, *, manage: bool, staff: bool) -> None:
    if manage and not request.scope.can_manage_org(org):
        raise PermissionDenied
    if staff and not request.scope.can_view_org(org):
        raise PermissionDenied


def campaign_for_staff_or_404(request, pk) -> Campaign:
    """A campaign whose units the user reads (as in the campaign overview)."""
    campaign = get_object_or_404(Campaign.objects.select_related("organization"), pk=pk)
    if not request.scope.can_view_campaign_of(campaign.organization):
        raise Http404
    return campaign


def campaign_for_member_or_404(request, pk) -> tuple[Campaign, Enrollment]:
    """A campaign the signed-in member takes part in, with their unit's enrolment."""
    member = request.scope.member
    if member is None:
        raise Http404
    enrollment = member_enrollments(member).filter(campaign_id=pk).first()
    if enrollment is None:
        raise Http404
    return enrollment.campaign, enrollment


def campaign_for_anyone_or_404(request, pk) -> Campaign:
    """A campaign the user reads as staff or takes part in as a member."""
    campaign = get_object_or_404(Campaign.objects.select_related("organization"), pk=pk)
    if request.scope.can_view_campaign_of(campaign.organization):
        return campaign
    member = request.scope.member
    if member is not None and member_enrollments(member).filter(campaign=campaign).exists():
        return campaign
    raise Http404


def staff_enrollments(request, campaign: Campaign):
    """The campaign's enrolled units the user reads."""
    return (
        Enrollment.objects.filter(campaign=campaign)
        .filter(request.scope.unit_filter())
        .select_related("organization", "batch", "campaign")
        .prefetch_related("phases")
        .order_by("batch__number", "organization__path")
    )
