"""Which enrolled unit each organisation belongs to, for figures over many units.

A campaign's enrolled units never nest (`services.enroll`), so every organisation lies in
at most one enrolled unit's subtree. Pages that count members, opinions or marks per unit
fetch the organisations once, filter their rows by organisation id and add up per unit in
Python: far cheaper than matching every row's path against every unit's path in SQL
(hundreds of `LIKE` conditions per row at city scale).
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from vanguard.orgs.models import Organization, path_within

if TYPE_CHECKING:
    from vanguard.campaigns.models import Enrollment


def units_by_org(enrollments: Iterable[Enrollment]) -> dict[int, int]:
    """Organisation id → the id of the enrolled unit whose subtree holds it, for every
    organisation in the enrolled units' subtrees. One query over the organisations."""
    unit_of_path = {e.organization.path: e.pk for e in enrollments}
    if not unit_of_path:
        return {}
    common = os.path.commonprefix(list(unit_of_path))  # noqa: RUF071 (a character prefix)
    common = common[: len(common) - len(common) % Organization.steplen]
    units: dict[int, int] = {}
    for pk, path in Organization.objects.within_path(common).values_list("pk", "path"):
        unit = unit_of(path, unit_of_path)
        if unit is not None:
            units[pk] = unit
    return units


def unit_of(path: str, unit_of_path: dict[str, int]) -> int | None:
    """The unit (from `unit_of_path`: unit path → id) whose subtree holds `path`: a lookup
    per ancestor of the path, not a scan of every unit."""
    step = Organization.steplen
    for end in range(step, len(path) + 1, step):
        unit = unit_of_path.get(path[:end])
        if unit is not None:
            return unit
    return None


def sum_by_unit(
    rows: Iterable[Mapping[str, Any]], units: dict[int, int], fields: list[str]
) -> dict[int, dict[str, int]]:
    """Rows grouped by `organization` (dicts), added up per enrolled unit."""
    totals: dict[int, dict[str, int]] = {}
    for row in rows:
        unit = units.get(row["organization"])
        if unit is None:
            continue
        total = totals.setdefault(unit, dict.fromkeys(fields, 0))
        for name in fields:
            total[name] += row[name] or 0
    return totals


class PathIndex:
    """Rows keyed by an organisation path, found by a unit's path without comparing every
    row with every unit: the rows at the unit itself or below it (`within`), or also at its
    ancestors (`around`). Built once per evaluation; each lookup costs the unit's depth plus
    the rows it returns."""

    def __init__(self, rows: Iterable[tuple[Any, ...]]) -> None:
        self.by_path: dict[str, list[Any]] = {}
        for path, *values in rows:
            self.by_path.setdefault(path, []).append(values[0] if len(values) == 1 else values)
        self.ordered = sorted(self.by_path)

    def within(self, path: str) -> list[Any]:
        """The values of the rows at `path` or in its subtree."""
        found: list[Any] = []
        index = bisect.bisect_left(self.ordered, path)
        while index < len(self.ordered) and path_within(self.ordered[index], path):
            found += self.by_path[self.ordered[index]]
            index += 1
        return found

    def has_within(self, path: str) -> bool:
        """Whether a row is at `path` or in its subtree."""
        index = bisect.bisect_left(self.ordered, path)
        return index < len(self.ordered) and path_within(self.ordered[index], path)

    def has_at_or_above(self, path: str) -> bool:
        """Whether a row is at `path` or at one of its ancestors."""
        step = Organization.steplen
        return any(path[:end] in self.by_path for end in range(step, len(path) + 1, step))

    def around(self, path: str) -> list[Any]:
        """`within`, and the rows at the ancestors of `path`."""
        step = Organization.steplen
        found: list[Any] = []
        for end in range(step, len(path), step):
            found += self.by_path.get(path[:end], [])
        return found + self.within(path)
