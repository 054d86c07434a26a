"""Exports of a text with its methodology note: a page from the admin, and a pasted text (Markdown, DOCX, PDF).

Each export is read back the way a person would read it: the Word file with
python-docx (its styles and paragraphs), the PDF as text (``pdftotext`` when
the machine has it, else the text drawn in its content streams, decoded with
the fonts' ToUnicode maps), the Markdown as it is.
"""

import datetime
import io
import re
import shutil
import subprocess
import zlib
from base64 import a85decode

import docx
import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Page

from cimaise.ai import lab
from cimaise.ai.transparency import drafting, services
from cimaise.ai.transparency.exports import document as doc
from cimaise.ai.transparency.exports import markdown, pages, pdf

from .conftest import AI_PARAGRAPH

pytestmark = pytest.mark.django_db

CHECKS = ["facts", "sources", "tone"]
NOTE_HEADINGS = ("Note méthodologique", "Methodology note")
HUMAN_TEXT = ("Ce matin, nous avons accroché les trois grands paysages de la donation Morel dans la salle du "
              "premier étage, sous la verrière restaurée l'hiver dernier.")


# --- reading the files back -------------------------------------------------------------------------------


def flat(text):
    """Whitespace as one space (line wraps of a PDF, no-break spaces of French figures)."""
    return " ".join(text.split())


def _pdf_string(raw):
    """The bytes of a PDF literal string (the part between the parentheses)."""
    out, i = bytearray(), 0
    escapes = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}
    while i < len(raw):
        c = raw[i]
        if c == 0x5C and i + 1 < len(raw):
            n = raw[i + 1]
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1:i + 4])
            if octal:
                out.append(int(octal.group(), 8) & 0xFF)
                i += 1 + len(octal.group())
                continue
            out += escapes.get(n, bytes([n]))
            i += 2
            continue
        out.append(c)
        i += 1
    return bytes(out)


def _streams(data):
    """{object number: (dictionary, decoded stream or None)} of a PDF written by reportlab."""
    objects = {}
    for match in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", data, re.S):
        body = match.group(2)
        head, _, rest = body.partition(b"stream")
        content = None
        if rest:
            content = rest.lstrip(b"\r\n").rsplit(b"endstream", 1)[0].rstrip(b"\r\n")
            if b"/ASCII85Decode" in head:
                content = a85decode(content.strip().removeprefix(b"<~").removesuffix(b"~>"))
            if b"/FlateDecode" in head:
                content = zlib.decompress(content)
        objects[int(match.group(1))] = (head, content)
    return objects


def _decoded_pdf_text(data):
    objects = _streams(data)
    maps = {}  # font resource name -> {code: text}
    for head, _ in objects.values():
        for name, number in re.findall(rb"/(F\d+(?:\+\d+)?) (\d+) 0 R", head):
            font_head = objects[int(number)][0]
            cmap_ref = re.search(rb"/ToUnicode (\d+) 0 R", font_head)
            if cmap_ref:
                cmap = objects[int(cmap_ref.group(1))][1].decode("latin-1")
                maps[name.decode()] = {int(code, 16): chr(int(uni, 16)) for code, uni in
                                       re.findall(r"<([0-9A-Fa-f]{2})> <([0-9A-Fa-f]{4})>", cmap)}
            else:
                maps.setdefault(name.decode(), None)
    kids = re.search(rb"/Kids \[([^\]]*)\]", b"".join(head for head, _ in objects.values()))
    page_numbers = [int(n) for n in re.findall(rb"(\d+) 0 R", kids.group(1))]
    token = re.compile(rb"/(F\d+(?:\+\d+)?) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\)|(T\*|Td|TD|ET|')", re.S)
    text = []
    for number in page_numbers:
        contents = re.search(rb"/Contents (\d+) 0 R", objects[number][0])
        font = None
        for match in token.finditer(objects[int(contents.group(1))][1]):
            if match.group(1):
                font = match.group(1).decode()
            elif match.group(3):
                text.append(" ")
            else:
                raw = _pdf_string(match.group(2))
                table = maps.get(font)
                text.append("".join(table.get(b, "") for b in raw) if table else raw.decode("cp1252", "replace"))
        text.append("\n")
    return "".join(text)


def pdf_text(data):
    """The text a reader of the PDF gets, whitespace flattened."""
    assert data.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                                check=True)
        return flat(result.stdout.decode("utf-8"))
    return flat(_decoded_pdf_text(data))


def word(data):
    return docx.Document(io.BytesIO(data))


