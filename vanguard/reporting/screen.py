"""The data screen's figures (数据大屏): what `static/js/screen.js` draws, as JSON.

Read from the stored figures (`campaign_report.build`, which reads
`campaigns.figures`): a constant number of queries whatever the number of units.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.campaigns.verdicts import Severity
from vanguard.reporting.campaign_report import LEVELS, ReportData, display, percent

# 参学率 bands (per cent) and their labels.
RATE_BANDS = ((0, 60), (60, 80), (80, 90), (90, 95), (95, 101))
HOURS_BAND = 8  # width of a band of average study hours
LEVEL_COLOURS = {Severity.OK: "#43a047", Severity.WARNING: "#fbc02d", Severity.FAILING: "#e53935"}


def payload(data: ReportData, as_of: datetime) -> dict[str, Any]:
    columns = {c.key: c for c in data.columns}
    return {
        "campaign": data.campaign.title,
        "as_of": timezone.localtime(as_of).strftime("%H:%M:%S"),
        "kpis": _kpis(data),
        "batches": [b.title for b in data.batches],
        "progress": _progress(data),
        "participation": _bands(data, columns.get("study.participation")),
        "hours": _hours(data),
        "per_batch": {
            key: [b.numbers.get(key) for b in data.batches]
            for key in (
                "appraisal.opinions",
                "appraisal.answered",
                "rectification.items",
                "rectification.done",
                "rectification.overdue",
            )
            if key in columns
        },
        "labels": {key: str(column.label) for key, column in columns.items()},
        "satisfaction": _satisfaction(data, columns.get("surveys.satisfaction")),
        "levels": [{"name": level.label, "color": LEVEL_COLOURS[level]} for level in LEVELS],
        "tree": _tree(data),
    }


def _kpis(data: ReportData) -> list[dict[str, str]]:
    """The headline figures, campaign-wide."""
    kpis = [{"key": "units", "label": _("Units"), "value": str(len(data.total.units))}]
    for column in data.columns:
        if column.kind == "text" or column.key == "plan.remedial":
            continue
        value = display(column, data.total.numbers.get(column.key))
        kpis.append({"key": column.key, "label": str(column.label), "value": value})
    return kpis


def _progress(data: ReportData) -> dict[str, Any]:
    """Units per batch in each phase today (stacked bars)."""
    phases: list[str] = []
    counts = []
    for batch in data.batches:
        counted = Counter(unit.phase for unit in batch.units)
        counts.append(counted)
        phases += [phase for phase in counted if phase not in phases]
    return {"phases": phases, "series": [[c.get(p, 0) for c in counts] for p in phases]}


def _bands(data: ReportData, column) -> dict[str, Any]:
    if column is None:
        return {"labels": [], "counts": []}
    labels = [f"{low}–{min(high, 100)}%" for low, high in RATE_BANDS]
    counts = [0] * len(RATE_BANDS)
    for unit in data.units:
        value = percent(column, unit.numbers.get(column.key))
        if value is None:
            continue
        for index, (low, high) in enumerate(RATE_BANDS):
            if low <= value < high:
                counts[index] += 1
    return {"labels": labels, "counts": counts}


def _hours(data: ReportData) -> dict[str, Any]:
    values = [u.numbers.get("study.hours") for u in data.units]
    present = [float(v) for v in values if isinstance(v, int | float)]
    if not present:
        return {"labels": [], "counts": []}
    bands = int(max(present) // HOURS_BAND) + 1
    counts = [0] * bands
    for value in present:
        counts[int(value // HOURS_BAND)] += 1
    labels = [f"{n * HOURS_BAND}–{(n + 1) * HOURS_BAND}" for n in range(bands)]
    return {"labels": labels, "counts": counts}


def _satisfaction(data: ReportData, column) -> dict[str, Any]:
    if column is None:
        return {"value": None, "batches": []}
    return {
        "value": percent(column, data.total.numbers.get(column.key)),
        "batches": [percent(column, b.numbers.get(column.key)) for b in data.batches],
    }


def _tree(data: ReportData) -> list[dict[str, Any]]:
    """Batches holding their units, each coloured by its verdict (a treemap)."""
    return [
        {
            "name": batch.title,
            "children": [
                {
                    "name": unit.name,
                    "value": 1,
                    "level": int(unit.level),
                    "itemStyle": {"color": LEVEL_COLOURS[unit.level]},
                }
                for unit in batch.units
            ],
        }
        for batch in data.batches
    ]
