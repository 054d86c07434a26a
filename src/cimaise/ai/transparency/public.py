"""What the public sees of a page's AI use: the disclosure built from its live, approved note.

``disclosure(page)`` is the one source for every public surface: the box on
the page (``{% ai_disclosure page %}``), the page's JSON-LD, the mobile-app
API and the RSS/Atom feeds. It reads the note the public sees
(``services.live_note``): a page with no AI contribution, or whose note is
not live, has no disclosure at all (None), and says nothing about AI.

The wording follows the page's language (its locale), not the visitor's:
a French page carries the French note, whatever language the request asked.
Nothing here writes to the database.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Page

from cimaise.ai.models import DigitalSourceType, MethodologyNote
from cimaise.ai.transparency import drafting, facts, services

#: The heading of the disclosure, in the page's language; also the name of the note in JSON-LD.
HEADING = gettext_lazy("How we used AI")
#: The fragment the box is reachable at: page URL + "#ai-note".
ANCHOR = "ai-note"
#: An RSS/Atom category for items that carry a disclosure.
FEED_CATEGORY = "ai-assisted"
NOTE_LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class ModelReference:
    name: str
    maker: str
    version: str
    url: str
    reference: str  # APA style, see facts.ModelUse.reference


@dataclass(frozen=True)
class Prompt:
    summary: str
    purpose: str  # what it was for, in the page's language
    at: datetime.datetime | None


@dataclass(frozen=True)
class Disclosure:
    """A page's public disclosure, every text in ``language``."""

    language: str
    heading: str
    short: str
    full: str
    review: str
    share: float
    percent: str
    digital_source_type: str  # an IPTC code, or '' when no AI words remain
    models: list = field(default_factory=list)  # ModelReference
    prompts: list = field(default_factory=list)  # Prompt
    approved_by_label: str = ""
    approved_at: datetime.datetime | None = None
    second_reviewer_label: str = ""
    second_reviewed_at: datetime.datetime | None = None
    responsible: str = ""

    @property
    def digital_source_type_uri(self):
        return DigitalSourceType.uri(self.digital_source_type) if self.digital_source_type else ""

    @property
    def model_names(self):
        return [m.name for m in self.models]

    def as_api(self):
        """The JSON the mobile-app API returns (see docs/api.md)."""
        return {
            "language": self.language,
            "title": self.heading,
            "short": self.short,
            "full": self.full,
            "review": self.review,
            "share": self.share,
            "percent": self.percent,
            "digital_source_type": self.digital_source_type or None,
            "digital_source_type_uri": self.digital_source_type_uri or None,
            "models": [{"name": m.name, "maker": m.maker, "version": m.version, "url": m.url,
                        "reference": m.reference} for m in self.models],
            "approved_by": self.approved_by_label,
            "approved_at": self.approved_at.isoformat() if self.approved_at else None,
            "second_reviewer": self.second_reviewer_label or None,
        }


def note_language(language):
    """The note's language for a language code ("fr-ca" -> "fr"); notes exist in French and English."""
    code = (language or settings.LANGUAGE_CODE).split("-")[0].lower()
    return code if code in NOTE_LANGUAGES else settings.LANGUAGE_CODE.split("-")[0]


def page_language(page):
    """The language of a page's locale (one query unless the locale is loaded)."""
    return note_language(page.locale.language_code)


def _parse(iso):
    try:
        return datetime.datetime.fromisoformat(iso) if iso else None
    except ValueError:
        return None


def from_note(note, language):
    """The disclosure of an approved note, in ``language`` ("fr" or "en"); None for a note not approved."""
    if note is None or not note.approved_at:
        return None
    language = note_language(language)
    with translation.override(language):
        models = [ModelReference(m.name, m.maker, m.model_version, m.url, m.reference())
                  for m in facts.model_uses(note.facts)]
        prompts = [Prompt(p.get("summary", ""), str(drafting.PURPOSES.get(p.get("action"), p.get("action", ""))),
                          _parse(p.get("at"))) for p in note.facts.get("prompts", []) if p.get("summary")]
        return Disclosure(
            language=language,
            heading=str(HEADING),
            short=note.short(language),
            full=note.full(language),
            review=drafting.review_statement(note, language),
            share=note.share,
            percent=drafting.percent(note.share),
            digital_source_type=drafting.digital_source_type(note.share),
            models=models,
            prompts=prompts,
            approved_by_label=note.approved_by_label,
            approved_at=note.approved_at,
            second_reviewer_label=note.second_reviewer_label,
            second_reviewed_at=note.second_reviewed_at,
            responsible=note.responsible,
        )


def disclosure(page, language=None):
    """The public disclosure of ``page`` in its own language (or ``language``), or None: no live approved note.

    One query when the page has no note; one more for the page's locale when it has one.
    """
    if page is None or not getattr(page, "pk", None):
        return None
    note = services.live_note(page)
    if note is None:
        return None
    return from_note(note, language or page_language(page))


def live_notes(pages):
    """{page pk: live note} for several pages in one query (feeds, listings)."""
    ids = [str(p.pk) for p in pages]
    if not ids:
        return {}
    notes = MethodologyNote.objects.filter(content_type=ContentType.objects.get_for_model(Page),
                                           object_id__in=ids, live=True)
    return {int(note.object_id): note for note in notes}


def disclosure_line(note, language, url=None):
    """One short line for a social post or a newsletter blurb, in ``language``, with ``url`` (the full note) after it.

    E.g. "Written with the help of AI (Mistral Small), reviewed by a person. https://…/#ai-note".
    """
    language = note_language(language)
    names = [m["name"] for m in note.facts.get("models", [])]
    with translation.override(language):
        models = drafting._list(names)  # "A, B and C" in the language, as the note itself writes lists
        if note.share >= drafting.MOSTLY_AI:
            line = _("Written with AI (%(models)s), reviewed by a person.") % {"models": models}
        elif note.share > 0:
            line = _("Written with the help of AI (%(models)s), reviewed by a person.") % {"models": models}
        else:
            line = _("Prepared with the help of AI (%(models)s), reviewed by a person.") % {"models": models}
    return f"{line} {url}" if url else line


def note_url(page_url):
    """The address of the box on a page."""
    return f"{page_url}#{ANCHOR}" if page_url else ""