def styled(document, prefix):
    """The texts of the paragraphs whose style name starts with ``prefix`` ("Heading", "Title", ...)."""
    return [p.text for p in document.paragraphs if p.style.name.startswith(prefix)]


def word_text(document):
    return flat("\n".join(p.text for p in document.paragraphs))


def html(response):
    return BeautifulSoup(response.content, "html.parser")


def textarea(page, selector):
    """A textarea's text as a browser reads it (the newline right after the opening tag is not part of it)."""
    return page.select_one(selector).get_text().removeprefix("\n")


def messages_text(response):
    return " ".join(element.get_text(" ", strip=True) for element in html(response).select(".messages li"))


# --- fixtures ---------------------------------------------------------------------------------------------


@pytest.fixture
def approved(ai_article):
    note = services.current_note(Page.objects.get(pk=ai_article["page"].pk))
    note = services.approve(note, ai_article["author"], checks=CHECKS, responsible="La rédaction")
    return {**ai_article, "note": note}


def export_page(client, page, fmt, language):
    response = client.get(reverse("ai_exports:page", args=[page.pk, fmt]) + f"?lang={language}")
    assert response.status_code == 200, response.content[:500]
    return response


def share_of(note, language):
    with translation.override(language):
        return drafting.percent(note.share)


def note_lines(note, language):
    return [line for line in note.full(language).splitlines() if line.strip()]


# --- a page --------------------------------------------------------------------------------------------------


def test_a_page_exports_to_word_with_its_note_references_and_prompts(client, approved):
    client.force_login(approved["author"])
    response = export_page(client, approved["page"], "docx", "en")
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="la-restauration-du-grand-retable.docx"' in response["Content-Disposition"]
    note, interaction = approved["note"], approved["interaction"]
    document = word(response.content)

    assert styled(document, "Title") == ["La restauration du grand retable"]
    assert document.core_properties.title == "La restauration du grand retable"
    headings = styled(document, "Heading")
    assert "Un chantier minutieux" in styled(document, "Heading 1")  # the body's h2, a real Word heading
    assert "Methodology note" in styled(document, "Heading 1")
    assert headings.index("Un chantier minutieux") < headings.index("Methodology note")
    text = word_text(document)
    assert "Six mois d'atelier pour retrouver les couleurs d'origine." in text  # the introduction
    assert flat(AI_PARAGRAPH) in text  # the latest revision's body
    for line in note_lines(note, "en"):
        assert flat(line) in text
    assert f"AI share of this text: {share_of(note, 'en')}" in text
    assert flat(drafting.review_statement(note, "en")) in text
    assert "La rédaction" in text and "Not yet approved" not in text

    assert "References" in styled(document, "Heading 2")
    references = [p.text for p in document.paragraphs if "[Large language model]" in p.text]
    assert len(references) == 1 and "cimaise-fake" in references[0]
    assert references[0] == doc.note_section(language="en", facts=note.facts, short="", full="",
                                             review="").references[0]

    assert "Appendix: the requests made to AI" in styled(document, "Heading 1")
    appendix = text[text.index("Appendix: the requests made to AI"):]
    assert interaction.prompt in appendix  # "Développe.", in full
    assert interaction.input_text in appendix  # what the person supplied, in full
    assert flat(AI_PARAGRAPH) in appendix
    assert interaction.model_id in appendix and "Expand" in appendix


def test_a_page_exports_to_pdf_with_its_note_in_french(client, approved):
    client.force_login(approved["author"])
    response = export_page(client, approved["page"], "pdf", "fr")
    assert response["Content-Type"] == "application/pdf"
    note = approved["note"]
    text = pdf_text(response.content)

    assert text.startswith("La restauration du grand retable")
    assert "Un chantier minutieux" in text and flat(AI_PARAGRAPH) in text
    assert any(heading in text for heading in NOTE_HEADINGS)
    for line in note_lines(note, "fr"):
        assert flat(line) in text  # French letters and typographic quotes survive the font
    assert flat(share_of(note, "fr")) in text
    assert flat(drafting.review_statement(note, "fr")) in text
    assert "cimaise-fake" in text and "[Large language model]" in text
    assert approved["interaction"].prompt in text and approved["interaction"].input_text in text
    with translation.override("fr"):
        first_page = flat(doc.writer_labels("fr")["page"] % {"number": 1, "total": "§"}).split("§")[0]
    assert first_page in text  # page numbers


