from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.static import serve as serve_static
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cimaise.api.urls import urlpatterns as api_urlpatterns
from cimaise.pages import feeds, views
from cimaise.pages.sitemaps import MultilingualSitemap

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/", include(api_urlpatterns)),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": MultilingualSitemap}}),
    path("robots.txt", views.robots_txt),
    path("q/<int:page_id>/", views.page_short_link, name="page_short_link"),
    path("qr/<int:page_id>.svg", views.page_qr_svg, name="page_qr_svg"),
    path("qr/<int:page_id>.png", views.page_qr_png, name="page_qr_png"),
    path("qr/<int:page_id>/label/", views.page_qr_label, name="page_qr_label"),
    path("screens/<slug:slug>/", views.screen, name="screen"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Links in emails that work without a language prefix or a cookie (one-click unsubscribe, tracking).
    path("m/", include("cimaise.audience.mail_urls")),
    path("c/", include("cimaise.audience.campaigns.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns.append(
        re_path(r"^%s(?P<path>.*)$" % settings.MEDIA_URL.lstrip("/"), serve_static,
                {"document_root": settings.MEDIA_ROOT})
    )

urlpatterns += i18n_patterns(
    path("search/", views.search, name="search"),
    path("feeds/articles.rss", feeds.ArticlesFeed(), name="articles_rss"),
    path("feeds/articles.atom", feeds.ArticlesAtomFeed(), name="articles_atom"),
    path("events/", include("cimaise.events.urls")),
    path("newsletter/", include("cimaise.audience.urls")),
    path("card/", include("cimaise.audience.loyalty.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
