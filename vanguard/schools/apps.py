from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vanguard.core.registry import ModuleDef, PhaseApp, register


class SchoolsConfig(AppConfig):
    name = "vanguard.schools"
    label = "schools"
    verbose_name = _("Schools' Party work")

    def ready(self):
        from vanguard.schools.notifications import EVENTS

        # Everything this app adds to the shell, in the one registry (vanguard.core.registry).
        register(
            PhaseApp(
                label="schools",
                order=15,  # part of 学习动员 (五.1(4)二), kept up through 整改 (五.3(3))
                nav="schools/_nav.html",
                unit_panel="schools/_unit.html",
                member_panel="schools/_me.html",
                compliance="vanguard.schools.compliance",  # its 未开展 probe
                demo_loader="vanguard.schools.demo.load_demo",
                notification_events=EVENTS,
                todo="vanguard.schools.todo.todo",
                # Clauses of the 先进性 notice (五.1(4)二, 五.3(3)): on in a template without
                # [modules]; each also needs its vocabulary, so an old snapshot has none.
                modules=(
                    ModuleDef(
                        "three_trainings",
                        _("Schools' three trainings (三培养)"),
                        needs=("training_tracks",),
                    ),
                    ModuleDef(
                        "vanguard_posts",
                        _("Party member vanguard posts (党员先锋岗)"),
                        needs=("post_grades",),
                    ),
                    ModuleDef(
                        "teacher_roles",
                        _("The four roles of teacher members"),
                        needs=("teacher_roles",),
                    ),
                ),
                module=("three_trainings", "vanguard_posts", "teacher_roles"),
            )
        )
