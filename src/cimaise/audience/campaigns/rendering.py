"""A campaign's HTML and text, rendered once, then personalised per recipient by string substitution.

``render(campaign)`` builds the MJML from ``campaigns/newsletter.mjml`` (a Django template rendered once
per campaign), turns it into HTML with mjml-python, inlines its CSS once with css-inline, and renders the
plain-text part. Both keep placeholders (``@@GREETING@@``, ``@@UNSUBSCRIBE_URL@@``,
``@@PREFERENCES_URL@@``): ``Personaliser`` fills them for each recipient with values already escaped
for HTML, so that sending a message costs a join of strings, not a template render.

Pages are read through Wagtail's ``Page`` and duck typing (``intro``, ``image``, ``image_alt``): the
audience app sits below pages and events and never imports them (DESIGN.md, import direction).
"""

import dataclasses
import html
import re

import css_inline
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from mjml import mjml2html
from wagtail.models import Page, Site

GREETING = "GREETING"
UNSUBSCRIBE_URL = "UNSUBSCRIBE_URL"
PREFERENCES_URL = "PREFERENCES_URL"
PLACEHOLDERS = (GREETING, UNSUBSCRIBE_URL, PREFERENCES_URL)
_PLACEHOLDER = re.compile(r"@@(" + "|".join(PLACEHOLDERS) + r")@@")

# The pages a campaign may show, by model label: read without importing their apps.
CONTENT_MODELS = ("pages.articlepage", "events.eventpage")
IMAGE_FILTER = "fill-1120x630"


@dataclasses.dataclass(frozen=True)
class Rendered:
    html: str
    text: str


def _site():
    return Site.objects.filter(is_default_site=True).first() or Site.objects.first()


def _absolute(url):
    if url and url.startswith("/"):
        return settings.BASE_URL + url
    return url or ""


def _card(page, site):
    specific = page.specific
    image = getattr(specific, "image", None)
    image_url = ""
    if image is not None:
        image_url = _absolute(image.get_rendition(IMAGE_FILTER).url)
    url = specific.get_full_url() or _absolute(specific.get_url(current_site=site))
    return {
        "title": specific.title,
        "intro": getattr(specific, "intro", "") or specific.search_description,
        "url": url,
        "image_url": image_url,
        "image_alt": getattr(specific, "image_alt", ""),
        "kind": "event" if specific._meta.label_lower == "events.eventpage" else "article",
    }


def institution():
    """The institution's name and postal address (site settings), with fallbacks."""
    from cimaise.institution.models import InstitutionProfile

    site = _site()
    profile = InstitutionProfile.for_site(site) if site else None
    name = (profile.name if profile else "") or (site.site_name if site else "") or "Cimaise"
    return name, (profile.address if profile else "")


def has_preference_centre():
    """Whether the subscriptions feature offers a preference centre link (see ``sending.preferences_url``)."""
    from cimaise.audience.campaigns import sending

    return sending.preferences_url_builder() is not None


def context(campaign):
    site = _site()
    name, address = institution()
    pages = [item.page for item in campaign.items.select_related("page")]
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", campaign.intro or "") if p.strip()]
    return {
        "campaign": campaign,
        "institution_name": name,
        "address": address,
        "paragraphs": paragraphs,
        "cards": [_card(page, site) for page in pages if page.live],
        "has_preferences": has_preference_centre(),
        "why": _("You receive this email because you subscribed to “%(list)s” of %(name)s.")
        % {"list": campaign.newsletter.name, "name": name},
    }


def render(campaign):
    """The campaign's HTML (MJML, CSS inlined) and text, with placeholders; in the campaign's language."""
    with translation.override(campaign.language):
        ctx = context(campaign)
        mjml_source = render_to_string("campaigns/newsletter.mjml", ctx)
        text = render_to_string("campaigns/newsletter.txt", ctx)
    html_out = mjml2html(mjml_source)
    # Once per campaign: every card's style goes into style="" attributes (mail programs drop <style>).
    html_out = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False).inline(html_out)
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return Rendered(html=html_out, text=text)


def greetings(language):
    """(greeting with a name, greeting without) in ``language``: "Hello %(name)s," / "Hello,"."""
    with translation.override(language):
        return _("Hello %(name)s,"), _("Hello,")


class Personaliser:
    """Split a rendered part on its placeholders once; ``fill(values)`` joins the pieces with the values.

    ``values`` maps placeholder names to text; for an HTML part pass ``escape=True`` and raw values.
    """

    def __init__(self, source, *, escape):
        self.escape = escape
        self.parts = _PLACEHOLDER.split(source)  # literal, name, literal, name, ..., literal

    def fill(self, values):
        parts = self.parts[:]
        for i in range(1, len(parts), 2):
            value = values.get(parts[i], "")
            parts[i] = html.escape(value) if self.escape else value
        return "".join(parts)


def sample_values(campaign, first_name=""):
    """Values for a preview or a test message (links that lead nowhere harmful)."""
    named, anonymous = greetings(campaign.language)
    return {
        GREETING: named % {"name": first_name} if first_name else anonymous,
        UNSUBSCRIBE_URL: f"{settings.BASE_URL}/m/u/test/",
        PREFERENCES_URL: f"{settings.BASE_URL}/m/p/test/",
    }


def content_pages():
    """Live articles and events a campaign may show, newest first."""
    from django.contrib.contenttypes.models import ContentType

    types = [ct for ct in ContentType.objects.filter(app_label__in=["pages", "events"])
             if f"{ct.app_label}.{ct.model}" in CONTENT_MODELS]
    return Page.objects.live().filter(content_type__in=types).order_by("-first_published_at", "-pk")
