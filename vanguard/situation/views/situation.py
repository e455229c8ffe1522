"""摸清问题 (五.1(1)): the unit's profile and 突出问题. Thin views over `services`; access in
`Scope` (`can_see_situation`, `can_edit_situation`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.accounts.access import STAFF
from vanguard.campaigns.models import EnrollmentStatus
from vanguard.situation import profile, services
from vanguard.situation.forms import LinkForm, ProblemForm, ProfileForm
from vanguard.situation.models import LinkKind, Problem, ProblemLink, UnitProfile


def _enrollment(request, campaign_pk, pk, *, manage=False):
    enrollment = request.scope.get_enrollment_or_404(campaign_pk, pk, reach=STAFF)
    if enrollment.campaign.rules.situation is None:
        raise Http404  # a template without 摸清问题 has nothing of this page
    if not request.scope.can_see_situation(enrollment.organization):
        raise Http404
    if manage and not _can_edit(request, enrollment):
        raise PermissionDenied
    return enrollment


def _can_edit(request, enrollment) -> bool:
    return (
        request.scope.can_edit_situation(enrollment.organization)
        and enrollment.status != EnrollmentStatus.CLOSED
    )


def _problem(request, pk) -> Problem:
    problem = (
        Problem.objects.select_related("enrollment__campaign", "enrollment__organization")
        .filter(pk=pk)
        .first()
    )
    if problem is None or not request.scope.can_see_situation(problem.enrollment.organization):
        raise Http404
    if problem.enrollment.campaign.rules.situation is None:
        raise Http404
    if not _can_edit(request, problem.enrollment):
        raise PermissionDenied
    return problem


def _render(request, enrollment, *, profile_form=None, problem_form=None, status=200):
    rules = enrollment.campaign.rules
    rule = rules.situation
    unit_profile = UnitProfile.objects.filter(enrollment=enrollment).first()
    confirmed = unit_profile is not None and unit_profile.confirmed_on is not None
    figures = unit_profile.figures if confirmed else profile.compute(enrollment)
    live_links = Prefetch("links", ProblemLink.objects.filter(removed_on__isnull=True))
    problems = list(
        Problem.objects.filter(enrollment=enrollment, withdrawn_on__isnull=True)
        .prefetch_related(live_links)
        .order_by("pk")
    )
    targets = {kind: services.link_targets(enrollment, kind) for kind in LinkKind.values}
    headings = {item.code: item.title for item in rule.entered}
    for problem in problems:
        problem.heading_title = headings.get(problem.heading, "")
        problem.link_rows = [
            {
                "link": link,
                "kind": LinkKind(link.kind).label,
                "label": targets.get(link.kind, {}).get(link.object_id, ("", ""))[0]
                or _("(no longer available)"),
                "url": targets.get(link.kind, {}).get(link.object_id, ("", ""))[1],
            }
            for link in problem.links.all()
        ]
    can_edit = _can_edit(request, enrollment)
    initial = unit_profile.entered if unit_profile else {}
    context = {
        "campaign": enrollment.campaign,
        "enrollment": enrollment,
        "rule": rule,
        "unit_profile": unit_profile,
        "confirmed": confirmed,
        "sections": profile.sections(figures, rules),
        "total": figures.get("total", 0),
        "figures_on": figures.get("on"),
        "entered": [(item, initial.get(item.code, "")) for item in rule.entered],
        "problems": problems,
        "targets": [
            (LinkKind(kind).label, kind, sorted(found.items())) for kind, found in targets.items()
        ],
        "can_edit": can_edit,
        "profile_form": profile_form
        or (ProfileForm(initial=initial, rule=rule) if can_edit else None),
        "problem_form": problem_form or (ProblemForm(rule=rule) if can_edit else None),
        "step_done": confirmed and len(problems) >= rule.min_problems,
    }
    return render(request, "situation/unit.html", context, status=status)


@login_required
def unit_situation(request, campaign_pk, pk):
    return _render(request, _enrollment(request, campaign_pk, pk))


@login_required
@require_POST
def save_profile(request, campaign_pk, pk):
    enrollment = _enrollment(request, campaign_pk, pk, manage=True)
    rule = enrollment.campaign.rules.situation
    form = ProfileForm(request.POST, rule=rule)
    if form.is_valid():
        confirm = "confirm" in request.POST
        try:
            services.save_profile(
                enrollment,
                form.cleaned_data,
                confirm=confirm,
                user=request.user,
                acting=request.scope,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The profile was confirmed.") if confirm else _("The profile was saved.")
            )
            return redirect("situation:unit", campaign_pk, enrollment.pk)
    return _render(request, enrollment, profile_form=form, status=400)


@login_required
@require_POST
def add_problem(request, campaign_pk, pk):
    enrollment = _enrollment(request, campaign_pk, pk, manage=True)
    form = ProblemForm(request.POST, rule=enrollment.campaign.rules.situation)
    if form.is_valid():
        services.add_problem(
            enrollment, user=request.user, acting=request.scope, **form.cleaned_data
        )
        messages.success(request, _("The problem was recorded."))
        return redirect("situation:unit", campaign_pk, enrollment.pk)
    return _render(request, enrollment, problem_form=form, status=400)


@login_required
@require_POST
def withdraw_problem(request, pk):
    problem = _problem(request, pk)
    services.withdraw_problem(problem, acting=request.scope)
    messages.success(request, _("The problem was withdrawn."))
    return redirect("situation:unit", problem.enrollment.campaign_id, problem.enrollment_id)


@login_required
@require_POST
def link_problem(request, pk):
    problem = _problem(request, pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        kind, object_id = form.cleaned_data["target"]
        try:
            services.link(
                problem, kind=kind, object_id=object_id, user=request.user, acting=request.scope
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The link was saved."))
    else:
        messages.error(request, " ".join(form.errors.get("target", [])))
    return redirect("situation:unit", problem.enrollment.campaign_id, problem.enrollment_id)


@login_required
@require_POST
def remove_link(request, pk):
    problem_link = ProblemLink.objects.select_related("problem").filter(pk=pk).first()
    if problem_link is None:
        raise Http404
    problem = _problem(request, problem_link.problem_id)
    services.unlink(problem_link, acting=request.scope)
    messages.success(request, _("The link was removed."))
    return redirect("situation:unit", problem.enrollment.campaign_id, problem.enrollment_id)
