from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    """Newsletters and emailings: composition, the sending engine, delivery events."""

    name = "cimaise.audience.campaigns"
    label = "audience_campaigns"
    verbose_name = _("Campaigns")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cimaise.institution import roles

        # Marketing composes and sends newsletters; Administration may too; Direction follows the results.
        everything = ["audience_campaigns.view_campaign", "audience_campaigns.add_campaign",
                      "audience_campaigns.change_campaign", "audience_campaigns.send_campaign"]
        for role in (roles.COMMUNITY_MANAGER, roles.ADMINISTRATION):
            roles.register_role_permissions(role, everything)
        roles.register_role_permissions(roles.DIRECTION, ["audience_campaigns.view_campaign"])
