"""The campaign overview and each unit's page (phase plan, step checklist, evidence).

Views parse input, call `services` and `compliance`, and render; access goes through
`request.scope`.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.accounts.access import Scope, ScopedRequest
from vanguard.accounts.models import User
from vanguard.campaigns import compliance, figures, parts, revision, services
from vanguard.campaigns.closure import closure_problems
from vanguard.campaigns.compliance import ComplianceReport
from vanguard.campaigns.figures import UnitSummary
from vanguard.campaigns.forms import (
    EnrollForm,
    EvidenceForm,
    PhasePlanForm,
    RemedialDatesForm,
    RemedialForm,
    StepForm,
)
from vanguard.campaigns.models import (
    Batch,
    Campaign,
    Enrollment,
    EnrollmentStatus,
    PhaseWindow,
    StepEvidence,
    StepRecord,
    StepStatus,
)
from vanguard.campaigns.template import CampaignTemplate, PhaseDef, StepDef
from vanguard.campaigns.verdicts import Severity, Verdict
from vanguard.core import registry
from vanguard.core.dates import format_date
from vanguard.ops.files import send_file


@dataclass
class Bar:
    """One phase drawn on a unit's timeline, as percentages of its batch."""

    title: str
    index: int
    left: float
    width: float
    starts_on: date
    ends_on: date


class UnitRow(TypedDict):
    """One unit's row on the overview (`unit_row`)."""

    enrollment: Enrollment
    level: Severity
    bars: list[Bar]
    steps_done: int
    failing: int
    warning: int
    not_started: bool


class BatchRows(TypedDict):
    batch: Batch
    rows: list[UnitRow]  # the page of rows shown (all of them count in the chart)
    page: Page[UnitRow]
    query: str  # the query string naming the batch, for its pager


class ChartSeries(TypedDict):
    name: str
    color: str
    data: list[int]


class Chart(TypedDict):
    """The overview's ECharts bar chart (`verdict_chart`)."""

    categories: list[str]
    series: list[ChartSeries]


class OverviewFigures(TypedDict):
    chart: Chart
    report: ComplianceReport
    batches: list[BatchRows]
    step_total: int
    phases: tuple[PhaseDef, ...]


class Change(TypedDict):
    """One change to a unit's plan or steps (`recent_changes`)."""

    when: datetime
    who: User | None
    what: str
    detail: str | Promise  # a step's status label is lazy


class StepRow(TypedDict):
    step: StepDef
    record: StepRecord | None
    page: str | None  # a step an app completes itself: the url name of its page
    form: StepForm
    evidence_form: EvidenceForm


def timeline(enrollment: Enrollment, rules: CampaignTemplate) -> list[Bar]:
    batch = enrollment.batch
    span = (batch.ends_on - batch.starts_on).days + 1
    order = {phase.code: index for index, phase in enumerate(rules.phases)}
    bars = []
    for window in sorted(enrollment.phases.all(), key=lambda w: w.starts_on):
        left = max(0, (window.starts_on - batch.starts_on).days) / span * 100
        right = min(span, (window.ends_on - batch.starts_on).days + 1) / span * 100
        bars.append(
            Bar(
                title=rules.phase(window.phase_code).title,
                index=order.get(window.phase_code, 0),
                left=round(left, 2),
                width=round(max(right - left, 0.5), 2),
                starts_on=window.starts_on,
                ends_on=window.ends_on,
            )
        )
    return bars


@login_required
def overview(request: ScopedRequest, campaign_pk: int) -> HttpResponse:
    campaign = request.scope.get_campaign_or_404(campaign_pk)
    state = figures.state(campaign)
    language = translation.get_language()
    paged = _paged_batch(request)
    reach = (campaign.pk, timezone.localdate(), language, *paged, *request.scope.read_paths)
    # The page part is put together from the stored unit figures (`figures`) and rendered
    # once per version of the figures, the same for everyone with the same reach; while
    # one request renders a new version the others serve the last one (single flight),
    # and `as_of` says when the figures shown are older than the data.
    part, previous = parts.cached_part(
        revision.cache_key("overview", *reach, revision=f"v{state.version}"),
        parts.Render(overview_part, request, campaign.pk, *paged, campaign=campaign),
        latest=revision.cache_key("overview-latest", *reach, revision="latest"),
        made_at=state.computed_at,
        timeout=revision.timeout(),
        paced=True,
    )
    context = {
        "campaign": campaign,
        "figures_part": part,
        "as_of": previous or state.as_of,
        "enroll_form": (
            EnrollForm(campaign=campaign, scope=request.scope)
            if request.scope.can_manage_campaigns() and not campaign.is_read_only
            else None
        ),
    }
    return render(request, "campaigns/overview.html", context)


