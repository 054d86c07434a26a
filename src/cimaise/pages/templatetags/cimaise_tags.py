"""Template helpers for the public site."""

import json

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.models import Locale, Page, Site

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """One link per site language: the page's translation when it exists, else that language's home."""
    request = context.get("request")
    page = context.get("page") if isinstance(context.get("page"), Page) else None
    current = get_language()
    translations = {}
    if page is not None and page.pk:
        for translation in page.get_translations(inclusive=True).live().select_related("locale"):
            translations[translation.locale.language_code] = translation.get_url(request=request)
    links = []
    for code, name in settings.LANGUAGES:
        url = translations.get(code)
        if url is None and page is None and request is not None:
            url = translate_url(request.get_full_path(), code)
        if url is None:
            url = _home_url(code, request)
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return links


def _home_url(code, request):
    site = Site.find_for_request(request) if request else None
    root = site.root_page if site else None
    if root is None:
        return f"/{code}/"
    home = root.get_translations(inclusive=True).filter(locale__language_code=code).live().first()
    return home.get_url(request=request) if home else f"/{code}/"


@register.simple_tag(takes_context=True)
def site_home(context):
    """The home page in the current language (for the logo link and the menu)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return None
    locale = Locale.objects.filter(language_code=get_language()).first()
    root = site.root_page
    if locale and root.locale_id != locale.pk:
        root = root.get_translation_or_none(locale) or root
    return root.specific


@register.simple_tag
def menu_pages(home):
    if home is None:
        return []
    return home.get_children().live().public().in_menu()


@register.simple_tag
def json_ld(data):
    """Embed schema.org data; escapes '<', '>' and '&' so text cannot close the script element."""
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag(takes_context=True)
def page_json_ld(context, page):
    from cimaise.institution.models import InstitutionProfile
    from cimaise.pages.structured_data import for_page

    request = context.get("request")
    profile = InstitutionProfile.for_request(request)
    return json_ld(for_page(page, request, profile))
