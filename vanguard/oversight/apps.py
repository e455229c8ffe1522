from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vanguard.core.registry import ModuleDef, PhaseApp, PublicLink, register


class OversightConfig(AppConfig):
    name = "vanguard.oversight"
    label = "oversight"
    verbose_name = _("Leadership and supervision")

    def ready(self):
        from vanguard.oversight.notifications import EVENTS

        # Everything this app adds to the shell, in the one registry (vanguard.core.registry).
        register(
            PhaseApp(
                label="oversight",
                order=50,
                archive="vanguard.oversight.archive.unit_archive",
                nav="oversight/_nav.html",
                unit_panel="oversight/_unit.html",
                member_panel="oversight/_me.html",
                batch_panel="oversight/_batch.html",
                compliance="vanguard.oversight.compliance",
                demo_loader="vanguard.oversight.demo.load_demo",
                data_generator="vanguard.oversight.generate",
                notification_events=EVENTS,
                todo="vanguard.oversight.todo.todo",
                # the campaign report's list of commendations (reporting)
                services={
                    "report.commendations": "vanguard.oversight.selectors.commendations_for_report"
                },
                modules=(
                    ModuleDef("leading_groups", _("Leading groups")),
                    ModuleDef("liaison", _("Liaison points, liaison officers and supervision")),
                    ModuleDef("publicity", _("News and model members' deeds")),
                    ModuleDef(
                        "commendations",
                        _("Commendations"),
                        needs=("commendation_kinds",),
                    ),
                    ModuleDef("dispositions", _("Handling of non-qualifying members")),
                ),
                module=("leading_groups", "liaison", "publicity", "commendations", "dispositions"),
                public_links=(
                    PublicLink(
                        "oversight:public-news",
                        _("Campaign news and model members"),
                        _(
                            "News of the campaign and the deeds of model members, reviewed and "
                            "published."
                        ),
                        module="publicity",
                    ),
                    PublicLink(
                        "oversight:public-commendations",
                        _("Commendations"),
                        _(
                            "Outstanding members, advanced organisations and Party workers "
                            "commended."
                        ),
                        module="commendations",
                    ),
                ),
            )
        )
