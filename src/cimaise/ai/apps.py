from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AIConfig(AppConfig):
    name = "cimaise.ai"
    label = "ai"
    verbose_name = _("AI studio")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
        from wagtail.models import Revision
        from wagtail.signals import page_published, page_unpublished

        from cimaise.ai import ledger
        from cimaise.ai.transparency import signals
        from cimaise.institution import roles

        # Deleting an account erases the person from the ledger; the facts about the content stay.
        pre_delete.connect(ledger.anonymise_deleted_user, sender=get_user_model(),
                           dispatch_uid="cimaise_ai_anonymise_deleted_user")
        pre_delete.connect(signals.anonymise_deleted_user, sender=get_user_model(),
                           dispatch_uid="cimaise_ai_anonymise_deleted_user_notes")

        # Each saved revision of a page written with AI is measured and gets a drafted methodology note; the
        # note of the live text is the one the public sees (docs/ai-transparency.md).
        post_save.connect(signals.revision_saved, sender=Revision, dispatch_uid="cimaise_ai_revision_saved")
        pre_save.connect(signals.page_pre_save, dispatch_uid="cimaise_ai_page_pre_save")
        post_delete.connect(signals.page_deleted, dispatch_uid="cimaise_ai_page_deleted")
        # A workflow approved during an admin request: refused before Wagtail publishes (admin_middleware).
        from wagtail.models import WorkflowState

        post_save.connect(_check_workflow_publication, sender=WorkflowState,
                          dispatch_uid="cimaise_ai_check_workflow_publication")
        page_published.connect(signals.page_went_live, dispatch_uid="cimaise_ai_page_published")
        page_unpublished.connect(signals.page_went_live, dispatch_uid="cimaise_ai_page_unpublished")

        # Everyone who writes may use the assistant; the ledger is readable by those who answer for the content.
        for role in (roles.ADMINISTRATION, roles.DIRECTION, roles.CONTENT_MANAGER, roles.COMMUNITY_MANAGER):
            roles.register_role_permissions(role, ["ai.use_ai_assistant", "ai.view_aiinteraction"])
        roles.register_role_permissions(roles.ADMINISTRATION, ["ai.change_aimodelsettings"])
        # Direction oversees AI use (the transparency dashboard, docs/ai-transparency.md).
        for role in (roles.ADMINISTRATION, roles.DIRECTION):
            roles.register_role_permissions(role, ["ai.view_ai_dashboard"])


def _check_workflow_publication(sender, **kwargs):
    # Imported when a workflow moves, not at start-up: the admin middleware's imports (the AI gateway, llm and
    # its plugins) weigh about 30 MB, which processes that never publish (the campaign sender) need not carry.
    from cimaise.ai.transparency.admin_middleware import check_workflow_publication

    return check_workflow_publication(sender, **kwargs)
