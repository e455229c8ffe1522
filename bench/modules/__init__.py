"""Each phase module's part of the benchmark, in `bench/modules/<module>.py`:

    pages(campaign, enrollment, *, office, unit_admin) -> list[dict]   # bench.fixture.page(...)
    measure(fixture) -> dict[str, float | str]                         # bulk operations, seconds

Either function may be absent. A module without a file here is simply not measured.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from vanguard.core import registry


def present():
    for app in registry.phase_apps():
        if find_spec(f"bench.modules.{app.label}") is not None:
            yield import_module(f"bench.modules.{app.label}")


def pages(campaign, enrollment, **sessions) -> list[dict]:
    found = []
    for module in present():
        if hasattr(module, "pages"):
            found += module.pages(campaign, enrollment, **sessions)
    return found


def measure(fixture: dict) -> dict[str, float | str]:
    results: dict[str, float | str] = {}
    for module in present():
        if hasattr(module, "measure"):
            results.update(module.measure(fixture))
    return results
