from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "vanguard.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        # Register the compliance rules of this app with the one compliance registry.
        from . import (
            compliance,  # noqa: F401
            revision,
        )

        revision.connect()

        from vanguard.core.registry import register_todo

        register_todo("campaigns", "vanguard.campaigns.todo.todo")
