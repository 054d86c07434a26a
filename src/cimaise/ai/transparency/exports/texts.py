"""A pasted text (a social post, a thesis) and the ledger entries it drew on, as an export ``Document``.

The person chooses their own answered entries: one of their creative-lab
sessions, or everything they asked between two dates. The AI share of the
text is measured against those entries' answers, exactly as for a page
(``facts.measure`` and ``facts.collect``), and the note is drafted by code
(``drafting.draft_all``); the person may reword the note before downloading,
the share, the references and the appendix are always written from the facts.
"""

import hashlib
import json

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cimaise.ai.models import AIInteraction, LabSession
from cimaise.ai.transparency import drafting, facts
from cimaise.ai.transparency.exports import document as doc

FIELD = "body"
LABELS = {FIELD: gettext_lazy("text")}


def own_sessions(user):
    """The creative-lab sessions ``user`` started (the text tool offers only the person's own)."""
    return LabSession.objects.filter(created_by=user).order_by("-updated_at")


def own_entries(user, *, session=None, start=None, end=None):
    """``user``'s answered ledger entries: of one of their sessions, or made between two dates (inclusive)."""
    entries = (AIInteraction.objects.filter(user=user, status=AIInteraction.Status.OK).exclude(action="test")
               .exclude(output="").select_related("user", "lab_session").order_by("created_at", "pk"))
    if session is not None:
        return entries.filter(lab_session=session)
    if start:
        entries = entries.filter(created_at__date__gte=start)
    if end:
        entries = entries.filter(created_at__date__lte=end)
    return entries


def measure(text, interactions):
    """The facts (a dict, as a note stores them) of ``text`` drawn on ``interactions``: share, models, ..."""
    interactions = list(interactions)
    result = facts.measure({FIELD: text or ""}, interactions)
    return facts.collect(interactions, result).as_dict()


def draft(found, language):
    """(short form, full note) drafted from the facts, in ``language``."""
    return drafting.draft(found, language, LABELS)


def fingerprint(text, language, entry_ids):
    """What the drafted note depends on: the text, the language and the entries (to tell a stale draft)."""
    payload = json.dumps([" ".join((text or "").split()), language, [str(pk) for pk in entry_ids]])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def review_statement(person, language, when=None):
    """The human review of a text the person exports themselves: they reviewed the note and kept it."""
    when = when or timezone.now()
    with translation.override(language):
        return _("Human review: %(person)s reviewed this text and kept this methodology note on %(date)s.") % {
            "person": person, "date": date_format(timezone.localtime(when), "j F Y")}


def text_document(*, title, author, text, language, found, short, full, reviewer, interactions):
    """The ``Document`` of a pasted text with its note in ``language``; ``found`` are the measured facts."""
    blocks = [doc.Block(doc.PARAGRAPH, paragraph) for paragraph in doc.split_paragraphs(text)]
    note = doc.note_section(language=language, facts=found, short=short, full=full,
                            review=review_statement(reviewer, language), interactions=interactions)
    return doc.Document(title=title, author=author, language=language, blocks=blocks, note=note,
                        filename=slugify(title) or "text", labels=doc.writer_labels(language))