def test_a_page_exports_to_markdown_in_both_languages(client, approved):
    client.force_login(approved["author"])
    note = approved["note"]
    for language in ("en", "fr"):
        text = export_page(client, approved["page"], "md", language).content.decode("utf-8")
        assert text.startswith("# La restauration du grand retable\n")
        assert "\n## Un chantier minutieux\n" in text
        heading = re.search(r"^## (.+)$", text[text.index(AI_PARAGRAPH[:40]):], re.M).group(1)
        assert heading in NOTE_HEADINGS
        plain = text.replace("\\", "")
        for line in note_lines(note, language):
            assert line in plain
        assert share_of(note, language) in plain
        assert drafting.review_statement(note, language) in plain
        assert "cimaise-fake" in plain and approved["interaction"].prompt in plain
    assert "## Methodology note" in text or "## Note méthodologique" in text


def test_the_share_in_the_export_is_the_notes(client, approved):
    client.force_login(approved["author"])
    note = approved["note"]
    text = export_page(client, approved["page"], "md", "en").content.decode("utf-8")
    found = re.search(r"AI share of this text: (\d+)% \((\d+) of (\d+) words", text)
    assert found, text
    assert int(found.group(1)) == round(note.share * 100)
    assert (int(found.group(2)), int(found.group(3))) == (note.facts["ai_words"], note.facts["total_words"])
    assert 0 < note.share < 1


def test_an_unapproved_note_is_exported_and_says_so(client, ai_article):
    client.force_login(ai_article["author"])
    note = services.current_note(Page.objects.get(pk=ai_article["page"].pk))
    assert not note.approved
    markdown_text = export_page(client, ai_article["page"], "md", "en").content.decode("utf-8")
    note_part = markdown_text[markdown_text.index("## Methodology note"):]
    assert note_part.split("\n\n")[1].startswith("**Not yet approved")  # at the head of the note
    assert "Human review" not in markdown_text
    assert "Not yet approved" in word_text(word(export_page(client, ai_article["page"], "docx", "en").content))
    assert "Not yet approved" in pdf_text(export_page(client, ai_article["page"], "pdf", "en").content)

    page = html(client.get(reverse("ai_exports:page_formats", args=[ai_article["page"].pk])))
    assert page.select_one("[data-export-note]")["data-export-note"] == "unapproved"
    links = {(a["data-export-format"], a["data-export-language"]) for a in page.select("a[data-export-format]")}
    assert links == {(fmt, lang) for fmt in ("md", "docx", "pdf") for lang in ("fr", "en")}


def test_a_page_without_ai_has_no_note(client, site_pages, staff):
    client.force_login(staff["content"])
    about = site_pages["about"]
    for language in ("fr", "en"):
        text = export_page(client, about, "md", language).content.decode("utf-8")
        assert text.startswith("# Visiter") and "Horaires et accès." in text
        assert not any(heading in text for heading in NOTE_HEADINGS)
        assert "[Large language model]" not in text and "AI share" not in text
    document = word(export_page(client, about, "docx", "en").content)
    assert styled(document, "Heading") == []
    pdf_body = pdf_text(export_page(client, about, "pdf", "en").content)
    assert "Visiter" in pdf_body and "Methodology note" not in pdf_body
    page = html(client.get(reverse("ai_exports:page_formats", args=[about.pk])))
    assert page.select_one("[data-export-note]")["data-export-note"] == "none"


def test_the_export_is_linked_from_the_page_editor_and_the_explorer(client, ai_article):
    client.force_login(ai_article["author"])
    page = ai_article["page"]
    url = reverse("ai_exports:page_formats", args=[page.pk])
    assert url in client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert url in client.get(reverse("wagtailadmin_explore", args=[page.get_parent().pk])).content.decode()
    assert client.get(url).status_code == 200


def test_an_unknown_format_is_not_found(client, ai_article):
    client.force_login(ai_article["author"])
    assert client.get(reverse("ai_exports:page", args=[ai_article["page"].pk, "odt"])).status_code == 404


def test_only_those_who_may_edit_the_page_export_it(client, ai_article, staff):
    client.force_login(staff["box_office"])
    page = ai_article["page"]
    assert client.get(reverse("ai_exports:page", args=[page.pk, "pdf"])).status_code == 403
    assert client.get(reverse("ai_exports:page_formats", args=[page.pk])).status_code == 403
    client.force_login(staff["community"])  # a community manager may edit pages, so may export them
    assert client.get(reverse("ai_exports:page", args=[page.pk, "md"])).status_code == 200


# --- the writers ------------------------------------------------------------------------------------------


