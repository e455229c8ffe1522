"""The compliance dashboard's rules: each returns the findings that make up a verdict.

A rule is a function of a `ComplianceContext` registered with `@compliance_rule`. This module holds
the rules of coverage (R2), phase windows (R5) and step completion (R6); later modules
register theirs the same way (from their app's `ready()`), and `evaluate` runs them all.
Rules load what they need in bulk through the context, so the number of queries does not
grow with the number of units or members.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

from django.db.models import Count, Model
from django.db.models.query import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vanguard.accounts.access import Scope, covering_paths, subtree_filter
from vanguard.campaigns import group_steps
from vanguard.campaigns.models import (
    Campaign,
    Enrollment,
    EnrollmentStatus,
    PhaseWindow,
    RemedialCycle,
    StepRecord,
    StepStatus,
)
from vanguard.campaigns.plan_checks import phase_plan_problems
from vanguard.campaigns.template import CampaignTemplate, PhaseDef, StepDef
from vanguard.campaigns.units import PathIndex
from vanguard.campaigns.verdicts import Finding, Severity, Verdict
from vanguard.core.dates import format_date
from vanguard.orgs.models import Member, Organization, OrgKind, path_within

if TYPE_CHECKING:
    from vanguard.campaigns.figures import UnitFigures

EVIDENCE_NAMES_SHOWN = 20

# A rule's check: the findings (problems and evidence) over a context.
RuleCheck = Callable[["ComplianceContext"], Iterable[Finding]]
_Check = TypeVar("_Check", bound=RuleCheck)


@dataclass(frozen=True)
class Rule:
    code: str
    title: object  # a lazy translation
    check: RuleCheck
    per_unit: bool  # its findings concern enrolled units (shown on each unit's page)
    module: str = ""  # the campaign module it belongs to ("": always on)
    thresholds: tuple[str, ...] = ()  # the template thresholds it applies

    def applies_to(self, campaign: Campaign) -> bool:
        return not self.module or campaign.has_module(self.module)

    def verdict(self, campaign_rules: CampaignTemplate, found: Iterable[Finding]) -> Verdict:
        """The verdict of what the rule found, citing the notice's clause (the template's
        `[notice_refs]`) and the template's thresholds it applied."""
        return Verdict.of(
            self.code,
            str(self.title),
            found,
            notice_ref=campaign_rules.notice_refs.get(self.code, ""),
            thresholds=tuple(
                describe_threshold(campaign_rules, name)
                for name in self.thresholds
                if name in campaign_rules.thresholds
            ),
        )


RULES: dict[str, Rule] = {}

# What a threshold is called on pages (the template's key is shown beside it).
THRESHOLD_LABELS = {
    "min_study_hours": gettext_lazy("minimum study hours"),
    "min_concentrated_days": gettext_lazy("minimum concentrated days"),
    "phase_duration_tolerance": gettext_lazy("phase length tolerance"),
    "min_participation_rate": gettext_lazy("minimum participation rate"),
    "suggestion_answer_days": gettext_lazy("days to answer a suggestion"),
    "opinion_answer_days": gettext_lazy("days to answer an opinion"),
}


def compliance_rule(
    code: str,
    title: str | Promise,
    *,
    per_unit: bool = True,
    module: str = "",
    thresholds: tuple[str, ...] = (),
) -> Callable[[_Check], _Check]:
    """Register a compliance rule under `code` with a (lazily translated) title, the
    template thresholds it applies (cited with every verdict) and, with `module`, the
    campaign module it belongs to (it runs only where the template enables the module)."""

    def register(check: _Check) -> _Check:
        RULES[code] = Rule(code, title, check, per_unit, module, tuple(thresholds))
        return check

    return register


# -- unit figures: the numbers each unit carries in its stored figures -----------------------

UnitNumber = int | float | str | None
# A figure source: enrolment id → {column key: value}, read from what the rules loaded.
FigureSource = Callable[["ComplianceContext"], Mapping[int, Mapping[str, UnitNumber]]]


