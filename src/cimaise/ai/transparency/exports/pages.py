"""A page's latest text, and its methodology note, as an export ``Document``.

The text is the latest revision's (what the editor shows): the title, the
introduction and the body's blocks, rich text cut into paragraphs and list
items. The note is ``services.current_note(page)``: not approved yet, it is
exported all the same with "Not yet approved" at its head; a page without AI
entries has no note section at all.
"""

from html.parser import HTMLParser

from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cimaise.ai.models import MethodologyNote
from cimaise.ai.transparency import drafting, services
from cimaise.ai.transparency.exports import document as doc

BLOCK_TAGS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol"}


class _RichTextBlocks(HTMLParser):
    """Paragraphs, headings and list items of a rich-text value, as ``Block``s of plain text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []
        self.parts = []
        self.kind, self.level = doc.PARAGRAPH, 2

    def flush(self):
        text = "\n".join(" ".join(line.split()) for line in "".join(self.parts).split("\n")).strip()
        if text:
            self.blocks.append(doc.Block(self.kind, text, self.level))
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")
        elif tag in BLOCK_TAGS:
            self.flush()
            if tag == "li":
                self.kind = doc.ITEM
            elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self.kind, self.level = doc.HEADING, 2 if tag in ("h1", "h2") else 3
            elif tag == "blockquote":
                self.kind = doc.QUOTE
            else:
                self.kind = doc.PARAGRAPH

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS:
            self.flush()
            self.kind, self.level = doc.PARAGRAPH, 2

    def handle_data(self, data):
        self.parts.append(data)


def rich_text_blocks(html):
    parser = _RichTextBlocks()
    parser.feed(html or "")
    parser.close()
    parser.flush()
    return parser.blocks


def _stream_blocks(stream, language):
    """Blocks of a body StreamField (raw data: works for any revision, whatever the block's Python value)."""
    blocks = []
    raw = stream.raw_data if hasattr(stream, "raw_data") else (stream or [])
    with translation.override(language):
        for child in raw:
            kind, value = child.get("type"), child.get("value")
            if kind == "heading" and isinstance(value, dict):
                if (value.get("text") or "").strip():
                    blocks.append(doc.Block(doc.HEADING, value["text"].strip(), 3 if value.get("level") == "h3" else 2))
            elif kind == "paragraph" and isinstance(value, str):
                blocks.extend(rich_text_blocks(value))
            elif kind == "quote" and isinstance(value, dict):
                quote = (value.get("quote") or "").strip()
                if value.get("attribution"):
                    quote += f"\n— {value['attribution'].strip()}"
                if quote:
                    blocks.append(doc.Block(doc.QUOTE, quote))
            elif kind == "image" and isinstance(value, dict):
                parts = [_("Image: %(description)s") % {"description": value.get("alt_text", "")}]
                parts += [value[key] for key in ("caption", "credit") if value.get(key)]
                blocks.append(doc.Block(doc.CAPTION, " — ".join(p.strip() for p in parts if p.strip())))
            elif kind == "call_to_action" and isinstance(value, dict):
                text = "\n".join(v.strip() for v in (value.get("title"), value.get("text")) if v and v.strip())
                if text:
                    blocks.append(doc.Block(doc.PARAGRAPH, text))
            elif kind == "embed" and value:
                url = value.get("url") if isinstance(value, dict) else value
                blocks.append(doc.Block(doc.CAPTION, _("Embedded media: %(url)s") % {"url": url}))
            elif isinstance(value, str) and value.strip():
                blocks.extend(rich_text_blocks(value) if "<" in value else [doc.Block(doc.PARAGRAPH, value)])
    return blocks


def _flag(note, language):
    with translation.override(language):
        if note.status == MethodologyNote.Status.SECOND_REVIEW:
            return _("Not yet approved: this methodology note is waiting for a second reviewer.")
        if note.status != MethodologyNote.Status.APPROVED:
            return _("Not yet approved: no one has approved this methodology note yet, so it may still change.")
    return ""


def page_note_section(note, language, field_labels=None, with_appendix=True):
    """The note of a page as appended to its text, with the ledger entries it was drafted from (the appendix,
    for those who may read the AI history: it holds every prompt and answer in full)."""
    entries = note.facts.get("entries", []) if with_appendix else []
    return doc.note_section(
        language=language, facts=note.facts, short=note.short(language), full=note.full(language),
        review=drafting.review_statement(note, language), flag=_flag(note, language),
        interactions=doc.entries_in_order(entries), field_labels=field_labels,
    )


def page_document(page, language, with_appendix=True):
    """The ``Document`` of a page's latest revision, with its note in ``language`` ("fr" or "en")."""
    revision = page.latest_revision
    specific = revision.as_object() if revision else page.specific
    text_language = (specific.locale.language_code or "fr")[:2] if getattr(specific, "locale_id", None) else "fr"
    blocks = []
    intro = (getattr(specific, "intro", "") or "").strip()
    if intro:
        blocks.extend(doc.Block(doc.PARAGRAPH, p) for p in doc.split_paragraphs(intro))
    if hasattr(specific, "body"):
        blocks.extend(_stream_blocks(specific.body, text_language))
    note = services.current_note(page)
    author_user = (revision.user if revision else None) or specific.owner
    return doc.Document(
        title=specific.title, author=services.person_name(author_user), language=text_language, blocks=blocks,
        note=(page_note_section(note, language, services.field_labels(specific), with_appendix)
              if note is not None else None),
        filename=slugify(specific.title) or f"page-{page.pk}", labels=doc.writer_labels(language),
    )