def test_markdown_escapes_what_it_would_otherwise_read():
    document = doc.Document(
        title="Un *grand* titre", author="", language="fr",
        blocks=[doc.Block(doc.PARAGRAPH, "# pas un titre\n1. pas une liste\n<b>pas du HTML</b> [pas un lien](x)")],
        labels=doc.writer_labels("fr"))
    text = markdown.render(document).decode("utf-8")
    assert text.startswith("# Un \\*grand\\* titre\n")
    assert "\\# pas un titre\\\n1\\. pas une liste\\\n\\<b\\>pas du HTML\\</b\\> \\[pas un lien\\](x)" in text


def test_the_pdf_uses_a_font_with_french_letters_and_quotes():
    document = doc.Document(title="L’été « chaud » — “quotes”", author="Zoé Œuvre", language="fr",
                            blocks=[doc.Block(doc.PARAGRAPH, "Ça coûte 12 € ; ligne 1\nligne 2")],
                            labels=doc.writer_labels("fr"))
    data = pdf.render(document, compress=False, invariant=True)
    assert data == pdf.render(document, compress=False, invariant=True)  # invariant: repeatable
    if pdf.fonts()[0] == pdf.FONT:
        assert b"DejaVuSans" in data
    text = pdf_text(data)
    assert "L’été « chaud » — “quotes”" in text and "Zoé Œuvre" in text
    assert "Ça coûte 12 € ; ligne 1 ligne 2" in text


def test_rich_text_becomes_paragraphs_and_list_items():
    blocks = pages.rich_text_blocks("<p>Un <b>mot</b> en gras<br/>et une ligne.</p><ul><li>un</li><li>deux</li></ul>"
                                    "<p>L&#x27;œuvre &amp; <a href=\"/x\">son lien</a></p>")
    assert [(b.kind, b.text) for b in blocks] == [
        (doc.PARAGRAPH, "Un mot en gras\net une ligne."), (doc.ITEM, "un"), (doc.ITEM, "deux"),
        (doc.PARAGRAPH, "L'œuvre & son lien")]


# --- the text tool --------------------------------------------------------------------------------------


@pytest.fixture
def lab_entry(site_pages, staff, record_entry):
    """Claire's creative-lab session and one answered request in it."""
    author = staff["content"]
    session = lab.create_session(user=author, site=site_pages["site"], title="Nuit des musées",
                                 brief="Des textes pour annoncer la restauration du retable.")
    interaction = record_entry(action="brainstorm", prompt="Écris un paragraphe sur la restauration.",
                               input_text="Le retable restauré, six mois de travail.", user=author,
                               lab_session=session, output=AI_PARAGRAPH)
    return {"session": session, "interaction": interaction, "author": author}


def text_values(**values):
    return {"title": "Billet pour Instagram", "author": "Claire Martin", "text": f"{AI_PARAGRAPH}\n\n{HUMAN_TEXT}",
            "language": "en", "source": "session", "session": "", "start": "", "end": "", **values}


def measure(client, **values):
    response = client.post(reverse("ai_exports:text"), text_values(**values))
    assert response.status_code == 200
    return response


def test_the_text_tool_measures_a_text_drawn_from_a_lab_session(client, lab_entry):
    client.force_login(lab_entry["author"])
    session = lab_entry["session"]
    page = html(measure(client, session=str(session.pk)))
    share = page.select_one("[data-export-share]")["data-export-share"]
    assert 0 < int(share.rstrip("%")) < 100  # the AI paragraph beside the person's own sentence
    short = textarea(page, "textarea[name=note-short]")
    full = textarea(page, "textarea[name=note-full]")
    assert share in short and "cimaise-fake" in short and "Nuit des musées" in full
    drafted_for = page.select_one("input[name=note-drafted_for]")["value"]

    # The person rewords the note and downloads it: their wording, the measured share, the prompt in full.
    kept = "Texte écrit avec l’aide de cimaise-fake, relu par moi."
    response = client.post(reverse("ai_exports:text"), text_values(
        session=str(session.pk), format="docx", **{"note-short": kept, "note-full": full,
                                                   "note-drafted_for": drafted_for}))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    document = word(response.content)
    text = word_text(document)
    assert styled(document, "Title") == ["Billet pour Instagram"]
    assert kept in text and f"AI share of this text: {share}" in text
    assert "Claire Martin reviewed this text and kept this methodology note" in text
    assert lab_entry["interaction"].prompt in text and lab_entry["interaction"].input_text in text
    assert any("cimaise-fake" in r and "[Large language model]" in r for r in styled(document, "Normal"))

    response = client.post(reverse("ai_exports:text"), text_values(
        session=str(session.pk), format="pdf", **{"note-short": kept, "note-full": full,
                                                  "note-drafted_for": drafted_for}))
    text = pdf_text(response.content)
    assert kept in text and flat(HUMAN_TEXT) in text and lab_entry["interaction"].prompt in text