@dataclass(frozen=True)
class FigureColumn:
    """A number every enrolled unit carries in its stored figures (`figures.UnitFigures.
    numbers`): the campaign report and the data screen read it instead of counting again.
    `kind`: "count", "hours", "rate" (0–1), "percent" (0–100), "flag" (1/0) or "text"."""

    key: str
    label: str | Promise
    kind: str = "count"
    module: str = ""  # the campaign module it belongs to ("": always on)


@dataclass(frozen=True)
class FigureSet:
    columns: tuple[FigureColumn, ...]
    source: FigureSource
    module: str


FIGURES: list[FigureSet] = []


def unit_figures(
    *columns: FigureColumn, module: str = ""
) -> Callable[[FigureSource], FigureSource]:
    """Register a source of unit figures (the columns it fills), computed with the rules in
    the same context so that it reads the data they loaded: no query per unit."""

    def register(source: FigureSource) -> FigureSource:
        FIGURES.append(FigureSet(tuple(columns), source, module))
        return source

    return register


def figure_columns(campaign: Campaign) -> list[FigureColumn]:
    """The columns of unit figures the campaign's modules fill, in registration order."""
    return [
        column
        for figure_set in FIGURES
        if not figure_set.module or campaign.has_module(figure_set.module)
        for column in figure_set.columns
        if not column.module or campaign.has_module(column.module)
    ]


def unit_numbers(context: ComplianceContext) -> dict[int, dict[str, UnitNumber]]:
    """Every enrolment's figures (enrolment id → column key → value) in the context."""
    numbers: dict[int, dict[str, UnitNumber]] = {e.pk: {} for e in context.enrollments}
    columns = {column.key for column in figure_columns(context.campaign)}
    for figure_set in FIGURES:
        if not any(column.key in columns for column in figure_set.columns):
            continue  # its module, or every column's, is off: not even loaded
        for pk, values in figure_set.source(context).items():
            if pk in numbers:
                # plain values: a lazy translation stored with the figures would cost its
                # unpickling on every page that reads them
                numbers[pk].update(
                    {k: str(v) if isinstance(v, Promise) else v for k, v in values.items()}
                )
    return numbers


def rules_for(campaign: Campaign, *, per_unit: bool | None = None) -> list[Rule]:
    """The registered rules that apply to the campaign (its template's modules)."""
    return [
        r
        for r in RULES.values()
        if r.applies_to(campaign) and (per_unit is None or r.per_unit == per_unit)
    ]


def describe_threshold(
    campaign_rules: CampaignTemplate, name: str, *, category: str | None = None
) -> str:
    """The template's threshold as a page states it: "minimum study hours
    (thresholds.min_study_hours) = 40", with the variant that applied to a unit of
    `category` and those that apply to member groups."""
    if name not in campaign_rules.thresholds:
        return ""
    label = THRESHOLD_LABELS.get(name, name)
    value = campaign_rules.threshold(name, category=category)
    text = f"{label}（thresholds.{name}）= {_plain_number(value)}"
    applied = [
        v
        for v in campaign_rules.variants
        if name in v.values and v.group is None and category and v.category == category
    ]
    if applied:
        text += _("; variant for unit category %(category)s applied") % {"category": category}
    for variant in campaign_rules.variants:
        if name in variant.values and variant.group and variant.category in (None, category):
            text += _("; member group %(group)s: %(value)s") % {
                "group": variant.group,
                "value": _plain_number(variant.values[name]),
            }
    return text


