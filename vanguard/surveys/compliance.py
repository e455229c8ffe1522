"""Compliance rules of this app, registered with `vanguard.campaigns.compliance.compliance_rule`:
a survey before the unit's campaign ends (三.3), a survey the majority was not
dissatisfied with, and the remedial cycle (补课) that follows one they were.

Each rule reads the context's enrolments (with their phases and remedial cycles
prefetched) and the surveys of all of them, loaded once per context.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanguard.campaigns.compliance import (
    ComplianceContext,
    FigureColumn,
    UnitNumber,
    activity,
    activity_ids,
    compliance_rule,
    open_cycle,
    unit_figures,
    unit_links,
)
from vanguard.campaigns.models import EnrollmentStatus
from vanguard.campaigns.verdicts import Finding, Severity
from vanguard.core.dates import format_date
from vanguard.surveys import results
from vanguard.surveys.models import Outcome, Survey, SurveyStatus


def _latest_results(context: ComplianceContext) -> dict[int, results.Result]:
    """The result of each of the context's units' latest closed survey: worked out once per
    context (the verdict and the unit numbers both read it)."""
    found = context.__dict__.get("latest_survey_results")
    if found is None:
        found = context.__dict__["latest_survey_results"] = results.latest_results(
            context.enrollments
        )
    return found


def _surveys(context: ComplianceContext) -> dict[int, list[Survey]]:
    """Every survey of the context's enrolments, newest first: one query per context."""
    cached = context.__dict__.get("surveys_by_enrollment")
    if cached is None:
        cached = defaultdict(list)
        rows = (
            Survey.objects.filter(enrollment_id__in=[e.pk for e in context.enrollments])
            .only("pk", "enrollment_id", "number", "status", "outcome", "opens_on", "closed_on")
            .order_by("-number")
        )
        for survey in rows:
            cached[survey.enrollment_id].append(survey)
        context.__dict__["surveys_by_enrollment"] = cached
    return cached


def _latest_closed(surveys: list[Survey]) -> Survey | None:
    return next((s for s in surveys if s.status == SurveyStatus.CLOSED), None)


def _where(enrollment) -> dict:
    return {"organization": enrollment.organization, "enrollment_id": enrollment.pk}


def _on_unit_page(context: ComplianceContext, enrollment) -> dict:
    """Where a finding without a survey to open is: the unit's page (its survey panel)."""
    return {**_where(enrollment), "links": unit_links(context, enrollment)}


@activity
def units_with_surveys(context: ComplianceContext) -> set[int]:
    """Units with a survey made (for 未开展): one query."""
    ids = activity_ids(context)
    if not ids:
        return set()
    return set(Survey.objects.filter(enrollment__in=ids).values_list("enrollment", flat=True))


def _result_links(context, enrollment, survey_id) -> tuple:
    url = context.url("surveys:results", survey_id)
    return unit_links(context, enrollment, (str(_("Survey results")), url))


def _last_phase(enrollment, rules):
    """The (start, end) of the unit's last phase, or (None, the batch's end) unplanned."""
    last = rules.phases[-1].code
    window = next((w for w in enrollment.phases.all() if w.phase_code == last), None)
    if window is None:
        return None, enrollment.batch.ends_on
    return window.starts_on, window.ends_on


@compliance_rule(
    "surveys.taken",
    gettext_lazy("A public satisfaction survey before the unit's campaign ends"),
    module="surveys",
)
def survey_taken(context: ComplianceContext) -> list[Finding]:
    rules = context.campaign.rules
    surveys = _surveys(context)
    findings = []
    for enrollment in context.enrollments:
        if enrollment.status == EnrollmentStatus.CLOSED:
            continue
        mine = surveys.get(enrollment.pk, [])
        if _latest_closed(mine) is not None:
            continue
        starts, ends = _last_phase(enrollment, rules)
        if mine:  # in preparation or open
            if ends < context.today:
                message = _("The survey is not closed yet, though the campaign ended on %(date)s")
                findings.append(
                    Finding(
                        Severity.WARNING,
                        message % {"date": format_date(ends)},
                        dates=(ends,),
                        **_on_unit_page(context, enrollment),
                    )
                )
            continue
        if ends < context.today:
            message = _("No satisfaction survey, though the campaign ended on %(date)s")
            findings.append(
                Finding(
                    Severity.FAILING,
                    message % {"date": format_date(ends)},
                    dates=(ends,),
                    **_on_unit_page(context, enrollment),
                )
            )
        elif starts is not None and starts <= context.today:
            message = _("No satisfaction survey yet; the last phase ends on %(date)s")
            findings.append(
                Finding(
                    Severity.WARNING,
                    message % {"date": format_date(ends)},
                    dates=(ends,),
                    **_on_unit_page(context, enrollment),
                )
            )
    return findings


