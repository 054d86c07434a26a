"""RSS and Atom feeds of the articles in the current language.

An article whose text AI helped write carries its disclosure: one line after
the description (``public.disclosure_line``, with the address of the full
note) and the category "ai-assisted".
"""

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Locale, Site

from cimaise.ai.transparency import public
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
        articles = ArticlePage.objects.live().public().select_related("locale").order_by("-date", "-pk")
        locale = Locale.objects.filter(language_code=get_language()).first()
        if locale:
            articles = articles.filter(locale=locale)
        articles = list(articles[:FEED_SIZE])
        notes = public.live_notes(articles)  # one query for the whole feed
        for article in articles:
            article.live_ai_note = notes.get(article.pk)  # on the item: the feed object is shared by requests
        return articles

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        note = getattr(item, "live_ai_note", None)
        if note is None:
            return item.intro
        language = public.page_language(item)
        line = public.disclosure_line(note, language, url=public.note_url(self.item_link(item)))
        return f"{item.intro}\n\n{line}" if item.intro else line

    def item_categories(self, item):
        return (public.FEED_CATEGORY,) if getattr(item, "live_ai_note", None) is not None else ()

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