def _plain_number(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


URL_MARK = 9_100_000_001  # stands for an id in a reversed URL pattern (`ComplianceContext.url`)


class ComplianceContext:
    """A campaign seen through one user's scope on one day, with its data loaded once."""

    def __init__(
        self,
        campaign: Campaign,
        *,
        scope: Scope | None = None,
        today: date | None = None,
        enrollment: Enrollment | None = None,
        unit_ids: Iterable[int] | None = None,
        bureau: bool | None = None,
    ) -> None:
        self.campaign = campaign
        self.scope = scope
        self.today = today or timezone.localdate()
        self.only_enrollment = enrollment
        self.unit_ids = None if unit_ids is None else list(unit_ids)
        # Whether the campaign-wide parts of rules (the leading organisation's own groups,
        # items, opinions) run: not when the context looks at chosen units only.
        self.bureau = (enrollment is None and unit_ids is None) if bureau is None else bureau

    def url(self, name: str, *ids: int) -> str:
        """`reverse(name, args=ids)` for integer ids, the URL pattern reversed once per
        context and name: findings link each unit's pages, thousands of reverses at city."""
        patterns = self.__dict__.setdefault("_url_patterns", {})
        key = (name, len(ids))
        if key not in patterns:
            marks = [URL_MARK + index for index in range(len(ids))]
            patterns[key] = (reverse(name, args=marks), [str(mark) for mark in marks])
        url: str
        url, marks = patterns[key]
        for mark, value in zip(marks, ids, strict=True):
            url = url.replace(mark, str(int(value)), 1)
        return url

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
    def group_steps(self) -> dict[int, group_steps.UnitSteps]:
        """Each unit's members and their steps that differ by group (三.5); loaded only
        for a template whose groups have such steps."""
        return group_steps.units_steps(self.campaign, self.enrollments)

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
        paths = [p for p in self.scope.read_paths if path_within(p, root)]
        paths += [root for p in self.scope.read_paths if path_within(root, p)]
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

    @cached_property
    def enrolled_index(self) -> PathIndex:
        return PathIndex((path, True) for path in self.enrolled_paths)

    def is_covered(self, path: str) -> bool:
        """Whether the organisation at `path` is enrolled or under an enrolled one."""
        return self.enrolled_index.has_at_or_above(path)


class _Loaded(QuerySet[Any]):
    """One enrolment's rows, loaded with every other enrolment's (`load_plans`); reading
    them costs no query, anything else (filtering, ordering) queries that enrolment's rows
    afresh."""

    enrollment_id: int
    _prefetch_done: bool

    def _chain(self) -> QuerySet[Any]:
        rows = self.model._default_manager.filter(enrollment_id=self.enrollment_id)
        chained: QuerySet[Any] = rows._chain()
        return chained


PLAN_BY_CAMPAIGN = 50  # enrolments from which the rows are fetched by campaign, not by id
PLAN_RELATIONS: tuple[tuple[str, type[Model]], ...] = (
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
    where: dict[str, object] = (
        {"enrollment__campaign": campaign} if many else {"enrollment_id__in": ids}
    )
    for name, model in PLAN_RELATIONS:
        fields = [f.attname for f in model._meta.concrete_fields]
        rows: dict[int, list[Any]] = {}
        for values in (
            model._default_manager.filter(**where)
            .order_by(*(model._meta.ordering or ["pk"]))
            .values_list(*fields)
        ):
            row: Any = model.from_db("default", fields, values)  # has an enrollment_id
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
    # each enrolment's stored figures (`figures.campaign_report`; empty otherwise)
    units: dict[int, UnitFigures] = field(default_factory=dict)

    @cached_property
    def unit_levels(self) -> dict[int, Severity]:
        """The worst level each enrolled unit earns across all verdicts."""
        levels: dict[int, Severity] = defaultdict(lambda: Severity.OK)
        for verdict in self.verdicts:
            for finding in verdict.findings:
                if finding.enrollment_id is not None:
                    levels[finding.enrollment_id] = max(
                        levels[finding.enrollment_id], finding.level
                    )
        return levels

    @property
    def level(self) -> Severity:
        return max((verdict.level for verdict in self.verdicts), default=Severity.OK)


def evaluate(
    campaign: Campaign,
    *,
    scope: Scope | None = None,
    today: date | None = None,
    codes: Iterable[str] | None = None,
) -> ComplianceReport:
    """Run every registered rule (or those of `codes`) over the campaign, as far as `scope`
    reaches."""
    rules = RULES.values() if codes is None else [RULES[code] for code in codes]
    return _run(ComplianceContext(campaign, scope=scope, today=today), rules)


def evaluate_unit(enrollment: Enrollment, *, today: date | None = None) -> ComplianceReport:
    """Run the per-unit rules for one enrolled unit."""
    context = ComplianceContext(enrollment.campaign, today=today, enrollment=enrollment)
    return _run(context, [r for r in RULES.values() if r.per_unit])


def evaluate_units(
    campaign: Campaign, unit_ids: Iterable[int], *, today: date | None = None
) -> ComplianceReport:
    """Run the per-unit rules for the enrolled units `unit_ids` only (no campaign-wide
    parts): the findings of each are those `evaluate` finds for it."""
    context = ComplianceContext(campaign, today=today, unit_ids=unit_ids)
    return _run(context, [r for r in RULES.values() if r.per_unit])


def evaluate_campaign_part(
    campaign: Campaign,
    *,
    scope: Scope | None = None,
    today: date | None = None,
    codes: Iterable[str] | None = None,
) -> ComplianceReport:
    """Run the rules (or those of `codes`) for what concerns no enrolled unit: coverage,
    the leading organisation's own duties. With `evaluate_units` of every unit in `scope`
    it makes up `evaluate`."""
    rules = RULES.values() if codes is None else [RULES[code] for code in codes]
    context = ComplianceContext(campaign, scope=scope, today=today, unit_ids=(), bureau=True)
    return _run(context, rules)


def _run(context: ComplianceContext, rules: Iterable[Rule]) -> ComplianceReport:
    # A rule of a module the campaign lacks gives no verdict and counts for nothing.
    applying = [r for r in rules if r.applies_to(context.campaign)]
    template = context.campaign.rules
    verdicts = [r.verdict(template, r.check(context)) for r in applying]
    return ComplianceReport(context, verdicts)


# -- R2 coverage ---------------------------------------------------------------------------


@compliance_rule(
    "coverage.units", gettext_lazy("Every base organisation enrolled in a batch"), per_unit=False
)
def units_not_enrolled(context: ComplianceContext) -> list[Finding]:
    campaign = context.campaign
    kinds = [kind for kind in OrgKind.values if campaign.rules.enrolls_kind(kind)]
    orgs = (
        Organization.objects.filter(subtree_filter(context.scope_paths), kind__in=kinds)
        .exclude(pk=campaign.organization_id)
        .only("pk", "path", "name", "code")
        .order_by("path")
    )
    findings: list[Finding] = []
    reported: set[str] = set()
    step = Organization.steplen
    for org in orgs:  # in tree order: an organisation's ancestors come before it
        if context.is_covered(org.path):
            continue
        if any(org.path[:end] in reported for end in range(step, len(org.path), step)):
            continue  # under one reported already
        if context.enrolled_index.has_within(org.path):
            continue  # a unit under it is enrolled: covered in part (its members: below)
        reported.add(org.path)
        findings.append(
            Finding(
                Severity.FAILING,
                _("%(unit)s is not enrolled in any batch") % {"unit": org.name},
                organization=org,
            )
        )
    if not findings:
        findings.append(
            Finding(
                Severity.OK,
                _("%(units)s units enrolled; every base organisation is covered")
                % {"units": len(context.enrolled_paths)},
            )
        )
    return findings


@compliance_rule("coverage.members", gettext_lazy("Every member takes part"), per_unit=False)
def members_not_covered(context: ComplianceContext) -> list[Finding]:
    # Members counted per organisation, the organisations outside every enrolled unit found
    # by path (`is_covered`): excluding 3,000 enrolled subtrees in SQL took 0.3 s.
    members = Member.objects.filter(subtree_filter(context.scope_paths, prefix="organization__"))
    per_org = members.values_list("organization_id", "organization__path").annotate(Count("pk"))
    outside = {org: n for org, path, n in per_org.order_by() if not context.is_covered(path)}
    uncovered = members.filter(organization__in=list(outside))
    count = sum(outside.values())
    if not count:
        return [Finding(Severity.OK, _("Every member belongs to an enrolled unit"))]
    shown = uncovered.order_by("organization__path", "code").values_list(
        "name", "organization__name"
    )[:EVIDENCE_NAMES_SHOWN]
    names = [f"{name}（{org}）" for name, org in shown]
    if count > len(names):
        names.append(_("… and %(count)s more") % {"count": count - len(names)})
    return [
        Finding(
            Severity.FAILING,
            _("%(count)s members belong to no enrolled unit") % {"count": count},
            members=tuple(names),
        )
    ]


# -- R5 phase windows ----------------------------------------------------------------------


def unit_links(
    context: ComplianceContext, enrollment: Enrollment, *more: tuple[str, str]
) -> tuple[tuple[str, str], ...]:
    """The unit's page, then `more` (label, URL) pairs: the records behind a finding."""
    links = context.__dict__.setdefault("_unit_links", {})
    if enrollment.pk not in links:
        url = context.url("campaigns:unit", context.campaign.pk, enrollment.pk)
        links[enrollment.pk] = (str(_("Unit page")), url)
    return (links[enrollment.pk], *more)


def page_link(
    context: ComplianceContext, label: object, name: str, *ids: int, **query: str | int
) -> tuple[str, str]:
    """(label, URL) of a page of the records behind a finding — `name` reversed with the
    integer `ids`, then the list's filters (`overdue=1`, `unit=…`) as its query string."""
    url = context.url(name, *ids)
    if query:
        url += "?" + urlencode(query)
    return (str(label), url)


def out_of(label: str, done: int, total: int) -> str:
    """A counted figure: `label` with "%(done)s / %(total)s" ("已答复 12 / 15")."""
    return label % {"done": done, "total": total}


@compliance_rule(
    "plan.phases",
    gettext_lazy("Phase plans inside the batch, in order, long enough"),
    thresholds=("min_concentrated_days", "phase_duration_tolerance"),
)
def phase_windows(context: ComplianceContext) -> list[Finding]:
    rules = context.campaign.rules
    findings = []
    phase_refs = {phase.code: phase.notice_ref for phase in rules.phases}
    for enrollment in context.enrollments:
        windows = {w.phase_code: (w.starts_on, w.ends_on) for w in enrollment.phases.all()}
        category = enrollment.organization.category or None
        threshold = describe_threshold(rules, "min_concentrated_days", category=category)
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
                    dates=tuple(windows.get(problem.phase_code or "") or ()),
                    threshold=threshold,
                    notice_ref=phase_refs.get(problem.phase_code or "", ""),
                    links=unit_links(context, enrollment),
                )
            )
    return findings


