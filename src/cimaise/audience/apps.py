from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AudienceConfig(AppConfig):
    """Contacts, their consents and newsletter subscriptions (the CRM's core)."""

    name = "cimaise.audience"
    label = "audience"
    verbose_name = _("Audience")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cimaise.audience import webhooks  # noqa: F401 - connects anymail's tracking receivers
        from cimaise.institution import roles

        # The CRM: marketing (Community manager) and Administration run it; Direction may look.
        contacts = [f"audience.{p}_contact" for p in ("view", "add", "change", "delete")]
        for role in (roles.COMMUNITY_MANAGER, roles.ADMINISTRATION):
            roles.register_role_permissions(role, [*contacts, "audience.add_contactimport",
                                                   "audience.view_contactimport"])
        roles.register_role_permissions(roles.DIRECTION, ["audience.view_contact"])
        lists = [f"audience.{p}_newsletterlist" for p in ("view", "add", "change", "delete")]
        for role in (roles.COMMUNITY_MANAGER, roles.ADMINISTRATION):
            roles.register_role_permissions(role, lists)
