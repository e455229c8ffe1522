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
                compliance="vanguard.situation.compliance",  # its 未开展 probe
                demo_loader="vanguard.situation.demo.load_demo",
                # The pages of what a problem is linked to show it, without importing this
                # app: `{% problems_addressed "opinion" opinion.pk %}` (campaigns_tags).
                services={"problems_addressed": "vanguard.situation.services.problems_addressed"},
            )
        )
