"""The methodology note in the Wagtail admin, and the gate on the admin's publishing paths.

Claire (content manager) edits ``ai_article`` (conftest.py: an AI paragraph
inserted into the article's body, saved as a draft; the live version predates
it). Every step goes through the admin's own views, as her browser posts them:
the page editor (publish, schedule, workflow approval), the bulk publish, the
workflow's action view and the note page. The admin speaks French by default
and its French catalog is filled in later: tests match on data, ids and URLs,
or accept either wording.
"""

import datetime
import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, TaskState, WorkflowState
from wagtail.test.utils.form_data import querydict_from_html, rich_text

from cimaise.ai.models import MethodologyNote
from cimaise.ai.provenance import html_to_text
from cimaise.ai.transparency import services
from cimaise.ai.transparency.log_actions import PUBLICATION_BLOCKED
from cimaise.institution import roles
from cimaise.institution.models import InstitutionProfile

from .conftest import AI_PARAGRAPH

pytestmark = pytest.mark.django_db

MIDDLEWARE = "cimaise.ai.transparency.admin_middleware.PublicationRefusalMiddleware"
REFUSED = ("approuvez sa note", "approve its methodology note")
WORDING = ("short_fr", "full_fr", "short_en", "full_en")


@pytest.fixture
def manager(client, staff):
    client.force_login(staff["content"])
    return client


@pytest.fixture
def director(django_user_model):
    """A member of Direction: may publish pages, so may be a second reviewer."""
    user = django_user_model.objects.create_user("direction", password="not-used-1234", first_name="Inès",
                                                 last_name="Durand")
    user.groups.add(Group.objects.get(name=roles.DIRECTION))
    return django_user_model.objects.get(pk=user.pk)


@pytest.fixture
def refusal_middleware(settings):
    """The middleware that turns a refusal during a workflow approval into a message (see admin_middleware)."""
    assert MIDDLEWARE in settings.MIDDLEWARE
    return settings


def note_url(page):
    return reverse("ai_notes:page", args=[page.pk])


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def live(page):
    return Page.objects.get(pk=page.pk).specific


def latest(page):
    return Page.objects.get(pk=page.pk).specific.get_latest_revision_as_object()


def has_ai_text(page):
    """Whether the page object's body holds the AI paragraph (as text, whatever its markup)."""
    return any(AI_PARAGRAPH in html_to_text(child.value.source) for child in page.body
               if child.block_type == "paragraph")


def text_of(response):
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


def body_data(page):
    """The StreamField part of the editor's form (drawn by script in the browser)."""
    data = {"body-count": str(len(page.body))}
    for index, child in enumerate(page.body):
        prefix = f"body-{index}"
        data.update({f"{prefix}-type": child.block_type, f"{prefix}-id": child.id or "", f"{prefix}-deleted": "",
                     f"{prefix}-order": str(index)})
        if child.block_type == "paragraph":
            data[f"{prefix}-value"] = rich_text(child.value.source)
        elif child.block_type == "heading":
            data[f"{prefix}-value-text"] = child.value["text"]
            data[f"{prefix}-value-level"] = child.value["level"]
    return data


def editor_form(client, page, **fields):
    """What the page editor posts: its form as drawn, the body as its script sends it, some fields changed."""
    data = querydict_from_html(client.get(edit_url(page)).content.decode(), form_id="page-edit-form")
    data.update(body_data(latest(page)))
    for name, value in fields.items():
        data[name] = value
    return data


def publish(client, page, **fields):
    """Press Publish in the page editor."""
    data = editor_form(client, page, **fields)
    data["action-publish"] = "action-publish"
    return client.post(edit_url(page), data)


def note_form(client, page, **values):
    """The note page's form as drawn (the four texts, checks, responsibility), with some values changed."""
    response = client.get(note_url(page))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    form = soup.select_one("form[data-note-form]")
    data = {"note": form.select_one("input[name=note]")["value"]}
    for name in WORDING:
        data[name] = form.select_one(f"textarea[name={name}]").text.lstrip("\n")
    data["checks"] = [box["value"] for box in form.select("input[name=checks][checked]")]
    data["responsible"] = form.select_one("input[name=responsible]").get("value", "")
    data.update(values)
    return data


