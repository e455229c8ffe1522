"""The reporting exports run by the background worker are declared next to their views
(`build_*` functions registered with `vanguard.reports.jobs.export`); importing the views
registers them."""

from vanguard.reporting.views import campaign_report, summaries  # noqa: F401
