"""The phase modules' bulk operations (hours export, sample draw, appraisal tally)."""

from __future__ import annotations


def measure(fixture: dict) -> dict[str, float | str]:
    return {}
