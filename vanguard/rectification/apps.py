from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "vanguard.rectification"
    label = "rectification"
    verbose_name = _("Rectification")

    def ready(self):
        # Register this app's compliance rules with the one registry (campaigns.compliance).
        from . import compliance  # noqa: F401