def approve(client, page, checks=("facts", "sources"), **values):
    data = note_form(client, page, checks=list(checks), action="approve", **values)
    return client.post(note_url(page), data)


def blocked_entries(page):
    return PageLogEntry.objects.filter(page_id=page.pk, action=PUBLICATION_BLOCKED)


# --- the editor's publish button --------------------------------------------------------------------------------


def test_publishing_from_the_editor_is_refused_and_the_text_is_kept_as_a_draft(manager, ai_article, site_pages):
    page = ai_article["page"]
    revisions = page.revisions.count()

    response = publish(manager, page, title="La restauration du grand retable, achevée")

    assert response.status_code == 302 and response.url == edit_url(page)
    followed = manager.get(response.url)
    shown = " ".join(messages_of(followed))
    assert any(wording in shown for wording in REFUSED), shown
    assert note_url(page) in shown  # a link to the note, in the message
    # The revision is saved, with everything typed; the live page has neither the new title nor the AI text.
    assert page.revisions.count() == revisions + 1
    draft = latest(page)
    assert draft.title == "La restauration du grand retable, achevée" and has_ai_text(draft)
    current = live(page)
    assert current.title == "La restauration du grand retable" and current.has_unpublished_changes
    assert not has_ai_text(current)
    assert AI_PARAGRAPH not in text_of(manager.get(current.url))
    assert blocked_entries(page).count() == 1


def test_scheduling_from_the_editor_is_refused(manager, ai_article):
    page = ai_article["page"]
    go_live = timezone.localtime() + datetime.timedelta(days=2)

    response = publish(manager, page, go_live_at=go_live.strftime("%Y-%m-%d %H:%M"))

    assert response.status_code == 302 and response.url == edit_url(page)
    assert latest(page).go_live_at is not None  # the date is kept in the draft...
    assert not page.revisions.filter(approved_go_live_at__isnull=False).exists()  # ...and nothing is scheduled
    assert not has_ai_text(live(page))


def test_approving_the_note_lets_the_editor_publish_and_a_later_change_needs_a_new_note(manager, ai_article, staff):
    page = ai_article["page"]
    response = approve(manager, page, responsible="La direction des publics")
    assert response.status_code == 302 and response.url == note_url(page)
    note = services.current_note(Page.objects.get(pk=page.pk))
    assert note.status == MethodologyNote.Status.APPROVED
    assert (note.approved_by, note.approved_by_label) == (staff["content"], "Claire Martin")
    assert note.checks == ["facts", "sources"] and note.responsible == "La direction des publics"

    response = publish(manager, page)
    assert response.status_code == 302 and response.url != edit_url(page)
    current = live(page)
    assert has_ai_text(current) and not current.has_unpublished_changes
    assert AI_PARAGRAPH in text_of(manager.get(current.url))
    note.refresh_from_db()
    assert note.live

    # A word changed afterwards: a new note, not approved, and publishing is refused again.
    response = publish(manager, page, title="La restauration du grand retable, achevée")
    assert response.status_code == 302 and response.url == edit_url(page)
    assert live(page).title == "La restauration du grand retable"
    new = services.current_note(Page.objects.get(pk=page.pk))
    assert new.pk != note.pk and new.status == MethodologyNote.Status.DRAFT
    # The note page shows the new note, and the approved one in the page's history of notes.
    soup = BeautifulSoup(manager.get(note_url(page)).content, "html.parser")
    assert soup.select_one("#ai-note")["data-note"] == str(new.pk)
    older = soup.select_one(f"[data-older-note='{note.pk}']")
    assert older["data-status"] == "approved" and "Claire Martin" in older.get_text()


