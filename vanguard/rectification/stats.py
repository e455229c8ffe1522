"""Figures of rectification lists, computed in the database in one grouped query: items by
status, overdue, published, the roll-up progress (see `rollup`) and the effect (R30): the
share of the problems raised by the public that are solved (done or verified).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum

from vanguard.rectification import rollup
from vanguard.rectification.models import SOLVED, RectificationItemQuerySet, Status


@dataclass
class ListSummary:
    """One list's figures: a unit's (key = enrolment id) or the bureau's own (key None)."""

    key: int | None = None
    items: int = 0
    weight_sum: object = 0
    weighted_sum: object = 0
    by_status: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    overdue_explained: int = 0
    published: int = 0
    public_raised: int = 0
    public_solved: int = 0
    missing_owner_or_deadline: int = 0

    @property
    def progress(self) -> float | None:
        return rollup.from_sums(self.weighted_sum, self.weight_sum)

    @property
    def solved(self) -> int:
        return sum(self.by_status.get(status, 0) for status in SOLVED)

    @property
    def public_share(self) -> float | None:
        """Share (0–1) of the public's problems solved; None when the public raised none."""
        if not self.public_raised:
            return None
        return self.public_solved / self.public_raised

    def count(self, status: str) -> int:
        return self.by_status.get(status, 0)

    def status_counts(self) -> list[tuple[str, str, int]]:
        """(status, label, count) in the order of an item's life."""
        return [(s.value, s.label, self.by_status.get(s.value, 0)) for s in Status]


def summarize(items: QuerySet, today: date) -> dict[int | None, ListSummary]:
    """Figures per list (enrolment id, or None for the bureau's own items), in one query."""
    overdue = RectificationItemQuerySet.overdue_q(today)
    public = Q(from_public=True)
    rows = (
        items.order_by()
        .values("enrollment_id")
        .annotate(
            items=Count("pk"),
            weight_sum=Sum("weight"),
            weighted_sum=rollup.weighted_sum_expression(),
            overdue=Count("pk", filter=overdue),
            overdue_explained=Count("pk", filter=overdue & ~Q(explanation="")),
            published=Count("pk", filter=Q(published_at__isnull=False)),
            public_raised=Count("pk", filter=public),
            public_solved=Count("pk", filter=public & Q(status__in=SOLVED)),
            missing_owner_or_deadline=Count(
                "pk", filter=Q(responsible__isnull=True) | Q(deadline__isnull=True)
            ),
            **{f"n_{status}": Count("pk", filter=Q(status=status)) for status in Status.values},
        )
    )
    summaries = {}
    for row in rows:
        key = row.pop("enrollment_id")
        by_status = {s: row.pop(f"n_{s}") for s in Status.values}
        summaries[key] = ListSummary(key=key, by_status=by_status, **row)
    return summaries


@dataclass
class Totals(ListSummary):
    """All lists together: counts added up; progress is the mean of the lists' (`rollup`)."""

    list_progress: float | None = None
    lists: int = 0

    @property
    def progress(self) -> float | None:
        return self.list_progress


COUNTED = (
    "items",
    "overdue",
    "overdue_explained",
    "published",
    "public_raised",
    "public_solved",
    "missing_owner_or_deadline",
)


def total(summaries) -> Totals:
    summaries = list(summaries)
    result = Totals(lists=len(summaries))
    for summary in summaries:
        for name in COUNTED:
            setattr(result, name, getattr(result, name) + getattr(summary, name))
        for status, count in summary.by_status.items():
            result.by_status[status] = result.by_status.get(status, 0) + count
    result.list_progress = rollup.overall_progress(s.progress for s in summaries)
    return result
