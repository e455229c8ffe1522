"""Study's pages in the benchmark: a unit's hours page and its roster (点名册)."""

from __future__ import annotations

from bench.fixture import page


def pages(campaign, enrollment, *, office: str, unit_admin: str) -> list[dict]:
    unit = (campaign.pk, enrollment.pk)
    return [
        page("unit hours page", "study-unit-hours", unit, session=unit_admin, replay=True),
        page("roster (点名册)", "study-roster", unit, session=unit_admin),
    ]
