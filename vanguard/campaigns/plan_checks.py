"""The notice's checks of a unit's phase plan (R5), as plain functions of plain values.

The thresholds come from the campaign's template; the form that edits a plan and the
compliance verdict both call `phase_plan_problems`, so the rule lives here only.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from vanguard.campaigns.template import CampaignTemplate, PhaseDef
from vanguard.campaigns.verdicts import Severity
from vanguard.core.dates import format_date

# A phase's (start, end) as entered; None where a date is missing.
Window = tuple[date | None, date | None]
# A planned phase: (the phase, its first day, its last day).
Planned = tuple[PhaseDef, date, date]


@dataclass(frozen=True)
class PlanProblem:
    kind: str  # not_planned, inverted, overlap, outside_batch, too_short, length
    level: Severity
    message: str
    phase_code: str | None = None
    blocking: bool = False  # the plan cannot be saved while this stands


def inclusive_days(start: date, end: date) -> int:
    """Days from `start` to `end`, counting both ends (1 January – 31 March is 90 days)."""
    return (end - start).days + 1


def phase_plan_problems(
    windows: Mapping[str, Window],
    *,
    batch_start: date,
    batch_end: date,
    rules: CampaignTemplate,
    category: str | None = None,
) -> list[PlanProblem]:
    """Every way a unit's plan breaks the notice: missing, inverted, overlapping or
    out-of-order phases, phases outside the batch, a concentrated period that is too
    short, and phases far from their nominal length."""
    if not any(None not in window for window in windows.values()):
        return [PlanProblem("not_planned", Severity.FAILING, _("No phase is planned yet"))]
    problems: list[PlanProblem] = []
    planned: list[Planned] = []
    for phase in rules.phases:
        start, end = windows.get(phase.code) or (None, None)
        if start is None or end is None:
            message = _("%(phase)s is not planned") % {"phase": phase.title}
            problems.append(PlanProblem("not_planned", Severity.FAILING, message, phase.code))
            continue
        if end < start:
            problems.append(
                PlanProblem(
                    "inverted",
                    Severity.FAILING,
                    _("%(phase)s ends before it starts") % {"phase": phase.title},
                    phase.code,
                    blocking=True,
                )
            )
            continue
        planned.append((phase, start, end))
    problems += _order_problems(planned)
    problems += _batch_problems(planned, batch_start, batch_end)
    problems += _length_problems(planned, rules, category)
    return problems


def _order_problems(planned: list[Planned]) -> list[PlanProblem]:
    problems = []
    for (before, _s, before_end), (after, after_start, _e) in itertools.pairwise(planned):
        if after_start <= before_end:
            problems.append(
                PlanProblem(
                    "overlap",
                    Severity.FAILING,
                    _("%(after)s starts on %(start)s, before %(before)s ends on %(end)s")
                    % {
                        "after": after.title,
                        "start": format_date(after_start),
                        "before": before.title,
                        "end": format_date(before_end),
                    },
                    after.code,
                    blocking=True,
                )
            )
    return problems


def _batch_problems(
    planned: list[Planned], batch_start: date, batch_end: date
) -> list[PlanProblem]:
    problems = []
    for phase, start, end in planned:
        if start < batch_start or end > batch_end:
            problems.append(
                PlanProblem(
                    "outside_batch",
                    Severity.FAILING,
                    _("%(phase)s (%(start)s – %(end)s) lies outside the batch (%(bs)s – %(be)s)")
                    % {
                        "phase": phase.title,
                        "start": format_date(start),
                        "end": format_date(end),
                        "bs": format_date(batch_start),
                        "be": format_date(batch_end),
                    },
                    phase.code,
                )
            )
    return problems


def _length_problems(
    planned: list[Planned], rules: CampaignTemplate, category: str | None
) -> list[PlanProblem]:
    problems = []
    for phase, start, end in planned:
        days = inclusive_days(start, end)
        low, high = rules.phase_duration_bounds(phase.code, category=category)
        if not low <= days <= high:
            problems.append(
                PlanProblem(
                    "length",
                    Severity.WARNING,
                    _("%(phase)s lasts %(days)s days; the notice plans about %(nominal)s")
                    % {"phase": phase.title, "days": days, "nominal": phase.duration_days},
                    phase.code,
                )
            )
    if planned:
        # 五: 一般不得少于3个月 — in calendar months or days, as the template says it.
        minimum = rules.min_concentrated(category=category)
        first_start, last_end = planned[0][1], planned[-1][2]
        if not minimum.reached(first_start, last_end):
            problems.append(
                PlanProblem(
                    "too_short",
                    Severity.FAILING,
                    _(
                        "The concentrated period (%(start)s – %(end)s, %(days)s days) is "
                        "shorter than %(minimum)s: it would have to last until %(until)s"
                    )
                    % {
                        "start": format_date(first_start),
                        "end": format_date(last_end),
                        "days": inclusive_days(first_start, last_end),
                        "minimum": minimum.label(),
                        "until": format_date(minimum.last_day(first_start)),
                    },
                )
            )
    return problems
