"""State changes of campaigns: starting one from a template, enrolling units, planning
phases, recording steps. Views and commands call these; tests call them directly."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.accounts.access import Scope
from vanguard.campaigns.closure import closure_problems
from vanguard.campaigns.models import (
    Batch,
    Campaign,
    Enrollment,
    EnrollmentStatus,
    PhaseWindow,
    RemedialCycle,
    StepEvidence,
    StepRecord,
    StepStatus,
)
from vanguard.campaigns.rules import PlanProblem, phase_plan_problems
from vanguard.campaigns.template import CampaignTemplate
from vanguard.orgs.models import Organization


def start_campaign(
    template: CampaignTemplate,
    *,
    organization: Organization,
    batches: list[tuple[str, date, date]],
    code: str | None = None,
) -> Campaign:
    """Create a campaign run by `organization` from `template`, with its batches."""
    with transaction.atomic():
        campaign = Campaign.objects.create(
            code=code or template.code,
            title=template.title,
            organization=organization,
            template_code=template.code,
            template_data=template.to_dict(),
            starts_on=min(start for _t, start, _e in batches),
            ends_on=max(end for _t, _s, end in batches),
        )
        for number, (title, starts_on, ends_on) in enumerate(batches, start=1):
            Batch.objects.create(
                campaign=campaign, number=number, title=title, starts_on=starts_on, ends_on=ends_on
            )
    return campaign


def enroll(batch: Batch, organization: Organization) -> Enrollment:
    """Enrol a unit (and so its subtree) in a batch.

    A unit is in exactly one batch of a campaign (R4), and a unit under an enrolled unit is
    already covered by it: both are refused with a message naming the enrolment in the way.
    """
    campaign = batch.campaign
    if not organization.is_in_subtree_of(campaign.organization):
        raise ValidationError(
            _("%(unit)s is outside the campaign's organisation") % {"unit": organization}
        )
    if organization.pk == campaign.organization_id:
        raise ValidationError(
            _("%(unit)s leads the campaign; enrol the units under it") % {"unit": organization}
        )
    if not campaign.rules.enrolls_kind(organization.kind):
        raise ValidationError(
            _("%(unit)s is a %(kind)s; this campaign's template does not enrol that kind")
            % {"unit": organization, "kind": organization.get_kind_display()}
        )
    clash = (
        Enrollment.objects.filter(campaign=campaign)
        .select_related("organization", "batch")
        .filter(organization__path__in=_ancestor_paths(organization))
        .first()
    ) or (
        Enrollment.objects.filter(
            campaign=campaign, organization__path__startswith=organization.path
        )
        .select_related("organization", "batch")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            _("%(unit)s is already covered by the enrolment of %(other)s in %(batch)s")
            % {"unit": organization, "other": clash.organization, "batch": clash.batch}
        )
    return Enrollment.objects.create(campaign=campaign, batch=batch, organization=organization)


def _ancestor_paths(organization: Organization) -> list[str]:
    steplen = Organization.steplen
    return [organization.path[:end] for end in range(steplen, len(organization.path) + 1, steplen)]


def plan_problems(enrollment: Enrollment, windows: Mapping[str, tuple[date, date]]):
    return phase_plan_problems(
        windows,
        batch_start=enrollment.batch.starts_on,
        batch_end=enrollment.batch.ends_on,
        rules=enrollment.campaign.rules,
        category=enrollment.organization.category or None,
    )


def _check_actor(acting: Scope | None, allowed: Callable[[Scope], bool]) -> None:
    """Refuse (PermissionDenied) an action the acting scope does not allow.

    `acting` is the scope of the user on whose behalf the service runs; None is the system
    itself (commands, the demo and data loaders, another service that checked already).
    Every caller must say which, so a new view cannot forget the check.
    """
    if acting is not None and not allowed(acting):
        raise PermissionDenied


def save_phase_plan(
    enrollment: Enrollment, windows: Mapping[str, tuple[date, date]], *, acting: Scope | None
) -> list[PlanProblem]:
    """Save a unit's phase plan unless a blocking problem stands; return every problem.

    Blocking problems (a phase ending before it starts, phases overlapping or out of order)
    leave the plan unchanged; the others are saved and show on the compliance dashboard.
    """
    _check_actor(acting, lambda scope: scope.can_manage_org(enrollment.organization))
    problems = plan_problems(enrollment, windows)
    if any(problem.blocking for problem in problems):
        return problems
    with transaction.atomic():
        known = {phase.code for phase in enrollment.campaign.rules.phases}
        for code, (starts_on, ends_on) in windows.items():
            if code not in known:
                continue
            PhaseWindow.objects.update_or_create(
                enrollment=enrollment,
                phase_code=code,
                defaults={"starts_on": starts_on, "ends_on": ends_on},
            )
    return problems


def record_step(
    enrollment: Enrollment,
    step_code: str,
    *,
    status: str,
    done_on: date | None = None,
    notes: str = "",
    acting: Scope | None,
) -> StepRecord:
    """Record a step's status; a step marked done without a date is done today."""
    _check_actor(acting, lambda scope: scope.can_manage_org(enrollment.organization))
    enrollment.campaign.rules.step(step_code)  # KeyError for a step the template lacks
    if status == StepStatus.DONE and done_on is None:
        done_on = timezone.localdate()
    if status != StepStatus.DONE:
        done_on = None
    record, _created = StepRecord.objects.update_or_create(
        enrollment=enrollment,
        step_code=step_code,
        defaults={"status": status, "done_on": done_on, "notes": notes},
    )
    return record


