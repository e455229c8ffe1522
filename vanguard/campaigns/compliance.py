"""The compliance dashboard's rules: each returns the findings that make up a verdict.

A rule is a function of a `ComplianceContext` registered with `@rule`. This module holds
the rules of coverage (R2), phase windows (R5) and step completion (R6); later modules
register theirs the same way (from their app's `ready()`), and `evaluate` runs them all.
Rules load what they need in bulk through the context, so the number of queries does not
grow with the number of units or members.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.db.models import Count
from django.db.models.query import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanguard.accounts.access import covering_paths, subtree_filter
from vanguard.campaigns.models import (
    Campaign,
    Enrollment,
    PhaseWindow,
    RemedialCycle,
    StepRecord,
    StepStatus,
)
from vanguard.campaigns.rules import format_date, phase_plan_problems
from vanguard.campaigns.verdicts import Finding, Level, Verdict
from vanguard.orgs.models import Member, Organization, OrgKind

EVIDENCE_NAMES_SHOWN = 20


@dataclass(frozen=True)
class Rule:
    code: str
    title: object  # a lazy translation
    check: Callable[[ComplianceContext], list[Finding]]
    per_unit: bool  # its findings concern enrolled units (shown on each unit's page)


RULES: dict[str, Rule] = {}


def rule(code: str, title, *, per_unit: bool = True):
    """Register a compliance rule under `code` with a (lazily translated) title."""

    def register(check):
        RULES[code] = Rule(code, title, check, per_unit)
        return check

    return register


class ComplianceContext:
    """A campaign seen through one user's scope on one day, with its data loaded once."""

    def __init__(
        self,
        campaign: Campaign,
        *,
        scope=None,
        today: date | None = None,
        enrollment: Enrollment | None = None,
        unit_ids=None,
        bureau: bool | None = None,
    ):
        self.campaign = campaign
        self.scope = scope
        self.today = today or timezone.localdate()
        self.only_enrollment = enrollment
        self.unit_ids = None if unit_ids is None else list(unit_ids)
        # Whether the campaign-wide parts of rules (the leading organisation's own groups,
        # items, opinions) run: not when the context looks at chosen units only.
        self.bureau = (enrollment is None and unit_ids is None) if bureau is None else bureau

    @cached_property
    def enrollments(self) -> list[Enrollment]:
        """The enrolments in view, with their phase windows, step records and remedial
        cycles loaded (`load_plans`)."""
        queryset = Enrollment.objects.filter(campaign=self.campaign).select_related(
            "organization", "batch"
        )
        if self.only_enrollment is not None:
            queryset = queryset.filter(pk=self.only_enrollment.pk)
        elif self.unit_ids is not None:
            if not self.unit_ids:
                return []
            queryset = queryset.filter(pk__in=self.unit_ids)
        elif self.scope is not None:
            queryset = queryset.filter(self.scope.unit_filter())
        enrollments = list(queryset)
        for enrollment in enrollments:
            enrollment.campaign = self.campaign  # one campaign, its template parsed once
        load_plans(enrollments, self.campaign)
        return enrollments

    @cached_property
    def evidence_counts(self) -> dict[tuple[int, str], int]:
        rows = (
            StepRecord.objects.filter(enrollment__in=[e.pk for e in self.enrollments])
            .annotate(files=Count("evidence"))
            .values_list("enrollment_id", "step_code", "files")
        )
        return {(enrollment_id, code): files for enrollment_id, code, files in rows}

    @cached_property
    def scope_paths(self) -> tuple[str, ...]:
        root = self.campaign.organization.path
        if self.scope is None:
            return (root,)
        paths = [p for p in self.scope.read_paths if p.startswith(root)]
        paths += [root for p in self.scope.read_paths if root.startswith(p)]
        return covering_paths(paths)

    @cached_property
    def enrolled_paths(self) -> tuple[str, ...]:
        return tuple(e.organization.path for e in self.enrollments_in_campaign)

    @cached_property
    def enrollments_in_campaign(self) -> list[Enrollment]:
        """Every enrolment, in or out of scope: coverage asks what the campaign covers."""
        return list(
            Enrollment.objects.filter(campaign=self.campaign).select_related("organization")
        )

    def is_covered(self, path: str) -> bool:
        return any(path.startswith(enrolled) for enrolled in self.enrolled_paths)


class _Loaded(QuerySet):
    """One enrolment's rows, loaded with every other enrolment's (`load_plans`); reading
    them costs no query, anything else (filtering, ordering) queries that enrolment's rows
    afresh."""

    enrollment_id: int

    def _chain(self):
        return self.model._default_manager.filter(enrollment_id=self.enrollment_id)._chain()


PLAN_BY_CAMPAIGN = 50  # enrolments from which the rows are fetched by campaign, not by id
PLAN_RELATIONS = (
    ("phases", PhaseWindow),
    ("steps", StepRecord),
    ("remedial_cycles", RemedialCycle),
)


