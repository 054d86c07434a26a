""""Edited afterwards": when a saved page no longer holds an AI text verbatim, the ledger says so.

The pages are saved through Wagtail's own editor views (create, edit), as an
editor's browser posts them; the hidden ``cimaise_ai_applied`` inputs are what
the panel adds to the page form when it puts an answer in a field.
"""

import json

import pytest
from django.urls import reverse
from django.utils.html import escape
from wagtail.test.utils.form_data import querydict_from_html, rich_text

from cimaise.ai.models import AIInteraction, AIOutcome

from .test_assistant import OUTCOME, ask, editor, policy, read_events  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def answer(client, page=None, **values):
    done = read_events(ask(client, page, **values))[-1][1]
    return AIInteraction.objects.get(pk=done["interaction"])


def use(client, interaction, kind="inserted"):
    assert client.post(OUTCOME, {"interaction": interaction.pk, "kind": kind}).status_code == 200
    return interaction.outcomes.order_by("-created_at", "-pk").first().text


def body_data(page, paragraphs=None, drop=()):
    """The StreamField part of the editor's form (drawn by script in the browser), with its block ids."""
    data = {}
    children = [child for child in page.body if child.id not in drop]
    data["body-count"] = str(len(children))
    for index, child in enumerate(children):
        prefix = f"body-{index}"
        data.update({f"{prefix}-type": child.block_type, f"{prefix}-id": child.id, f"{prefix}-deleted": "",
                     f"{prefix}-order": str(index)})
        if child.block_type == "paragraph":
            source = (paragraphs or {}).get(child.id, child.value.source)
            data[f"{prefix}-value"] = rich_text(source)
        elif child.block_type == "heading":
            data[f"{prefix}-value-text"] = child.value["text"]
            data[f"{prefix}-value-level"] = child.value["level"]
    return data


def save(client, page, applied=(), paragraphs=None, drop=(), **fields):
    """Save a draft from the page editor, with some fields changed."""
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = querydict_from_html(client.get(url).content.decode(), form_id="page-edit-form")
    page = page.specific.get_latest_revision_as_object()
    data.update(body_data(page, paragraphs, drop))
    for name, value in fields.items():
        data[name] = value
    data.setlist("cimaise_ai_applied", [str(pk) for pk in applied])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return page


def kinds(interaction):
    return [outcome.kind for outcome in interaction.outcomes.order_by("created_at", "pk")]


def test_an_inserted_text_edited_afterwards_is_recorded_when_the_page_is_saved(editor, site_pages, staff):
    article = site_pages["article"]
    entry = answer(editor, article)
    text = use(editor, entry, "replaced")

    save(editor, article, intro=text)  # saved as inserted: nothing to add
    assert kinds(entry) == ["replaced"]

    save(editor, article, intro=text.replace("Réponse :", "Notre réponse :"))
    assert kinds(entry) == ["replaced", "edited"]
    edited = entry.outcomes.get(kind="edited")
    article.refresh_from_db()
    assert (edited.page_id, edited.field_name, edited.user) == (article.pk, "intro", staff["content"])
    assert edited.revision_id == article.latest_revision.pk
    assert edited.text.startswith("Notre réponse :")

    save(editor, article, intro="Tout autre chose.")  # already recorded as edited
    assert kinds(entry) == ["replaced", "edited"]


def test_text_kept_beside_the_authors_own_is_not_an_edit(editor, site_pages):
    article = site_pages["article"]
    entry = answer(editor, article)
    text = use(editor, entry, "inserted")
    save(editor, article, intro=f"Six mois d'atelier.\n\n{text}\n")
    assert kinds(entry) == ["inserted"]


def test_a_rich_text_paragraph_is_followed_by_its_block(editor, site_pages):
    article = site_pages["article"]
    block_id = article.body[1].id
    entry = answer(editor, article, field=f"body/{block_id}", action="rewrite")
    text = use(editor, entry, "replaced")

    # In rich text, the answer is a paragraph (its apostrophes and quotes escaped): that is not an edit.
    save(editor, article, paragraphs={block_id: f"<p>{escape(text)}</p>"})
    assert kinds(entry) == ["replaced"]

    save(editor, article, paragraphs={block_id: "<p>Un paragraphe récrit par l'autrice.</p>"})
    assert kinds(entry) == ["replaced", "edited"]
    assert entry.outcomes.get(kind="edited").field_name == f"body/{block_id}"


def test_a_deleted_block_counts_as_an_edit(editor, site_pages):
    article = site_pages["article"]
    block_id = article.body[1].id
    entry = answer(editor, article, field=f"body/{block_id}", action="rewrite")
    use(editor, entry, "replaced")
    save(editor, article, drop=[block_id])
    assert kinds(entry) == ["replaced", "edited"]


def test_a_discarded_answer_is_never_followed(editor, site_pages):
    article = site_pages["article"]
    entry = answer(editor, article)
    use(editor, entry, "discarded")
    save(editor, article, intro="Autre chose.")
    assert kinds(entry) == ["discarded"]


def test_an_answer_used_while_creating_a_page_is_linked_to_it_then_followed(editor, site_pages, staff):
    index = site_pages["index"]
    entry = answer(editor, parent=index.pk, action="titles", field="title")
    title = use(editor, entry, "inserted")
    assert entry.page_id is None

    url = reverse("wagtailadmin_pages:add", args=("pages", "articlepage", index.pk))
    data = querydict_from_html(editor.get(url).content.decode(), form_id="page-edit-form")
    data.update({"title": title, "slug": "une-nouvelle", "date": "2026-05-01", "intro": "Une nouvelle.",
                 "body-count": "0"})
    data.setlist("cimaise_ai_applied", [str(entry.pk)])
    assert editor.post(url, data).status_code == 302

    created = index.get_children().get(slug="une-nouvelle").specific
    assert kinds(entry) == ["inserted", "inserted"]
    linked = entry.outcomes.order_by("-created_at", "-pk").first()
    assert linked.page_id == created.pk and linked.revision_id == created.latest_revision.pk

    # Later, in the editor (no hidden inputs any more), the title is changed.
    save(editor, created, title="Un titre écrit à la main")
    assert kinds(entry) == ["inserted", "inserted", "edited"]


def test_someone_elses_answer_cannot_be_claimed_through_the_form(client, editor, site_pages, staff):
    index = site_pages["index"]
    entry = answer(editor, parent=index.pk, action="titles", field="title")
    use(editor, entry, "inserted")

    client.force_login(staff["community"])
    url = reverse("wagtailadmin_pages:add", args=("pages", "articlepage", index.pk))
    data = querydict_from_html(client.get(url).content.decode(), form_id="page-edit-form")
    data.update({"title": "Autre", "slug": "autre", "date": "2026-05-01", "body-count": "0"})
    data.setlist("cimaise_ai_applied", [str(entry.pk), "not-a-uuid"])
    assert client.post(url, data).status_code == 302
    assert kinds(entry) == ["inserted"]
    assert not AIOutcome.objects.filter(page_id=index.get_children().get(slug="autre").pk).exists()


def test_the_panel_strings_are_valid_json_in_the_editor(editor, site_pages):
    html = editor.get(reverse("wagtailadmin_pages:edit", args=[site_pages["article"].pk])).content.decode()
    strings = json.loads(html.split('id="cimaise-ai-strings" type="application/json">', 1)[1].split("</script>")[0])
    assert "%(model)s" in strings["writtenBy"] and strings["pageFieldLabels"]["intro"]
