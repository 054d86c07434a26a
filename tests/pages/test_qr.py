"""QR codes, short links and printable labels: for live public pages only."""

import io
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from PIL import Image as PILImage

SVG = "{http://www.w3.org/2000/svg}"


def _shows_qr_code(doc, page_id):
    """The QR code is there with a text alternative: as an image of /qr/<id>.svg or as inline SVG."""
    img = doc.select_one(f'img[src="/qr/{page_id}.svg"]')
    if img is not None:
        return bool(img.get("alt", "").strip())
    box = doc.select_one('[role="img"]')
    return box is not None and box.find("svg") is not None and bool(box.get("aria-label", "").strip())


def test_qr_svg_is_an_svg_image(site_pages, client):
    article = site_pages["article"]
    response = client.get(f"/qr/{article.pk}.svg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(response.content)
    assert root.tag == f"{SVG}svg"
    assert int(root.get("width")) > 100
    assert root.find(f"{SVG}path") is not None


def test_qr_png_is_a_png_that_pillow_opens(site_pages, client):
    article = site_pages["article"]
    response = client.get(f"/qr/{article.pk}.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "qr-restauration-retable.png" in response["Content-Disposition"]
    picture = PILImage.open(io.BytesIO(response.content))
    picture.verify()
    assert picture.format == "PNG"
    assert picture.size[0] == picture.size[1] >= 200


def test_short_link_redirects_to_the_page_in_its_language(site_pages, client):
    french = client.get(f"/q/{site_pages['article'].pk}/")
    assert french.status_code == 302
    assert french["Location"] == "/fr/actualites/restauration-retable/"

    english = client.get(f"/q/{site_pages['en']['article'].pk}/")
    assert english["Location"] == "/en/news/restoring-the-great-altarpiece/"


def test_short_link_survives_a_move_and_a_rename(site_pages, client):
    article = site_pages["article"]
    article.slug = "grand-retable"
    article.save_revision().publish()
    article.move(site_pages["about"], pos="last-child")

    assert client.get(f"/q/{article.pk}/")["Location"] == "/fr/visiter/grand-retable/"


def test_qr_code_encodes_the_short_link(site_pages, settings):
    from cimaise.pages import qr

    article = site_pages["article"]
    assert qr.short_url(article) == f"{settings.BASE_URL}/q/{article.pk}/"


def test_printable_label_shows_title_summary_and_qr_code(site_pages, client):
    article = site_pages["article"]
    response = client.get(f"/qr/{article.pk}/label/")
    assert response.status_code == 200
    doc = BeautifulSoup(response.content, "html.parser")

    assert doc.html["lang"] == "fr"
    assert doc.h1.get_text(strip=True) == "La restauration du grand retable"
    assert "Six mois d'atelier pour retrouver les couleurs d'origine." in doc.select_one(".label-text").get_text()
    assert _shows_qr_code(doc, article.pk)
    assert doc.select_one(".label-url").get_text(strip=True).endswith(f"/q/{article.pk}/")
    assert doc.find("meta", attrs={"name": "robots"})["content"] == "noindex"


def test_label_of_an_english_page_is_in_english(site_pages, client):
    """The label's own words are in the page's language, whatever the language of the browser that prints it."""
    english = site_pages["en"]["article"]
    response = client.get(f"/qr/{english.pk}/label/", HTTP_ACCEPT_LANGUAGE="fr")
    doc = BeautifulSoup(response.content, "html.parser")

    assert doc.html["lang"] == "en"
    assert doc.title.get_text(strip=True) == "Label: Restoring the great altarpiece"
    assert "Scan to read more" in doc.select_one("figcaption").get_text()


@pytest.fixture
def draft_and_private(site_pages, add_article):
    from wagtail.models import PageViewRestriction

    draft = add_article("Brouillon", slug="brouillon", live=False)
    private = add_article("Réservé", slug="reserve")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="s3cret")
    # A public page under a private section is private too.
    from cimaise.pages.models import StandardPage

    section = site_pages["home"].add_child(instance=StandardPage(title="Espace pro", slug="pro"))
    section.save_revision().publish()
    PageViewRestriction.objects.create(page=section, restriction_type="password", password="s3cret")
    child = section.add_child(instance=StandardPage(title="Tarifs pro", slug="tarifs"))
    child.save_revision().publish()
    return {"draft": draft, "private": private, "private child": child}


def test_drafts_and_private_pages_have_no_qr_code_label_or_short_link(draft_and_private, client, subtests):
    for address in ["/qr/{pk}.svg", "/qr/{pk}.png", "/qr/{pk}/label/", "/q/{pk}/"]:
        for name, page in draft_and_private.items():
            with subtests.test(address=address, page=name):
                response = client.get(address.format(pk=page.pk))
                assert response.status_code == 404
                assert page.title.encode() not in response.content


def test_unknown_page_gives_404(db, client):
    assert client.get("/qr/999999.svg").status_code == 404
    assert client.get("/q/999999/").status_code == 404


def test_qr_views_only_answer_get(site_pages, client):
    assert client.post(f"/qr/{site_pages['article'].pk}.svg").status_code == 405


def test_admin_header_and_listing_offer_the_qr_label_for_a_live_page(site_pages, admin_user):
    from cimaise.pages.wagtail_hooks import page_header_qr_button, page_listing_qr_button

    article = site_pages["article"]
    for buttons in (page_header_qr_button(page=article, user=admin_user, view_name="edit", next_url=None),
                    page_listing_qr_button(page=article, user=admin_user, next_url=None)):
        (button,) = buttons
        assert button.url == f"/qr/{article.pk}/label/"
        assert button.show


def test_admin_offers_no_qr_label_for_a_draft_a_private_page_or_the_root(draft_and_private, admin_user):
    from wagtail.models import Page

    from cimaise.pages.wagtail_hooks import page_header_qr_button, page_listing_qr_button

    for page in [*draft_and_private.values(), Page.get_first_root_node()]:
        assert page_header_qr_button(page=page, user=admin_user, view_name="edit", next_url=None) == []
        assert page_listing_qr_button(page=page, user=admin_user, next_url=None) == []
