from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "vanguard.reports"
    label = "reports"
    verbose_name = _("Reports and exports")

    def ready(self):
        from vanguard.campaigns import revision

        revision.not_counted(self.label)  # no figure reads the background jobs
