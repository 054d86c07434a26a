"""Template helpers for the public site."""

import functools
import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail.models import Page

from cimaise.pages.chrome import cached_page_part, page_languages
from cimaise.pages.chrome import site_chrome as cached_site_chrome

register = template.Library()


@register.simple_tag(takes_context=True)
def site_chrome(context):
    """Header and footer data: home link, menu, profile, language links (see cimaise.pages.chrome)."""
    request = context.get("request")
    chrome = cached_site_chrome(request)
    if chrome is None:
        return None
    page = context.get("page") if isinstance(context.get("page"), Page) else None

    @functools.cache
    def languages_and_alternates():
        return cached_page_part(request, page, "languages", lambda: page_languages(page, request, chrome))

    # Callables: the template only calls them when the header is not already cached.
    return {
        **chrome,
        "languages": lambda: languages_and_alternates()[0],
        "alternates": lambda: languages_and_alternates()[1],
    }


@register.simple_tag
def json_ld(data):
    """Embed schema.org data; escapes '<', '>' and '&' so text cannot close the script element."""
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag(takes_context=True)
def page_json_ld(context, page, chrome):
    from cimaise.pages.structured_data import for_page

    request = context.get("request")
    return cached_page_part(request, page, "json-ld", lambda: json_ld(for_page(page, request, chrome)))


class PageCacheNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        request = context.get("request")
        page = context.get("page")
        if not isinstance(page, Page) or request is None or request.GET:
            # Views that are not pages, and query strings (a listing's page 2), are rendered each time.
            return self.nodelist.render(context)
        return mark_safe(cached_page_part(request, page, self.name, lambda: self.nodelist.render(context)))


@register.tag
def page_cache(parser, token):
    """Cache a part of a page's template until the next publication on the site.

    ``{% page_cache "name" %}...{% endpage_cache %}``: keyed on the page's
    state, the site, the language and the site-wide version that publishing
    bumps (see cimaise.pages.chrome), so links to other pages and listings
    follow at once. Previews and query strings are never cached.
    """
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("Usage: {% page_cache \"name\" %}...{% endpage_cache %}")
    nodelist = parser.parse(("endpage_cache",))
    parser.delete_first_token()
    return PageCacheNode(nodelist, bits[1][1:-1])
