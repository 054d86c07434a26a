from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    """Newsletters and emailings: composition, the sending engine, delivery events."""

    name = "cimaise.audience.campaigns"
    label = "audience_campaigns"
    verbose_name = _("Campaigns")
    default_auto_field = "django.db.models.BigAutoField"
