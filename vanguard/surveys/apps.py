from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "vanguard.surveys"
    label = "surveys"
    verbose_name = _("Satisfaction surveys")

    def ready(self):
        # Register this app's compliance rules with the one registry (campaigns.compliance)
        # and its condition for closing a unit (campaigns.closure).
        from vanguard.portal.public_views import PUBLIC_LINKS

        from . import closure, compliance, effect  # noqa: F401

        effect.register()  # the campaign's effect figures (R30) show the survey results

        links = [
            (
                "public-survey-start",
                _("Satisfaction survey"),
                _("Invited to the survey? Enter or scan your code and give your opinion."),
            ),
            (
                "public-survey-draws",
                _("Survey samples and results"),
                _("How each random sample was drawn, to check it yourself, and the results."),
            ),
        ]
        registered = {name for name, _title, _description in PUBLIC_LINKS}
        PUBLIC_LINKS.extend(link for link in links if link[0] not in registered)