def test_a_purely_human_text_has_no_ai_share(client, lab_entry):
    client.force_login(lab_entry["author"])
    page = html(measure(client, session=str(lab_entry["session"].pk), text=HUMAN_TEXT))
    assert page.select_one("[data-export-share]")["data-export-share"] == "0%"


def test_the_text_tool_counts_only_the_persons_answered_requests_of_the_dates(client, lab_entry, staff,
                                                                                record_entry):
    author = lab_entry["author"]
    record_entry(action="expand", user=staff["community"], output=HUMAN_TEXT)  # someone else's
    record_entry(action="expand", user=author, status="failed", output="", error="HTTP 500")  # no answer
    client.force_login(author)
    response = measure(client, source="dates")  # the last 30 days by default
    assert [str(e.pk) for e in response.context["entries"]] == [str(lab_entry["interaction"].pk)]
    assert int(html(response).select_one("[data-export-share]")["data-export-share"].rstrip("%")) > 0

    long_ago = (timezone.localdate() - datetime.timedelta(days=90)).isoformat()
    earlier = (timezone.localdate() - datetime.timedelta(days=60)).isoformat()
    response = measure(client, source="dates", start=long_ago, end=earlier)
    assert html(response).select_one("[data-export-share]") is None
    assert textarea(html(response), "#id_text") == text_values()["text"]


def test_bad_input_keeps_what_was_typed(client, lab_entry):
    client.force_login(lab_entry["author"])
    response = client.post(reverse("ai_exports:text"), text_values(text="   ", title="Mon mémoire",
                                                                   author="Zoé, Master 2"))
    assert response.status_code == 200
    page = html(response)
    assert page.select_one("#id_title")["value"] == "Mon mémoire"
    assert page.select_one("#id_author")["value"] == "Zoé, Master 2"
    assert page.select_one("input[name=language][value=en]").has_attr("checked")
    assert page.select(".error-message")  # the text's error, and the missing session's
    assert page.select_one("[data-export-share]") is None


def test_a_changed_text_is_not_downloaded_with_a_stale_note(client, lab_entry):
    client.force_login(lab_entry["author"])
    session = str(lab_entry["session"].pk)
    page = html(measure(client, session=session))
    drafted_for = page.select_one("input[name=note-drafted_for]")["value"]
    response = client.post(reverse("ai_exports:text"), text_values(
        session=session, text=HUMAN_TEXT, format="md",
        **{"note-short": "Mon texte à moi.", "note-full": "Ma note.", "note-drafted_for": drafted_for}))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert messages_text(response)
    page = html(response)
    assert textarea(page, "textarea[name=note-short]") == "Mon texte à moi."  # kept as typed
    assert textarea(page, "#id_text") == HUMAN_TEXT


def test_the_box_office_may_not_use_the_text_tool(client, staff, site_pages):
    client.force_login(staff["box_office"])
    assert client.get(reverse("ai_exports:text")).status_code == 403
    assert client.post(reverse("ai_exports:text"), text_values(source="dates")).status_code == 403


def test_the_text_tool_offers_only_the_persons_own_sessions(client, lab_entry, staff, site_pages):
    lab.create_session(user=staff["community"], site=site_pages["site"], title="La session de Marc",
                       brief="Autre chose.")
    client.force_login(lab_entry["author"])
    page = html(client.get(reverse("ai_exports:text")))
    options = [o.get_text() for o in page.select("#id_session option") if o["value"]]
    assert options == ["Nuit des musées"]
    assert page.select_one("#id_author")["value"] == "Claire Martin"
    response = measure(client, session=str(lab.sessions_for(staff["community"]).get().pk))
    assert html(response).select_one("[data-export-share]") is None  # not a valid choice



def test_the_prompts_appendix_is_for_those_who_may_read_the_ai_history(client, approved, django_user_model):
    """Someone who may edit the page but not read the AI history gets the note without the ledger's prompts."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    group = Group.objects.create(name="Rédaction externe")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(group=group, page=approved["page"].get_parent(),
                                       permission=Permission.objects.get(codename="change_page"))
    outsider = django_user_model.objects.create_user("pigiste", password="not-used-1234")
    outsider.groups.add(group)
    client.force_login(outsider)
    text = export_page(client, approved["page"], "md", "en").content.decode()
    assert "Methodology note" in text
    assert "Développe." not in text  # the prompt sent to the model: only in the appendix
    client.force_login(approved["author"])
    assert "Développe." in export_page(client, approved["page"], "md", "en").content.decode()
