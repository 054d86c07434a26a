from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "cimaise.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self):
        from cimaise.institution import roles

        # The box office checks visitors in at the door; Administration may too.
        for role in (roles.ADMINISTRATION, roles.BOX_OFFICE):
            roles.register_role_permissions(role, ["events.check_in_registration"])
