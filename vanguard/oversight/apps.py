from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "vanguard.oversight"
    label = "oversight"
    verbose_name = _("Leadership and supervision")

    def ready(self):
        # Register this app's compliance rules with the one registry (campaigns.compliance).
        from vanguard.portal.public_views import PUBLIC_LINKS

        from . import compliance  # noqa: F401

        for entry in (
            (
                "oversight-public-news",
                _("Campaign news and model members"),
                _("News of the campaign and the deeds of model members, reviewed and published."),
            ),
            (
                "oversight-public-commendations",
                _("Commendations"),
                _("Outstanding members, advanced organisations and Party workers commended."),
            ),
        ):
            if entry[0] not in {name for name, *_rest in PUBLIC_LINKS}:
                PUBLIC_LINKS.append(entry)
