from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "vanguard.reports"
    label = "reports"
    # No figure reads the background jobs: writing them moves no data revision.
    counted_by_figures = False
    verbose_name = _("Reports and exports")
