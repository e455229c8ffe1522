from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vanguard.core.registry import PhaseApp, register


class SituationConfig(AppConfig):
    name = "vanguard.situation"
    label = "situation"
    verbose_name = _("The unit's situation")

    def ready(self):
        # 五.1(1) 摸清问题: everything this app adds to the shell, in the one registry.
        register(
            PhaseApp(
                label="situation",
                order=5,  # the first step of the first phase
                archive="vanguard.situation.archive.unit_archive",
                owned_steps="vanguard.situation.services.owned_steps",
                demo_loader="vanguard.situation.demo.load_demo",
            )
        )
