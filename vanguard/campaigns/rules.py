"""The notice's rules for a unit's phase plan (R5), as plain functions of plain values.

The thresholds come from the campaign's template; the form that edits a plan and the
compliance verdict both call `phase_plan_problems`, so the rule lives here only.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from vanguard.campaigns.template import CampaignTemplate
from vanguard.campaigns.verdicts import Level


@dataclass(frozen=True)
class PlanProblem:
    kind: str  # not_planned, inverted, overlap, outside_batch, too_short, length
    level: Level
    message: str
    phase_code: str | None = None
    blocking: bool = False  # the plan cannot be saved while this stands


def inclusive_days(start: date, end: date) -> int:
    """Days from `start` to `end`, counting both ends (1 January – 31 March is 90 days)."""
    return (end - start).days + 1


def format_date(value: date) -> str:
    """A date as users read it: 2024年7月1日 in Chinese."""
    return _format_date(value, get_language()) if value else ""


def date_formatter():
    """`format_date` for many dates in the current language, looked up once (rules that
    format a date per row: the lookup costs more than the cached formatting)."""
    language = get_language()
    return lambda value: _format_date(value, language) if value else ""


@lru_cache(maxsize=4096)
def _format_date(value: date, language: str | None) -> str:
    # Django's formatter looks the format up on every call (≈ 0.3 ms); the figures format
    # thousands of deadlines, most of them the same few dates.
    return date_format(value, "DATE_FORMAT")


def phase_plan_problems(
    windows: Mapping[str, tuple[date, date]],
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
        return [PlanProblem("not_planned", Level.FAILING, _("No phase is planned yet"))]
    problems: list[PlanProblem] = []
    planned = []
    for phase in rules.phases:
        window = windows.get(phase.code)
        if window is None or None in window:
            message = _("%(phase)s is not planned") % {"phase": phase.title}
            problems.append(PlanProblem("not_planned", Level.FAILING, message, phase.code))
            continue
        start, end = window
        if end < start:
            problems.append(
                PlanProblem(
                    "inverted",
                    Level.FAILING,
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


def _order_problems(planned) -> list[PlanProblem]:
    problems = []
    for (before, _s, before_end), (after, after_start, _e) in itertools.pairwise(planned):
        if after_start <= before_end:
            problems.append(
                PlanProblem(
                    "overlap",
                    Level.FAILING,
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


def _batch_problems(planned, batch_start: date, batch_end: date) -> list[PlanProblem]:
    problems = []
    for phase, start, end in planned:
        if start < batch_start or end > batch_end:
            problems.append(
                PlanProblem(
                    "outside_batch",
                    Level.FAILING,
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


def _length_problems(planned, rules: CampaignTemplate, category) -> list[PlanProblem]:
    problems = []
    for phase, start, end in planned:
        days = inclusive_days(start, end)
        low, high = rules.phase_duration_bounds(phase.code, category=category)
        if not low <= days <= high:
            problems.append(
                PlanProblem(
                    "length",
                    Level.WARNING,
                    _("%(phase)s lasts %(days)s days; the notice plans about %(nominal)s")
                    % {"phase": phase.title, "days": days, "nominal": phase.duration_days},
                    phase.code,
                )
            )
    if planned:
        minimum = rules.threshold("min_concentrated_days", category=category)
        first_start, last_end = planned[0][1], planned[-1][2]
        total = inclusive_days(first_start, last_end)
        if total < minimum:
            problems.append(
                PlanProblem(
                    "too_short",
                    Level.FAILING,
                    _("The concentrated period lasts %(days)s days, less than %(minimum)s")
                    % {"days": total, "minimum": minimum},
                )
            )
    return problems