# -- R6 step completion --------------------------------------------------------------------


@compliance_rule("plan.steps", gettext_lazy("Each phase's steps done, with their evidence"))
def step_completion(context: ComplianceContext) -> list[Finding]:
    rules = context.campaign.rules
    total = len(rules.steps())
    findings = []
    skips = any(group.skip_steps for group in rules.member_groups)
    for enrollment in context.enrollments:
        deadlines = _step_deadlines(enrollment, rules)
        records = {r.step_code: r for r in enrollment.steps.all()}
        # A step no member of the unit is held to (their groups skip it) is not asked.
        not_asked = context.group_steps[enrollment.pk].not_asked() if skips else frozenset()
        found = []
        for phase in rules.phases:
            for step in phase.steps:
                if step.code in not_asked:
                    continue
                finding = _step_finding(
                    context, enrollment, phase, step, deadlines.get(step.code), records
                )
                if finding is not None:
                    found.append(finding)
        if not found:
            done = sum(1 for r in records.values() if r.status == StepStatus.DONE)
            found.append(
                Finding(
                    Severity.OK,
                    _("%(done)s of %(total)s steps done; none overdue")
                    % {"done": done, "total": total},
                    organization=enrollment.organization,
                    enrollment_id=enrollment.pk,
                )
            )
        findings += found
    return findings


