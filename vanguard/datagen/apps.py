from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatagenConfig(AppConfig):
    name = "vanguard.datagen"
    label = "datagen"
    verbose_name = _("Generated data")
