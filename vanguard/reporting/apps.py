from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vanguard.core.registry import ModuleDef, PhaseApp, PublicLink, register


class ReportingConfig(AppConfig):
    name = "vanguard.reporting"
    label = "reporting"
    verbose_name = _("Summaries and briefs")

    def ready(self):
        from vanguard.reporting.notifications import EVENTS

        # Everything this app adds to the shell, in the one registry (vanguard.core.registry).
        register(
            PhaseApp(
                label="reporting",
                order=55,
                archive="vanguard.reporting.archive.unit_archive",
                nav="reporting/_nav.html",
                unit_panel="reporting/_unit.html",
                overview_panel="reporting/_overview.html",
                compliance="vanguard.reporting.compliance",
                demo_loader="vanguard.reporting.demo.load_demo",
                todo="vanguard.reporting.todo.todo",
                notification_events=EVENTS,
                modules=(
                    ModuleDef("summaries", _("Phase summaries and sign-off")),
                    ModuleDef("briefs", _("Briefs")),
                ),
                module=("summaries", "briefs"),
                public_links=(
                    PublicLink(
                        "reporting:public-briefs",
                        _("Campaign briefs"),
                        _("Briefs of the units' work, reviewed and published by the office."),
                        module="briefs",
                    ),
                ),
            )
        )
