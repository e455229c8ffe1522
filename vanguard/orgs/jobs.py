"""The organisation and member workbook export and import run by the background worker are
declared next to their views (`vanguard/orgs/views/excel.py`); importing them registers them."""

from vanguard.orgs.views import excel  # noqa: F401
