"""The phase modules' pages the benchmark measures (hours, roster, public rectification
list, survey and opinion submissions). Each returns a "missing" entry until its module
provides the page."""

from __future__ import annotations


def pages(campaign, enrollment, *, office: str, unit_admin: str) -> list[dict]:
    return []
