"""State changes of campaigns: starting one from a template, enrolling units, planning
phases, recording steps. Views and commands call these; tests call them directly."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.accounts.access import Scope, require_acting
from vanguard.accounts.models import User
from vanguard.campaigns import enrolment_list
from vanguard.campaigns.closure import closure_problems
from vanguard.campaigns.models import (
    Batch,
    Campaign,
    CampaignState,
    Enrollment,
    EnrollmentStatus,
    PhaseWindow,
    RemedialCycle,
    StepEvidence,
    StepRecord,
    StepStatus,
    StoredTemplate,
)
from vanguard.campaigns.plan_checks import PlanProblem, Window, phase_plan_problems
from vanguard.campaigns.template import CampaignTemplate, parse_template
from vanguard.orgs.excel import ImportProblem, WorkbookError
from vanguard.orgs.models import Organization, path_within


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
    campaign.check_writable()
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
        Enrollment.objects.filter(organization.subtree_q("organization__"), campaign=campaign)
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


def plan_problems(enrollment: Enrollment, windows: Mapping[str, Window]) -> list[PlanProblem]:
    return phase_plan_problems(
        windows,
        batch_start=enrollment.batch.starts_on,
        batch_end=enrollment.batch.ends_on,
        rules=enrollment.campaign.rules,
        category=enrollment.organization.category or None,
    )


_check_actor = require_acting


def save_phase_plan(
    enrollment: Enrollment, windows: Mapping[str, Window], *, acting: Scope | None
) -> list[PlanProblem]:
    """Save a unit's phase plan unless a blocking problem stands; return every problem.

    Blocking problems (a phase ending before it starts, phases overlapping or out of order)
    leave the plan unchanged; the others are saved and show on the compliance dashboard.
    """
    _check_actor(acting, lambda scope: scope.can_manage_org(enrollment.organization))
    enrollment.campaign.check_writable()
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
    enrollment.campaign.check_writable()
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
    record: StepRecord, *, title: str, file: File[bytes], user: User | None, acting: Scope | None
) -> StepEvidence:
    organization = record.enrollment.organization
    _check_actor(acting, lambda scope: scope.can_manage_org(organization))
    record.enrollment.campaign.check_writable()
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
    enrollment.campaign.check_writable()
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
    cycle.enrollment.campaign.check_writable()
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
    enrollment.campaign.check_writable()
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


# --- Setting a campaign up in the browser (issue 16) ----------------------------------
# The campaign office (and superusers) upload templates, start campaigns, make batches,
# enrol units in bulk and end and archive campaigns. Every function takes the acting
# scope; every write to a campaign first asks `Campaign.check_writable()`.


def _check_set_up(acting: Scope | None, campaign: Campaign | None = None) -> None:
    if campaign is None:
        _check_actor(acting, lambda scope: scope.can_set_up_campaigns())
    else:
        _check_actor(acting, lambda scope: scope.can_set_up(campaign))


def store_template(
    text: str, *, filename: str, user: User | None = None, acting: Scope | None
) -> StoredTemplate:
    """Keep an uploaded template once it checks without a problem.

    A template with problems raises `TemplateError` listing every one; nothing is stored.
    """
    _check_set_up(acting)
    template = parse_template(text, filename)
    return StoredTemplate.objects.create(
        code=template.code, title=template.title, text=text, uploaded_by=user
    )


def create_campaign(
    template: CampaignTemplate,
    *,
    code: str,
    title: str,
    organization: Organization,
    starts_on: date,
    ends_on: date,
    acting: Scope | None,
) -> Campaign:
    """Start a campaign led by `organization` from `template`; its batches come next."""
    _check_set_up(acting)
    if acting is not None and not acting.setup_orgs().filter(pk=organization.pk).exists():
        raise PermissionDenied
    if ends_on < starts_on:
        raise ValidationError(_("The campaign ends before it starts."))
    if Campaign.objects.filter(code=code).exists():
        raise ValidationError(
            _("A campaign with the code %(code)s exists already.") % {"code": code}
        )
    return Campaign.objects.create(
        code=code,
        title=title,
        organization=organization,
        template_code=template.code,
        template_data=template.to_dict(),
        starts_on=starts_on,
        ends_on=ends_on,
    )


def batch_problems(
    campaign: Campaign,
    *,
    starts_on: date,
    ends_on: date,
    categories: Iterable[str],
    batch: Batch | None = None,
) -> list[str]:
    """Why these dates and categories cannot make a batch of `campaign` (empty: they can)."""
    problems = []
    if ends_on < starts_on:
        problems.append(_("The batch ends before it starts."))
    if starts_on < campaign.starts_on or ends_on > campaign.ends_on:
        problems.append(
            _("The batch must lie within the campaign's dates (%(start)s – %(end)s).")
            % {"start": campaign.starts_on, "end": campaign.ends_on}
        )
    known = {item.code for item in campaign.rules.unit_categories}
    unknown = [code for code in categories if code not in known]
    if unknown:
        problems.append(
            _("Unknown unit categories: %(codes)s") % {"codes": ", ".join(map(str, unknown))}
        )
    if batch is not None:
        outside = (
            PhaseWindow.objects.filter(enrollment__batch=batch)
            .filter(models.Q(starts_on__lt=starts_on) | models.Q(ends_on__gt=ends_on))
            .select_related("enrollment__organization")
            .first()
        )
        if outside is not None:
            problems.append(
                _("%(unit)s has planned a phase outside these dates (%(start)s – %(end)s).")
                % {
                    "unit": outside.enrollment.organization,
                    "start": outside.starts_on,
                    "end": outside.ends_on,
                }
            )
    return problems


def create_batch(
    campaign: Campaign,
    *,
    title: str,
    starts_on: date,
    ends_on: date,
    categories: Iterable[str] = (),
    acting: Scope | None,
) -> Batch:
    _check_set_up(acting, campaign)
    campaign.check_writable()
    problems = batch_problems(campaign, starts_on=starts_on, ends_on=ends_on, categories=categories)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        number = (campaign.batches.aggregate(top=models.Max("number"))["top"] or 0) + 1
        return Batch.objects.create(
            campaign=campaign,
            number=number,
            title=title,
            starts_on=starts_on,
            ends_on=ends_on,
            categories=list(categories),
        )


def update_batch(
    batch: Batch,
    *,
    title: str,
    starts_on: date,
    ends_on: date,
    categories: Iterable[str] = (),
    acting: Scope | None,
) -> Batch:
    campaign = batch.campaign
    _check_set_up(acting, campaign)
    campaign.check_writable()
    problems = batch_problems(
        campaign, starts_on=starts_on, ends_on=ends_on, categories=categories, batch=batch
    )
    if problems:
        raise ValidationError(problems)
    batch.title, batch.starts_on, batch.ends_on = title, starts_on, ends_on
    batch.categories = list(categories)
    batch.save(update_fields=["title", "starts_on", "ends_on", "categories"])
    return batch


def enrollable(organization: Organization, rules: CampaignTemplate) -> bool:
    """Whether the template lets this kind of organisation be enrolled (its
    `enrollable_kinds`; by default every kind but a Party committee)."""
    return rules.enrolls_kind(organization.kind)


@dataclass
class EnrolmentOutcome:
    """What a bulk enrolment did: the units enrolled and, for each one refused, why."""

    enrolled: list[Enrollment] = field(default_factory=list)
    refused: list[tuple[Organization, str]] = field(default_factory=list)


def enrollment_refusals(
    batch: Batch, organizations: list[Organization], *, today: date | None = None
) -> dict[int, str]:
    """Why each of `organizations` cannot be enrolled in `batch` now (pk → reason); a unit
    not named can be. Units listed together are judged together: a unit under another one
    in the list is covered by it. Two queries, whatever the number of units."""
    campaign = batch.campaign
    rules = campaign.rules
    today = today or timezone.localdate()
    existing = {
        e.organization.path: e
        for e in Enrollment.objects.filter(campaign=campaign).select_related(
            "organization", "batch"
        )
    }
    refusals: dict[int, str] = {}
    accepted: list[Organization] = []
    for org in sorted(organizations, key=lambda o: o.path):
        reason = None
        if not org.is_in_subtree_of(campaign.organization):
            reason = _("outside the campaign's leading organisation %(org)s") % {
                "org": campaign.organization
            }
        elif not enrollable(org, rules):
            reason = _("a %(kind)s is not a type of unit this campaign enrols") % {
                "kind": org.get_kind_display()
            }
        elif batch.ends_on < today:
            reason = _("the batch ended on %(date)s") % {"date": batch.ends_on}
        else:
            clash = next(
                (e for path, e in existing.items() if path_within(org.path, path)), None
            ) or next((e for path, e in existing.items() if path_within(path, org.path)), None)
            if clash is not None and clash.organization.pk == org.pk:
                reason = _("already enrolled in %(batch)s") % {"batch": clash.batch}
            elif clash is not None:
                reason = _("already covered by the enrolment of %(other)s in %(batch)s") % {
                    "other": clash.organization,
                    "batch": clash.batch,
                }
            else:
                above = next((a for a in accepted if path_within(org.path, a.path)), None)
                if above is not None:
                    reason = _("covered by %(other)s, enrolled with it") % {"other": above}
        if reason is None:
            accepted.append(org)
        else:
            refusals[org.pk] = reason
    return refusals


def enroll_units(
    batch: Batch,
    organizations: list[Organization],
    *,
    all_or_nothing: bool = False,
    acting: Scope | None,
    today: date | None = None,
) -> EnrolmentOutcome:
    """Enrol several units in `batch`; each refusal says why. With `all_or_nothing`, one
    refusal enrols nothing (a list from a file is fixed and sent again)."""
    campaign = batch.campaign
    _check_set_up(acting, campaign)
    campaign.check_writable()
    outcome = EnrolmentOutcome()
    with transaction.atomic():
        refusals = enrollment_refusals(batch, organizations, today=today)
        by_pk = {org.pk: org for org in organizations}
        outcome.refused = [(by_pk[pk], reason) for pk, reason in refusals.items()]
        outcome.refused.sort(key=lambda pair: pair[0].path)
        if all_or_nothing and outcome.refused:
            return outcome
        accepted = sorted(
            (org for org in by_pk.values() if org.pk not in refusals), key=lambda o: o.path
        )
        outcome.enrolled = [
            Enrollment.objects.create(campaign=campaign, batch=batch, organization=org)
            for org in accepted
        ]
    return outcome


def units_of_categories(batch: Batch, categories: Iterable[str]) -> list[Organization]:
    """The enrollable units of the campaign's organisation in these categories, top-most
    first: a unit under another of the list is left to it (enrolling the upper one covers
    it)."""
    campaign = batch.campaign
    rules = campaign.rules
    candidates = [
        org
        for org in Organization.objects.filter(
            campaign.organization.subtree_q(), category__in=list(categories)
        ).order_by("path")
        if enrollable(org, rules)
    ]
    top: list[Organization] = []
    for org in candidates:
        if not any(path_within(org.path, kept.path) for kept in top):
            top.append(org)
    return top


def end_campaign(
    campaign: Campaign, *, acting: Scope | None, today: date | None = None
) -> Campaign:
    """End a running campaign: from now on its records are read-only."""
    _check_set_up(acting, campaign)
    if campaign.state != CampaignState.ACTIVE:
        campaign.check_writable()
    campaign.state = CampaignState.ENDED
    campaign.ended_on = today or timezone.localdate()
    campaign.save(update_fields=["state", "ended_on"])
    return campaign


def archive_campaign(
    campaign: Campaign, *, acting: Scope | None, today: date | None = None
) -> Campaign:
    """Archive an ended campaign (it stays read-only, listed apart)."""
    _check_set_up(acting, campaign)
    if campaign.state != CampaignState.ENDED:
        raise ValidationError(_("Only an ended campaign can be archived."))
    campaign.state = CampaignState.ARCHIVED
    campaign.archived_on = today or timezone.localdate()
    campaign.save(update_fields=["state", "archived_on"])
    return campaign


def enroll_from_list(
    batch: Batch,
    file: IO[bytes],
    *,
    acting: Scope | None,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> EnrolmentOutcome:
    """Enrol the units of an Excel list (`enrolment_list`), all or nothing: any problem of
    the file or any unit refused raises `WorkbookError` with its row and column. Run by the
    background worker (`campaigns.enrol_list`), which passes `progress(done, of)`: the
    reading, the checks and the enrolment are its three steps."""
    report = progress or (lambda done, of: None)
    campaign = batch.campaign
    _check_set_up(acting, campaign)
    campaign.check_writable()
    report(0, 3)
    rows = enrolment_list.read_unit_list(file)
    report(1, 3)
    refusals = enrollment_refusals(batch, [org for _n, org, _s in rows], today=today)
    if refusals:
        raise WorkbookError(
            ImportProblem(sheet, number, enrolment_list.CODE, f"{org}: {refusals[org.pk]}")
            for number, org, sheet in rows
            if org.pk in refusals
        )
    report(2, 3)
    outcome = enroll_units(
        batch, [org for _n, org, _s in rows], all_or_nothing=True, acting=acting, today=today
    )
    report(3, 3)
    return outcome
