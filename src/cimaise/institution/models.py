"""The institution's profile: who it is, whom it serves, how it speaks, how it uses AI.

One per site (a Wagtail site setting). Later capabilities read it: AI prompts
(mission, audiences, tone), emails (contact details), JSON-LD (name, kind).
"""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from cimaise.institution.ai_actions import AI_ACTION_KEYS, AI_ACTIONS
from cimaise.institution.fields import ChoiceListField


class InstitutionKind(models.TextChoices):
    MUSEUM = "museum", _("Museum")
    LIVE_PERFORMANCE = "live_performance", _("Live performance")
    MUSIC_VENUE = "music_venue", _("Music venue")
    FESTIVAL = "festival", _("Festival")
    GALLERY = "gallery", _("Gallery")
    AUDIOVISUAL = "audiovisual", _("Audiovisual")
    ART_MARKET = "art_market", _("Art market")
    SCHOOL = "school", _("School")


# schema.org types used for the institution's JSON-LD.
SCHEMA_ORG_TYPES = {
    InstitutionKind.MUSEUM: "Museum",
    InstitutionKind.LIVE_PERFORMANCE: "PerformingArtsTheater",
    InstitutionKind.MUSIC_VENUE: "MusicVenue",
    InstitutionKind.FESTIVAL: "Organization",
    InstitutionKind.GALLERY: "ArtGallery",
    InstitutionKind.AUDIOVISUAL: "Organization",
    InstitutionKind.ART_MARKET: "Organization",
    InstitutionKind.SCHOOL: "EducationalOrganization",
}

phone_validator = RegexValidator(
    r"^\+?[0-9 ().-]{6,25}$", _("Enter a phone number with digits, spaces and an optional leading +.")
)


@register_setting(icon="site")
class InstitutionProfile(BaseSiteSetting):
    name = models.CharField(_("name"), max_length=200, default="")
    kind = models.CharField(_("kind"), max_length=32, choices=InstitutionKind.choices, default=InstitutionKind.MUSEUM)
    mission = models.TextField(_("mission statement"), blank=True)
    audiences = models.TextField(
        _("audiences"), blank=True, help_text=_("Who you serve, one audience per line (e.g. families, schools).")
    )
    tone_of_voice = models.TextField(
        _("tone of voice"), blank=True, help_text=_("How you speak: words to use, words to avoid, register.")
    )
    languages = ChoiceListField(
        _("languages"),
        item_choices=[("fr", "Français"), ("en", "English")],
        help_text=_("Languages in which the institution publishes."),
    )
    address = models.TextField(_("postal address"), blank=True)
    email = models.EmailField(_("public contact email"), blank=True)
    phone = models.CharField(_("public phone"), max_length=30, blank=True, validators=[phone_validator])
    website = models.URLField(_("main website"), blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True)

    ai_allowed_actions = ChoiceListField(
        _("allowed AI actions"),
        item_choices=AI_ACTIONS,
        help_text=_("AI actions staff may use. An action left unticked is refused with the reason below."),
    )
    ai_refusal_reason = models.TextField(
        _("reason given when an AI action is not allowed"),
        blank=True,
        default=_("This AI action is not allowed by the institution's AI policy."),
    )
    ai_disclosure_fr = models.TextField(
        _("public AI disclosure (French)"),
        blank=True,
        help_text=_("Shown to the public beside content made with the help of AI."),
    )
    ai_disclosure_en = models.TextField(_("public AI disclosure (English)"), blank=True)
    ai_requires_second_reviewer = models.BooleanField(
        _("every AI-assisted item needs a second reviewer"), default=False
    )

    identity_panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("mission"),
        FieldPanel("languages"),
    ]
    voice_panels = [FieldPanel("audiences"), FieldPanel("tone_of_voice")]
    contact_panels = [
        FieldPanel("address"),
        FieldPanel("email"),
        FieldPanel("phone"),
        FieldPanel("website"),
        FieldPanel("opening_hours"),
    ]
    ai_panels = [
        FieldPanel("ai_allowed_actions"),
        FieldPanel("ai_refusal_reason"),
        MultiFieldPanel([FieldPanel("ai_disclosure_fr"), FieldPanel("ai_disclosure_en")], heading=_("Disclosure")),
        FieldPanel("ai_requires_second_reviewer"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(identity_panels, heading=_("Identity")),
            ObjectList(voice_panels, heading=_("Audiences and tone")),
            ObjectList(contact_panels, heading=_("Contact")),
            ObjectList(ai_panels, heading=_("AI policy")),
        ]
    )

    class Meta:
        verbose_name = _("institution profile")

    def __str__(self):
        return self.name or str(_("Institution profile"))

    def audience_list(self):
        return [line.strip() for line in self.audiences.splitlines() if line.strip()]

    def allows_ai_action(self, action):
        """True when the AI policy allows ``action`` (one of AI_ACTION_KEYS)."""
        if action not in AI_ACTION_KEYS:
            raise ValueError(f"unknown AI action {action!r}")
        return action in (self.ai_allowed_actions or [])

    def ai_disclosure(self, language):
        return self.ai_disclosure_en if language == "en" else self.ai_disclosure_fr

    @property
    def schema_org_type(self):
        return SCHEMA_ORG_TYPES.get(self.kind, "Organization")
