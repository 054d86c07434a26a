"""Methodology notes for what is not a page (a newsletter campaign, ...): the same facts, note, approval and gate.

An item's ledger entries are the ones asked for one of its fields: their ``field_name`` is
``"<item key>/<field>"`` (``item_field(obj, "intro")``, e.g. "audience_campaigns.campaign:12/intro").
The item's owner gives its texts ({field: plain text}); they are measured against those entries'
answers, and the note is drafted, approved and shown exactly as a page's (``services.approve``,
``services.update_wording``). Invariant 3: ``check`` refuses to let the item go out (sent,
published) until a named person approved the note for that very text.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from cimaise.ai.models import AIInteraction, MethodologyNote
from cimaise.ai.transparency import content, facts, public, services


class NotApproved(Exception):
    """The item's text owes something to AI and its note is not approved for this text; ``str()`` says so."""


def item_key(obj):
    return f"{obj._meta.label_lower}:{obj.pk}"


def item_field(obj, field):
    """The ``field_name`` to record with a ledger entry asked for ``field`` of ``obj``."""
    return f"{item_key(obj)}/{field}"


def interactions(obj):
    """The ledger entries asked for the item's fields, oldest first (connection tests excluded)."""
    return (AIInteraction.objects.filter(field_name__startswith=item_key(obj) + "/").exclude(action="test")
            .order_by("created_at", "pk"))


def has_ai_entries(obj):
    return interactions(obj).filter(status=AIInteraction.Status.OK).exists()


def refresh(obj, texts, *, labels=None, title=""):
    """Measure the item's ``texts`` and make sure a note exists for them; the note, or None (no AI)."""
    entries = list(interactions(obj).select_related("user", "lab_session"))
    if not facts.answered(entries):
        return None
    result = facts.measure(texts, entries)
    found = facts.collect(entries, result).as_dict()
    content_type, object_id = content.item_key(obj)
    with transaction.atomic():
        return services.note_for_text(content_type, object_id, content.fingerprint(texts), found, labels or {},
                                      title or str(obj))


def approved_note(obj, texts):
    """The approved note for exactly these ``texts``, or None."""
    return services.approved_note_for(obj, content.fingerprint(texts))


def check(obj, texts):
    """Raise ``NotApproved`` when AI helped write the item and no approved note covers ``texts``; else the
    approved note (or None when no AI was used)."""
    if not has_ai_entries(obj):
        return None
    note = approved_note(obj, texts)
    if note is None or note.status == MethodologyNote.Status.SECOND_REVIEW:
        raise NotApproved(_("AI helped write this text: a person must approve its methodology note for this very "
                            "text before it goes out."))
    return note


def disclosure_line(obj, texts, language, url=None):
    """The line readers get ("Written with the help of AI (…), reviewed by a person."), or "" without AI."""
    note = check(obj, texts)
    return public.disclosure_line(note, language, url) if note is not None else ""
