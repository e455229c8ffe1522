from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "vanguard.oversight"
    label = "oversight"
    verbose_name = _("Leadership and supervision")

    def ready(self):
        # Register this app's compliance rules with the one registry (campaigns.compliance).
        from . import compliance  # noqa: F401
