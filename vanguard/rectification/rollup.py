"""How items' progress rolls up into a unit's progress and the campaign's.

The rule follows Decidim's accountability module (`Decidim::Accountability::Result`):
a parent result's progress is either the plain average of its children's progress or,
when the children carry weights, the sum of progress × weight (Decidim's weights are
fractions that add up to 1); the component's overall progress is the average of the
top-level results.

Here:

- **An item's progress** is its percentage, 0–100. Done and verified items are at 100
  (the database enforces it); a reopened item is at whatever the upper level set when it
  reopened it (0 by default), since the earlier work was judged ineffective.
- **A unit's progress** is the weighted mean of its items' progress:
  Σ(progressᵢ × weightᵢ) / Σ weightᵢ. Every item weighs 1 unless the unit gives it
  another weight. With equal weights this is Decidim's plain average; with weights that
  add up to 1 it is exactly Decidim's weighted sum. Dividing by the total weight keeps
  the result in 0–100 whatever the weights add up to — where Decidim would exceed 100
  (and it ignores all weights as soon as one child weighs exactly 1; we do not copy that).
- **A unit with no items has no progress** (None, shown as "no items"), not 0 % or 100 %.
- **The campaign's progress** is the plain mean of the progress of its top-level lists —
  each enrolled unit's list and the bureau's own list — leaving out lists with no items,
  as Decidim averages its top-level results. So a large unit does not outweigh a small one.

The same functions serve the public site, fed with published items only.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Sum


def weighted_progress(pairs: Iterable[tuple[int, Decimal | int | float]]) -> float | None:
    """The weighted mean of `(progress, weight)` pairs; None when there are none."""
    total = Decimal(0)
    weighted = Decimal(0)
    for progress, weight in pairs:
        weight = Decimal(str(weight))
        total += weight
        weighted += Decimal(progress) * weight
    return from_sums(weighted, total)


def from_sums(weighted_sum, weight_sum) -> float | None:
    """A unit's progress from Σ(progress × weight) and Σ weight (as the database sums them)."""
    if not weight_sum:
        return None
    return float(Decimal(weighted_sum) / Decimal(weight_sum))


def overall_progress(list_progresses: Iterable[float | None]) -> float | None:
    """The campaign's progress: the plain mean of its lists' progress, empty lists left out."""
    values = [value for value in list_progresses if value is not None]
    if not values:
        return None
    return sum(values) / len(values)


def weighted_sum_expression():
    """Σ(progress × weight) in the database, for `aggregate`/`annotate`."""
    return Sum(
        ExpressionWrapper(
            F("progress") * F("weight"), output_field=DecimalField(max_digits=12, decimal_places=2)
        )
    )