def overview_part(
    request: ScopedRequest,
    campaign_pk: int,
    paged_batch: int | None,
    number: str,
    campaign: Campaign | None = None,
) -> str:
    """The overview's figures rendered for the reader's reach (`parts.Render`: by the
    worker too, which reads the campaign itself)."""
    campaign = campaign or request.scope.get_campaign_or_404(campaign_pk)
    shown = overview_figures(campaign, request.scope, paged_batch, number)
    context = {"campaign": campaign, "figures": shown}
    return render_to_string("campaigns/_overview_figures.html", context, request)


EVIDENCE_SHOWN = 10  # findings listed per verdict on the overview; all on the verdict's page
FINDINGS_PER_PAGE = 100
ROWS_PER_PAGE = 50  # units listed per batch on the overview (worst first), the rest paged


def _paged_batch(request: ScopedRequest) -> tuple[int | None, str]:
    """The batch whose rows the overview is asked to page through (`?batch=&page=`), and
    the page number; the other batches show their first page."""
    batch = request.GET.get("batch", "")
    return (int(batch) if batch.isdigit() else None), request.GET.get("page") or "1"


def overview_figures(
    campaign: Campaign, scope: Scope | None, paged_batch: int | None = None, number: str = "1"
) -> OverviewFigures:
    """The overview's verdicts and each unit's row, as far as `scope` reaches: counted from
    the units' stored summaries (`figures.campaign_tally`), with the findings of the units
    each verdict lists alone read; no rule run here."""
    tally = figures.campaign_tally(campaign, scope=scope)
    verdicts = tally.verdicts(slice(0, EVIDENCE_SHOWN))
    for verdict in verdicts:
        verdict.shown = EVIDENCE_SHOWN
    rules = campaign.rules
    batches: list[BatchRows] = []
    for batch in campaign.batches.all():
        rows = [
            unit_row(e, tally.summaries[e.pk]) for e in tally.enrollments if e.batch_id == batch.pk
        ]
        # Worst first: most failing findings, then most warnings; the tree order after.
        rows.sort(key=lambda row: (-row["failing"], -row["warning"]))
        page = Paginator(rows, ROWS_PER_PAGE).get_page(number if batch.pk == paged_batch else 1)
        batches.append({"batch": batch, "rows": rows, "page": page, "query": f"batch={batch.pk}"})
    chart = verdict_chart(batches)
    for group in batches:
        group["rows"] = list(group["page"].object_list)
    return {
        "chart": chart,
        "report": ComplianceReport(tally.context, verdicts),
        "batches": batches,
        "step_total": len(rules.steps()),
        "phases": rules.phases,
    }


NOT_UNDER_WAY = "plan.started"  # the rule whose finding makes a unit 未开展


def unit_row(enrollment: Enrollment, stored: UnitSummary) -> UnitRow:
    """One unit's row on the overview: its stored summary, with its failing and warning
    findings counted and whether it is under way at all."""
    started = stored.totals.get(NOT_UNDER_WAY)
    return {
        "enrollment": enrollment,
        "level": stored.level,
        "bars": stored.bars,
        "steps_done": stored.steps_done,
        "failing": stored.overall.failing,
        "warning": stored.overall.warning,
        "not_started": started is not None and (started.problems + started.evidence) > 0,
    }


