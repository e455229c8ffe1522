"""The campaign report (活动总结报告) for the leading group, and the figures of the data screen.

Everything is read from the stored unit summaries (`campaigns.figures.campaign_tally`: each
unit's level and its `numbers`, filled by the phase apps' `@unit_figures` sources), so
neither the report nor the screen counts anything per unit: their queries do not grow with
the units. A batch's figure is the sum of its units' counts and the mean of their rates.
The commendations come from the app offering the service `report.commendations` (none when
no app does).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from statistics import mean

from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.campaigns import figures
from vanguard.campaigns.compliance import FigureColumn, UnitNumber, figure_columns
from vanguard.campaigns.models import Campaign
from vanguard.campaigns.verdicts import Severity
from vanguard.core import registry

SUMMED = ("count", "flag")  # a batch's value is its units' sum; of the others, their mean
LEVELS = (Severity.OK, Severity.WARNING, Severity.FAILING)


@dataclass
class UnitRow:
    pk: int
    name: str
    batch: str
    numbers: dict[str, UnitNumber]
    level: Severity
    phase: str = ""  # the phase the unit is in today (its plan), or why none


@dataclass
class BatchRow:
    title: str
    units: list[UnitRow]
    numbers: dict[str, UnitNumber] = field(default_factory=dict)
    levels: dict[Severity, int] = field(default_factory=dict)

    @property
    def level_counts(self) -> list[int]:
        """Units OK, with warnings, failing."""
        return [self.levels.get(level, 0) for level in LEVELS]


@dataclass
class ReportData:
    campaign: Campaign
    made_at: datetime
    columns: list[FigureColumn]
    batches: list[BatchRow]
    total: BatchRow
    commendations: list[dict[str, str]]
    remedial: list[UnitRow]
    effects: list[tuple[str, str]]

    @property
    def units(self) -> list[UnitRow]:
        return [unit for batch in self.batches for unit in batch.units]


def build(campaign: Campaign, scope, *, commendations: bool = True) -> ReportData:
    """The report's figures as far as `scope` reaches (the leading group: the campaign)."""
    tally = figures.campaign_tally(campaign, scope=scope)
    today = timezone.localdate()
    # flags (in 补课) are listed apart, not as a column
    columns = [c for c in figure_columns(campaign) if c.kind != "flag"]
    by_batch: dict[int, BatchRow] = {}
    for enrollment in tally.enrollments:
        stored = tally.summaries[enrollment.pk]
        row = UnitRow(
            enrollment.pk,
            enrollment.organization.name,
            enrollment.batch.title,
            stored.numbers,
            stored.level,
            _phase_today(stored.bars, today),
        )
        batch = by_batch.setdefault(enrollment.batch_id, BatchRow(enrollment.batch.title, []))
        batch.units.append(row)
    batches = list(by_batch.values())
    for batch in batches:
        _add_up(batch, columns)
    total = _add_up(BatchRow(_("All batches"), [u for b in batches for u in b.units]), columns)
    service = registry.service("report.commendations") if commendations else None
    return ReportData(
        campaign=campaign,
        made_at=timezone.now(),
        columns=columns,
        batches=batches,
        total=total,
        commendations=service(campaign) if service is not None else [],
        remedial=[u for u in total.units if u.numbers.get("plan.remedial")],
        effects=_effects(total, columns),
    )


def _phase_today(bars, today: date) -> str:
    """The title of the phase a unit's plan puts it in today, or why there is none."""
    if not bars:
        return _("Not planned")
    for bar in bars:
        if bar.starts_on <= today <= bar.ends_on:
            return str(bar.title)
    if today < min(bar.starts_on for bar in bars):
        return _("Not started")
    return _("Phases ended")


def _add_up(batch: BatchRow, columns: list[FigureColumn]) -> BatchRow:
    for column in columns:
        values = [u.numbers.get(column.key) for u in batch.units]
        present = [v for v in values if v is not None and v != ""]
        if column.kind in SUMMED:
            batch.numbers[column.key] = sum(int(v) for v in present)
        elif column.kind == "text":
            counted = Counter(str(v) for v in present)
            batch.numbers[column.key] = "、".join(f"{k} {n}" for k, n in counted.most_common())
        else:
            numbers = [float(v) for v in present]
            batch.numbers[column.key] = mean(numbers) if numbers else None
    counted_levels = Counter(u.level for u in batch.units)
    batch.levels = {level: counted_levels.get(level, 0) for level in LEVELS}
    return batch


# The effect measures (效果): problems solved and the public's satisfaction.
EFFECT_KEYS = (
    "rectification.done",
    "rectification.public_solved",
    "surveys.satisfaction",
    "surveys.outcome",
)


def _effects(total: BatchRow, columns: list[FigureColumn]) -> list[tuple[str, str]]:
    shown = {c.key: c for c in columns}
    return [
        (str(shown[key].label), display(shown[key], total.numbers.get(key)))
        for key in EFFECT_KEYS
        if key in shown
    ]


def display(column: FigureColumn, value: UnitNumber) -> str:
    """A figure as the report and the screen write it."""
    if value is None or value == "":
        return "—"
    if column.kind == "rate":
        return f"{float(value) * 100:.1f}%"
    if column.kind == "percent":
        return f"{float(value):.1f}%"
    if column.kind == "hours":
        return f"{float(value):.1f}"
    if column.kind in SUMMED:
        return str(int(value))
    return str(value)


def row_values(data: ReportData, row: UnitRow | BatchRow) -> list[str]:
    return [display(column, row.numbers.get(column.key)) for column in data.columns]


def percent(column: FigureColumn, value: UnitNumber) -> float | None:
    """A rate or percentage as 0–100 (for charts), None when there is none."""
    if value is None or value == "" or column.kind not in ("rate", "percent"):
        return None
    return float(value) * 100 if column.kind == "rate" else float(value)
