from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vanguard.core.registry import PhaseApp, PublicLink, register


class AppraisalConfig(AppConfig):
    name = "vanguard.appraisal"
    label = "appraisal"
    verbose_name = _("Analysis and appraisal")

    def ready(self):
        # Everything this app adds to the shell, in the one registry (vanguard.core.registry).
        register(
            PhaseApp(
                label="appraisal",
                order=20,
                nav="appraisal/_nav.html",
                unit_panel="appraisal/_unit.html",
                member_panel="appraisal/_me.html",
                compliance="vanguard.appraisal.compliance",
                demo_loader="vanguard.appraisal.demo.load_demo",
                data_generator="vanguard.appraisal.generate",
                # 五.1(1): a unit's 突出问题 links to its opinions and meetings (situation).
                services={
                    "problem_links.opinion": "vanguard.appraisal.links.opinion_targets",
                    "problem_links.meeting": "vanguard.appraisal.links.meeting_targets",
                },
                public_links=(
                    PublicLink(
                        "appraisal-public-opinion",
                        _("Give your opinion"),
                        _(
                            "Tell us about a member, a unit or the bureau — anonymously if you "
                            "wish. Keep the receipt code to read the answer."
                        ),
                    ),
                    PublicLink(
                        "appraisal-public-receipt",
                        _("Look up an answer"),
                        _("Enter your receipt code to see how your opinion was answered."),
                    ),
                    PublicLink(
                        "appraisal-public-notices",
                        _("Democratic appraisal notices"),
                        _("The results of the democratic appraisal of members, unit by unit."),
                    ),
                ),
            )
        )
