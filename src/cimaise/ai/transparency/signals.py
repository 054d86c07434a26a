"""Signal receivers of the transparency flow (connected in ``cimaise.ai.apps``)."""

from cimaise.ai.transparency import services


def revision_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.refresh_revision(instance)


def page_went_live(sender, instance, **kwargs):
    services.sync_live(instance)
