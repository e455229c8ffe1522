from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "vanguard.notifications"
    # No figure reads the notifications: writing them moves no data revision.
    counted_by_figures = False
    verbose_name = _("Notifications")

    def ready(self):
        from vanguard.notifications import events  # noqa: F401 — registers the shell's events