@compliance_rule(
    "surveys.satisfied",
    gettext_lazy("The public not dissatisfied in the latest survey"),
    module="surveys",
)
def survey_satisfied(context: ComplianceContext) -> list[Finding]:
    surveys = _surveys(context)
    closed = [
        enrollment
        for enrollment in context.enrollments
        if _latest_closed(surveys.get(enrollment.pk, [])) is not None
    ]
    if not closed:
        return []
    found = _latest_results(context)
    findings = []
    for enrollment in closed:
        result = found[enrollment.pk]
        dates = (result.closed_on,) if result.closed_on else ()
        links = _result_links(context, enrollment, result.survey_id)
        if result.passed:
            findings.append(
                Finding(
                    Severity.OK,
                    _(
                        "Survey %(number)s passed: %(dissatisfied)s of %(total)s valid "
                        "responses dissatisfied (response rate %(rate)s)"
                    )
                    % {
                        "number": result.number,
                        "dissatisfied": result.combined.dissatisfied,
                        "total": result.responses,
                        "rate": f"{result.response_rate or 0:.1f}%",
                    },
                    dates=dates,
                    links=links,
                    **_where(enrollment),
                )
            )
        elif result.failed:
            message = _(
                "Survey %(number)s: %(dissatisfied)s of %(total)s valid responses dissatisfied, "
                "a majority"
            ) % {
                "number": result.number,
                "dissatisfied": result.combined.dissatisfied,
                "total": result.responses,
            }
            findings.append(
                Finding(Severity.FAILING, message, dates=dates, links=links, **_where(enrollment))
            )
        elif result.invalid:
            message = _(
                "Survey %(number)s is invalid (neither passed nor failed): %(reason)s; survey "
                "the unit again"
            ) % {"number": result.number, "reason": result.invalid_reason}
            findings.append(
                Finding(Severity.WARNING, message, dates=dates, links=links, **_where(enrollment))
            )
        else:
            message = _("Survey %(number)s closed with no responses; survey the unit again") % {
                "number": result.number
            }
            findings.append(
                Finding(Severity.WARNING, message, dates=dates, links=links, **_where(enrollment))
            )
    return findings


@compliance_rule(
    "surveys.remedial",
    gettext_lazy("Remedial cycles (补课) followed by a passed survey"),
    module="surveys",
)
def remedial_resurveyed(context: ComplianceContext) -> list[Finding]:
    surveys = _surveys(context)
    findings = []
    for enrollment in context.enrollments:
        cycle = open_cycle(enrollment)
        if cycle is None:
            continue
        passed_after = any(
            s.outcome == Outcome.PASSED and s.opens_on >= cycle.opened_on
            for s in surveys.get(enrollment.pk, [])
        )
        if passed_after:
            continue
        opened = format_date(cycle.opened_on)
        if cycle.ends_on is not None and cycle.ends_on < context.today:
            message = _(
                "The remedial cycle opened on %(opened)s ended on %(ended)s without a passed "
                "new survey"
            ) % {"opened": opened, "ended": format_date(cycle.ends_on)}
            level = Severity.FAILING
        else:
            message = _(
                "Remedial cycle (补课) in progress since %(opened)s: a new survey is required"
            ) % {"opened": opened}
            level = Severity.WARNING
        findings.append(
            Finding(level, message, dates=(cycle.opened_on,), **_on_unit_page(context, enrollment))
        )
    return findings


@unit_figures(
    FigureColumn("surveys.satisfaction", gettext_lazy("Satisfaction rate"), "percent"),
    FigureColumn("surveys.outcome", gettext_lazy("Survey result"), "text"),
    module="surveys",
)
def survey_figures(context: ComplianceContext) -> dict[int, dict[str, UnitNumber]]:
    """The 满意率 and outcome of each unit's latest closed survey (three queries); the rate
    only where the survey may be shown (the template's k-anonymity threshold)."""
    found = _latest_results(context)
    figures: dict[int, dict[str, UnitNumber]] = {}
    for pk, result in found.items():
        figures[pk] = {
            "surveys.satisfaction": result.combined.satisfied_share if result.shown else None,
            "surveys.outcome": result.outcome_label,
        }
    return figures
