from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "vanguard.appraisal"
    label = "appraisal"
    verbose_name = _("Analysis and appraisal")

    def ready(self):
        # Register this app's compliance rules with the one registry (campaigns.compliance).
        from . import compliance  # noqa: F401