def test_a_page_created_and_published_from_the_editor_without_ai_goes_live(manager, site_pages):
    index = site_pages["index"]
    url = reverse("wagtailadmin_pages:add", args=["pages", "articlepage", index.pk])
    data = querydict_from_html(manager.get(url).content.decode(), form_id="page-edit-form")
    data.update({"title": "Une nouvelle salle", "slug": "nouvelle-salle", "intro": "Écrit à la main.",
                 "body-count": "0", "action-publish": "action-publish"})
    response = manager.post(url, data)
    assert response.status_code == 302
    created = Page.objects.get(slug="nouvelle-salle")
    assert created.live and not MethodologyNote.objects.filter(object_id=str(created.pk)).exists()


# --- the note page ------------------------------------------------------------------------------------------------


def test_the_note_page_shows_the_facts_from_the_ledger(manager, ai_article):
    page, interaction = ai_article["page"], ai_article["interaction"]
    response = manager.get(note_url(page))
    assert response.status_code == 200
    note = services.current_note(Page.objects.get(pk=page.pk))
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("#ai-note")["data-status"] == "draft"
    share = round(note.share * 100)
    shown_share = " ".join(soup.select_one("[data-share]").get_text().replace("\u202f", " ").split())
    assert shown_share in (f"{share}%", f"{share} %")
    def field_share(name):
        return soup.select_one(f"[data-field={name}]").select("td")[-1].get_text().replace("\xa0", " ")

    assert field_share("body") in ("77%", "77 %")  # the AI paragraph is most of the body; the title has none
    assert field_share("title") in ("0%", "0 %")
    model = soup.select_one("[data-model]").get_text(" ")
    assert "cimaise-fake" in model and "cimaise-fake. (" in model  # name and APA-style reference
    prompt = soup.select_one("[data-prompt]")
    assert "Les restaurateurs ont retiré les vernis." in prompt.get_text()
    assert prompt.select_one("a")["href"] == reverse("ai_history:detail", args=[interaction.pk])
    assert "Claire Martin" in text_of(response)
    # The preview shows the public wording in both languages.
    assert note.short_fr in soup.select_one("[data-preview=fr]").get_text()
    assert note.short_en in soup.select_one("[data-preview=en]").get_text()


def test_the_editor_links_to_the_note_with_its_status(manager, ai_article, site_pages):
    page = ai_article["page"]
    soup = BeautifulSoup(manager.get(edit_url(page)).content, "html.parser")
    links = soup.select(f"a[href='{note_url(page)}']")
    assert len(links) == 2  # in the action menu beside Publish, and in the header's actions
    assert any("ai-note-status--draft" in link.get("class", []) for link in links)
    assert soup.select_one("[data-ai-note-status]")["data-ai-note-status"] == "draft"

    approve(manager, page)
    soup = BeautifulSoup(manager.get(edit_url(page)).content, "html.parser")
    assert soup.select_one("[data-ai-note-status]")["data-ai-note-status"] == "approved"

    about = site_pages["about"]
    assert note_url(about) not in manager.get(edit_url(about)).content.decode()


def test_a_page_without_ai_entries_needs_no_note(manager, site_pages):
    about = site_pages["about"]
    response = manager.get(note_url(about))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("[data-ai-entries]")["data-ai-entries"] == "0"
    assert soup.select_one("form[data-note-form]") is None
    assert not MethodologyNote.objects.filter(object_id=str(about.pk)).exists()


