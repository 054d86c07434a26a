"""The site's chrome (home links, menu, institution profile) and rendered page parts, cached.

Every public page shows the same header and footer; building them costs
several queries, so they are cached per site and language, and the rendered
parts of each page (head, header, content, footer) per page and language.

All of it is keyed on one site-wide **version**, kept in the shared cache
(``default``: Redis in production, files under var/ otherwise). Publishing,
unpublishing, moving or deleting a page, saving or deleting an image, and
saving the institution profile or a site, set a new version: every entry
becomes stale at once, in every web process and the task worker. Entries
under a version never change, so they live in each process's memory (the
``pages`` cache); a request costs one read of the version.
"""

import time

from django.conf import settings
from django.core.cache import cache, caches
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Locale, Page, Site

ENTRY_TTL = 600  # seconds: bounds the memory of entries no page asks for any more
VERSION_KEY = "cimaise:site-chrome:version"
REQUEST_ATTRIBUTE = "_cimaise_chrome_version"


def _new_version():
    # A timestamp, not a counter: should the shared cache lose the key, the
    # next version still differs from every earlier one.
    return time.time_ns()


def version(request=None):
    """The current version, read once per request."""
    cached = getattr(request, REQUEST_ATTRIBUTE, None)
    if cached is not None:
        return cached
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, _new_version(), None)
        current = cache.get(VERSION_KEY)
    if request is not None:
        setattr(request, REQUEST_ATTRIBUTE, current)
    return current


def invalidate(**kwargs):
    """Start a new version: every cached chrome and page part becomes stale at once."""
    cache.set(VERSION_KEY, _new_version(), None)


def _local():
    return caches["pages"]


def _build(site, language, request):
    from cimaise.institution.models import InstitutionProfile

    locale_codes = dict(Locale.objects.values_list("pk", "language_code"))
    root = site.root_page
    homes = {}
    home = root
    for translation in root.get_translations(inclusive=True).live().specific():
        code = locale_codes.get(translation.locale_id)
        homes[code] = translation.get_url(request=request)
        if code == language:
            home = translation
    menu = [
        {"pk": item.pk, "title": item.title, "url": item.get_url(request=request)}
        for item in home.get_children().live().public().in_menu()
    ]
    return {
        "version": version(request),
        "site_pk": site.pk,
        "root_url": site.root_url,
        "home_url": homes.get(language) or root.get_url(request=request) or f"/{language}/",
        "homes": homes,
        "menu": menu,
        "profile": InstitutionProfile.for_site(site),
        "locale_codes": locale_codes,
    }


def site_chrome(request):
    """The cached chrome for the request's site and the active language (None without a site)."""
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return None
    language = get_language()
    key = f"cimaise:site-chrome:{version(request)}:{site.pk}:{language}"
    chrome = _local().get(key)
    if chrome is None:
        chrome = _build(site, language, request)
        _local().set(key, chrome, ENTRY_TTL)
    return chrome


def cached_page_part(request, page, name, build):
    """``build()``, cached for ``page`` in the active language until the next publication.

    Previews are never cached: they show a draft, not what is live.
    """
    if request is None or getattr(request, "is_preview", False) or not getattr(page, "pk", None):
        return build()
    site = Site.find_for_request(request)
    key = f"cimaise:page-part:{version(request)}:{getattr(site, 'pk', 0)}:{get_language()}:{page.cache_key}:{name}"
    value = _local().get(key)
    if value is None:
        value = build()
        _local().set(key, value, ENTRY_TTL)
    return value


def page_languages(page, request, chrome):
    """Language switcher links and hreflang alternates for ``page`` (or for a non-page view).

    One query: the page's live translations. A language without a translation
    links to that language's home page.
    """
    language = get_language()
    translations = {}
    if isinstance(page, Page) and page.pk:
        for translation in page.get_translations(inclusive=True).live():
            translations[chrome["locale_codes"].get(translation.locale_id)] = translation
    links = []
    for code, name in settings.LANGUAGES:
        if code in translations:
            url = translations[code].get_url(request=request)
        elif page is None and request is not None:
            url = translate_url(request.get_full_path(), code)
        else:
            url = chrome["homes"].get(code, f"/{code}/")
        links.append({"code": code, "name": name, "url": url, "current": code == language})
    alternates = [
        {"code": code, "url": translation.get_full_url(request=request)}
        for code, translation in translations.items()
    ]
    return links, alternates
