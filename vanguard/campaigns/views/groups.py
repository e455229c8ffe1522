"""A unit's members by 分类指导 group (三.5): the computed group, the unit's choice."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.accounts.access import STAFF, ScopedRequest
from vanguard.campaigns import groups
from vanguard.campaigns.models import Enrollment, EnrollmentStatus
from vanguard.orgs.models import Member


def _enrollment(request: ScopedRequest, campaign_pk: int, enrollment_pk: int) -> Enrollment:
    enrollment: Enrollment = request.scope.get_enrollment_or_404(
        campaign_pk, enrollment_pk, reach=STAFF
    )
    if not enrollment.campaign.rules.guidance_groups():
        raise Http404  # a template without 分类指导 groups has nothing of this page
    return enrollment


def _can_manage(request: ScopedRequest, enrollment: Enrollment) -> bool:
    return (
        request.scope.can_manage_org(enrollment.organization)
        and enrollment.status != EnrollmentStatus.CLOSED
    )


@login_required
def unit_groups(request: ScopedRequest, campaign_pk: int, enrollment_pk: int) -> HttpResponse:
    enrollment = _enrollment(request, campaign_pk, enrollment_pk)
    campaign, rules = enrollment.campaign, enrollment.campaign.rules
    members = list(
        Member.objects.active()
        .filter(enrollment.organization.subtree_q("organization__"))
        .select_related("organization")
        .order_by("organization__path", "code")
    )
    chosen = groups.chosen_codes(campaign, members)
    rows, counts = [], {group.code: 0 for group in rules.guidance_groups()}
    for member in members:
        computed = groups.computed_group(rules, member)
        group = groups.member_group(campaign, member, chosen)
        if group is not None:
            counts[group.code] += 1
        rows.append(
            {
                "member": member,
                "computed": computed,
                "group": group,
                "chosen": chosen.get(member.pk),
            }
        )
    context = {
        "campaign": campaign,
        "enrollment": enrollment,
        "rows": rows,
        "groups": [(group, counts[group.code]) for group in rules.guidance_groups()],
        "can_manage": _can_manage(request, enrollment),
    }
    return render(request, "campaigns/unit_groups.html", context)


@login_required
@require_POST
def set_group(
    request: ScopedRequest, campaign_pk: int, enrollment_pk: int, member_pk: int
) -> HttpResponse:
    enrollment = _enrollment(request, campaign_pk, enrollment_pk)
    if not _can_manage(request, enrollment):
        raise PermissionDenied
    member = request.scope.get_member_or_404(member_pk, manage=True)
    if not member.organization.is_in_subtree_of(enrollment.organization):
        raise Http404
    code = request.POST.get("group", "")
    try:
        groups.set_member_group(
            enrollment.campaign, member, code, user=request.user, acting=request.scope
        )
    except KeyError:
        messages.error(request, _("Unknown member group; nothing was changed."))
    else:
        messages.success(request, _("The group of %(name)s was saved.") % {"name": member.name})
    return redirect("campaigns:unit-groups", campaign_pk=campaign_pk, enrollment_pk=enrollment.pk)
