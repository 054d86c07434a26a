from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cimaise.core"
    label = "cimaise_core"
    verbose_name = _("Cimaise core")
