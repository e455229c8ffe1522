"""The phase modules' pages the benchmark measures (hours, roster, public rectification
list, survey and opinion submissions). A page whose module is not there is reported
"not built yet"."""

from __future__ import annotations

from bench.fixture import page


def pages(campaign, enrollment, *, office: str, unit_admin: str) -> list[dict]:
    unit = (campaign.pk, enrollment.pk)
    return [
        page("unit hours page", "study-unit-hours", unit, session=unit_admin, replay=True),
        page("roster (点名册)", "study-roster", unit, session=unit_admin),
        *_public_pages(campaign, enrollment),
    ]


def _public_pages(campaign, enrollment) -> list[dict]:
    return [
        page("public rectification list", "public-rectification-campaign", [campaign.code]),
        {"name": "survey response submission", "missing": "generator for surveys not written"},
        {"name": "opinion submission", "missing": "generator for opinions not written"},
    ]
