"""RSS and Atom feeds per language, the sitemap and robots.txt."""

import xml.etree.ElementTree as ET

import pytest

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def hidden_articles(site_pages, add_article):
    """A draft, an unpublished article and a password-protected one: none of them is public."""
    from wagtail.models import PageViewRestriction

    draft = add_article("Brouillon de presse", slug="brouillon", live=False)
    withdrawn = add_article("Article retiré", slug="retire")
    withdrawn.unpublish()
    private = add_article("Réservé aux mécènes", slug="mecenes")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="s3cret")
    return [draft, withdrawn, private]


def _rss(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    return channel, [(item.findtext("title"), item.findtext("link")) for item in channel.findall("item")]


def test_french_rss_lists_only_live_public_french_articles(site_pages, hidden_articles, client):
    channel, items = _rss(client, "/fr/feeds/articles.rss")

    assert items == [("La restauration du grand retable", "http://testserver/fr/actualites/restauration-retable/")]
    assert channel.findtext("language") == "fr"
    assert "Musée de Test" in channel.findtext("title")
    assert channel.findtext("link") == "http://testserver/fr/"


def test_english_rss_lists_the_english_article_only(site_pages, hidden_articles, client):
    channel, items = _rss(client, "/en/feeds/articles.rss")

    assert items == [("Restoring the great altarpiece", "http://testserver/en/news/restoring-the-great-altarpiece/")]
    assert channel.findtext("language") == "en"


def test_rss_item_description_is_the_intro_and_is_escaped(site_pages, add_article, client):
    add_article("Nouveautés <b>gras</b> & co", slug="nouveautes", intro="<script>alert(1)</script>")
    response = client.get("/fr/feeds/articles.rss")
    assert b"<script>" not in response.content
    root = ET.fromstring(response.content)
    descriptions = {i.findtext("title"): i.findtext("description") for i in root.iter("item")}
    assert descriptions["Nouveautés <b>gras</b> & co"] == "<script>alert(1)</script>"


def test_atom_feed_parses_with_the_atom_namespace(site_pages, hidden_articles, client):
    response = client.get("/fr/feeds/articles.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")

    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["La restauration du grand retable"]
    link = entries[0].find(f"{ATOM}link")
    assert link.get("href") == "http://testserver/fr/actualites/restauration-retable/"
    assert entries[0].findtext(f"{ATOM}updated")
    assert root.findtext(f"{ATOM}subtitle")


def test_pages_advertise_the_feeds_of_their_language(site_pages, get_html):
    doc = get_html("/en/")
    links = {link["type"]: link["href"] for link in doc.select('head link[rel="alternate"][type]')}
    assert links == {"application/rss+xml": "/en/feeds/articles.rss", "application/atom+xml": "/en/feeds/articles.atom"}


def test_sitemap_lists_every_live_public_page_in_both_languages(site_pages, hidden_articles, client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    locations = {url.findtext(f"{SITEMAP}loc") for url in root.findall(f"{SITEMAP}url")}

    assert locations == {
        "http://testserver/fr/",
        "http://testserver/fr/actualites/",
        "http://testserver/fr/actualites/restauration-retable/",
        "http://testserver/fr/visiter/",
        "http://testserver/en/",
        "http://testserver/en/news/",
        "http://testserver/en/news/restoring-the-great-altarpiece/",
        "http://testserver/en/visit/",
    }


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_points_to_the_sitemap(client, settings):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert f"Sitemap: {settings.BASE_URL}/sitemap.xml" in lines
    assert "Disallow: /" not in lines  # the public site stays indexable
