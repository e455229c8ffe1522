from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vanguard.core.registry import PhaseApp, register


class ArchiveConfig(AppConfig):
    name = "vanguard.archive"
    label = "archive"
    verbose_name = _("Inspection archive")

    def ready(self):
        # The archive assembles what the other apps declare (`archive` in their PhaseApp);
        # it adds only its buttons to the shell: on a unit's page and the overview.
        register(
            PhaseApp(
                label="archive",
                order=90,
                unit_panel="archive/_unit.html",
                overview_panel="archive/_overview.html",
            )
        )
