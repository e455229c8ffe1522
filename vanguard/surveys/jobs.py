"""The survey results PDF run by the background worker is declared next to its view
(`vanguard/surveys/views.py`); importing the views registers it."""

from vanguard.surveys.views import surveys  # noqa: F401