def test_validation_errors_keep_everything_typed(manager, ai_article):
    page = ai_article["page"]
    note = services.current_note(Page.objects.get(pk=page.pk))
    typed = {"short_fr": "Écrit avec un peu d'IA.", "full_fr": "Ma note complète, écrite à la main.",
             "responsible": "Le service des publics"}

    response = approve(manager, page, **typed)

    assert response.status_code == 200
    form = response.context["form"]
    assert "short_fr" in form.errors
    assert any(wording in form.errors["short_fr"][0] for wording in ("part mesurée", "measured share"))
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("textarea[name=short_fr]").text.strip() == typed["short_fr"]
    assert soup.select_one("textarea[name=full_fr]").text.strip() == typed["full_fr"]
    assert soup.select_one("input[name=responsible]")["value"] == typed["responsible"]
    assert [box["value"] for box in soup.select("input[name=checks][checked]")] == ["facts", "sources"]
    note.refresh_from_db()
    assert note.short_fr == note.drafted["short_fr"] and note.status == MethodologyNote.Status.DRAFT

    # Valid wording but nothing checked: the wording is saved, the approval is refused, the form keeps it all.
    changed = note.full_fr + "\nRelu par la rédaction."
    response = approve(manager, page, checks=(), full_fr=changed)
    assert response.status_code == 200 and "checks" in response.context["form"].errors
    note.refresh_from_db()
    assert note.full_fr == changed and note.status == MethodologyNote.Status.DRAFT
    assert BeautifulSoup(response.content, "html.parser").select_one("textarea[name=full_fr]").text.strip() == changed


def test_the_drafted_wording_can_be_restored(manager, ai_article):
    page = ai_article["page"]
    note = services.current_note(Page.objects.get(pk=page.pk))
    edited = note.short_en.replace("edited by people", "edited by our editors")
    assert manager.post(note_url(page), note_form(manager, page, short_en=edited, action="save")).status_code == 302
    note.refresh_from_db()
    assert note.short_en == edited

    soup = BeautifulSoup(manager.get(note_url(page)).content, "html.parser")
    assert soup.select_one("[data-drafted=short_en] blockquote").text == note.drafted["short_en"]
    response = manager.post(note_url(page), note_form(manager, page, action="restore"))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("textarea[name=short_en]").text.strip() == note.drafted["short_en"]
    note.refresh_from_db()
    assert note.short_en == edited  # restored in the form; saved only when the person saves


def test_a_new_wording_of_an_approved_note_waits_for_its_own_approval(manager, ai_article):
    page = ai_article["page"]
    approve(manager, page)
    approved = services.current_note(Page.objects.get(pk=page.pk))
    assert approved.status == MethodologyNote.Status.APPROVED
    soup = BeautifulSoup(manager.get(note_url(page)).content, "html.parser")
    assert soup.select_one("button[value=approve]") is None  # approved: only a new wording may be saved

    new_wording = approved.full_en + "\nReviewed by the editors."
    assert manager.post(note_url(page), note_form(manager, page, full_en=new_wording, action="save")).status_code == 302

    # The new wording is a new draft of the note; the approved one stays, and the page may still go out.
    draft = services.current_note(Page.objects.get(pk=page.pk))
    approved.refresh_from_db()
    assert draft.pk != approved.pk and draft.full_en == new_wording and draft.status == MethodologyNote.Status.DRAFT
    assert approved.status == MethodologyNote.Status.APPROVED
    soup = BeautifulSoup(manager.get(note_url(page)).content, "html.parser")
    assert soup.select_one("[data-approved-note]")["data-approved-note"] == str(approved.pk)
    assert soup.select_one("button[value=approve]") is not None
    editor = BeautifulSoup(manager.get(edit_url(page)).content, "html.parser")
    assert editor.select_one("[data-ai-note-status]")["data-ai-note-status"] == "draft"
    response = publish(manager, page)
    assert response.url != edit_url(page) and has_ai_text(live(page))
    approved.refresh_from_db()
    assert approved.live

    # Approving the new wording: it replaces the approved one, which steps aside.
    assert approve(manager, page).status_code == 302
    draft.refresh_from_db()
    approved.refresh_from_db()
    assert draft.status == MethodologyNote.Status.APPROVED and draft.live
    assert approved.status == MethodologyNote.Status.SUPERSEDED and not approved.live


def test_wording_typed_for_an_older_text_is_not_saved_on_the_newer_note(manager, ai_article):
    page = ai_article["page"]
    stale = note_form(manager, page, short_fr="Texte pour l'ancienne version : 61 % cimaise-fake.", action="save")
    publish(manager, page, title="La restauration du grand retable, achevée")  # a new text, a new note
    new = services.current_note(Page.objects.get(pk=page.pk))

    response = manager.post(note_url(page), stale)

    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert "Texte pour l'ancienne version" in BeautifulSoup(response.content, "html.parser").select_one(
        "textarea[name=short_fr]").text
    new.refresh_from_db()
    assert new.short_fr == new.drafted["short_fr"]


