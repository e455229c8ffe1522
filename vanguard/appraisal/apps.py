from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "vanguard.appraisal"
    label = "appraisal"
    verbose_name = _("Analysis and appraisal")

    def ready(self):
        # Register this app's compliance rules and closure gate with the one registry
        # (campaigns.compliance, campaigns.closure).
        from vanguard.portal.public_views import PUBLIC_LINKS

        from . import compliance  # noqa: F401

        links = [
            (
                "appraisal-public-opinion",
                _("Give your opinion"),
                _(
                    "Tell us about a member, a unit or the bureau — anonymously if you wish. "
                    "Keep the receipt code to read the answer."
                ),
            ),
            (
                "appraisal-public-receipt",
                _("Look up an answer"),
                _("Enter your receipt code to see how your opinion was answered."),
            ),
            (
                "appraisal-public-notices",
                _("Democratic appraisal notices"),
                _("The results of the democratic appraisal of members, unit by unit."),
            ),
        ]
        for link in links:
            if link[0] not in {name for name, _title, _description in PUBLIC_LINKS}:
                PUBLIC_LINKS.append(link)
