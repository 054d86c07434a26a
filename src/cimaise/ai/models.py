"""The AI studio's data: which model the institution uses, the ledger, the creative lab.

The ledger (``AIInteraction`` and ``AIOutcome``) is append-only: rows are
created by ``cimaise.ai.ledger`` and never changed or deleted, except that
erasing a person under the GDPR anonymises who they were (see
docs/ai-ledger.md). The guard is in the model and its queryset, so the admin,
the API and a stray ``.update()`` all meet it.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from cimaise.institution.ai_actions import AI_ACTIONS


class Provider(models.TextChoices):
    EMBEDDED = "embedded", _("Embedded model (offline, on this server)")
    OPENAI = "openai", _("OpenAI")
    MISTRAL = "mistral", _("Mistral")
    OLLAMA = "ollama", _("Ollama")
    ANTHROPIC = "anthropic", _("Anthropic")
    GEMINI = "gemini", _("Google Gemini")
    OPENAI_COMPATIBLE = "openai_compatible", _("OpenAI-compatible server (vLLM, llama.cpp server, LM Studio)")
    LLM = "llm", _("Another model known to llm (a plugin installed on the server)")


@register_setting(icon="cogs")
class AIModelSettings(BaseSiteSetting):
    """The model that the AI studio calls for this site. API keys are never stored here."""

    provider = models.CharField(_("provider"), max_length=32, choices=Provider.choices, default=Provider.EMBEDDED)
    model_id = models.CharField(
        _("model"), max_length=200, blank=True,
        help_text=_("The provider's model name, e.g. gpt-4o-mini, mistral-small-latest, llama3.2. "
                    "Leave empty for the embedded model."),
    )
    api_base = models.URLField(
        _("server address"), blank=True,
        help_text=_("For Ollama and OpenAI-compatible servers, e.g. http://127.0.0.1:11434 or http://gpu-1:8000/v1."),
    )
    api_key_env = models.CharField(
        _("environment variable holding the API key"), max_length=100, blank=True,
        help_text=_("The name of the variable (e.g. OPENAI_API_KEY), never the key itself. Empty: the "
                    "provider's usual variable, or the key saved with “llm keys set”."),
    )
    temperature = models.FloatField(
        _("default creativity (temperature)"), default=0.7,
        help_text=_("0 gives steady, repeatable text; 1.5 gives surprising text. People can change it per request."),
    )
    max_output_tokens = models.PositiveIntegerField(
        _("longest answer (tokens)"), default=400,
        help_text=_("About three quarters of a word per token. The embedded model is capped at 512."),
    )
    timeout_seconds = models.PositiveIntegerField(_("time limit (seconds)"), default=60)

    panels = [
        HelpPanel(template="ai/admin/model_settings_help.html"),
        MultiFieldPanel([FieldPanel("provider"), FieldPanel("model_id"), FieldPanel("api_base"),
                         FieldPanel("api_key_env")], heading=_("Model")),
        MultiFieldPanel([FieldPanel("temperature"), FieldPanel("max_output_tokens"), FieldPanel("timeout_seconds")],
                        heading=_("Limits")),
    ]

    class Meta:
        verbose_name = _("AI model")
        verbose_name_plural = _("AI model")

    def clean(self):
        errors = {}
        if self.provider == Provider.OPENAI_COMPATIBLE and not self.api_base:
            errors["api_base"] = _("An OpenAI-compatible server needs its address.")
        if self.provider != Provider.EMBEDDED and not self.model_id:
            errors["model_id"] = _("Name the model to use with this provider.")
        if not 0 <= self.temperature <= 2:
            errors["temperature"] = _("Choose a temperature between 0 and 2.")
        if not 1 <= self.max_output_tokens <= 8000:
            errors["max_output_tokens"] = _("Choose between 1 and 8,000 tokens.")
        if not 1 <= self.timeout_seconds <= 600:
            errors["timeout_seconds"] = _("Choose between 1 and 600 seconds.")
        if self.api_key_env and not self.api_key_env.replace("_", "").isalnum():
            errors["api_key_env"] = _("Write the name of a variable (letters, digits, _), not the key.")
        if errors:
            raise ValidationError(errors)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The AI ledger is append-only: entries cannot be changed.")

    def delete(self):
        raise PermissionError("The AI ledger is append-only: entries cannot be deleted.")

    def _anonymise(self, **kwargs):
        # The one change allowed: erasing a person under the GDPR (cimaise.ai.ledger.anonymise_user).
        return super().update(**kwargs)


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The AI ledger is append-only: entries cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The AI ledger is append-only: entries cannot be deleted.")


class AIInteraction(AppendOnlyModel):
    """One call to a model, as it happened: who, for what, what went in, what came out."""

    class Status(models.TextChoices):
        OK = "ok", _("answered")
        EMPTY = "empty", _("empty answer")
        REFUSED = "refused", _("refused by the policy")
        CANCELLED = "cancelled", _("stopped by the person")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    user_label = models.CharField(_("who (as recorded)"), max_length=200, blank=True)
    site = models.ForeignKey("wagtailcore.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    institution = models.CharField(_("institution"), max_length=255, blank=True)
    # What it served: a page (and the revision the person was editing) and a field, or a lab session.
    page = models.ForeignKey("wagtailcore.Page", verbose_name=_("page"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+", db_constraint=False)
    page_title = models.CharField(_("page (as recorded)"), max_length=255, blank=True)
    revision = models.ForeignKey("wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", db_constraint=False)
    field_name = models.CharField(_("field"), max_length=255, blank=True)
    lab_session = models.ForeignKey("ai.LabSession", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="interactions", db_constraint=False)
    action = models.CharField(_("action"), max_length=32, choices=AI_ACTIONS + [("test", _("Connection test"))])
    # What went in.
    system_prompt = models.TextField(_("system prompt"), blank=True)
    prompt = models.TextField(_("prompt"), blank=True)
    input_text = models.TextField(_("text supplied by the person"), blank=True)
    history = models.JSONField(_("earlier turns"), default=list, blank=True)
    # Which model, with what settings.
    provider = models.CharField(_("provider"), max_length=32)
    model_id = models.CharField(_("model"), max_length=200)
    model_version = models.CharField(_("model version"), max_length=200, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    # What came out.
    output = models.TextField(_("output"), blank=True)
    status = models.CharField(_("result"), max_length=16, choices=Status.choices)
    error = models.TextField(_("error"), blank=True)
    input_tokens = models.PositiveIntegerField(_("input tokens"), null=True, blank=True)
    output_tokens = models.PositiveIntegerField(_("output tokens"), null=True, blank=True)
    latency_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    first_token_ms = models.PositiveIntegerField(_("first words after (ms)"), null=True, blank=True)
    candidate = models.PositiveSmallIntegerField(_("candidate"), default=1)

    class Meta:
        verbose_name = _("AI interaction")
        verbose_name_plural = _("AI interactions")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["page", "-created_at"])]

    def __str__(self):
        return f"{self.get_action_display()} · {self.model_id} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def outcome(self):
        """The latest thing the person did with the output (inserted, replaced, edited, discarded)."""
        last = self.outcomes.order_by("-created_at", "-pk").first()
        return last.kind if last else ""


class AIOutcome(AppendOnlyModel):
    """What the person did with an interaction's output; several may follow one another."""

    class Kind(models.TextChoices):
        INSERTED = "inserted", _("inserted")
        REPLACED = "replaced", _("replaced")
        EDITED = "edited", _("edited afterwards")
        DISCARDED = "discarded", _("discarded")
        KEPT = "kept", _("kept as an idea")
        DRAFTED = "drafted", _("turned into a page draft")
        COPIED = "copied", _("copied into another page (a copy or a translation)")

    interaction = models.ForeignKey(AIInteraction, on_delete=models.PROTECT, related_name="outcomes")
    kind = models.CharField(_("outcome"), max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    page = models.ForeignKey("wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", db_constraint=False)
    revision = models.ForeignKey("wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", db_constraint=False)
    field_name = models.CharField(max_length=255, blank=True)
    text = models.TextField(_("text as used"), blank=True)

    class Meta:
        verbose_name = _("AI outcome")
        verbose_name_plural = _("AI outcomes")
        ordering = ["created_at"]


class LabSession(models.Model):
    """A creative-lab dialogue around a brief ("Hypercreation")."""

    title = models.CharField(_("title"), max_length=200)
    brief = models.TextField(_("brief"))
    temperature = models.FloatField(_("creativity"), default=0.9)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    site = models.ForeignKey("wagtailcore.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("creative-lab session")
        verbose_name_plural = _("creative-lab sessions")
        ordering = ["-updated_at"]
        permissions = [("use_ai_assistant", _("Can use the AI assistant and the creative lab"))]

    def __str__(self):
        return self.title


class LabIdea(models.Model):
    """An idea kept on a session's board: ranked, annotated, perhaps turned into a page draft."""

    session = models.ForeignKey(LabSession, on_delete=models.CASCADE, related_name="ideas")
    text = models.TextField(_("idea"))
    note = models.TextField(_("note"), blank=True)
    rank = models.PositiveIntegerField(_("rank"), default=0)
    source = models.ForeignKey(AIInteraction, verbose_name=_("from the AI interaction"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    draft_page = models.ForeignKey("wagtailcore.Page", verbose_name=_("page draft"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["rank", "created_at"]

    def __str__(self):
        return self.text[:60]


# --- AI transparency: the measured share, the methodology note, AI images (docs/ai-transparency.md) ----------


class ProvenanceRecord(models.Model):
    """How much of one saved revision's text derives from AI outputs in the ledger (cimaise.ai.provenance).

    Written when a revision of an item with ledger entries is saved; one per
    revision. ``fields`` holds each field's measure, ``entries`` each ledger
    entry's words over the whole item.
    """

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=255, db_index=True)
    revision = models.OneToOneField("wagtailcore.Revision", null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="ai_provenance")
    fingerprint = models.CharField(_("text fingerprint"), max_length=64)
    measured_at = models.DateTimeField(_("measured at"), auto_now_add=True)
    total_words = models.PositiveIntegerField(_("words"))
    ai_words = models.PositiveIntegerField(_("AI-derived words"))
    share = models.FloatField(_("AI share"))
    fields = models.JSONField(default=dict)
    entries = models.JSONField(default=list)

    class Meta:
        verbose_name = _("AI share of a revision")
        verbose_name_plural = _("AI shares of revisions")
        ordering = ["-measured_at"]


class MethodologyNote(models.Model):
    """The note that says how AI was used for one version of an item's text, drafted from the ledger.

    A note belongs to an item (a page, or any other published or sent text)
    and to the text it was drafted for (``fingerprint``, with the revision it
    was first drafted from). When the text changes, a new note is drafted and
    the old one is superseded. ``facts`` is what the ledger said when drafting
    (never edited); the four texts are the wording, which the author may edit.
    The item may be published only with an approved note whose fingerprint is
    that of the text being published (cimaise.ai.transparency.gate).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("awaiting approval")
        SECOND_REVIEW = "second_review", _("awaiting a second reviewer")
        APPROVED = "approved", _("approved")
        SUPERSEDED = "superseded", _("superseded by a newer text")

    class Check(models.TextChoices):
        FACTS = "facts", _("facts")
        SOURCES = "sources", _("sources")
        TONE = "tone", _("tone")
        RIGHTS = "rights", _("rights (images, quotations, personal data)")

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=255, db_index=True)
    title = models.CharField(_("item"), max_length=255, blank=True)
    revision = models.ForeignKey("wagtailcore.Revision", verbose_name=_("revision"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+", db_constraint=False)
    fingerprint = models.CharField(_("text fingerprint"), max_length=64, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    # The facts from the ledger (cimaise.ai.transparency.facts.Facts.as_dict) and the measured share.
    facts = models.JSONField(_("facts from the ledger"), default=dict)
    share = models.FloatField(_("AI share"), default=0.0)
    # The wording: drafted by code, then perhaps edited by the author.
    short_fr = models.TextField(_("short form (French)"), blank=True)
    full_fr = models.TextField(_("full note (French)"), blank=True)
    short_en = models.TextField(_("short form (English)"), blank=True)
    full_en = models.TextField(_("full note (English)"), blank=True)
    drafted = models.JSONField(_("wording as drafted"), default=dict)
    # The human review.
    checks = models.JSONField(_("what the reviewer checked"), default=list, blank=True)
    responsible = models.CharField(_("editorial responsibility"), max_length=200, blank=True,
                                   help_text=_("The person or role who answers for the published text."))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_by_label = models.CharField(_("approved by (as recorded)"), max_length=200, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_revision = models.ForeignKey("wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="+", db_constraint=False)
    second_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("second reviewer"), null=True,
                                        blank=True, on_delete=models.SET_NULL, related_name="+")
    second_reviewer_label = models.CharField(_("second reviewer (as recorded)"), max_length=200, blank=True)
    second_reviewed_at = models.DateTimeField(_("second review at"), null=True, blank=True)
    # Set when the item went public with this note: the public disclosure reads it.
    live = models.BooleanField(_("shown to the public"), default=False)

    class Meta:
        verbose_name = _("AI methodology note")
        verbose_name_plural = _("AI methodology notes")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]
        permissions = [("view_ai_dashboard", _("Can see the AI oversight dashboard"))]

    def __str__(self):
        return self.title or f"{self.content_type_id}:{self.object_id}"

    @property
    def approved(self):
        return self.status == self.Status.APPROVED

    def short(self, language):
        return self.short_en if language == "en" else self.short_fr

    def full(self, language):
        return self.full_en if language == "en" else self.full_fr


class DigitalSourceType(models.TextChoices):
    """IPTC digital source types (https://cv.iptc.org/newscodes/digitalsourcetype/) that Cimaise uses."""

    TRAINED_ALGORITHMIC_MEDIA = "trainedAlgorithmicMedia", _("Made by generative AI")
    COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA = (
        "compositeWithTrainedAlgorithmicMedia", _("Made partly with generative AI (a composite or an edit)"))
    ALGORITHMIC_MEDIA = "algorithmicMedia", _("Made by an algorithm without training data")

    @classmethod
    def uri(cls, value):
        return f"http://cv.iptc.org/newscodes/digitalsourcetype/{value}"


class AIImageDeclaration(models.Model):
    """An image declared as made or edited with AI: how, with which tool and prompt; its Content Credentials."""

    image = models.OneToOneField("wagtailimages.Image", on_delete=models.CASCADE, related_name="ai_declaration")
    source_type = models.CharField(_("made with AI"), max_length=64, choices=DigitalSourceType.choices)
    tool = models.CharField(_("AI tool"), max_length=200, help_text=_("The tool and model, e.g. “Firefly Image 3”."))
    prompt = models.TextField(_("prompt"), blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    declared_at = models.DateTimeField(auto_now=True)
    metadata_written = models.BooleanField(_("IPTC metadata written into the file"), default=False)
    c2pa_signed = models.BooleanField(_("Content Credentials (C2PA) embedded"), default=False)
    c2pa_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("AI image declaration")
        verbose_name_plural = _("AI image declarations")

    def __str__(self):
        return f"{self.image_id}: {self.get_source_type_display()}"

    @property
    def source_type_uri(self):
        return DigitalSourceType.uri(self.source_type)
