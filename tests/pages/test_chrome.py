"""Cached parts of public pages (header, language links, JSON-LD, body) follow publishing at once."""

import pytest

from cimaise.pages.models import StandardPage


@pytest.mark.django_db
def test_menu_shows_a_newly_published_page_and_drops_an_unpublished_one(site_pages, client):
    home = site_pages["home"]
    assert "Nous soutenir" not in client.get("/fr/").content.decode()  # the chrome is now cached

    page = home.add_child(instance=StandardPage(title="Nous soutenir", slug="soutenir", show_in_menus=True))
    page.save_revision().publish()
    assert '<a href="/fr/soutenir/"' in client.get("/fr/actualites/").content.decode()

    page.unpublish()
    assert "Nous soutenir" not in client.get("/fr/actualites/").content.decode()


@pytest.mark.django_db
def test_profile_name_change_shows_on_the_next_page(site_pages, client):
    from cimaise.institution.models import InstitutionProfile

    assert "Musée de Test" in client.get("/fr/").content.decode()
    profile = InstitutionProfile.for_site(site_pages["site"])
    profile.name = "Musée Renommé"
    profile.save()
    assert "Musée Renommé" in client.get("/fr/").content.decode()


@pytest.mark.django_db
def test_a_second_view_costs_no_more_queries_than_a_bare_wagtail_page(site_pages, client, django_assert_max_num_queries):
    url = "/fr/actualites/restauration-retable/"
    client.get(url)
    # Only Wagtail's own routing is left (site, locale, one query per path
    # segment, view restrictions: 9, as for a bare Wagtail page); the header,
    # the language links, the JSON-LD and the article's body come from the
    # cache (20 queries without it).
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_a_republished_article_shows_its_new_text_at_once(site_pages, client):
    url = "/fr/actualites/restauration-retable/"
    assert "Nouvelle introduction" not in client.get(url).content.decode()  # now cached

    article = site_pages["article"]
    article.intro = "Nouvelle introduction"
    article.save_revision().publish()
    assert "Nouvelle introduction" in client.get(url).content.decode()


@pytest.mark.django_db
def test_a_preview_is_never_served_from_the_cache(site_pages, admin_client):
    article = site_pages["article"]
    admin_client.get("/fr/actualites/restauration-retable/")  # cache the live version
    article.intro = "Brouillon en cours"
    revision = article.save_revision()
    response = admin_client.get(f"/admin/pages/{article.pk}/revisions/{revision.pk}/view/")
    assert "Brouillon en cours" in response.content.decode()