def add_evidence(
    record: StepRecord, *, title: str, file, user, acting: Scope | None
) -> StepEvidence:
    organization = record.enrollment.organization
    _check_actor(acting, lambda scope: scope.can_manage_org(organization))
    return StepEvidence.objects.create(step_record=record, title=title, file=file, uploaded_by=user)


def start_remedial(
    enrollment: Enrollment,
    *,
    reason: str,
    step_codes: list[str] | None = None,
    today: date | None = None,
    acting: Scope | None,
) -> RemedialCycle:
    """Open a remedial cycle (补课): the unit redoes `step_codes` (by default the steps of
    the template's `satisfaction.redo_phases`).

    The reopened steps go back to "not started"; their history keeps what was done before.
    """
    _check_actor(acting, lambda scope: scope.can_supervise_org(enrollment.organization))
    rules = enrollment.campaign.rules
    if step_codes is None:
        step_codes = rules.redo_steps()
    for code in step_codes:
        rules.step(code)  # KeyError for a step the template lacks
    today = today or timezone.localdate()
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        open_cycle = enrollment.remedial_cycles.filter(closed_on__isnull=True).first()
        if open_cycle is not None:
            raise ValidationError(_("A remedial cycle is already open for this unit."))
        number = enrollment.remedial_cycles.count() + 1
        cycle = RemedialCycle.objects.create(
            enrollment=enrollment,
            number=number,
            reason=reason,
            opened_on=today,
            step_codes=list(step_codes),
        )
        for code in step_codes:
            record_step(enrollment, code, status=StepStatus.TODO, acting=None)  # checked above
        enrollment.status = EnrollmentStatus.REMEDIAL
        enrollment.closed_on = None
        enrollment.save(update_fields=["status", "closed_on"])
    return cycle


def schedule_remedial(
    cycle: RemedialCycle, *, starts_on: date, ends_on: date, acting: Scope | None
) -> RemedialCycle:
    """The upper level sets the dates of a remedial cycle."""
    _check_actor(acting, lambda scope: scope.can_supervise_org(cycle.enrollment.organization))
    if ends_on < starts_on:
        raise ValidationError(_("The remedial cycle ends before it starts."))
    cycle.starts_on, cycle.ends_on = starts_on, ends_on
    cycle.save(update_fields=["starts_on", "ends_on"])
    return cycle


def close_enrollment(
    enrollment: Enrollment, *, today: date | None = None, acting: Scope | None
) -> Enrollment:
    """Close a unit's campaign when every closure gate passes; else raise with every problem.

    Closing also closes an open remedial cycle.
    """
    _check_actor(acting, lambda scope: scope.can_supervise_org(enrollment.organization))
    problems = closure_problems(enrollment)
    if problems:
        raise ValidationError(problems)
    today = today or timezone.localdate()
    with transaction.atomic():
        enrollment.remedial_cycles.filter(closed_on__isnull=True).update(closed_on=today)
        enrollment.status = EnrollmentStatus.CLOSED
        enrollment.closed_on = today
        enrollment.save(update_fields=["status", "closed_on"])
    return enrollment
