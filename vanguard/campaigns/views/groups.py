"""A unit's members by 分类指导 group (三.5): the computed group, the unit's choice, and the
steps that differ by group (`campaigns.group_steps`), recorded here or on the member's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.accounts.access import STAFF, ScopedRequest
from vanguard.campaigns import group_steps, groups
from vanguard.campaigns.forms import GroupStepForm
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
    steps = group_steps.steps_of_members(campaign, members)
    done = group_steps.records_of(campaign, members) if group_steps.has_group_steps(rules) else {}
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
                "steps": group_steps.shown(campaign, steps[member.pk], done.get(member.pk, {})),
            }
        )
    context = {
        "campaign": campaign,
        "enrollment": enrollment,
        "rows": rows,
        "groups": [(group, counts[group.code]) for group in rules.guidance_groups()],
        "can_manage": _can_manage(request, enrollment),
        "has_group_steps": group_steps.has_group_steps(rules),
        "today": timezone.localdate(),
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


@login_required
@require_POST
def record_group_step(
    request: ScopedRequest, campaign_pk: int, member_pk: int, code: str
) -> HttpResponse:
    """Record (or, with `undo`, withdraw) a member's own step of their group: the member on
    their page, the unit on its groups page; back to the page it came from."""
    campaign = request.scope.get_campaign_or_404(campaign_pk, members=True)
    member = request.scope.get_member_or_404(member_pk)
    if not group_steps.has_group_steps(campaign.rules):
        raise Http404  # a template whose groups have no steps of their own
    if not request.scope.can_record_group_step(member):
        raise PermissionDenied
    form = GroupStepForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Enter the date the step was taken."))
        if form.cleaned_data["undo"]:
            group_steps.withdraw_step(campaign, member, code, acting=request.scope)
        else:
            group_steps.record_step(
                campaign,
                member,
                code,
                done_on=form.cleaned_data["done_on"],
                note=form.cleaned_data["note"],
                user=request.user,
                acting=request.scope,
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The step of %(name)s was saved.") % {"name": member.name})
    return redirect(_back(request))


def _back(request: ScopedRequest) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("portal:me")
