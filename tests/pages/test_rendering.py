"""The public pages, as a visitor gets them: both languages, accessible landmarks, escaping, 404s."""

import datetime
import json

import pytest
from django.utils import translation

PAGES = [
    ("fr", "/fr/", "Accueil"),
    ("fr", "/fr/actualites/", "Actualités"),
    ("fr", "/fr/actualites/restauration-retable/", "La restauration du grand retable"),
    ("fr", "/fr/visiter/", "Visiter"),
    ("en", "/en/", "Home"),
    ("en", "/en/news/", "News"),
    ("en", "/en/news/restoring-the-great-altarpiece/", "Restoring the great altarpiece"),
    ("en", "/en/visit/", "Visit"),
]


def test_every_page_renders_in_its_language_with_title_skip_link_and_one_h1(site_pages, get_html, subtests):
    for language, url, title in PAGES:
        with subtests.test(url=url):
            doc = get_html(url)

            assert doc.html["lang"] == language
            assert doc.title.get_text().startswith(title)
            assert "Musée de Test" in doc.title.get_text()
            assert [h.get_text(strip=True) for h in doc.find_all("h1")] == [title]
            # The skip link is the first link of the page and its target exists.
            assert doc.body.find("a")["href"] == "#main"
            assert doc.find(id="main") is not None


def _language_link(doc, code):
    return doc.select_one(f'nav.languages a[hreflang="{code}"]')


def test_language_switcher_links_an_article_to_its_translation_and_back(site_pages, get_html):
    french = get_html("/fr/actualites/restauration-retable/")
    english_url = _language_link(french, "en")["href"]
    assert english_url == "/en/news/restoring-the-great-altarpiece/"
    assert _language_link(french, "fr").get("aria-current") == "true"

    english = get_html(english_url)
    assert english.html["lang"] == "en"
    assert english.h1.get_text(strip=True) == "Restoring the great altarpiece"
    assert _language_link(english, "fr")["href"] == "/fr/actualites/restauration-retable/"
    assert _language_link(english, "en").get("aria-current") == "true"


def test_language_switcher_falls_back_to_the_home_page_when_there_is_no_translation(site_pages, get_html):
    from cimaise.pages.models import StandardPage

    page = site_pages["home"].add_child(instance=StandardPage(title="Mécénat", slug="mecenat"))
    page.save_revision().publish()

    doc = get_html("/fr/mecenat/")
    assert _language_link(doc, "en")["href"] == "/en/"


def test_article_listing_is_paginated_and_tolerates_bad_page_numbers(site_pages, add_article, get_html):
    from cimaise.pages.models import ARTICLES_PER_PAGE

    for day in range(1, 14):
        add_article(f"Chronique {day:02d}", date=datetime.date(2024, 1, day))
    add_article("Brouillon caché", live=False, date=datetime.date(2024, 2, 1))
    expected = ["La restauration du grand retable"] + [f"Chronique {day:02d}" for day in range(13, 0, -1)]

    def titles(**params):
        doc = get_html("/fr/actualites/", **params)
        return doc, [h.get_text(strip=True) for h in doc.select("ul.cards li.card h3")]

    first, page_1 = titles()
    second, page_2 = titles(page=2)
    assert len(page_1) == ARTICLES_PER_PAGE
    assert page_1 + page_2 == expected  # newest first, nothing lost, no draft
    assert first.select_one('nav.pagination a[rel="next"]')["href"] == "?page=2"
    assert second.select_one('nav.pagination a[rel="prev"]')["href"] == "?page=1"
    assert second.select_one('nav.pagination a[rel="next"]') is None

    assert titles(page="abc")[1] == page_1
    assert titles(page="999")[1] == page_2
    assert titles(page="-1")[1] == page_2


def test_article_listing_without_articles_says_so(site_pages, get_html):
    from cimaise.pages.models import ArticleIndexPage

    listing = site_pages["home"].add_child(instance=ArticleIndexPage(title="Presse", slug="presse"))
    listing.save_revision().publish()

    doc = get_html("/fr/presse/")
    assert doc.select("ul.cards li") == []
    with translation.override("fr"):
        assert translation.gettext("No articles yet.") in doc.get_text()


def test_home_page_lists_the_latest_articles_and_the_menu_sections(site_pages, get_html):
    doc = get_html("/fr/")
    assert [a.get_text(strip=True) for a in doc.select(".latest .card h3 a")] == ["La restauration du grand retable"]
    assert [a["href"] for a in doc.select("nav.main-nav a")] == ["/fr/actualites/", "/fr/visiter/"]


def test_article_with_a_main_image_shows_its_alternative_text(site_pages, image, get_html):
    article = site_pages["article"]
    article.image = image
    article.image_alt = "Le retable doré, panneau central"
    article.save_revision().publish()

    doc = get_html("/fr/actualites/restauration-retable/")
    img = doc.select_one("figure.main-image img")
    assert img["alt"] == "Le retable doré, panneau central"


def test_user_supplied_text_is_escaped_in_the_page_and_in_json_ld(site_pages, add_article, client):
    title = '<script>alert("titre")</script> & co'
    intro = "</script><script>alert('intro')</script>"
    add_article(title, slug="piege", intro=intro)

    response = client.get("/fr/actualites/piege/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(&quot;titre&quot;)&lt;/script&gt; &amp; co" in html

    from bs4 import BeautifulSoup

    doc = BeautifulSoup(html, "html.parser")
    (ld_script,) = doc.find_all("script", type="application/ld+json")
    raw = ld_script.string
    assert "<" not in raw and ">" not in raw
    data = json.loads(raw)
    assert data["headline"] == title
    assert data["description"] == intro


@pytest.mark.parametrize("language", ["fr", "en"])
def test_unknown_address_gives_a_404_page_in_the_visitors_language(site_pages, get_html, language):
    doc = get_html(f"/{language}/nope/", status=404)

    assert doc.html["lang"] == language
    with translation.override(language):
        heading = translation.gettext("Page not found")
    assert doc.h1.get_text(strip=True) == heading
    if language == "en":
        assert heading == "Page not found"
    assert doc.body.find("a")["href"] == "#main"


def test_address_without_language_prefix_redirects_to_the_visitors_language(site_pages, client):
    assert client.get("/")["Location"] == "/fr/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en")["Location"] == "/en/"
    response = client.get("/visiter/")
    assert response.status_code == 302
    assert response["Location"] == "/fr/visiter/"


def test_a_view_outside_the_language_prefixes_answers_404_itself(site_pages, client):
    """A missing QR code or screen is a 404 at its own address, not a redirect to /fr/... ."""
    for url in ["/q/999999/", "/qr/999999/label/", "/screens/nope/"]:
        response = client.get(url)
        assert response.status_code == 404, url
