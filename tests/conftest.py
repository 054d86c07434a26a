"""Shared fixtures: a small bilingual site (French home, English translation, articles)."""

import os

import pytest

os.environ.setdefault("CIMAISE_TESTING", "1")


def _publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def locales(db):
    from wagtail.models import Locale

    fr = Locale.objects.get_or_create(language_code="fr")[0]
    en = Locale.objects.get_or_create(language_code="en")[0]
    return {"fr": fr, "en": en}


@pytest.fixture
def site_pages(locales):
    """A French home with an article listing, one article and an about page; all translated to English."""
    from wagtail.models import Page, Site

    from cimaise.institution.models import InstitutionProfile
    from cimaise.pages.models import ArticleIndexPage, ArticlePage, HomePage, StandardPage

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(
        title="Accueil", slug="accueil", locale=locales["fr"], intro="Bienvenue au musée de test."))
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.hostname = "testserver"
    site.port = 80
    site.save()
    Page.objects.filter(depth=2).exclude(pk=home.pk).delete()
    profile = InstitutionProfile.for_site(site)
    profile.name = "Musée de Test"
    profile.save()

    index = home.add_child(instance=ArticleIndexPage(
        title="Actualités", slug="actualites", show_in_menus=True, intro="Les nouvelles du musée."))
    article = index.add_child(instance=ArticlePage(
        title="La restauration du grand retable", slug="restauration-retable",
        intro="Six mois d'atelier pour retrouver les couleurs d'origine.",
        body=[("heading", {"text": "Un chantier minutieux", "level": "h2"}),
              ("paragraph", "<p>Les restaurateurs ont d'abord retiré les vernis jaunis.</p>")],
    ))
    about = home.add_child(instance=StandardPage(
        title="Visiter", slug="visiter", show_in_menus=True, intro="Horaires et accès."))
    for page in (home, index, article, about):
        _publish(page)

    translations = {}
    for key, page, title in (("home", home, "Home"), ("index", index, "News"),
                             ("article", article, "Restoring the great altarpiece"), ("about", about, "Visit")):
        copy = page.copy_for_translation(locales["en"], copy_parents=True)
        copy.title = title
        copy.slug = title.lower().replace(" ", "-")
        copy.save()
        translations[key] = _publish(copy)

    return {
        "site": site, "home": home, "index": index, "article": article, "about": about,
        "en": translations,
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with empty caches (the site chrome, page parts and renditions are cached)."""
    from django.core.cache import caches

    for alias in ("default", "pages"):
        caches[alias].clear()
    yield