def test_a_model_may_propose_a_smoother_wording_that_keeps_the_facts(manager, ai_article, fake_llm, monkeypatch):
    from . import fake_model

    page = ai_article["page"]
    profile = InstitutionProfile.for_site(fake_llm)
    profile.ai_allowed_actions = ["rewrite"]
    profile.save()
    note = services.current_note(Page.objects.get(pk=page.pk))
    share = round(note.share * 100)
    smoother = f"About {share}% of this text comes from AI answers, edited and checked by people. Model: cimaise-fake."
    monkeypatch.setattr(fake_model, "answer_for", lambda prompt: [smoother])

    response = manager.post(note_url(page), note_form(manager, page, action="polish", polish="short_en"))

    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("textarea[name=short_en]").text.strip() == smoother  # a proposal in the field...
    note.refresh_from_db()
    assert note.short_en == note.drafted["short_en"]  # ...saved only if the person saves it
    assert "cimaise-fake" in " ".join(messages_of(response))  # which model wrote it
    assert len(fake_model.CALLS) == 1

    # A proposal that drops a recorded fact is refused; the field keeps the saved wording.
    monkeypatch.setattr(fake_model, "answer_for", lambda prompt: ["A text written with some help from AI."])
    response = manager.post(note_url(page), note_form(manager, page, action="polish", polish="short_en"))
    assert "short_en" in response.context["form"].errors
    assert BeautifulSoup(response.content, "html.parser").select_one(
        "textarea[name=short_en]").text.strip() == note.short_en

    # Unsaved typing in that field is not thrown away for a proposal (and the model is not called).
    response = manager.post(note_url(page), note_form(manager, page, action="polish", polish="short_en",
                                                      short_en=note.short_en + " Merci."))
    assert "short_en" in response.context["form"].errors and len(fake_model.CALLS) == 2

    # The institution's policy may forbid it: the person is told, in the form.
    profile.ai_allowed_actions = []
    profile.save()
    response = manager.post(note_url(page), note_form(manager, page, action="polish", polish="short_en"))
    assert response.status_code == 200 and messages_of(response) and len(fake_model.CALLS) == 2


# --- who may see and approve ----------------------------------------------------------------------------------


def test_only_those_who_may_edit_the_page_see_its_note(client, staff, ai_article):
    page = ai_article["page"]
    client.force_login(staff["box_office"])
    assert client.get(note_url(page)).status_code == 403
    assert client.post(note_url(page), {"action": "approve"}).status_code == 403
    client.force_login(staff["community"])  # may edit pages (not publish them)
    assert client.get(note_url(page)).status_code == 200


def test_a_second_reviewer_confirms_when_the_policy_asks(client, staff, director, ai_article):
    page = ai_article["page"]
    profile = InstitutionProfile.for_site(page.get_site())
    profile.ai_requires_second_reviewer = True
    profile.save()
    client.force_login(staff["content"])
    assert approve(client, page).status_code == 302
    note = services.current_note(Page.objects.get(pk=page.pk))
    assert note.status == MethodologyNote.Status.SECOND_REVIEW

    # The one who approved sees no confirm button; posting it anyway is refused with the service's reason.
    soup = BeautifulSoup(client.get(note_url(page)).content, "html.parser")
    assert soup.select_one("button[value=second_review]") is None
    response = client.post(note_url(page), {"note": note.pk, "action": "second_review"}, follow=True)
    assert any(wording in " ".join(messages_of(response)) for wording in ("une autre personne", "someone other"))
    note.refresh_from_db()
    assert note.status == MethodologyNote.Status.SECOND_REVIEW
    assert publish(client, page).url == edit_url(page)  # still refused

    # Marc may edit the page, not publish it: he may not be the second reviewer.
    client.force_login(staff["community"])
    assert client.post(note_url(page), {"note": note.pk, "action": "second_review"}).status_code == 403

    # The director may publish: the button is there, and confirming lets the page go out.
    client.force_login(director)
    soup = BeautifulSoup(client.get(note_url(page)).content, "html.parser")
    assert soup.select_one("button[value=second_review]") is not None
    assert client.post(note_url(page), {"note": note.pk, "action": "second_review"}).status_code == 302
    note.refresh_from_db()
    assert note.status == MethodologyNote.Status.APPROVED and note.second_reviewer_label == "Inès Durand"
    client.force_login(staff["content"])
    publish(client, page)
    assert has_ai_text(live(page))


