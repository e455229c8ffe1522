"""Compliance rules of this app, registered with `vanguard.campaigns.compliance.rule`:
a survey before the unit's campaign ends (三.3), a survey the majority was not
dissatisfied with, and the remedial cycle (补课) that follows one they were.

Each rule reads the context's enrolments (with their phases and remedial cycles
prefetched) and the surveys of all of them, loaded once per context.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanguard.campaigns.compliance import ComplianceContext, open_cycle, rule
from vanguard.campaigns.models import EnrollmentStatus
from vanguard.campaigns.rules import format_date
from vanguard.campaigns.verdicts import Finding, Level
from vanguard.surveys import results
from vanguard.surveys.models import Outcome, Survey, SurveyStatus


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


def _last_phase(enrollment, rules):
    """The (start, end) of the unit's last phase, or (None, the batch's end) unplanned."""
    last = rules.phases[-1].code
    window = next((w for w in enrollment.phases.all() if w.phase_code == last), None)
    if window is None:
        return None, enrollment.batch.ends_on
    return window.starts_on, window.ends_on


@rule(
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
                        Level.WARNING,
                        message % {"date": format_date(ends)},
                        dates=(ends,),
                        **_where(enrollment),
                    )
                )
            continue
        if ends < context.today:
            message = _("No satisfaction survey, though the campaign ended on %(date)s")
            findings.append(
                Finding(
                    Level.FAILING,
                    message % {"date": format_date(ends)},
                    dates=(ends,),
                    **_where(enrollment),
                )
            )
        elif starts is not None and starts <= context.today:
            message = _("No satisfaction survey yet; the last phase ends on %(date)s")
            findings.append(
                Finding(
                    Level.WARNING,
                    message % {"date": format_date(ends)},
                    dates=(ends,),
                    **_where(enrollment),
                )
            )
    return findings


@rule(
    "surveys.satisfied",
    gettext_lazy("The public not dissatisfied in the latest survey"),
    module="surveys",
)
def survey_satisfied(context: ComplianceContext) -> list[Finding]:
    surveys = _surveys(context)
    failing = []
    for enrollment in context.enrollments:
        latest = _latest_closed(surveys.get(enrollment.pk, []))
        if latest is not None and latest.outcome != Outcome.PASSED:
            failing.append(enrollment)
    if not failing:
        return []
    found = results.latest_results(failing)
    findings = []
    for enrollment in failing:
        result = found[enrollment.pk]
        dates = (result.closed_on,) if result.closed_on else ()
        if result.failed:
            message = _(
                "Survey %(number)s: %(dissatisfied)s of %(total)s valid responses dissatisfied, "
                "a majority"
            ) % {
                "number": result.number,
                "dissatisfied": result.combined.dissatisfied,
                "total": result.responses,
            }
            findings.append(Finding(Level.FAILING, message, dates=dates, **_where(enrollment)))
        else:
            message = _("Survey %(number)s closed with no responses; survey the unit again") % {
                "number": result.number
            }
            findings.append(Finding(Level.WARNING, message, dates=dates, **_where(enrollment)))
    return findings


@rule(
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
            level = Level.FAILING
        else:
            message = _(
                "Remedial cycle (补课) in progress since %(opened)s: a new survey is required"
            ) % {"opened": opened}
            level = Level.WARNING
        findings.append(Finding(level, message, dates=(cycle.opened_on,), **_where(enrollment)))
    return findings
