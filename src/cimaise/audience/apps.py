from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AudienceConfig(AppConfig):
    """Contacts, their consents and newsletter subscriptions (the CRM's core)."""

    name = "cimaise.audience"
    label = "audience"
    verbose_name = _("Audience")
    default_auto_field = "django.db.models.BigAutoField"
