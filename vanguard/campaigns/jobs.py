"""The set-up's background job — the enrolment of a batch from an Excel list — is declared
next to its view (`vanguard/campaigns/views/setup.py`); importing it registers it."""

from vanguard.campaigns.views import setup  # noqa: F401
