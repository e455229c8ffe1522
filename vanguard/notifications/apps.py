from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "vanguard.notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from vanguard.campaigns import revision

        revision.not_counted(self.label)  # no figure reads the notifications
        from vanguard.notifications import events  # noqa: F401 — registers the shell's events