def load_plans(enrollments: list[Enrollment], campaign: Campaign) -> None:
    """`prefetch_related("phases", "steps", "remedial_cycles")` for many enrolments of one
    campaign, at a third of its cost: one query per relation filtered by the campaign (not
    by a list of hundreds of ids), rows built from tuples, one light queryset per
    enrolment (Django's prefetch builds a related manager per row and per enrolment)."""
    if not enrollments:
        return
    ids = {e.pk for e in enrollments}
    many = len(ids) > PLAN_BY_CAMPAIGN
    where = {"enrollment__campaign": campaign} if many else {"enrollment_id__in": ids}
    for name, model in PLAN_RELATIONS:
        fields = [f.attname for f in model._meta.concrete_fields]
        rows: dict[int, list] = {}
        for values in (
            model._default_manager.filter(**where)
            .order_by(*(model._meta.ordering or ["pk"]))
            .values_list(*fields)
        ):
            row = model.from_db("default", fields, values)
            if row.enrollment_id in ids:
                rows.setdefault(row.enrollment_id, []).append(row)
        for enrollment in enrollments:
            loaded = _Loaded(model)
            loaded._result_cache = rows.get(enrollment.pk, [])
            loaded._prefetch_done = True
            loaded.enrollment_id = enrollment.pk
            cache = enrollment.__dict__.setdefault("_prefetched_objects_cache", {})
            cache[name] = loaded


@dataclass
class ComplianceReport:
    context: ComplianceContext
    verdicts: list[Verdict]

    @cached_property
    def unit_levels(self) -> dict[int, Level]:
        """The worst level each enrolled unit earns across all verdicts."""
        levels: dict[int, Level] = defaultdict(lambda: Level.OK)
        for verdict in self.verdicts:
            for finding in verdict.findings:
                if finding.enrollment_id is not None:
                    levels[finding.enrollment_id] = max(
                        levels[finding.enrollment_id], finding.level
                    )
        return levels

    @property
    def level(self) -> Level:
        return max((verdict.level for verdict in self.verdicts), default=Level.OK)


def evaluate(
    campaign: Campaign, *, scope=None, today: date | None = None, codes=None
) -> ComplianceReport:
    """Run every registered rule (or those of `codes`) over the campaign, as far as `scope`
    reaches."""
    rules = RULES.values() if codes is None else [RULES[code] for code in codes]
    return _run(ComplianceContext(campaign, scope=scope, today=today), rules)


def evaluate_unit(enrollment: Enrollment, *, today: date | None = None) -> ComplianceReport:
    """Run the per-unit rules for one enrolled unit."""
    context = ComplianceContext(enrollment.campaign, today=today, enrollment=enrollment)
    return _run(context, [r for r in RULES.values() if r.per_unit])


def evaluate_units(campaign: Campaign, unit_ids, *, today: date | None = None) -> ComplianceReport:
    """Run the per-unit rules for the enrolled units `unit_ids` only (no campaign-wide
    parts): the findings of each are those `evaluate` finds for it."""
    context = ComplianceContext(campaign, today=today, unit_ids=unit_ids)
    return _run(context, [r for r in RULES.values() if r.per_unit])


def evaluate_campaign_part(
    campaign: Campaign, *, scope=None, today: date | None = None, codes=None
) -> ComplianceReport:
    """Run the rules (or those of `codes`) for what concerns no enrolled unit: coverage,
    the leading organisation's own duties. With `evaluate_units` of every unit in `scope`
    it makes up `evaluate`."""
    rules = RULES.values() if codes is None else [RULES[code] for code in codes]
    context = ComplianceContext(campaign, scope=scope, today=today, unit_ids=(), bureau=True)
    return _run(context, rules)


def _run(context: ComplianceContext, rules) -> ComplianceReport:
    verdicts = [Verdict(code=r.code, title=str(r.title), findings=r.check(context)) for r in rules]
    return ComplianceReport(context, verdicts)


# -- R2 coverage ---------------------------------------------------------------------------


@rule("coverage.units", gettext_lazy("Every base organisation enrolled in a batch"), per_unit=False)
def units_not_enrolled(context: ComplianceContext) -> list[Finding]:
    orgs = (
        Organization.objects.filter(subtree_filter(context.scope_paths))
        .exclude(kind=OrgKind.COMMITTEE)
        .only("pk", "path", "name", "code")
        .order_by("path")
    )
    findings, reported = [], []
    for org in orgs:
        if context.is_covered(org.path) or any(org.path.startswith(p) for p in reported):
            continue
        reported.append(org.path)
        findings.append(
            Finding(
                Level.FAILING,
                _("%(unit)s is not enrolled in any batch") % {"unit": org.name},
                organization=org,
            )
        )
    return findings


