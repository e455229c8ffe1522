from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vanguard.core.registry import ModuleDef, PhaseApp, PublicLink, register


class StudyConfig(AppConfig):
    name = "vanguard.study"
    label = "study"
    verbose_name = _("Study and mobilisation")

    def ready(self):
        # Everything this app adds to the shell, in the one registry (vanguard.core.registry).
        from . import signals  # noqa: F401
        from .notifications import EVENTS

        register(
            PhaseApp(
                label="study",
                order=10,
                nav="study/_nav.html",
                unit_panel="study/_unit.html",
                member_panel="study/_me.html",
                compliance="vanguard.study.compliance",
                demo_loader="vanguard.study.demo.load_demo",
                data_generator="vanguard.study.generate",
                archive="vanguard.study.archive.unit_archive",
                public_links=(
                    PublicLink(
                        "study:public-writings",
                        _("Campaign column: study writings"),
                        _(
                            "Members' study writings and research articles, published by the "
                            "office."
                        ),
                    ),
                ),
                notification_events=EVENTS,
                todo="vanguard.study.todo.todo",
                modules=(
                    ModuleDef("sessions", _("Concentrated study sessions and hours")),
                    ModuleDef("materials", _("Study materials")),
                    ModuleDef("two_books", _("Two notebooks and a roster (两本一册)")),
                    ModuleDef("five_ones", _("Five ones (五个一)"), needs=("five_ones",)),
                    ModuleDef("quizzes", _("Party Constitution quiz")),
                    ModuleDef(
                        "leader_visits",
                        _("Leaders' three visits (三进)"),
                        needs=("leader_visit_kinds",),
                    ),
                    # Issue 20 (五.1(4)二): clauses of the 先进性 notice, so on in a template
                    # without [modules]; each also needs its own declaration in the template
                    # (`online.has_part`), so an old snapshot without it has none of them.
                    ModuleDef("online_study", _("Online Party school (网络党校)")),
                    ModuleDef(
                        "writings",
                        _("Study writings and research articles"),
                        needs=("writing_kinds",),
                    ),
                    ModuleDef(
                        "lecturers", _("Lecturers' group (讲师团)"), needs=("lecture_kinds",)
                    ),
                ),
                module=(
                    "sessions",
                    "materials",
                    "two_books",
                    "five_ones",
                    "quizzes",
                    "leader_visits",
                    "online_study",
                    "writings",
                    "lecturers",
                ),
            )
        )
