"""The public disclosure of AI use: the box on the page, JSON-LD, the mobile-app API, RSS and Atom.

The article of the shared site is edited with the assistant (``ai_article``), its note approved through
``services.approve`` and its revision published, as an editor would. Its English translation is a
separate page with no AI entry; the "Visiter" page has none either: neither says anything about AI.
"""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.template import Context, Template
from django.utils import translation
from wagtail.models import Page

from cimaise.ai.models import MethodologyNote
from cimaise.ai.transparency import public, services
from cimaise.institution.models import InstitutionProfile

from .conftest import AI_PARAGRAPH

CHECKS = ["facts", "sources"]


def _french(text):
    """The French page's wording: the catalog's French (the English source until the catalog has it)."""
    with translation.override("fr"):
        return translation.gettext(text)

ARTICLE_URL = "/fr/actualites/restauration-retable/"
ENGLISH_URL = "/en/news/restoring-the-great-altarpiece/"
COMPOSITE = "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"
ATOM = "{http://www.w3.org/2005/Atom}"


def _note(page):
    return services.current_note(Page.objects.get(pk=page.pk))


def _french_wording(note, short_extra="", full_extra=""):
    """The wording an author would write: French in the French fields (the facts that matter kept)."""
    if note.share:
        short = (f"Texte écrit avec l'aide de l'IA : environ {round(note.share * 100)} % vient de ses réponses, "
                 f"relues par l'équipe. Modèle : cimaise-fake.")
    else:
        short = "L'IA a servi à préparer ce texte ; aucun de ses mots n'y reste. Modèle : cimaise-fake."
    return {
        "short_fr": short + short_extra,
        "full_fr": f"Outils : cimaise-fake.\nUsage : développer un paragraphe sur le chantier.{full_extra}",
        "short_en": note.short_en,
        "full_en": note.full_en,
    }


def _approve_and_publish(revision, author, **wording_extra):
    """The author words the note of ``revision``'s text in French, approves it, and publishes the revision."""
    note = services.refresh_page(revision.as_object(), revision)
    services.update_wording(note, author, **_french_wording(note, **wording_extra))
    services.approve(note, author, checks=CHECKS)
    revision.publish()
    note.refresh_from_db()
    assert note.live
    return note


@pytest.fixture
def published(ai_article):
    """The AI-assisted article, its note approved (French wording by the author) and its revision published."""
    note = _approve_and_publish(ai_article["revision"], ai_article["author"])
    return {**ai_article, "note": note}


