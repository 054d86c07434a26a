from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class InstitutionConfig(AppConfig):
    name = "cimaise.institution"
    label = "institution"
    verbose_name = _("Institution")

    def ready(self):
        from cimaise.institution import roles

        # After every app's permissions exist: post_migrate is sent per app, in order.
        post_migrate.connect(roles.ensure_roles_after_migrate, dispatch_uid="cimaise_ensure_roles")