def open_cycle(enrollment: Enrollment) -> RemedialCycle | None:
    """The enrolment's open remedial cycle, if any (from the prefetched cycles)."""
    return next((c for c in enrollment.remedial_cycles.all() if c.closed_on is None), None)


def _step_deadlines(enrollment: Enrollment, rules: CampaignTemplate) -> dict[str, date | None]:
    """When each step is due: the end of its phase, or of the open remedial cycle that
    reopened it (None while the office has not dated the cycle)."""
    windows = {w.phase_code: w.ends_on for w in enrollment.phases.all()}
    deadlines = {step.code: windows.get(phase.code) for phase, step in rules.steps()}
    cycle = open_cycle(enrollment)
    if cycle is not None:
        deadlines.update(dict.fromkeys(cycle.step_codes, cycle.ends_on))
    return deadlines


class _Where(TypedDict):
    """Where a step's finding is: its unit, the notice's clause, the unit's page."""

    organization: Organization
    enrollment_id: int
    notice_ref: str
    links: tuple[tuple[str, str], ...]


def _step_finding(
    context: ComplianceContext,
    enrollment: Enrollment,
    phase: PhaseDef,
    step: StepDef,
    deadline: date | None,
    records: dict[str, StepRecord],
) -> Finding | None:
    record = records.get(step.code)
    where: _Where = {
        "organization": enrollment.organization,
        "enrollment_id": enrollment.pk,
        "notice_ref": step.notice_ref,
        "links": unit_links(context, enrollment),
    }
    if record is None or record.status != StepStatus.DONE:
        if deadline is not None and deadline < context.today:
            return Finding(
                Severity.FAILING,
                _("Step %(step)s of %(phase)s was due on %(end)s and is not done")
                % {"phase": phase.title, "end": format_date(deadline), "step": step.title},
                dates=(deadline,),
                **where,
            )
        return None
    if step.evidence and not context.evidence_counts.get((enrollment.pk, step.code)):
        return Finding(
            Severity.WARNING,
            _("Step %(step)s is done but its evidence (%(evidence)s) is not uploaded")
            % {"step": step.title, "evidence": "、".join(step.evidence)},
            dates=(record.done_on,) if record.done_on else (),
            **where,
        )
    return None


