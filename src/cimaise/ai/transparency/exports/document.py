"""The neutral document that the three writers render: a text, and the methodology note appended to it.

Everything here is plain text already in the right language: the builders
(``cimaise.ai.transparency.exports.pages`` and ``.texts``) turn a page or a
pasted text, a note and ledger entries into a ``Document``; the writers
(``markdown``, ``docx``, ``pdf``) only lay it out and never translate, measure
or query anything.
"""

from dataclasses import dataclass, field

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cimaise.ai.models import AIInteraction
from cimaise.ai.transparency import drafting
from cimaise.ai.transparency import facts as ledger_facts

LANGUAGES = ("fr", "en")
HEADING = "heading"
PARAGRAPH = "paragraph"
QUOTE = "quote"
ITEM = "item"  # a list item
CAPTION = "caption"  # an image's description and caption


@dataclass
class Block:
    """One block of the text: a heading (``level`` 2 or 3, the title being 1), a paragraph, a quote, ..."""

    kind: str
    text: str  # plain text; "\n" is a line break inside the block
    level: int = 2


@dataclass
class AppendixEntry:
    """One ledger entry, as the appendix shows it: when, what for, which model, what went in and came out."""

    number: int
    when: str
    action: str
    model: str
    context: str  # the field of the page, or the creative-lab session
    supplied: str  # the text the person supplied, in full
    prompt: str  # the prompt sent to the model, in full
    answer: str


@dataclass
class NoteSection:
    """The methodology note as appended to the text, in one language."""

    language: str
    heading: str
    flag: str  # "Not yet approved: ..." when no person has approved it yet, else ""
    short: str
    paragraphs: list  # the full note, one fact per paragraph
    share: str  # the measured AI share, written by code from the facts
    review: str  # who reviewed it, when, what they checked
    references_heading: str
    references: list  # APA-style references to the models
    appendix_heading: str
    appendix_intro: str
    entries: list  # AppendixEntry
    labels: dict  # the appendix's words: when, action, model, context, supplied, prompt, answer, none, entry, colon


@dataclass
class Document:
    title: str
    author: str
    language: str  # the language of the text
    blocks: list = field(default_factory=list)
    note: NoteSection | None = None
    filename: str = "export"  # without extension
    labels: dict = field(default_factory=dict)  # the writers' own words: "by", "page", "of"


def writer_labels(language):
    """The few words the writers print themselves (author line, page numbers), in ``language``."""
    with translation.override(language):
        return {"by": _("By %(author)s"), "page": _("Page %(number)s of %(total)s")}


def split_paragraphs(text):
    """Paragraphs of a pasted text: separated by blank lines; single line breaks stay inside a paragraph."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    for chunk in text.split("\n\n"):
        lines = [line.rstrip() for line in chunk.split("\n")]
        chunk = "\n".join(lines).strip("\n")
        if chunk.strip():
            paragraphs.append(chunk)
    return paragraphs


def _model_name(interaction):
    if interaction.provider == "embedded":
        name = ledger_facts.EMBEDDED_MODEL_NAME
    else:
        name = interaction.model_id
    return f"{name} ({interaction.model_version})" if interaction.model_version else name


def entries_in_order(entry_ids):
    """The ledger entries with these ids (a note's ``facts["entries"]``), in that order."""
    rows = AIInteraction.objects.filter(pk__in=entry_ids).select_related("lab_session")
    by_id = {str(row.pk): row for row in rows}
    return [by_id[str(pk)] for pk in entry_ids if str(pk) in by_id]


def appendix_entries(interactions, language, field_labels=None):
    """The appendix of the ledger entries, in full, in ``language``; ``field_labels``: {field: its name}."""
    entries = []
    field_labels = field_labels or {}
    with translation.override(language):
        for number, interaction in enumerate(interactions, start=1):
            if interaction.lab_session_id and interaction.lab_session:
                context = _("creative-lab session “%(title)s”") % {"title": interaction.lab_session.title}
            elif interaction.field_name:
                name = ledger_facts.top_field(interaction.field_name)
                context = _("field “%(field)s” of “%(page)s”") % {
                    "field": str(field_labels.get(name, name)), "page": interaction.page_title}
            else:
                context = interaction.page_title
            entries.append(AppendixEntry(
                number=number,
                when=date_format(timezone.localtime(interaction.created_at), "j F Y, H:i"),
                action=str(interaction.get_action_display()),
                model=_model_name(interaction),
                context=context,
                supplied=interaction.input_text,
                prompt=interaction.prompt,
                answer=interaction.output,
            ))
    return entries


def share_sentence(facts, language):
    """The measured AI share of the text, from the facts, in ``language``."""
    with translation.override(language):
        share = drafting.percent(facts.get("share", 0.0))
        total = facts.get("total_words", 0)
        if total:
            return _("AI share of this text: %(share)s (%(ai_words)s of %(words)s words derive from recorded AI "
                     "answers).") % {"share": share, "ai_words": facts.get("ai_words", 0), "words": total}
        return _("AI share of this text: %(share)s.") % {"share": share}


def note_section(*, language, facts, short, full, review, flag="", interactions=(), field_labels=None):
    """The note appended to a text: its wording (``short``, ``full``), the measured share, the human review
    (``review``), references to the models from ``facts`` and the appendix of ``interactions``."""
    with translation.override(language):
        return NoteSection(
            language=language,
            heading=_("Methodology note"),
            flag=flag,
            short=(short or "").strip(),
            paragraphs=split_paragraphs((full or "").replace("\n", "\n\n")),
            share=share_sentence(facts, language),
            review=review,
            references_heading=_("References"),
            references=[use.reference() for use in ledger_facts.model_uses(facts)],
            appendix_heading=_("Appendix: the requests made to AI"),
            appendix_intro=_("Each request recorded in the AI ledger that this text drew on, in full: the text "
                             "the person supplied, the prompt sent to the model and its answer."),
            entries=appendix_entries(interactions, language, field_labels),
            labels={
                "when": _("Date"), "action": _("Action"), "model": _("Model"), "context": _("For"),
                "supplied": _("Text supplied by the person"), "prompt": _("Prompt"), "answer": _("Answer"),
                "none": _("(none)"), "entry": _("Request %(number)s"),
                # A label before its value ("Model: …"); French puts a space before the colon.
                "colon": _("%(label)s:"),
            },
        )
