"""Wagtail hooks of the methodology note: its admin URL, its place in the page editor, the gate on the admin's
publishing paths.

Imported by ``cimaise/ai/wagtail_hooks.py``.

- ``/admin/ai/notes/page/<page_id>/`` ("ai_notes:page"): the note of a page (``admin_views.NoteView``).
- The page editor: for a page with AI entries, "AI note: <status>" in the editor's action menu (beside
  Publish) and in the header's actions, linking to the note.
- Publishing from the editor (the edit and create views, scheduling included): Wagtail saves the revision,
  then runs ``before_publish_page`` and calls its publish action directly, past ``ContentPage.publish``.
  The hook refuses a text whose note is not approved: the revision stays saved as a draft (nothing typed is
  lost), the person is back in the editor with the reason and a link to the note.
- Bulk publishing (``before_bulk_action``): see ``refuse_bulk_publication``.
- Approving the last task of a workflow publishes from deep inside Wagtail, where a refusal would end on
  Wagtail's "no permission" page: ``admin_middleware`` (listed in settings.MIDDLEWARE) refuses it first and
  goes back to the editor with the reason.

A page being created has no ledger entries yet (they are recorded against a saved page), so the create view's
publish passes the hook; the hook is there all the same, and ``ContentPage.publish`` checks again.
"""

from django.shortcuts import redirect
from django.urls import include, path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.widgets import Button
from wagtail.log_actions import log
from wagtail.models import Page

from cimaise.ai.models import MethodologyNote, ProvenanceRecord
from cimaise.ai.transparency import gate, services
from cimaise.ai.transparency.admin_views import NoteView, note_url, refuse_publication
from cimaise.ai.transparency.log_actions import PUBLICATION_BLOCKED

urlpatterns = [
    path("page/<int:page_id>/", NoteView.as_view(), name="page"),
]


@hooks.register("register_admin_urls")
def register_ai_note_urls():
    return [path("ai/notes/", include((urlpatterns, "ai_notes"), namespace="ai_notes"))]


# --- the page editor: the note's status, linking to it -------------------------------------------------------


def latest_text_note(page):
    """The note of the page's latest saved text, or None when the page has no AI entries.

    Read from the measure saved with the latest revision, so that opening the editor does not measure the
    text again; the note is drafted (``services.current_note``) only when that measure is missing.
    """
    if not page.pk or not services.has_ai_entries(page.pk):
        return None
    record = ProvenanceRecord.objects.filter(revision_id=page.latest_revision_id).only("fingerprint").first()
    if record is not None:
        note = (services.notes_of(page).filter(fingerprint=record.fingerprint)
                .exclude(status=MethodologyNote.Status.SUPERSEDED).first())
        if note is not None:
            return note
    return services.current_note(page)


def note_label(note, page):
    if note.status != MethodologyNote.Status.APPROVED and services.approved_note_for(page, note.fingerprint):
        # A new wording of an approved note: the text may go out with the approved wording meanwhile.
        return _("AI note: approved, new wording awaiting approval")
    return _("AI note: %(status)s") % {"status": note.get_status_display()}


class AINoteMenuItem(ActionMenuItem):
    """"AI note: <status>" in the editor's action menu, beside Publish: a link to the page's note."""

    name = "action-ai-note"
    icon_name = "doc-full"

    def __init__(self, page, note):
        super().__init__(order=35)  # after Publish (30)
        self.page, self.note = page, note
        self.label = note_label(note, page)
        self.classname = f"ai-note-status--{note.status}"

    def get_url(self, parent_context):
        return note_url(self.page)


@hooks.register("construct_page_action_menu")
def add_ai_note_menu_item(menu_items, request, context):
    # Added per request (Wagtail keeps the items of ``register_page_action_menu_item`` for the whole process).
    page = context.get("page")
    if context.get("view") != "edit" or page is None:
        return
    note = latest_text_note(page)
    if note is not None:
        menu_items.append(AINoteMenuItem(page, note))
        menu_items.sort(key=lambda item: item.order)


