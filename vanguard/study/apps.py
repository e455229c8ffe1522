from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudyConfig(AppConfig):
    name = "vanguard.study"
    label = "study"
    verbose_name = _("Study and mobilisation")

    def ready(self):
        # Register this app's compliance rules with the one registry (campaigns.compliance).
        from . import compliance, signals  # noqa: F401
