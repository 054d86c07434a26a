"""Public views beside Wagtail's page serving: QR codes, screens, search, robots.txt."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.models import Locale, Page

from cimaise.core.search import clean_query
from cimaise.pages import qr
from cimaise.pages.models import ScreenPlaylist

SEARCH_RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def _public_page(page_id):
    """A live page that anyone may see, or 404: QR codes never reveal a draft or a private page."""
    page = get_object_or_404(Page.objects.live().public(), pk=page_id)
    return page.specific


@require_GET
def page_short_link(request, page_id):
    return redirect(_public_page(page_id).get_url(request=request))


@require_GET
@cache_control(max_age=3600)
def page_qr_svg(request, page_id):
    return HttpResponse(qr.qr_svg(_public_page(page_id)), content_type="image/svg+xml")


@require_GET
@cache_control(max_age=3600)
def page_qr_png(request, page_id):
    page = _public_page(page_id)
    response = HttpResponse(qr.qr_png(page), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="qr-{page.slug}.png"'
    return response


@require_GET
def page_qr_label(request, page_id):
    """A printable label for a room: title, short text and the QR code."""
    page = _public_page(page_id)
    # The label speaks the page's language, whatever the language of the browser that prints it.
    with translation.override(page.locale.language_code):
        return render(request, "pages/qr_label.html", {
            "page": page,
            "short_url": qr.short_url(page),
        })


@require_GET
def screen(request, slug):
    """One slide of a venue screen; the page refreshes itself to the next slide.

    A meta refresh rather than a script: the screen rotates on any browser,
    keeps going after a network blip, and always shows the latest published text.
    """
    playlist = get_object_or_404(ScreenPlaylist, slug=slug)
    pages = playlist.live_pages()
    try:
        index = int(request.GET.get("slide", 0))
    except ValueError:
        index = 0
    page = pages[index % len(pages)] if pages else None
    next_index = (index + 1) % len(pages) if pages else 0
    # Each slide speaks its page's language (a playlist may mix French and English pages).
    with translation.override(page.locale.language_code if page else get_language()):
        return render(request, "pages/screen.html", {
            "playlist": playlist,
            "slide": page,
            "slide_number": (index % len(pages)) + 1 if pages else 0,
            "slide_count": len(pages),
            "next_url": f"{request.path}?slide={next_index}",
            "refresh_seconds": playlist.seconds_per_slide if pages else 60,
            "show_qr": bool(page and playlist.show_qr_code),
        })


@require_GET
def search(request):
    query = clean_query(request.GET.get("q"), MAX_QUERY_LENGTH)
    results = None
    if query:
        locale = Locale.objects.filter(language_code=get_language()).first()
        pages = Page.objects.live().public().specific()
        if locale:
            pages = pages.filter(locale=locale)
        results = Paginator(pages.search(query), SEARCH_RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "pages/search.html", {"search_query": query, "results": results})


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /screens/",
        f"Sitemap: {settings.BASE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
