"""Dates in running text (messages, findings, exports): the active language's DATE_FORMAT,
as Django's localised formats give it (`vanguard/formats/zh_Hans/formats.py`: 2024年7月1日;
English: July 1, 2024). Templates use the `date` filter the same way."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from django.utils.formats import date_format
from django.utils.translation import get_language


def format_date(value: date | None) -> str:
    """A date as users read it: 2024年7月1日 in Chinese, July 1, 2024 in English."""
    return _format_date(value, get_language()) if value else ""


def date_formatter():
    """`format_date` for many dates in the current language, looked up once (rules that
    format a date per row: the lookup costs more than the cached formatting)."""
    language = get_language()
    return lambda value: _format_date(value, language) if value else ""


@lru_cache(maxsize=4096)
def _format_date(value: date, language: str | None) -> str:
    # Django's formatter looks the format up on every call (≈ 0.3 ms); the figures format
    # thousands of deadlines, most of them the same few dates.
    return date_format(value, "DATE_FORMAT")