@hooks.register("register_page_header_buttons")
def page_header_ai_note_button(page, user, view_name=None, next_url=None):
    if not page.pk or page.is_root() or not page.permissions_for_user(user).can_edit():
        return []
    note = latest_text_note(page)
    if note is None:
        return []
    return [Button(note_label(note, page), note_url(page), icon_name="doc-full", priority=90,
                   attrs={"data-ai-note-status": note.status})]


# --- the admin's publishing paths -----------------------------------------------------------------------------


@hooks.register("before_publish_page")
def refuse_publication_without_approved_note(request, page):
    """Publish and schedule from the editor only with an approved note for this very text.

    In the create view, the assistant's entries of a new page are linked to it only after publication
    (``after_create_page``): link them first, or the gate would see a page without AI.
    """
    from cimaise.ai import assistant_hooks

    assistant_hooks._record_edits(request, page)
    revision = page.latest_revision
    reason = gate.page_refusal(revision.as_object() if revision else page, revision)
    if reason:
        if page.live and page.live_revision_id is None:
            # The create view saves a new page live before this hook: take it off line, a draft.
            page.unpublish(user=request.user, log_action=False)
        return refuse_publication(request, page, reason, revision)
    return None


@hooks.register("after_copy_page")
def copies_of_ai_pages_start_as_drafts(request, page, new_page):
    """The admin's copy calls Wagtail's action directly (not Page.copy): link the AI entries to the copies, and
    take the copies of pages written with AI off line ("publish copies"): their text needs its own approved note."""
    for copy in services.link_copy_tree(page, new_page, request.user):
        messages.warning(request, _("“%(title)s” was written with AI: its copy is a draft until its methodology note "
                                    "is approved.") % {"title": copy.title})
    return None


def _bulk_candidates(pages, include_descendants, user):
    """The pages a bulk publish would publish, each as its latest revision's object (as Wagtail's action does)."""
    for page in pages:
        if not isinstance(page, Page):
            continue
        yield page
        if include_descendants:
            for descendant in page.get_descendants().not_live().specific():
                if user is None or descendant.permissions_for_user(user).can_publish():
                    yield descendant


@hooks.register("before_bulk_action")
def refuse_bulk_publication(request, action_type, objects, action):
    """A bulk publish is refused as a whole when one of its pages lacks an approved note.

    Why the whole action and not only the blocked pages: publishing some of the
    selected pages and not others leaves the person to find out which went out
    (Wagtail's message would count them as published), and a group of pages
    picked together is often meant to go out together. Nothing is published;
    the message names every blocked page, with a link to each note, so that
    the person approves those notes or leaves those pages out, and tries again.
    """
    if action_type != "publish":
        return None
    form = getattr(action, "cleaned_form", None)
    include_descendants = bool(form and form.cleaned_data.get("include_descendants"))
    blocked = []
    for page in _bulk_candidates(objects, include_descendants, request.user):
        revision = page.get_latest_revision()
        candidate = revision.as_object() if revision is not None else page.specific
        reason = gate.page_refusal(candidate, revision)
        if reason:
            log(candidate, PUBLICATION_BLOCKED, user=request.user, revision=revision, data={"reason": reason})
            blocked.append(candidate)
    if not blocked:
        return None
    titles = ", ".join(f"“{page.get_admin_display_title()}”" for page in blocked)
    message = ngettext(
        "Nothing was published: %(pages)s was written with AI and its methodology note is not approved yet. "
        "Approve the note, or leave this page out, then publish again.",
        "Nothing was published: %(pages)s were written with AI and their methodology notes are not approved yet. "
        "Approve the notes, or leave these pages out, then publish again.",
        len(blocked),
    ) % {"pages": titles}
    buttons = [messages.button(note_url(page), _("AI note: %(title)s") % {"title": page.get_admin_display_title()})
               for page in blocked[:5]]
    messages.error(request, message, buttons=buttons)
    return redirect(action.next_url)
