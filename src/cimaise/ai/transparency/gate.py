"""May this text be published, scheduled or sent? (DESIGN.md, invariant 3)

An item with at least one answered ledger entry goes out only with a note
that a named person approved for that very text: the approved note's
fingerprint must equal the fingerprint of the text being published. Any
change of a word after approval drafts a new note, which needs approval.

Every publishing path meets this check: ``ContentPage.publish`` (Wagtail's
``revision.publish()``: bulk actions, workflows, scheduled publishing,
commands, the API) and the admin's ``before_publish_page`` hook (the editor's
own publish button, which calls Wagtail's action directly).
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from cimaise.ai.models import MethodologyNote
from cimaise.ai.transparency import services


class PublicationBlocked(PermissionDenied):
    """Publishing refused by the gate; the message says why, in the person's language."""

    def __init__(self, message, page=None):
        super().__init__(message)
        self.message = message
        self.page = page


def page_refusal(page, revision=None):
    """Why ``page`` (the object about to be published) may not go out, or '' when it may."""
    note = services.refresh_page(page, revision)
    if note is None or services.approved_note_for(page, note.fingerprint) is not None:
        return ""
    if note.status == MethodologyNote.Status.SECOND_REVIEW:
        return _("“%(title)s” was written with AI: its methodology note is approved but waits for a second "
                 "reviewer before publication.") % {"title": page.title}
    return _("“%(title)s” was written with AI: approve its methodology note before publishing or scheduling "
             "it.") % {"title": page.title}


def ensure_page_publishable(page, revision=None):
    reason = page_refusal(page, revision)
    if reason:
        raise PublicationBlocked(reason, page)
