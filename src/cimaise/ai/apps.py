from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AIConfig(AppConfig):
    name = "cimaise.ai"
    label = "ai"
    verbose_name = _("AI studio")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_delete

        from cimaise.ai import ledger
        from cimaise.institution import roles

        # Deleting an account erases the person from the ledger; the facts about the content stay.
        pre_delete.connect(ledger.anonymise_deleted_user, sender=get_user_model(),
                           dispatch_uid="cimaise_ai_anonymise_deleted_user")

        # Everyone who writes may use the assistant; the ledger is readable by those who answer for the content.
        for role in (roles.ADMINISTRATION, roles.DIRECTION, roles.CONTENT_MANAGER, roles.COMMUNITY_MANAGER):
            roles.register_role_permissions(role, ["ai.use_ai_assistant", "ai.view_aiinteraction"])
        roles.register_role_permissions(roles.ADMINISTRATION, ["ai.change_aimodelsettings"])
