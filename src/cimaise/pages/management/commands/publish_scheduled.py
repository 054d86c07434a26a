"""Wagtail's ``publish_scheduled``, with the AI transparency gate.

A revision scheduled before its text changed, or whose note lost its
approval, is not published when its time comes: its schedule is cancelled,
the refusal is written to the page's history, and every other due revision
is published as usual.
"""

from django.utils import timezone
from wagtail.log_actions import log
from wagtail.management.commands.publish_scheduled import Command as WagtailCommand
from wagtail.models import Page, Revision

from cimaise.ai.transparency import gate
from cimaise.ai.transparency.log_actions import PUBLICATION_BLOCKED


class Command(WagtailCommand):
    def handle(self, *args, **options):
        if not options.get("dryrun"):
            self.cancel_blocked()
        super().handle(*args, **options)

    def cancel_blocked(self):
        due = Revision.objects.filter(approved_go_live_at__lt=timezone.now()).select_related("base_content_type")
        for revision in due:
            page = revision.as_object()
            if not isinstance(page, Page):
                continue
            reason = gate.page_refusal(page, revision)
            if reason:
                Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=None)
                log(page, PUBLICATION_BLOCKED, revision=revision, data={"reason": reason})
                self.stderr.write(reason)
