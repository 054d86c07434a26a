from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SegmentsConfig(AppConfig):
    """Saved, named filters over the contacts, counted live."""

    name = "cimaise.audience.segments"
    label = "audience_segments"
    verbose_name = _("Segments")
    default_auto_field = "django.db.models.BigAutoField"
