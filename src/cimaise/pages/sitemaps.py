"""The sitemap: every live, public page of the site, in every language."""

from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class MultilingualSitemap(Sitemap):
    """Wagtail's sitemap lists the tree under the site's root page only, which
    leaves out the translated trees (the English home is a sibling of the
    French one); this one lists the root page's tree in every language."""

    def items(self):
        homes = self.get_wagtail_site().root_page.get_translations(inclusive=True)
        in_site = Q()
        for home in homes:
            in_site |= Page.objects.descendant_of_q(home, inclusive=True)
        return (
            Page.objects.filter(in_site).live().public().order_by("path").defer_streamfields().specific()
        )