def _html(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return BeautifulSoup(response.content, "html.parser")


def _json_ld(doc):
    scripts = doc.select('script[type="application/ld+json"]')
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


def _text(element):
    return " ".join(element.get_text(" ").split())


# The disclosure object and the one-line form


def test_no_disclosure_until_the_note_is_live(ai_article):
    note = _note(ai_article["page"])
    assert note.status == MethodologyNote.Status.DRAFT
    assert public.disclosure(ai_article["page"]) is None  # a draft note is not public
    services.approve(note, ai_article["author"], checks=CHECKS)
    assert public.disclosure(ai_article["page"]) is None  # approved, but the live text has no AI yet


def test_disclosure_of_the_published_article(published):
    note = published["note"]
    found = public.disclosure(published["page"])
    assert found.language == "fr"
    assert found.short == note.short_fr and found.full == note.full_fr
    assert "Claire Martin" in found.review and found.approved_by_label == "Claire Martin"
    assert found.approved_at == note.approved_at
    assert 0.5 < found.share < 0.9 and found.share == note.share
    assert found.percent.replace("\u202f", "").replace("\xa0", "").replace(" ", "") == f"{round(note.share * 100)}%"
    assert found.digital_source_type == "compositeWithTrainedAlgorithmicMedia"
    assert found.digital_source_type_uri == COMPOSITE
    assert [m.name for m in found.models] == ["cimaise-fake"]
    reference = found.models[0].reference
    assert reference.startswith("cimaise-fake. (") and "[Large language model]" in reference
    assert [p.summary for p in found.prompts] == ["Les restaurateurs ont retiré les vernis."]
    # Another language on request: the English wording of the same note.
    english = public.disclosure(published["page"], "en")
    assert english.language == "en" and english.short == note.short_en


def test_disclosure_line_for_posts_and_newsletters(published):
    note = published["note"]
    url = "https://musee.example/fr/actualites/restauration-retable/#ai-note"
    assert public.disclosure_line(note, "en", url) == (
        f"Written with the help of AI (cimaise-fake), reviewed by a person. {url}")
    assert public.disclosure_line(note, "en") == "Written with the help of AI (cimaise-fake), reviewed by a person."
    french = public.disclosure_line(note, "fr", url)
    assert "cimaise-fake" in french and french.endswith(f". {url}")
    # The wording follows the measured share: mostly AI, or no AI word left.
    mostly = MethodologyNote(share=0.95, facts={"models": [{"name": "Mistral Small"}, {"name": "gpt-4o"}]})
    assert public.disclosure_line(mostly, "en") == "Written with AI (Mistral Small and gpt-4o), reviewed by a person."
    none_left = MethodologyNote(share=0.0, facts={"models": [{"name": "Mistral Small"}]})
    assert public.disclosure_line(none_left, "en") == (
        "Prepared with the help of AI (Mistral Small), reviewed by a person.")


# The box on the page


def test_the_french_page_shows_the_box_before_the_body(published, client):
    note = published["note"]
    doc = _html(client, ARTICLE_URL)
    box = doc.find(id="ai-note")
    assert box is not None and box.name == "section"
    heading = box.find("h2")
    assert _text(heading) == _french("How we used AI")
    assert box["aria-labelledby"] == heading["id"]
    assert box["lang"] == "fr"
    assert _text(box.select_one(".ai-note-short")) == note.short_fr
    assert "Claire Martin" in _text(box.select_one(".ai-note-review"))
    # At first exposure: after the title and introduction, before the body.
    article = doc.select_one("main article")
    order = [child for child in article.children if getattr(child, "name", None)]
    assert order.index(article.find("header")) < order.index(box) < order.index(article.select_one(".stream"))
    # The full note one click away, line breaks kept, with the review, the prompts and the model references.
    details = box.find("details")
    assert _text(details.find("summary")) == _french("Read the full methodology note")
    full = details.select_one(".ai-note-full")
    assert full.find("br") is not None
    text = _text(full)
    for line in note.full_fr.splitlines():
        assert " ".join(line.split()) in text
    assert "Claire Martin" in text
    assert "Les restaurateurs ont retiré les vernis." in text
    assert "cimaise-fake. (" in text and "[Large language model]" in text


def test_the_box_follows_the_pages_language_not_the_requests(published, rf):
    with translation.override("en"):
        html = Template("{% load ai_disclosure %}{% ai_disclosure page %}").render(
            Context({"page": published["page"], "request": rf.get("/")}))
    box = BeautifulSoup(html, "html.parser").find(id="ai-note")
    assert box["lang"] == "fr"
    assert _text(box.select_one(".ai-note-short")) == published["note"].short_fr


def test_the_english_translation_and_a_page_without_ai_say_nothing(published, client):
    for url in (ENGLISH_URL, "/fr/visiter/"):
        response = client.get(url)
        assert response.status_code == 200
        assert b"ai-note" not in response.content
        doc = BeautifulSoup(response.content, "html.parser")
        headings = [_text(h) for h in doc.select("main h1, main h2, main h3")]
        assert headings and not any(re.search(r"\b(IA|AI)\b|l['’]IA", h) for h in headings), (url, headings)
        data = _json_ld(doc)
        assert "digitalSourceType" not in data and "subjectOf" not in data and "isBasedOn" not in data


def test_the_box_appears_on_publication_and_goes_with_unpublication(ai_article, client):
    """The page's content part is cached until the next publication: the box must follow at once."""
    page, author = ai_article["page"], ai_article["author"]
    before = _html(client, ARTICLE_URL)  # cached without the AI text nor the box
    assert before.find(id="ai-note") is None and AI_PARAGRAPH not in before.get_text()

    _approve_and_publish(ai_article["revision"], author)
    doc = _html(client, ARTICLE_URL)
    assert doc.find(id="ai-note") is not None and AI_PARAGRAPH in doc.get_text()
    assert _html(client, ARTICLE_URL).find(id="ai-note") is not None  # from the cache now

    Page.objects.get(pk=page.pk).specific.unpublish()
    assert public.disclosure(page) is None
    _html(client, ARTICLE_URL, status=404)
    assert client.get(f"/api/v2/pages/{page.pk}/").status_code == 404
    assert b"ai-note" not in client.get("/fr/feeds/articles.rss").content

    # Published again (same text, same approved note): the box is back.
    Page.objects.get(pk=page.pk).specific.save_revision(user=author).publish()
    assert _html(client, ARTICLE_URL).find(id="ai-note") is not None


def test_going_back_to_a_text_without_ai_words_changes_the_box(published, client):
    """The first revision (before the assistant) has no AI word left: its note says so, without a source type."""
    page, author = published["page"], published["author"]
    _html(client, ARTICLE_URL)  # cached with the first note
    first = page.revisions.order_by("pk").first()
    older = _approve_and_publish(first, author)
    assert older.pk != published["note"].pk and older.share == 0
    doc = _html(client, ARTICLE_URL)
    assert AI_PARAGRAPH not in doc.get_text()
    assert _text(doc.find(id="ai-note").select_one(".ai-note-short")) == older.short_fr
    data = _json_ld(doc)
    assert "digitalSourceType" not in data and "isBasedOn" not in data
    assert data["subjectOf"]["text"].startswith(older.full_fr)
    published["note"].refresh_from_db()
    assert not published["note"].live


def test_stored_text_is_escaped(ai_article, client):
    _approve_and_publish(ai_article["revision"], ai_article["author"],
                         short_extra=" <script>alert('court')</script>",
                         full_extra="\n<b>gras</b> <script>alert('complet')</script>")
    response = client.get(ARTICLE_URL)
    assert b"<script>alert" not in response.content and b"<b>gras" not in response.content
    doc = BeautifulSoup(response.content, "html.parser")
    box = doc.find(id="ai-note")
    assert "<script>alert('court')</script>" in _text(box.select_one(".ai-note-short"))
    assert "<b>gras</b> <script>alert('complet')</script>" in _text(box.select_one(".ai-note-full"))
    assert box.select_one(".ai-note-full").find("b") is None
    # In JSON-LD the text survives as text, and cannot close the script element.
    assert "<script>alert('complet')</script>" in _json_ld(doc)["subjectOf"]["text"]


# JSON-LD


def test_json_ld_of_the_article(published, client):
    note = published["note"]
    data = _json_ld(_html(client, ARTICLE_URL))
    assert data["@type"] == "Article"
    assert data["digitalSourceType"] == COMPOSITE
    work = data["subjectOf"]
    assert work["@type"] == "CreativeWork"
    assert work["name"] == _french("How we used AI")
    assert work["url"] == f"http://testserver{ARTICLE_URL}#ai-note"
    assert work["inLanguage"] == "fr"
    assert work["abstract"] == note.short_fr
    assert work["text"].startswith(note.full_fr) and "Claire Martin" in work["text"]
    assert work["dateCreated"] == note.approved_at.isoformat()
    assert work["author"] == {"@type": "Person", "name": "Claire Martin"}
    assert [m["@type"] for m in work["mentions"]] == ["SoftwareApplication"]
    assert [m["name"] for m in data["isBasedOn"]] == ["cimaise-fake"]
    assert "reviewedBy" not in data  # schema.org defines it on WebPage, not on Article


@pytest.fixture
def ai_standard_page(site_pages, staff, record_entry):
    """The "Visiter" page, its body written by the assistant (mostly AI), under a policy with a second reviewer."""
    from cimaise.ai import ledger

    about, author = site_pages["about"].specific, staff["content"]
    text = ("Le musée ouvre tous les jours de dix heures à dix-huit heures, sauf le mardi, et jusqu'à vingt-deux "
            "heures le premier jeudi du mois, avec des visites guidées gratuites pour les familles. L'entrée se fait "
            "par la cour d'honneur ; les personnes en fauteuil roulant disposent d'un ascenseur près de l'accueil, "
            "et des sièges pliants sont prêtés à qui en demande.")
    interaction = record_entry(action="expand", prompt="Développe.", user=author, page=about,
                               input_text="Ouvert tous les jours.", output=text, field_name="body")
    ledger.add_outcome(interaction, "inserted", user=author, page=about, field_name="body", text=text)
    about.body = [{"type": "paragraph", "value": f"<p>{text}</p>"}]
    revision = about.save_revision(user=author)
    profile = InstitutionProfile.for_site(site_pages["site"])
    profile.ai_requires_second_reviewer = True
    profile.save()
    note = services.current_note(Page.objects.get(pk=about.pk))
    services.approve(note, author, checks=CHECKS, site=site_pages["site"])
    services.second_review(note, staff["community"])
    revision.publish()
    return about


def test_json_ld_of_a_standard_page_names_its_reviewers(ai_standard_page, client):
    doc = _html(client, "/fr/visiter/")
    assert "Marc Petit" in _text(doc.find(id="ai-note").select_one(".ai-note-review"))
    data = _json_ld(doc)
    assert data["@type"] == "WebPage"
    assert data["digitalSourceType"] == "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
    assert data["reviewedBy"] == [{"@type": "Person", "name": "Claire Martin"},
                                  {"@type": "Person", "name": "Marc Petit"}]
    assert data["subjectOf"]["author"]["name"] == "Claire Martin"


# The mobile-app API


def test_api_detail_and_listing(published, site_pages, client):
    note = published["note"]
    data = client.get(f"/api/v2/pages/{published['page'].pk}/").json()
    found = data["ai_disclosure"]
    assert found["language"] == "fr"
    assert found["short"] == note.short_fr and found["full"] == note.full_fr
    assert "Claire Martin" in found["review"]
    assert found["share"] == note.share
    assert found["digital_source_type"] == "compositeWithTrainedAlgorithmicMedia"
    assert found["digital_source_type_uri"] == COMPOSITE
    assert [(m["name"], m["reference"][:14]) for m in found["models"]] == [("cimaise-fake", "cimaise-fake. ")]
    assert found["approved_at"] == note.approved_at.isoformat()
    assert found["approved_by"] == "Claire Martin"

    assert client.get(f"/api/v2/pages/{site_pages['en']['article'].pk}/").json()["ai_disclosure"] is None
    assert client.get(f"/api/v2/pages/{site_pages['about'].pk}/").json()["ai_disclosure"] is None

    listing = client.get("/api/v2/pages/", {"type": "pages.ArticlePage", "fields": "ai_disclosure"}).json()
    by_id = {item["id"]: item["ai_disclosure"] for item in listing["items"]}
    assert by_id[published["page"].pk]["short"] == note.short_fr
    assert by_id[site_pages["en"]["article"].pk] is None
    plain = client.get("/api/v2/pages/", {"type": "pages.ArticlePage"}).json()
    assert all("ai_disclosure" not in item for item in plain["items"])  # asked for, not by default


def test_openapi_describes_the_disclosure(published, client):
    schema = client.get("/api/v2/openapi.json").json()
    for page_type in ("pages_ArticlePage", "pages_StandardPage"):
        assert "ai_disclosure" in schema["components"]["schemas"][page_type]["properties"]
    described = schema["components"]["schemas"]["AIDisclosure"]["properties"]
    returned = client.get(f"/api/v2/pages/{published['page'].pk}/").json()["ai_disclosure"]
    assert set(returned) == set(described)
    assert set(returned["models"][0]) == set(described["models"]["items"]["properties"])


# RSS and Atom


def test_rss_and_atom_items_carry_the_disclosure(published, client):
    line = public.disclosure_line(published["note"], "fr", f"http://testserver{ARTICLE_URL}#ai-note")
    item = ET.fromstring(client.get("/fr/feeds/articles.rss").content).find("channel/item")
    assert item.findtext("description").startswith(published["page"].intro)
    assert item.findtext("description").endswith(line)
    assert [c.text for c in item.findall("category")] == ["ai-assisted"]

    entry = ET.fromstring(client.get("/fr/feeds/articles.atom").content).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}summary").endswith(line)
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["ai-assisted"]

    english = ET.fromstring(client.get("/en/feeds/articles.rss").content).find("channel/item")
    assert english.findtext("description") == "Six mois d'atelier pour retrouver les couleurs d'origine."
    assert english.findall("category") == []
