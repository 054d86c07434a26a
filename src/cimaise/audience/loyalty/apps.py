from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    """Membership programmes, loyalty points earned by activities, rewards, member cards."""

    name = "cimaise.audience.loyalty"
    label = "audience_loyalty"
    verbose_name = _("Loyalty and memberships")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cimaise.institution import roles

        # The front desk records visits and purchases and hands out rewards; marketing runs the programmes.
        desk = ["audience_loyalty.use_loyalty_desk"]
        for role in (roles.BOX_OFFICE, roles.COMMUNITY_MANAGER, roles.ADMINISTRATION):
            roles.register_role_permissions(role, desk)
        manage = [f"audience_loyalty.{action}_{model}" for model in
                  ("membershipprogramme", "membershiptier", "pointsrule", "reward")
                  for action in ("add", "change", "delete", "view")]
        for role in (roles.COMMUNITY_MANAGER, roles.ADMINISTRATION):
            roles.register_role_permissions(role, manage)
