"""The public disclosure of AI use on a page: ``{% load ai_disclosure %}{% ai_disclosure page %}``."""

from django import template
from django.template.loader import render_to_string
from django.utils import translation

from cimaise.ai.transparency import public

register = template.Library()


@register.simple_tag
def ai_disclosure(page):
    """The "How we used AI" box of ``page``, in the page's language; '' when the page has no live note.

    Rendered under the page's language (``translation.override``): a French
    page shows the French note and French labels whatever the request's
    language. Put it inside the page's ``{% page_cache %}``: publishing and
    unpublishing start a new cache version, so the box follows at once.
    """
    found = public.disclosure(page)
    if found is None:
        return ""
    with translation.override(found.language):
        return render_to_string("ai/transparency/disclosure.html",
                                {"disclosure": found, "anchor": public.ANCHOR})


@register.simple_tag
def ai_disclosure_data(page, language=None):
    """The disclosure object itself (or None): ``{% ai_disclosure_data page as disclosure %}``."""
    return public.disclosure(page, language)
