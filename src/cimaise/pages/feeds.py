"""RSS and Atom feeds of the articles in the current language."""

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Locale, Site

from cimaise.pages.models import ArticlePage

FEED_SIZE = 20


class ArticlesFeed(Feed):
    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def _site_name(self):
        from cimaise.institution.models import InstitutionProfile

        site = Site.find_for_request(self.request) or Site.objects.filter(is_default_site=True).first()
        profile = InstitutionProfile.for_site(site) if site else None
        return (profile and profile.name) or settings.WAGTAIL_SITE_NAME

    def title(self):
        return _("%(site)s: articles") % {"site": self._site_name()}

    def link(self):
        return f"/{get_language()}/"

    def description(self):
        return _("The latest articles from %(site)s.") % {"site": self._site_name()}

    def items(self):
        articles = ArticlePage.objects.live().public().order_by("-date", "-pk")
        locale = Locale.objects.filter(language_code=get_language()).first()
        if locale:
            articles = articles.filter(locale=locale)
        return articles[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.intro

    def item_link(self, item):
        return item.get_full_url(request=self.request)

    def item_pubdate(self, item):
        published = item.first_published_at
        if published and published.date() == item.date:
            return published
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time(9, 0)))

    def item_updateddate(self, item):
        return item.last_published_at


class ArticlesAtomFeed(ArticlesFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()
