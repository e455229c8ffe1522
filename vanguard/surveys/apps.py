from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vanguard.core.registry import ModuleDef, PhaseApp, PublicLink, register


class SurveysConfig(AppConfig):
    name = "vanguard.surveys"
    label = "surveys"
    verbose_name = _("Satisfaction surveys")

    def ready(self):
        # Everything this app adds to the shell, in the one registry (vanguard.core.registry).
        from . import effect
        from .notifications import EVENTS

        effect.register()  # the campaign's effect figures (R30) show the survey results
        register(
            PhaseApp(
                label="surveys",
                order=40,
                archive="vanguard.surveys.archive.unit_archive",
                nav="surveys/_nav.html",
                unit_panel="surveys/_unit.html",
                member_panel="surveys/_me.html",
                compliance="vanguard.surveys.compliance",
                closure="vanguard.surveys.closure",
                demo_loader="vanguard.surveys.demo.load_demo",
                data_generator="vanguard.surveys.generate",
                modules=(ModuleDef("surveys", _("Public satisfaction surveys")),),
                module="surveys",
                notification_events=EVENTS,
                public_links=(
                    PublicLink(
                        "surveys:public-start",
                        _("Satisfaction survey"),
                        _("Invited to the survey? Enter or scan your code and give your opinion."),
                        module="surveys",
                    ),
                    PublicLink(
                        "surveys:public-draws",
                        _("Survey samples and results"),
                        _(
                            "How each random sample was drawn, to check it yourself, and the "
                            "results."
                        ),
                        module="surveys",
                    ),
                ),
            )
        )
