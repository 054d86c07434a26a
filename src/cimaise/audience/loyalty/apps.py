from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    """Membership programmes, loyalty points earned by activities, rewards, member cards."""

    name = "cimaise.audience.loyalty"
    label = "audience_loyalty"
    verbose_name = _("Loyalty and memberships")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_save

        from cimaise.audience.models import ContactActivity
        from cimaise.institution import roles

        # Points for what is recorded elsewhere (an event registration, a check-in), as it is recorded.
        post_save.connect(_activity_recorded, sender=ContactActivity, dispatch_uid="loyalty_points_for_activity")

        # The front desk records visits and purchases and hands out rewards; marketing runs the programmes.
        desk = ["audience_loyalty.use_loyalty_desk"]
        for role in (roles.BOX_OFFICE, roles.COMMUNITY_MANAGER, roles.ADMINISTRATION):
            roles.register_role_permissions(role, desk)
        manage = [f"audience_loyalty.{action}_{model}" for model in
                  ("membershipprogramme", "membershiptier", "pointsrule", "reward")
                  for action in ("add", "change", "delete", "view")]
        for role in (roles.COMMUNITY_MANAGER, roles.ADMINISTRATION):
            roles.register_role_permissions(role, manage)


def _activity_recorded(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from cimaise.audience.loyalty.services import on_activity

        on_activity(instance)
