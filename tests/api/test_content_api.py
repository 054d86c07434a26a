"""The mobile app's API: live public content, per language, and no personal data."""

import io

import pytest

PERSON = {"username": "camille.editrice", "email": "x@y.example", "first_name": "Camille", "last_name": "Duvernoy"}


def _get(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, (url, response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_lists_live_articles_with_the_requested_fields(site_pages, client):
    data = _get(client, "/api/v2/pages/", type="pages.ArticlePage", fields="intro,date")

    items = {item["title"]: item for item in data["items"]}
    assert set(items) == {"La restauration du grand retable", "Restoring the great altarpiece"}
    assert data["meta"]["total_count"] == 2
    french = items["La restauration du grand retable"]
    assert french["intro"] == "Six mois d'atelier pour retrouver les couleurs d'origine."
    assert french["date"] == site_pages["article"].date.isoformat()
    assert french["meta"]["type"] == "pages.ArticlePage"
    assert french["meta"]["locale"] == "fr"
    assert french["meta"]["html_url"].endswith("/fr/actualites/restauration-retable/")


def test_filters_pages_by_language(site_pages, client):
    data = _get(client, "/api/v2/pages/", locale="en")
    assert {item["title"] for item in data["items"]} == {"Home", "News", "Restoring the great altarpiece", "Visit"}
    assert {item["meta"]["locale"] for item in data["items"]} == {"en"}

    data = _get(client, "/api/v2/pages/", locale="fr", type="pages.StandardPage")
    assert [item["title"] for item in data["items"]] == ["Visiter"]


def test_translation_of_finds_the_english_version(site_pages, client):
    data = _get(client, "/api/v2/pages/", translation_of=site_pages["article"].pk, locale="en")
    assert [item["id"] for item in data["items"]] == [site_pages["en"]["article"].pk]


@pytest.fixture
def hidden_pages(site_pages):
    from wagtail.models import PageViewRestriction

    from cimaise.pages.models import ArticlePage

    index = site_pages["index"]
    draft = index.add_child(instance=ArticlePage(title="Brouillon confidentiel", slug="brouillon", live=False))
    draft.save_revision()
    private = index.add_child(instance=ArticlePage(title="Réservé aux mécènes", slug="mecenes"))
    private.save_revision().publish()
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="s3cret")
    return [draft, private]


def test_drafts_and_private_pages_are_not_in_the_api(hidden_pages, client):
    listing = _get(client, "/api/v2/pages/", type="pages.ArticlePage", limit=50)
    titles = {item["title"] for item in listing["items"]}
    for page in hidden_pages:
        assert page.title not in titles
        detail = client.get(f"/api/v2/pages/{page.pk}/")
        assert detail.status_code == 404
        assert detail["Content-Type"].startswith("application/json")
        assert page.title.encode() not in detail.content


def test_page_detail_has_the_body_blocks(site_pages, client):
    data = _get(client, f"/api/v2/pages/{site_pages['article'].pk}/")

    assert data["title"] == "La restauration du grand retable"
    assert [block["type"] for block in data["body"]] == ["heading", "paragraph"]
    assert data["body"][0]["value"] == {"text": "Un chantier minutieux", "level": "h2"}
    assert "vernis jaunis" in data["body"][1]["value"]
    assert data["meta"]["parent"]["id"] == site_pages["index"].pk


def test_missing_page_is_a_json_404(db, client):
    data = _get(client, "/api/v2/pages/999999/", status=404)
    assert "message" in data


@pytest.fixture
def owned_content(site_pages, settings, tmp_path, django_user_model):
    """A page, an image and a document that a named staff member created."""
    from django.core.files.base import ContentFile
    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.documents.models import Document
    from wagtail.images.models import Image

    from cimaise.pages.models import ArticlePage

    settings.MEDIA_ROOT = tmp_path / "media"
    person = django_user_model.objects.create_user(password="not-used-here-1", **PERSON)

    page = site_pages["index"].add_child(instance=ArticlePage(title="Carnet d'atelier", slug="carnet", owner=person))
    page.save_revision(user=person).publish()

    buffer = io.BytesIO()
    PILImage.new("RGB", (32, 32), "#345").save(buffer, "PNG")
    image = Image.objects.create(title="Atelier", file=ImageFile(buffer, name="atelier.png"), uploaded_by_user=person)
    document = Document.objects.create(
        title="Dossier de presse", file=ContentFile(b"%PDF-1.4\n", name="presse.pdf"), uploaded_by_user=person
    )
    return person, page, image, document


def test_images_and_documents_endpoints_answer(owned_content, client):
    person, page, image, document = owned_content
    images = _get(client, "/api/v2/images/")
    assert [item["title"] for item in images["items"]] == ["Atelier"]
    documents = _get(client, "/api/v2/documents/")
    assert [item["title"] for item in documents["items"]] == ["Dossier de presse"]
    assert documents["items"][0]["meta"]["download_url"].endswith("/presse.pdf")


def test_no_personal_data_in_any_api_response(owned_content, client):
    person, page, image, document = owned_content
    urls = [
        ("/api/v2/pages/", {"fields": "*"}),
        ("/api/v2/pages/", {"type": "pages.ArticlePage", "fields": "*"}),
        (f"/api/v2/pages/{page.pk}/", {}),
        (f"/api/v2/pages/{page.pk}/", {"fields": "*"}),
        ("/api/v2/images/", {"fields": "*"}),
        (f"/api/v2/images/{image.pk}/", {}),
        ("/api/v2/documents/", {"fields": "*"}),
        (f"/api/v2/documents/{document.pk}/", {}),
    ]
    for url, params in urls:
        response = client.get(url, params)
        assert response.status_code == 200, url
        text = response.content.decode()
        for value in PERSON.values():
            assert value not in text, (url, value)


def test_personal_fields_cannot_be_requested(owned_content, client, subtests):
    person, page, image, document = owned_content
    for field in ("owner", "locked_by", "latest_revision", "uploaded_by_user", "owner__email"):
        for url in (f"/api/v2/pages/{page.pk}/", "/api/v2/pages/", "/api/v2/images/", "/api/v2/documents/"):
            with subtests.test(field=field, url=url):
                response = client.get(url, {"fields": field})
                assert response.status_code == 400
                assert person.email not in response.content.decode()


def test_pages_cannot_be_filtered_by_their_owner(owned_content, client):
    """A filter on the owner would tell who wrote what, one query at a time."""
    person, page, image, document = owned_content
    for params in ({"owner": person.pk}, {"owner__email": person.email},
                   {"type": "pages.ArticlePage", "owner": person.pk}):
        assert client.get("/api/v2/pages/", params).status_code == 400, params


def test_api_search_finds_articles(site_pages, client):
    data = _get(client, "/api/v2/pages/", search="vernis", locale="fr")
    assert [item["title"] for item in data["items"]] == ["La restauration du grand retable"]


def test_api_search_survives_quotes_and_control_characters(owned_content, client, subtests):
    for endpoint in ("pages", "images", "documents"):
        for query in ['"', 'vernis"', '"grand retable', "\x00", "vernis\x00", "l'atelier", '"vernis jaunis"']:
            with subtests.test(endpoint=endpoint, query=query):
                _get(client, f"/api/v2/{endpoint}/", search=query)


def test_api_search_with_quotes_still_finds_the_words(site_pages, client):
    data = _get(client, "/api/v2/pages/", search='"vernis jaunis"', locale="fr")
    assert [item["title"] for item in data["items"]] == ["La restauration du grand retable"]
