from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vanguard.core.registry import ModuleDef, PhaseApp, PublicLink, register

# Offered to the other apps (a supervision suggestion becomes an item) through the registry.
CREATE_ITEM_FROM_SOURCE = "vanguard.rectification.services.create_item_from_source"


class RectificationConfig(AppConfig):
    name = "vanguard.rectification"
    label = "rectification"
    verbose_name = _("Rectification")

    def ready(self):
        from vanguard.rectification.notifications import EVENTS

        # Everything this app adds to the shell, in the one registry (vanguard.core.registry).
        register(
            PhaseApp(
                label="rectification",
                order=30,
                archive="vanguard.rectification.archive.unit_archive",
                nav="rectification/_nav.html",
                unit_panel="rectification/_unit.html",
                member_panel="rectification/_me.html",
                compliance="vanguard.rectification.compliance",
                overview_panel="rectification/_overview.html",
                services={
                    "create_item_from_source": CREATE_ITEM_FROM_SOURCE,
                    # 五.1(1): a unit's 突出问题 links to its items (the situation app).
                    "problem_links.item": "vanguard.rectification.links.item_targets",
                },
                demo_loader="vanguard.rectification.demo.load_demo",
                data_generator="vanguard.rectification.generate",
                notification_events=EVENTS,
                todo="vanguard.rectification.todo.todo",
                modules=(
                    ModuleDef("rectification", _("Rectification lists and long-term mechanisms")),
                ),
                module="rectification",
                public_links=(
                    PublicLink(
                        "rectification:public-index",
                        _("Rectification lists"),
                        _(
                            "Each unit's rectification measures and their progress, open to the "
                            "public's comments."
                        ),
                        module="rectification",
                    ),
                ),
            )
        )
