from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AudienceDashboardConfig(AppConfig):
    """The marketing dashboard: growth, consents, emails, attendance, memberships. No models of its own."""

    name = "cimaise.audience.dashboard"
    label = "audience_dashboard"
    verbose_name = _("Audience dashboard")
