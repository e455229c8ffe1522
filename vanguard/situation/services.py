"""摸清问题 (五.1(1)): the unit's profile and 突出问题. Every state change takes the acting
`Scope` (`acting=None` is the system) and keeps the template's step in line: done when the
profile is confirmed and at least `min_problems` problems are recorded."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.campaigns import services as campaign_services
from vanguard.campaigns.models import EnrollmentStatus, StepRecord, StepStatus
from vanguard.core import registry
from vanguard.situation import profile
from vanguard.situation.models import LinkKind, Problem, ProblemLink, UnitProfile


def owned_steps(rules) -> dict[str, str]:
    """The registry's `owned_steps`: the template's 摸清问题 step is done on this app's page."""
    if rules.situation is None:
        return {}
    return {rules.situation.step: "situation:unit"}


def _check(acting, enrollment) -> None:
    if acting is None:
        return
    if not acting.can_edit_situation(enrollment.organization):
        raise PermissionDenied
    if enrollment.status == EnrollmentStatus.CLOSED:
        raise PermissionDenied


def _rule(enrollment):
    rule = enrollment.campaign.rules.situation
    if rule is None:
        raise ValidationError(_("This campaign's template has no situation survey."))
    return rule


def active_problems(enrollment):
    return Problem.objects.filter(enrollment=enrollment, withdrawn_on__isnull=True)


def sync_step(enrollment) -> None:
    """The step follows the records: done when the profile is confirmed and the problems
    recorded; in progress once either is begun; not started otherwise."""
    rule = _rule(enrollment)
    unit_profile = UnitProfile.objects.filter(enrollment=enrollment).first()
    confirmed = unit_profile is not None and unit_profile.confirmed_on is not None
    problems = active_problems(enrollment).count()
    if confirmed and problems >= rule.min_problems:
        status = StepStatus.DONE
    elif confirmed or problems or (unit_profile and unit_profile.entered):
        status = StepStatus.DOING
    else:
        status = StepStatus.TODO
    current = StepRecord.objects.filter(enrollment=enrollment, step_code=rule.step).first()
    if current is not None and current.status == status:
        return
    campaign_services.record_step(
        enrollment,
        rule.step,
        status=status,
        done_on=timezone.localdate() if status == StepStatus.DONE else None,
        notes=current.notes if current else "",
        acting=None,  # checked by the caller
    )


def save_profile(
    enrollment, entered: dict[str, str], *, confirm: bool = False, user=None, acting
) -> UnitProfile:
    """Save what the unit enters; with `confirm`, confirm the profile (the computed figures
    are stored as they are today). Changing the entered text withdraws a confirmation."""
    _check(acting, enrollment)
    rule = _rule(enrollment)
    codes = [item.code for item in rule.entered]
    entered = {code: (entered.get(code) or "").strip() for code in codes}
    if confirm:
        empty = [item.title for item in rule.entered if not entered[item.code]]
        if empty:
            raise ValidationError(
                _("Fill in every heading before confirming: %(headings)s.")
                % {"headings": "、".join(empty)}
            )
    with transaction.atomic():
        unit_profile, _created = UnitProfile.objects.select_for_update().get_or_create(
            enrollment=enrollment
        )
        changed = unit_profile.entered != entered
        unit_profile.entered = entered
        if confirm:
            unit_profile.figures = profile.compute(enrollment)
            unit_profile.confirmed_on = timezone.localdate()
            unit_profile.confirmed_by = user
        elif changed:
            unit_profile.confirmed_on = None
            unit_profile.confirmed_by = None
        unit_profile.save()
        sync_step(enrollment)
    return unit_profile


def add_problem(
    enrollment, *, title: str, description: str = "", heading: str = "", user=None, acting
) -> Problem:
    _check(acting, enrollment)
    rule = _rule(enrollment)
    if heading and heading not in {item.code for item in rule.entered}:
        raise ValidationError(_("Unknown aspect."))
    with transaction.atomic():
        problem = Problem.objects.create(
            enrollment=enrollment,
            title=title,
            description=description,
            heading=heading,
            recorded_on=timezone.localdate(),
            recorded_by=user,
        )
        sync_step(enrollment)
    return problem


def withdraw_problem(problem: Problem, *, acting) -> Problem:
    _check(acting, problem.enrollment)
    with transaction.atomic():
        if problem.withdrawn_on is None:
            problem.withdrawn_on = timezone.localdate()
            problem.save(update_fields=["withdrawn_on"])
        sync_step(problem.enrollment)
    return problem


def link_targets(enrollment, kind: str, ids=None) -> dict[int, tuple[str, str]]:
    """What a problem of the unit may be linked to, from the app that offers `kind` (empty
    when no app offers it)."""
    offer = registry.service(f"problem_links.{kind}")
    return offer(enrollment, ids) if offer else {}


def link(problem: Problem, *, kind: str, object_id: int, user=None, acting) -> ProblemLink:
    """Link a problem to an opinion, a meeting or a rectification item of its unit."""
    _check(acting, problem.enrollment)
    if kind not in LinkKind.values:
        raise ValidationError(_("Unknown kind of link."))
    if object_id not in link_targets(problem.enrollment, kind, [object_id]):
        raise ValidationError(_("That record is not one of this unit's."))
    existing = problem.links.filter(kind=kind, object_id=object_id, removed_on__isnull=True).first()
    if existing is not None:
        return existing
    return ProblemLink.objects.create(
        problem=problem,
        kind=kind,
        object_id=object_id,
        linked_on=timezone.localdate(),
        linked_by=user,
    )


def unlink(problem_link: ProblemLink, *, acting) -> ProblemLink:
    _check(acting, problem_link.problem.enrollment)
    if problem_link.removed_on is None:
        problem_link.removed_on = timezone.localdate()
        problem_link.save(update_fields=["removed_on"])
    return problem_link


def problems_addressed(scope, kind: str, object_id: int) -> list[dict[str, str]]:
    """The registry's `problems_addressed` service: the 突出问题 an opinion, a meeting or a
    rectification item (`kind` a `LinkKind`) addresses, for its own page — each as its
    title and the unit's situation page when `scope` may open it, else no url. Withdrawn
    problems and removed links are left out. One query."""
    links = (
        ProblemLink.objects.filter(
            kind=kind,
            object_id=object_id,
            removed_on__isnull=True,
            problem__withdrawn_on__isnull=True,
        )
        .select_related("problem__enrollment__organization", "problem__enrollment__campaign")
        .order_by("problem_id")
    )
    found: list[dict[str, str]] = []
    for problem_link in links:
        enrollment = problem_link.problem.enrollment
        if enrollment.campaign.rules.situation is None:
            continue  # the template has no 摸清问题: nothing of it shows
        opens = scope is not None and scope.can_see_situation(enrollment.organization)
        url = reverse("situation:unit", args=[enrollment.campaign_id, enrollment.pk])
        found.append({"title": problem_link.problem.title, "url": url if opens else ""})
    return found
