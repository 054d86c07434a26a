"""Venue screens: a playlist of live pages shown in turn, refreshed by a meta refresh."""

import re

import pytest
from bs4 import BeautifulSoup


@pytest.fixture
def playlist(site_pages, add_article):
    """Three live pages and a draft, the draft in second position."""
    from cimaise.pages.models import ScreenPlaylist, ScreenSlide

    draft = add_article("Exposition à venir", slug="a-venir", live=False)
    playlist = ScreenPlaylist.objects.create(name="Hall, gauche", slug="hall-gauche", seconds_per_slide=20)
    for order, page in enumerate([site_pages["home"], draft, site_pages["article"], site_pages["about"]]):
        ScreenSlide.objects.create(playlist=playlist, page=page, sort_order=order)
    return playlist


def _screen(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    doc = BeautifulSoup(response.content, "html.parser")
    refresh = doc.find("meta", attrs={"http-equiv": "refresh"})["content"]
    seconds, target = re.fullmatch(r"(\d+);url=(.+)", refresh).groups()
    return doc, int(seconds), target


def test_screen_shows_the_first_slide_and_refreshes_to_the_next(playlist, client):
    doc, seconds, target = _screen(client, "/screens/hall-gauche/")

    assert doc.h1.get_text(strip=True) == "Accueil"
    assert seconds == 20
    assert target == "/screens/hall-gauche/?slide=1"
    assert doc.select_one(".slide-count").get_text(strip=True) == "1 / 3"
    assert doc.find("meta", attrs={"name": "robots"})["content"] == "noindex"


def test_screen_skips_drafts_and_loops_back_to_the_start(playlist, client):
    second, _, _ = _screen(client, "/screens/hall-gauche/", slide=1)
    assert second.h1.get_text(strip=True) == "La restauration du grand retable"

    doc, _, target = _screen(client, "/screens/hall-gauche/", slide=2)
    assert doc.h1.get_text(strip=True) == "Visiter"
    assert target == "/screens/hall-gauche/?slide=0"
    assert doc.select_one(".slide-count").get_text(strip=True) == "3 / 3"


def test_the_draft_never_appears_on_the_screen(playlist, client):
    for slide in range(6):
        response = client.get("/screens/hall-gauche/", {"slide": slide})
        assert "Exposition à venir" not in response.content.decode()


def test_any_slide_number_shows_a_slide(playlist, client, subtests):
    for slide in ["abc", "", "-1", "1e3", "99999999999999999999", "3"]:
        with subtests.test(slide=slide):
            doc, _, target = _screen(client, "/screens/hall-gauche/", slide=slide)
            assert doc.h1.get_text(strip=True) in {"Accueil", "La restauration du grand retable", "Visiter"}
            assert re.fullmatch(r"/screens/hall-gauche/\?slide=[0-2]", target)
    doc, _, _ = _screen(client, "/screens/hall-gauche/", slide="abc")
    assert doc.h1.get_text(strip=True) == "Accueil"
    doc, _, _ = _screen(client, "/screens/hall-gauche/", slide="3")  # past the end: starts again
    assert doc.h1.get_text(strip=True) == "Accueil"


def test_a_page_unpublished_or_made_private_leaves_the_screen(playlist, site_pages, client):
    from wagtail.models import PageViewRestriction

    site_pages["article"].unpublish()
    PageViewRestriction.objects.create(page=site_pages["about"], restriction_type="password", password="x")

    doc, _, target = _screen(client, "/screens/hall-gauche/")
    assert doc.select_one(".slide-count").get_text(strip=True) == "1 / 1"
    assert target == "/screens/hall-gauche/?slide=0"


def test_slide_shows_a_qr_code_to_its_page_unless_turned_off(playlist, site_pages, client):
    article = site_pages["article"]
    doc, _, _ = _screen(client, "/screens/hall-gauche/", slide=1)
    qr = doc.select_one(".slide-qr")
    assert qr is not None
    img = qr.select_one("img")
    assert (img is not None and img["src"] == f"/qr/{article.pk}.svg" and img["alt"]) or qr.find("svg") is not None

    playlist.show_qr_code = False
    playlist.save()
    doc, _, _ = _screen(client, "/screens/hall-gauche/", slide=1)
    assert doc.select_one(".slide-qr") is None


def test_an_english_slide_is_in_english(site_pages, client):
    from cimaise.pages.models import ScreenPlaylist, ScreenSlide

    playlist = ScreenPlaylist.objects.create(name="Entrance", slug="entrance")
    ScreenSlide.objects.create(playlist=playlist, page=site_pages["en"]["article"], sort_order=0)

    doc, _, _ = _screen(client, "/screens/entrance/")
    assert doc.html["lang"] == "en"
    assert doc.select_one(".slide-qr p").get_text(strip=True) == "Scan to read more on your phone"


def test_empty_playlist_explains_what_to_do(db, client):
    from django.utils import translation

    from cimaise.pages.models import ScreenPlaylist

    ScreenPlaylist.objects.create(name="Salle 3", slug="salle-3")
    doc, seconds, target = _screen(client, "/screens/salle-3/")

    assert doc.h1.get_text(strip=True) == "Salle 3"
    with translation.override("fr"):
        message = translation.gettext("Nothing to show yet: add published pages to this screen in the admin.")
    assert message in doc.get_text()
    assert target == "/screens/salle-3/?slide=0"
    assert seconds == 60


def test_unknown_screen_is_404(db, client):
    assert client.get("/screens/nope/").status_code == 404
