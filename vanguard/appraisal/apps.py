from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vanguard.appraisal.conf import APPRAISAL_MODULES
from vanguard.core.registry import ModuleDef, PhaseApp, PublicLink, register


class AppraisalConfig(AppConfig):
    name = "vanguard.appraisal"
    label = "appraisal"
    verbose_name = _("Analysis and appraisal")

    def ready(self):
        from vanguard.appraisal.notifications import EVENTS

        # Everything this app adds to the shell, in the one registry (vanguard.core.registry).
        register(
            PhaseApp(
                label="appraisal",
                order=20,
                archive="vanguard.appraisal.archive.unit_archive",
                nav="appraisal/_nav.html",
                unit_panel="appraisal/_unit.html",
                member_panel="appraisal/_me.html",
                compliance="vanguard.appraisal.compliance",
                demo_loader="vanguard.appraisal.demo.load_demo",
                data_generator="vanguard.appraisal.generate",
                notification_events=EVENTS,
                todo="vanguard.appraisal.todo.todo",
                modules=(
                    ModuleDef("opinions", _("Opinions and feedback"), needs=("opinion_channels",)),
                    ModuleDef("self_analysis", _("Party-spirit self-analysis (党性分析)")),
                    ModuleDef("talks", _("Heart-to-heart talks (谈心)")),
                    ModuleDef("meetings", _("Special organisational life meetings")),
                    ModuleDef(
                        "appraisal",
                        _("Democratic appraisal of members (民主评议)"),
                        needs=("appraisal_grades",),
                    ),
                ),
                module=APPRAISAL_MODULES,
                # 五.1(1): a unit's 突出问题 links to its opinions and meetings (situation).
                services={
                    "problem_links.opinion": "vanguard.appraisal.links.opinion_targets",
                    "problem_links.meeting": "vanguard.appraisal.links.meeting_targets",
                },
                public_links=(
                    PublicLink(
                        "appraisal:public-opinion",
                        _("Give your opinion"),
                        _(
                            "Tell us about a member, a unit or the bureau — anonymously if you "
                            "wish. Keep the receipt code to read the answer."
                        ),
                        module="opinions",
                    ),
                    PublicLink(
                        "appraisal:public-receipt",
                        _("Look up an answer"),
                        _("Enter your receipt code to see how your opinion was answered."),
                        module="opinions",
                    ),
                    PublicLink(
                        "appraisal:public-notices",
                        _("Democratic appraisal notices"),
                        _("The results of the democratic appraisal of members, unit by unit."),
                        module="appraisal",
                    ),
                ),
            )
        )