# --- bulk publish and the workflow ------------------------------------------------------------------------------


def test_a_bulk_publish_with_a_page_written_with_ai_is_refused_as_a_whole(manager, ai_article, site_pages):
    page, about = ai_article["page"], site_pages["about"]
    about.title = "Visiter le musée"
    about.save_revision(user=ai_article["author"])
    next_url = reverse("wagtailadmin_explore", args=[site_pages["home"].pk])
    url = (reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
           + f"?id={page.pk}&id={about.pk}&next={next_url}")

    response = manager.post(url, {}, follow=True)

    assert response.redirect_chain[-1][0] == next_url
    shown = " ".join(messages_of(response))
    assert "La restauration du grand retable" in shown and "Visiter le musée" not in shown
    assert note_url(page) in shown
    assert Page.objects.get(pk=about.pk).title == "Visiter"  # nothing was published
    assert not has_ai_text(live(page))

    approve(manager, page)
    manager.post(url, {})
    assert Page.objects.get(pk=about.pk).title == "Visiter le musée"
    assert has_ai_text(live(page))


def _submit_to_workflow(page, user):
    workflow = Page.objects.get(pk=page.pk).get_workflow()
    assert workflow is not None and workflow.name == roles.WORKFLOW_NAME
    state = workflow.start(Page.objects.get(pk=page.pk).specific, user)
    return state, state.current_task_state


def _approve_in_editor(client, page):
    """The editor's "Approve" (the workflow's last task), the form posted unchanged: the approval publishes.

    (The article's date has a callable default; ArticlePageForm keeps it from counting every post as a change,
    which would restart the task on a new revision instead of publishing.)
    """
    data = editor_form(client, page)
    data.update({"action-workflow-action": "true", "workflow-action-name": "approve"})
    return client.post(edit_url(page), data)


def test_approving_the_workflow_in_the_editor_is_refused_cleanly_until_the_note_is_approved(
        manager, ai_article, refusal_middleware):
    page = ai_article["page"]
    manager.post(edit_url(page), editor_form(manager, page))  # saved once from the editor, as pages are
    state, task_state = _submit_to_workflow(page, ai_article["author"])
    revisions = page.revisions.count()

    response = _approve_in_editor(manager, page)

    # Back in the editor with the reason, not on the dashboard with "no permission".
    assert response.status_code == 302 and response.url == edit_url(page)
    shown = " ".join(messages_of(manager.get(response.url)))
    assert any(wording in shown for wording in REFUSED) and note_url(page) in shown
    # Nothing half-done: the task and the workflow still wait, nothing was published or logged as approved.
    task_state.refresh_from_db()
    state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS and state.status == WorkflowState.STATUS_IN_PROGRESS
    assert page.revisions.count() == revisions
    assert not PageLogEntry.objects.filter(page_id=page.pk, action="wagtail.workflow.approve").exists()
    assert not has_ai_text(live(page))
    assert blocked_entries(page).count() == 1

    # Once the note is approved, the same approval finishes the workflow and publishes.
    assert approve(manager, page).status_code == 302
    assert _approve_in_editor(manager, page).status_code == 302
    state.refresh_from_db()
    task_state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED and task_state.status == TaskState.STATUS_APPROVED
    assert has_ai_text(live(page))