@login_required
def verdict_detail(request: ScopedRequest, campaign_pk: int, code: str) -> HttpResponse:
    """Every finding of one verdict over the campaign, as far as the user reaches."""
    campaign = request.scope.get_campaign_or_404(campaign_pk)
    if code not in compliance.RULES or not compliance.RULES[code].applies_to(campaign):
        raise Http404  # no such verdict, or its module is off in this campaign
    scope = request.scope
    number = request.GET.get("page") or "1"
    # Keyed by the stored figures of the units the reader reaches: a write to a unit out
    # of reach leaves the page served; one request computes a new version at a time. Each
    # page of findings is kept apart: a page does not read every finding of the verdict
    # (6,000 at province).
    units = figures.reach_state(campaign, scope)
    reach = (campaign.pk, code, timezone.localdate(), translation.get_language(), number)
    reach_paths = (*reach, *scope.read_paths)
    shown, previous = parts.cached_part(
        revision.cache_key("verdict", *reach_paths, revision=units.version),
        parts.Render(verdict_part, request, campaign.pk, code, number, campaign=campaign),
        latest=revision.cache_key("verdict-latest", *reach_paths, revision="latest"),
        made_at=units.made_at,
        timeout=revision.timeout(),
        paced=True,
    )
    page = Paginator(range(shown.listed), FINDINGS_PER_PAGE).get_page(shown.number)
    context = {
        "campaign": campaign,
        "verdict": shown.verdict,
        "level": shown.level,
        "count": shown.count,
        "page": page,
        "as_of": previous or units.as_of,
    }
    return render(request, "campaigns/verdict.html", context)


@dataclass
class VerdictPage:
    """One page of a verdict's findings over a reach: the verdict with that page's
    findings only (and its evidence), its level and how many findings it has in all."""

    verdict: Verdict
    level: Severity
    count: int
    number: int
    listed: int  # the longer of its findings and its evidence: what the pages number


def verdict_part(
    request: ScopedRequest,
    campaign_pk: int,
    code: str,
    number: str,
    campaign: Campaign | None = None,
) -> VerdictPage:
    """`verdict_page` for the reader's reach (`parts.Render`: by the worker too)."""
    campaign = campaign or request.scope.get_campaign_or_404(campaign_pk)
    return verdict_page(campaign, request.scope, code, number)


def verdict_page(campaign: Campaign, scope: Scope, code: str, number: str) -> VerdictPage:
    """One page of a verdict's findings (and of what it counted), reading the findings of
    the units on that page alone."""
    tally = figures.campaign_tally(campaign, scope=scope, codes=[code])
    totals = tally.verdicts(slice(0, 0))[0]
    listed = max(totals.count, totals.evidence_count)
    page = Paginator(range(listed), FINDINGS_PER_PAGE).get_page(number)
    start = (page.number - 1) * FINDINGS_PER_PAGE
    verdict = tally.verdicts(slice(start, start + FINDINGS_PER_PAGE))[0]
    return VerdictPage(verdict, verdict.level, verdict.count, page.number, listed)