@rule("coverage.members", gettext_lazy("Every member takes part"), per_unit=False)
def members_not_covered(context: ComplianceContext) -> list[Finding]:
    uncovered = Member.objects.filter(
        subtree_filter(context.scope_paths, prefix="organization__")
    ).exclude(subtree_filter(context.enrolled_paths, prefix="organization__"))
    count = uncovered.count()
    if not count:
        return []
    shown = uncovered.order_by("organization__path", "code").values_list(
        "name", "organization__name"
    )[:EVIDENCE_NAMES_SHOWN]
    names = [f"{name}（{org}）" for name, org in shown]
    if count > len(names):
        names.append(_("… and %(count)s more") % {"count": count - len(names)})
    return [
        Finding(
            Level.FAILING,
            _("%(count)s members belong to no enrolled unit") % {"count": count},
            members=tuple(names),
        )
    ]


# -- R5 phase windows ----------------------------------------------------------------------


@rule("plan.phases", gettext_lazy("Phase plans inside the batch, in order, long enough"))
def phase_windows(context: ComplianceContext) -> list[Finding]:
    rules = context.campaign.rules
    findings = []
    for enrollment in context.enrollments:
        windows = {w.phase_code: (w.starts_on, w.ends_on) for w in enrollment.phases.all()}
        for problem in phase_plan_problems(
            windows,
            batch_start=enrollment.batch.starts_on,
            batch_end=enrollment.batch.ends_on,
            rules=rules,
            category=enrollment.organization.category or None,
        ):
            findings.append(
                Finding(
                    problem.level,
                    problem.message,
                    organization=enrollment.organization,
                    enrollment_id=enrollment.pk,
                    dates=tuple(windows.get(problem.phase_code, ())),
                )
            )
    return findings


# -- R6 step completion --------------------------------------------------------------------


@rule("plan.steps", gettext_lazy("Each phase's steps done, with their evidence"))
def step_completion(context: ComplianceContext) -> list[Finding]:
    rules = context.campaign.rules
    findings = []
    for enrollment in context.enrollments:
        deadlines = _step_deadlines(enrollment, rules)
        records = {r.step_code: r for r in enrollment.steps.all()}
        for phase in rules.phases:
            for step in phase.steps:
                finding = _step_finding(
                    context, enrollment, phase, step, deadlines.get(step.code), records
                )
                if finding is not None:
                    findings.append(finding)
    return findings


def open_cycle(enrollment: Enrollment):
    """The enrolment's open remedial cycle, if any (from the prefetched cycles)."""
    return next((c for c in enrollment.remedial_cycles.all() if c.closed_on is None), None)


def _step_deadlines(enrollment: Enrollment, rules) -> dict[str, date | None]:
    """When each step is due: the end of its phase, or of the open remedial cycle that
    reopened it (None while the office has not dated the cycle)."""
    windows = {w.phase_code: w.ends_on for w in enrollment.phases.all()}
    deadlines = {step.code: windows.get(phase.code) for phase, step in rules.steps()}
    cycle = open_cycle(enrollment)
    if cycle is not None:
        deadlines.update(dict.fromkeys(cycle.step_codes, cycle.ends_on))
    return deadlines


def _step_finding(context, enrollment, phase, step, deadline, records) -> Finding | None:
    record = records.get(step.code)
    done = record is not None and record.status == StepStatus.DONE
    where = {"organization": enrollment.organization, "enrollment_id": enrollment.pk}
    if not done:
        if deadline is not None and deadline < context.today:
            return Finding(
                Level.FAILING,
                _("Step %(step)s of %(phase)s was due on %(end)s and is not done")
                % {"phase": phase.title, "end": format_date(deadline), "step": step.title},
                dates=(deadline,),
                **where,
            )
        return None
    if step.evidence and not context.evidence_counts.get((enrollment.pk, step.code)):
        return Finding(
            Level.WARNING,
            _("Step %(step)s is done but its evidence (%(evidence)s) is not uploaded")
            % {"step": step.title, "evidence": "、".join(step.evidence)},
            dates=(record.done_on,) if record.done_on else (),
            **where,
        )
    return None


# -- 补课 ----------------------------------------------------------------------------------


@rule("plan.remedial", gettext_lazy("Remedial cycles dated by the upper level"))
def remedial_cycles_dated(context: ComplianceContext) -> list[Finding]:
    findings = []
    for enrollment in context.enrollments:
        cycle = open_cycle(enrollment)
        if cycle is not None and cycle.ends_on is None:
            findings.append(
                Finding(
                    Level.WARNING,
                    _("A remedial cycle opened on %(date)s has no dates yet")
                    % {"date": format_date(cycle.opened_on)},
                    organization=enrollment.organization,
                    enrollment_id=enrollment.pk,
                    dates=(cycle.opened_on,),
                )
            )
    return findings
