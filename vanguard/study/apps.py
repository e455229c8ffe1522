from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vanguard.core.registry import PhaseApp, PublicLink, register


class StudyConfig(AppConfig):
    name = "vanguard.study"
    label = "study"
    verbose_name = _("Study and mobilisation")

    def ready(self):
        # Everything this app adds to the shell, in the one registry (vanguard.core.registry).
        from . import signals  # noqa: F401

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
                public_links=(
                    PublicLink(
                        "study-public-writings",
                        _("Campaign column: study writings"),
                        _(
                            "Members' study writings and research articles, published by the "
                            "office."
                        ),
                    ),
                ),
            )
        )
