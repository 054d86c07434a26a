from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SegmentsConfig(AppConfig):
    """Saved, named filters over the contacts, counted live."""

    name = "cimaise.audience.segments"
    label = "audience_segments"
    verbose_name = _("Segments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cimaise.institution import roles

        # Marketing builds and keeps segments; Administration may too.
        permissions = [f"audience_segments.{action}_segment" for action in ("add", "change", "delete", "view")]
        for role in (roles.ADMINISTRATION, roles.COMMUNITY_MANAGER):
            roles.register_role_permissions(role, permissions)
