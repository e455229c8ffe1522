from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "vanguard.rectification"
    label = "rectification"
    verbose_name = _("Rectification")

    def ready(self):
        # Register this app's compliance rules with the one registry (campaigns.compliance).
        from vanguard.portal.public_views import PUBLIC_LINKS

        from . import compliance  # noqa: F401

        link = (
            "public-rectification-index",
            _("Rectification lists"),
            _(
                "Each unit's rectification measures and their progress, open to the public's "
                "comments."
            ),
        )
        if not any(entry[0] == link[0] for entry in PUBLIC_LINKS):
            PUBLIC_LINKS.append(link)
