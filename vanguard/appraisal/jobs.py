"""The appraisal exports run by the background worker are declared next to their views
(`build_*` functions registered with `vanguard.reports.jobs.export`); importing the views
registers them."""

from vanguard.appraisal.views import opinions, rounds  # noqa: F401