def test_the_workflow_dialog_and_the_dashboard_approval_go_back_to_the_editor(manager, ai_article,
                                                                             refusal_middleware):
    page = ai_article["page"]
    state, task_state = _submit_to_workflow(page, ai_article["author"])
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])

    # The dashboard's "Approve" (a plain form post).
    response = manager.post(url, {"comment": "", "next": reverse("wagtailadmin_home")})
    assert response.status_code == 302 and response.url == edit_url(page)
    # "Approve with comment" (the dialog posts by script and follows the "redirect" of its answer).
    response = manager.post(url, {"comment": "Bien."}, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 200
    assert json.loads(response.content)["step"] == "success"
    assert json.loads(response.content)["redirect"] == edit_url(page)
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS
    assert not has_ai_text(live(page))
    assert blocked_entries(page).count() == 2


def test_a_page_created_with_the_assistant_and_published_at_once_is_refused(manager, site_pages, staff,
                                                                             record_entry):
    """The assistant's entries of a page being created have no page yet: the gate links them before it looks."""
    from cimaise.ai import ledger

    index = site_pages["index"]
    answer = record_entry(action="draft", user=staff["content"], input_text="Une salle neuve.", output=AI_PARAGRAPH,
                          field_name="intro")
    ledger.add_outcome(answer, "inserted", user=staff["content"], field_name="intro", text=AI_PARAGRAPH)
    url = reverse("wagtailadmin_pages:add", args=["pages", "articlepage", index.pk])
    data = querydict_from_html(manager.get(url).content.decode(), form_id="page-edit-form")
    data.update({"title": "Une nouvelle salle", "slug": "nouvelle-salle", "intro": AI_PARAGRAPH[:590],
                 "body-count": "0", "action-publish": "action-publish", "cimaise_ai_applied": str(answer.pk)})
    manager.post(url, data)
    created = Page.objects.get(slug="nouvelle-salle")
    assert not created.live
    note = services.current_note(created)
    assert note is not None and note.facts["entries"] == [str(answer.pk)] and note.share > 0.9


def test_the_admin_api_cannot_publish_without_an_approved_note(manager, ai_article):
    """Wagtail's admin API publish action calls Wagtail's action directly: the page's save is the last guard."""
    page = ai_article["page"]
    response = manager.post(f"/admin/api/main/pages/{page.pk}/action/publish/", content_type="application/json",
                            data="{}")
    assert response.status_code == 403
    assert AI_PARAGRAPH not in str(Page.objects.get(pk=page.pk).specific.body.raw_data)


def test_copying_an_ai_page_in_the_admin_makes_a_draft_with_its_own_note(manager, ai_article, site_pages):
    page = ai_article["page"]
    services.approve(services.current_note(page), ai_article["author"], checks=["facts"])
    ai_article["revision"].publish()
    response = manager.post(f"/admin/pages/{page.pk}/copy/", {
        "new_title": "Copie", "new_slug": "copie", "new_parent_page": str(site_pages["index"].pk),
        "publish_copies": "on",
    })
    assert response.status_code == 302
    copy = Page.objects.get(slug="copie")
    assert not copy.live  # "publish copies" is refused for a text written with AI
    note = services.current_note(copy)
    assert note is not None and note.status == MethodologyNote.Status.DRAFT and note.share > 0.3
    assert note.facts["outcomes"].get("copied") == 1


def test_the_note_page_gives_the_line_for_social_posts_and_newsletters(manager, ai_article):
    soup = BeautifulSoup(manager.get(note_url(ai_article["page"])).content, "html.parser")
    lines = {section["data-preview"]: section.select_one("[data-social-line]").get_text()
             for section in soup.select("[data-preview]")}
    assert lines["en"].startswith("Written with the help of AI (cimaise-fake), reviewed by a person.")
    assert lines["en"].endswith(ai_article["page"].full_url + "#ai-note")
    assert lines["fr"].startswith("Écrit avec l'aide de l'IA (cimaise-fake)")