# -- steps of a member group (三.5 分类指导) -----------------------------------------------------


@compliance_rule(
    "plan.group_steps", gettext_lazy("Members' own steps of their group taken in time")
)
def group_step_completion(context: ComplianceContext) -> list[Finding]:
    """For each unit, the members with a step of their group not recorded: a warning while
    the step's phase runs, failing once it has ended (nothing before, nor where the unit
    has not planned the phase). A template whose groups have no steps: nothing."""
    campaign = context.campaign
    if not any(group.steps for group in campaign.rules.member_groups):
        return []
    units = context.group_steps
    records = group_steps.units_records(campaign, context.enrollments)
    findings = []
    for enrollment in context.enrollments:
        windows = {w.phase_code: w for w in enrollment.phases.all()}
        unit = units[enrollment.pk]
        worst, behind = None, []
        for member in unit.members:
            levels = [
                level
                for step in unit.steps[member.pk].own
                if (level := _lateness(windows.get(step.phase), context.today)) is not None
                and step.code not in records.get(member.pk, {})
            ]
            if levels:
                behind.append(member.name)
                if worst != Severity.FAILING:
                    worst = Severity.FAILING if Severity.FAILING in levels else levels[0]
        if worst is not None:
            findings.append(
                Finding(
                    worst,
                    ngettext(
                        "%(count)s member has steps of their group not recorded",
                        "%(count)s members have steps of their group not recorded",
                        len(behind),
                    )
                    % {"count": len(behind)},
                    organization=enrollment.organization,
                    enrollment_id=enrollment.pk,
                    members=tuple(behind[:5]),
                    links=unit_links(context, enrollment),
                )
            )
    return findings


def _lateness(window: PhaseWindow | None, today: date) -> Severity | None:
    if window is None or today < window.starts_on:
        return None
    return Severity.FAILING if window.ends_on < today else Severity.WARNING


