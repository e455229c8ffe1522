from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vanguard.core import registry
from vanguard.core.registry import ModuleDef


class CampaignsConfig(AppConfig):
    name = "vanguard.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        # Register the compliance rules of this app with the one compliance registry.
        from . import (
            compliance,  # noqa: F401
            revision,
        )

        revision.connect()

        from vanguard.core.registry import register_todo

        register_todo("campaigns", "vanguard.campaigns.todo.todo")
        # The shell's part of the inspection archive: the phase plan, the campaign's plan.
        registry.register_archive(
            "campaigns",
            unit="vanguard.campaigns.archive.unit_archive",
            campaign="vanguard.campaigns.archive.campaign_archive",
        )
        # The shell's own campaign modules (the phase apps declare theirs in their PhaseApp).
        registry.register_modules(
            "campaigns",
            [ModuleDef("remedial", _("Remedial cycles (补课)"))],
        )
