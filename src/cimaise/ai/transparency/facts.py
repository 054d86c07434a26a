"""What the ledger says about an item's AI use: the facts a methodology note is drafted from.

``Facts`` is built from ledger rows only (``AIInteraction`` and ``AIOutcome``)
and from the provenance measure of the item's text; nothing here calls a
model. ``Facts.as_dict()`` is what a note stores, so that the note's facts
can be checked against the ledger at any time (tests do).

Which entries belong to a page: those recorded on it (the assistant in its
editor) and those whose output was turned into it (an idea of the creative
lab drafted as this page: an ``AIOutcome`` of kind "drafted" on the page).
Only answered calls count: a failed, refused, cancelled or empty call gave no
text to use; they are counted apart, for the full list.
"""

import re
from collections import Counter
from dataclasses import asdict, dataclass, field

from django.db.models import Q
from django.utils import timezone

from cimaise.ai import provenance
from cimaise.ai.models import AIInteraction, AIOutcome

# Who makes each provider's models, and where they are documented: for the note and APA-style references.
PROVIDER_MAKERS = {
    "embedded": ("Hugging Face (HuggingFaceTB)", "https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct"),
    "openai": ("OpenAI", "https://platform.openai.com/docs/models"),
    "mistral": ("Mistral AI", "https://docs.mistral.ai/getting-started/models/"),
    "anthropic": ("Anthropic", "https://docs.anthropic.com/en/docs/about-claude/models"),
    "gemini": ("Google", "https://ai.google.dev/gemini-api/docs/models"),
    "ollama": ("", "https://ollama.com/library"),
}
EMBEDDED_MODEL_NAME = "SmolLM2-135M-Instruct"
PROMPT_SUMMARY_CHARS = 160


@dataclass
class ModelUse:
    provider: str
    model_id: str
    model_version: str
    name: str  # as people know it
    maker: str
    url: str
    calls: int
    first_year: int

    def reference(self):
        """An APA-style reference (7th edition, software): Maker. (Year). Name (version) [Large language model]. URL"""
        version = f" ({self.model_version})" if self.model_version and self.model_version != self.name else ""
        maker = self.maker or self.name
        url = f" {self.url}" if self.url else ""
        return f"{maker}. ({self.first_year}). {self.name}{version} [Large language model].{url}"


@dataclass
class Facts:
    entries: list  # entry ids (text), in ledger order
    answered: int
    unanswered: int  # failed, refused, cancelled or empty calls
    models: list  # ModelUse as dicts
    actions: dict  # action key -> number of calls
    first_at: str  # ISO 8601
    last_at: str
    prompts: list  # {"entry", "at", "action", "field", "summary"}
    initiated_by: list  # people's names as recorded
    outcomes: dict  # outcome kind -> number
    share: float = 0.0
    total_words: int = 0
    ai_words: int = 0
    fields: dict = field(default_factory=dict)  # top-level field -> {"words", "ai_words", "share"}
    lab_sessions: list = field(default_factory=list)  # titles

    def as_dict(self):
        return asdict(self)

    @property
    def any(self):
        return self.answered > 0


def page_interactions(page_id):
    """The ledger entries that belong to a page (see the module's docstring), oldest first."""
    drafted = AIOutcome.objects.filter(page_id=page_id).values("interaction_id")
    return (AIInteraction.objects.filter(Q(page_id=page_id) | Q(pk__in=drafted))
            .exclude(action="test").order_by("created_at", "pk"))


def answered(interactions):
    return [i for i in interactions if i.status == AIInteraction.Status.OK and i.output.strip()]


def supplied_texts(interactions):
    """What people typed into the calls (their text, their briefs): never counted as AI."""
    texts = []
    for interaction in interactions:
        if interaction.input_text:
            texts.append(interaction.input_text)
        if interaction.lab_session_id and interaction.lab_session:
            texts.append(interaction.lab_session.brief)
    return texts


def measure(texts, interactions):
    """The provenance measure (PageMeasure) of {field: plain text} against the entries' outputs."""
    used = answered(interactions)
    return provenance.measure_fields(texts, [(str(i.pk), i.output) for i in used], supplied_texts(used))


# Personal data a prompt may hold; summaries are public (DESIGN.md, invariant 5).
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<!\w)\+?\d[\d .()-]{7,}\d(?!\w)")


def _summary(text):
    text = PHONE.sub("…", EMAIL.sub("…", " ".join((text or "").split())))
    return text if len(text) <= PROMPT_SUMMARY_CHARS else text[:PROMPT_SUMMARY_CHARS - 1].rstrip() + "…"


def _person(interaction):
    """The person's full name, as readers may see it; never their username (often an email address)."""
    if interaction.user_id and interaction.user:
        return interaction.user.get_full_name().strip()
    # "Full Name (username)" as recorded, or the username alone: the name only.
    label = interaction.user_label
    return label.rsplit(" (", 1)[0] if label.endswith(")") and " (" in label else ""


def top_field(name):
    return name.split(".", 1)[0]


def collect(interactions, measure_result=None):
    """Facts from ledger entries (an iterable of AIInteraction) and the measure of the final text."""
    interactions = list(interactions)
    used = answered(interactions)
    models = {}
    for interaction in used:
        key = (interaction.provider, interaction.model_id, interaction.model_version)
        if key not in models:
            maker, url = PROVIDER_MAKERS.get(interaction.provider, ("", ""))
            name = EMBEDDED_MODEL_NAME if interaction.provider == "embedded" else interaction.model_id
            models[key] = ModelUse(interaction.provider, interaction.model_id, interaction.model_version, name,
                                   maker, url, 0, timezone.localtime(interaction.created_at).year)
        models[key].calls += 1
    outcomes = Counter()
    for outcome in AIOutcome.objects.filter(interaction__in=[i.pk for i in used]).order_by("created_at", "pk"):
        outcomes[outcome.kind] += 1
    people = []
    for interaction in used:
        person = _person(interaction)
        if person and person not in people:
            people.append(person)
    sessions = []
    for interaction in used:
        if interaction.lab_session_id and interaction.lab_session and interaction.lab_session.title not in sessions:
            sessions.append(interaction.lab_session.title)
    facts = Facts(
        entries=[str(i.pk) for i in used],
        answered=len(used),
        unanswered=len(interactions) - len(used),
        models=[asdict(m) for m in models.values()],
        actions=dict(Counter(i.action for i in used)),
        first_at=used[0].created_at.isoformat() if used else "",
        last_at=used[-1].created_at.isoformat() if used else "",
        prompts=[{"entry": str(i.pk), "at": i.created_at.isoformat(), "action": i.action,
                  "field": i.field_name, "summary": _summary(i.input_text or i.prompt)} for i in used],
        initiated_by=people,
        outcomes=dict(outcomes),
        lab_sessions=sessions,
    )
    if measure_result is not None:
        facts.share = round(measure_result.share, 4)
        facts.total_words = measure_result.total_words
        facts.ai_words = measure_result.covered_words
        fields = {}
        for name, m in measure_result.fields.items():
            top = fields.setdefault(top_field(name), {"words": 0, "ai_words": 0})
            top["words"] += m.total_words
            top["ai_words"] += m.covered_words
        for top in fields.values():
            top["share"] = round(top["ai_words"] / top["words"], 4) if top["words"] else 0.0
        facts.fields = fields
    return facts


def model_uses(facts_dict):
    """The ModelUse objects of stored facts (a note's ``facts``)."""
    return [ModelUse(**m) for m in facts_dict.get("models", [])]