@login_required
@require_POST
def enroll_unit(request: ScopedRequest, campaign_pk: int) -> HttpResponse:
    campaign = request.scope.get_campaign_or_404(campaign_pk)
    if not request.scope.can_manage_campaigns():
        raise PermissionDenied
    form = EnrollForm(request.POST, campaign=campaign, scope=request.scope)
    if form.is_valid():
        try:
            enrollment = services.enroll(form.cleaned_data["batch"], form.cleaned_data["unit"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(unit)s enrolled in %(batch)s.")
                % {"unit": enrollment.organization, "batch": enrollment.batch},
            )
    else:
        messages.error(request, _("Not enrolled: %(errors)s") % {"errors": form.errors.as_text()})
    return redirect("campaigns:overview", campaign_pk=campaign.pk)


def verdict_chart(batches: list[BatchRows]) -> Chart:
    """Units per batch by their worst verdict, for the overview's ECharts bar chart."""
    series: list[ChartSeries] = []
    for level in Severity:
        series.append(
            {
                "name": level.label,
                "color": LEVEL_COLOURS[level],
                "data": [
                    sum(1 for row in group["rows"] if row["level"] == level) for group in batches
                ],
            }
        )
    return {"categories": [group["batch"].title for group in batches], "series": series}


LEVEL_COLOURS = {Severity.OK: "#198754", Severity.WARNING: "#ffc107", Severity.FAILING: "#dc3545"}


def _enrollment_or_404(
    request: ScopedRequest,
    campaign_pk: int,
    pk: int,
    *,
    manage: bool = False,
    supervise: bool = False,
) -> Enrollment:
    """The enrolment, if the user may see it; with `manage`, change its plan and steps
    (not once closed); with `supervise`, act as its upper level."""
    enrollment: Enrollment = request.scope.get_enrollment_or_404(campaign_pk, pk)
    if manage and not _can_edit(request, enrollment):
        raise PermissionDenied
    if supervise and not request.scope.can_supervise_org(enrollment.organization):
        raise PermissionDenied
    return enrollment


def _can_edit(request: ScopedRequest, enrollment: Enrollment) -> bool:
    return (
        request.scope.can_manage_org(enrollment.organization)
        and enrollment.status != EnrollmentStatus.CLOSED
        and not enrollment.campaign.is_read_only
    )


def _unit_context(
    request: ScopedRequest, enrollment: Enrollment, plan_form: PhasePlanForm | None = None
) -> dict[str, Any]:
    rules = enrollment.campaign.rules
    # The unit's stored figures alone: another unit's write leaves this page's part.
    units = figures.units_state(enrollment.campaign, [enrollment.pk])
    # The unit's own data: its revision and the global one (not other units' writes).
    unit_revision = revision.unit_stamp(enrollment.pk)
    records = {
        r.step_code: r
        for r in StepRecord.objects.filter(enrollment=enrollment).prefetch_related("evidence")
    }
    pages = registry.step_pages(rules)
    phases = [
        {
            "phase": phase,
            "steps": [
                _step_row(step, records.get(step.code), pages.get(step.code))
                for step in phase.steps
            ],
        }
        for phase in rules.phases
    ]
    sees_members = request.scope.sees_members_figures(enrollment.organization)
    return {
        "campaign": enrollment.campaign,
        "enrollment": enrollment,
        "can_manage": _can_edit(request, enrollment),
        "can_download_evidence": request.scope.can_download_evidence(enrollment.organization),
        "can_supervise": request.scope.can_supervise_org(enrollment.organization)
        and not enrollment.campaign.is_read_only,
        "cycle": enrollment.remedial_cycles.filter(closed_on__isnull=True).first(),
        "closure_problems": cache.get_or_set(
            revision.cache_key(
                "closure",
                enrollment.pk,
                timezone.localdate(),
                translation.get_language(),
                revision=unit_revision,
            ),
            lambda: closure_problems(enrollment),
            timeout=revision.timeout(),
        ),
        "remedial_form": RemedialForm(enrollment=enrollment),
        "remedial_dates_form": RemedialDatesForm(),
        "plan_form": plan_form or PhasePlanForm(enrollment=enrollment),
        "bars": timeline(enrollment, rules),
        "verdicts_part": SimpleLazyObject(
            lambda: _unit_verdicts_part(request, enrollment, units, sees_members)
        ),
        "sees_members_figures": sees_members,
        "panels_key": revision.cache_key(
            "unit-panels",
            enrollment.pk,
            timezone.localdate(),
            request.user.pk,
            revision=unit_revision,
        ),
        "phases": phases,
        "changes": recent_changes(enrollment),
    }


def _unit_verdicts_part(
    request: ScopedRequest, enrollment: Enrollment, units: figures.UnitsState, sees_members: bool
) -> dict[str, Any]:
    """The unit's verdicts rendered once per version of its stored figures (single flight:
    while one request renders a new version the others serve the last one). Readers share
    one rendering; a member's has only the verdicts' levels, keyed by the viewer all the
    same so that no rendering is ever served to another user."""
    audience = "readers" if sees_members else f"user-{request.user.pk}"
    reach = (enrollment.pk, timezone.localdate(), translation.get_language(), audience)
    html, previous = parts.cached_part(
        revision.cache_key("unit", *reach, revision=f"u{units.version}"),
        lambda: render_unit_verdicts(request, enrollment, sees_members),
        latest=revision.cache_key("unit-latest", *reach, revision="latest"),
        made_at=units.made_at,
        timeout=revision.timeout(),
    )
    return {"html": html, "as_of": previous or units.as_of}


def render_unit_verdicts(request: ScopedRequest, enrollment: Enrollment, sees_members: bool) -> str:
    template = "campaigns/_verdicts.html" if sees_members else "campaigns/_verdicts_member.html"
    context = {
        "campaign": enrollment.campaign,
        "enrollment": enrollment,
        "report": figures.unit_report(enrollment),
        "verdicts_id": "unit-verdicts",
    }
    return render_to_string(template, context, request)


def recent_changes(enrollment: Enrollment, limit: int = 10) -> list[Change]:
    """The latest changes to the unit's plan and steps, newest first (from the audit trail)."""
    rules = enrollment.campaign.rules
    windows = PhaseWindow.history.filter(enrollment_id=enrollment.pk).select_related(
        "history_user"
    )[:limit]
    steps = StepRecord.history.filter(enrollment_id=enrollment.pk).select_related("history_user")[
        :limit
    ]
    changes: list[Change] = [
        {
            "when": w.history_date,
            "who": w.history_user,
            "what": rules.phase(w.phase_code).title,
            "detail": f"{format_date(w.starts_on)} – {format_date(w.ends_on)}",
        }
        for w in windows
    ]
    changes += [
        {
            "when": r.history_date,
            "who": r.history_user,
            "what": rules.step(r.step_code).title,
            "detail": StepStatus(r.status).label,
        }
        for r in steps
    ]
    return sorted(changes, key=lambda change: change["when"], reverse=True)[:limit]


def _step_row(step: StepDef, record: StepRecord | None, page: str | None = None) -> StepRow:
    return {
        "step": step,
        "record": record,
        "page": page,
        "form": StepForm(
            initial={
                "status": record.status if record else StepStatus.TODO,
                "done_on": record.done_on if record else None,
                "notes": record.notes if record else "",
            },
            prefix=step.code,
        ),
        "evidence_form": EvidenceForm(prefix=f"{step.code}-evidence"),
    }


@login_required
def unit_detail(request: ScopedRequest, campaign_pk: int, enrollment_pk: int) -> HttpResponse:
    enrollment = _enrollment_or_404(request, campaign_pk, enrollment_pk)
    return render(request, "campaigns/unit.html", _unit_context(request, enrollment))


@login_required
@require_POST
def edit_plan(request: ScopedRequest, campaign_pk: int, enrollment_pk: int) -> HttpResponse:
    enrollment = _enrollment_or_404(request, campaign_pk, enrollment_pk, manage=True)
    form = PhasePlanForm(request.POST, enrollment=enrollment)
    if not form.is_valid():
        messages.error(request, _("The phase plan was not saved; see the problems below."))
        context = _unit_context(request, enrollment, plan_form=form)
        return render(request, "campaigns/unit.html", context, status=400)
    problems = services.save_phase_plan(enrollment, form.windows(), acting=request.scope)
    if problems:
        # Saved, but the plan still breaks the notice: say so beside the red panel, not "saved".
        messages.warning(
            request,
            _("The phase plan was saved, but it does not yet meet the notice: %(problems)s")
            % {"problems": "；".join(str(problem.message) for problem in problems)},
        )
    else:
        messages.success(request, _("The phase plan was saved."))
    return redirect("campaigns:unit", campaign_pk=campaign_pk, enrollment_pk=enrollment.pk)


def _step_or_404(enrollment: Enrollment, code: str) -> StepDef:
    try:
        return enrollment.campaign.rules.step(code)
    except KeyError:
        raise Http404 from None


@login_required
@require_POST
def update_step(
    request: ScopedRequest, campaign_pk: int, enrollment_pk: int, code: str
) -> HttpResponse:
    enrollment = _enrollment_or_404(request, campaign_pk, enrollment_pk, manage=True)
    step = _step_or_404(enrollment, code)
    form = StepForm(request.POST, prefix=code)
    if code in registry.step_pages(enrollment.campaign.rules):
        # Done by its own page (e.g. 摸清问题: the profile confirmed, the problems recorded).
        form.add_error(None, _("This step is done on its own page, not here."))
    if form.is_valid():
        services.record_step(enrollment, code, **form.cleaned_data, acting=request.scope)
        if not request.htmx:
            messages.success(request, _("Step %(step)s saved.") % {"step": step.title})
    return _step_response(request, enrollment, step, form=None if form.is_valid() else form)


@login_required
@require_POST
def upload_evidence(
    request: ScopedRequest, campaign_pk: int, enrollment_pk: int, code: str
) -> HttpResponse:
    enrollment = _enrollment_or_404(request, campaign_pk, enrollment_pk, manage=True)
    step = _step_or_404(enrollment, code)
    form = EvidenceForm(request.POST, request.FILES, prefix=f"{code}-evidence")
    if form.is_valid():
        record, _created = StepRecord.objects.get_or_create(enrollment=enrollment, step_code=code)
        services.add_evidence(record, user=request.user, **form.cleaned_data, acting=request.scope)
        if not request.htmx:
            messages.success(request, _("Evidence uploaded."))
    return _step_response(
        request, enrollment, step, evidence_form=None if form.is_valid() else form
    )


def _step_response(
    request: ScopedRequest,
    enrollment: Enrollment,
    step: StepDef,
    form: StepForm | None = None,
    evidence_form: EvidenceForm | None = None,
) -> HttpResponse:
    if not request.htmx:
        invalid = form if form is not None else evidence_form
        if invalid is not None:
            errors = invalid.errors.as_text()
            messages.error(request, _("Not saved: %(errors)s") % {"errors": errors})
        return redirect(
            "campaigns:unit", campaign_pk=enrollment.campaign_id, enrollment_pk=enrollment.pk
        )
    record = (
        StepRecord.objects.filter(enrollment=enrollment, step_code=step.code)
        .prefetch_related("evidence")
        .first()
    )
    row = _step_row(step, record, registry.step_pages(enrollment.campaign.rules).get(step.code))
    if form is not None:
        row["form"] = form
    if evidence_form is not None:
        row["evidence_form"] = evidence_form
    context = {
        "row": row,
        "enrollment": enrollment,
        "campaign": enrollment.campaign,
        "can_manage": True,
        "can_download_evidence": True,
        "report": compliance.evaluate_unit(enrollment),
        "oob": True,
    }
    return render(request, "campaigns/_step_response.html", context)


@login_required
@require_POST
def close_unit(request: ScopedRequest, campaign_pk: int, enrollment_pk: int) -> HttpResponse:
    enrollment = _enrollment_or_404(request, campaign_pk, enrollment_pk, supervise=True)
    try:
        services.close_enrollment(enrollment, acting=request.scope)
    except ValidationError as error:
        messages.error(
            request,
            _("The unit's campaign cannot be closed yet: %(problems)s")
            % {"problems": "；".join(error.messages)},
        )
    else:
        messages.success(request, _("The unit's campaign is closed."))
    return redirect("campaigns:unit", campaign_pk=campaign_pk, enrollment_pk=enrollment.pk)


@login_required
@require_POST
def open_remedial(request: ScopedRequest, campaign_pk: int, enrollment_pk: int) -> HttpResponse:
    enrollment = _enrollment_or_404(request, campaign_pk, enrollment_pk, supervise=True)
    form = RemedialForm(request.POST, enrollment=enrollment)
    if form.is_valid():
        try:
            services.start_remedial(
                enrollment,
                reason=form.cleaned_data["reason"],
                step_codes=form.cleaned_data["steps"],
                acting=request.scope,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("A remedial cycle is open; set its dates."))
    else:
        messages.error(request, _("Not opened: %(errors)s") % {"errors": form.errors.as_text()})
    return redirect("campaigns:unit", campaign_pk=campaign_pk, enrollment_pk=enrollment.pk)


@login_required
@require_POST
def date_remedial(request: ScopedRequest, campaign_pk: int, enrollment_pk: int) -> HttpResponse:
    enrollment = _enrollment_or_404(request, campaign_pk, enrollment_pk, supervise=True)
    cycle = get_object_or_404(enrollment.remedial_cycles, closed_on__isnull=True)
    form = RemedialDatesForm(request.POST)
    if form.is_valid():
        services.schedule_remedial(cycle, **form.cleaned_data, acting=request.scope)
        messages.success(request, _("The remedial cycle's dates are set."))
    else:
        messages.error(request, _("Not saved: %(errors)s") % {"errors": form.errors.as_text()})
    return redirect("campaigns:unit", campaign_pk=campaign_pk, enrollment_pk=enrollment.pk)


@login_required
def download_evidence(request: ScopedRequest, pk: int) -> HttpResponseBase:
    """An evidence file, for the readers of its unit only: its members see the unit's page
    but not the documents behind it (党性分析材料, 组织生活会记录, 评议意见 …)."""
    evidence = (
        StepEvidence.objects.select_related("step_record__enrollment__organization")
        .filter(pk=pk)
        .first()
    )
    if evidence is None or not request.scope.can_download_evidence(
        evidence.step_record.enrollment.organization
    ):
        raise Http404
    response: HttpResponseBase = send_file(evidence.file)
    return response
