"""Signal receivers of the transparency flow (connected in ``cimaise.ai.apps``)."""

from wagtail.models import Page

from cimaise.ai.transparency import gate, services


def revision_saved(sender, instance, created, raw=False, **kwargs):
    # Also when not created: Wagtail's autosave overwrites the latest revision with the new text.
    if not raw:
        services.refresh_revision(instance)


def page_pre_save(sender, instance, raw=False, **kwargs):
    """The last line of the gate: a page row about to go live with a new revision (any path, the admin API's
    publish action included, which calls Wagtail's action without Page.publish)."""
    if raw or not isinstance(instance, Page) or not instance.live or not instance.live_revision_id or not instance.pk:
        return
    before = Page.objects.filter(pk=instance.pk).values_list("live_revision_id", flat=True).first()
    if before == instance.live_revision_id or not services.has_ai_entries(instance.pk):
        return
    gate.ensure_page_publishable(instance, instance.live_revision)


def page_went_live(sender, instance, **kwargs):
    services.sync_live(instance)


def anonymise_deleted_user(sender, instance, **kwargs):
    services.anonymise_user(instance)


def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        services.page_deleted(instance)
