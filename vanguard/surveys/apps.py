from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "vanguard.surveys"
    label = "surveys"
    verbose_name = _("Satisfaction surveys")

    def ready(self):
        # Register this app's compliance rules with the one registry (campaigns.compliance).
        from . import compliance  # noqa: F401
