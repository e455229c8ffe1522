"""The campaign's effect (R30, notice 二): per unit and overall, the share of the problems
raised by the public that are solved, and the latest public satisfaction.

Satisfaction comes from the survey module, which does not exist yet. It plugs in here
without this app importing it: in its `AppConfig.ready()` it calls
`register_satisfaction_provider(provider)`, where
`provider(campaign, enrollment_ids) -> {enrollment_id: Satisfaction}` gives each unit's
latest result (units not surveyed yet are left out). Until a provider is registered every
unit shows "no survey yet".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Satisfaction:
    """A unit's latest satisfaction survey result."""

    satisfied_share: float  # 0–1: the responses not counted as dissatisfied
    responses: int
    surveyed_on: date
    redo_required: bool  # the template's rule: a dissatisfied majority means 补课


Provider = Callable[[object, list[int]], Mapping[int, Satisfaction]]
_providers: list[Provider] = []
_tables: set[str] = set()


def register_satisfaction_provider(provider: Provider, tables: Iterable[str] = ()) -> None:
    """Called once by the survey module; registering the same provider again is a no-op.
    `tables`: the database tables its results are read from (what keeps them current)."""
    if provider not in _providers:
        _providers.append(provider)
    _tables.update(tables)


def provider_tables() -> list[str]:
    """The tables the registered providers read: a figure made from their results is
    kept until one of them is written (`revision.table_stamp`)."""
    return sorted(_tables)


def unregister_satisfaction_provider(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def latest_satisfaction(campaign, enrollment_ids: Iterable[int]) -> dict[int, Satisfaction]:
    """Each unit's latest result, from the registered providers (later ones win)."""
    ids = list(enrollment_ids)
    results: dict[int, Satisfaction] = {}
    for provider in _providers:
        results.update(provider(campaign, ids))
    return results


def pooled_satisfaction(results: Iterable[Satisfaction]) -> float | None:
    """The overall satisfied share: the units' results pooled by their responses."""
    results = [r for r in results if r.responses]
    responses = sum(r.responses for r in results)
    if not responses:
        return None
    return sum(r.satisfied_share * r.responses for r in results) / responses