# -- 未开展: a phase started and nothing recorded ---------------------------------------------

# Functions of a context returning the ids of its enrolments with something recorded in a
# phase app (a session held, an opinion received, a survey made …), registered by the phase
# apps' compliance modules with `@activity`; one query each per context.
ACTIVITY: list[Callable[[ComplianceContext], set[int]]] = []


def activity(
    probe: Callable[[ComplianceContext], set[int]],
) -> Callable[[ComplianceContext], set[int]]:
    ACTIVITY.append(probe)
    return probe


@compliance_rule("plan.started", gettext_lazy("Units whose phase has started are under way"))
def under_way(context: ComplianceContext) -> list[Finding]:
    """A unit whose first phase has started but where nothing at all is recorded (no step,
    no record in any phase app) is 未开展 — not passing for want of anything to check."""
    waiting = []
    for enrollment in context.enrollments:
        started = [w for w in enrollment.phases.all() if w.starts_on <= context.today]
        if enrollment.status == EnrollmentStatus.CLOSED or not started:
            continue
        if any(True for _record in enrollment.steps.all()):
            continue
        waiting.append((enrollment, min(started, key=lambda w: w.starts_on)))
    if not waiting:
        return []
    context.__dict__["unit_ids_for_activity"] = [e.pk for e, _w in waiting]
    active: set[int] = set()
    for probe in ACTIVITY:
        active |= probe(context)
    rules = context.campaign.rules
    findings = []
    for enrollment, window in waiting:
        if enrollment.pk in active:
            continue
        phase = next((p for p in rules.phases if p.code == window.phase_code), None)
        findings.append(
            Finding(
                Severity.FAILING,
                _("Not under way: %(phase)s started on %(date)s and nothing has been recorded")
                % {
                    "phase": phase.title if phase else window.phase_code,
                    "date": format_date(window.starts_on),
                },
                organization=enrollment.organization,
                enrollment_id=enrollment.pk,
                dates=(window.starts_on,),
                notice_ref=phase.notice_ref if phase else "",
                links=unit_links(context, enrollment),
            )
        )
    return findings


def activity_ids(context: ComplianceContext) -> list[int]:
    """The enrolments an activity probe asks about (those with nothing else recorded)."""
    ids: list[int] = context.__dict__.get(
        "unit_ids_for_activity", [e.pk for e in context.enrollments]
    )
    return ids


def enrollments_with(context: ComplianceContext, *models: type[Model]) -> set[int]:
    """The enrolments asked about (`activity_ids`) with a row of any of `models` (each with
    an `enrollment` key): one query per model, whatever the number of units."""
    ids = activity_ids(context)
    found: set[int] = set()
    if not ids:
        return found
    for model in models:
        rows = model._default_manager.filter(enrollment_id__in=ids).values_list(
            "enrollment_id", flat=True
        )
        found |= set(rows.order_by().distinct())
    return found


# -- 补课 ----------------------------------------------------------------------------------


@compliance_rule(
    "plan.remedial", gettext_lazy("Remedial cycles dated by the upper level"), module="remedial"
)
def remedial_cycles_dated(context: ComplianceContext) -> list[Finding]:
    findings = []
    for enrollment in context.enrollments:
        cycle = open_cycle(enrollment)
        if cycle is not None and cycle.ends_on is None:
            findings.append(
                Finding(
                    Severity.WARNING,
                    _("A remedial cycle opened on %(date)s has no dates yet")
                    % {"date": format_date(cycle.opened_on)},
                    organization=enrollment.organization,
                    enrollment_id=enrollment.pk,
                    dates=(cycle.opened_on,),
                )
            )
    return findings


@unit_figures(FigureColumn("plan.remedial", gettext_lazy("In remedial cycle"), "flag"))
def remedial_figures(context: ComplianceContext) -> dict[int, dict[str, UnitNumber]]:
    """Whether each unit is in an open remedial cycle (补课), from the plans loaded."""
    return {e.pk: {"plan.remedial": int(open_cycle(e) is not None)} for e in context.enrollments}
