"""The least a Wagtail page can be: a title and a rich-text body, rendered in a plain document.

bench/pages.py serves one of these with the same title and text as the
measured article, so that ``article_vs_bare`` shows what Cimaise's page
types and templates cost on top of Wagtail itself.
"""

from wagtail.fields import RichTextField
from wagtail.models import Page


class BarePage(Page):
    body = RichTextField(blank=True)

    template = "bareapp/bare_page.html"
