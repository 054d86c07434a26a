"""The editor assistant's endpoints: what an editor gets back, and what the AI ledger then holds.

The model is ``cimaise-fake`` (tests/ai/fake_model.py), plugged into llm as any
plugin is; words in the text make it fail, answer nothing or write slowly.
"""

import json
import re

import pytest
from django.urls import reverse

from cimaise.ai.models import AIInteraction, AIOutcome
from cimaise.ai.services import ASSISTANT_ACTIONS

from . import fake_model

pytestmark = pytest.mark.django_db

STREAM = "/admin/ai/assist/stream/"
CANCEL = "/admin/ai/assist/cancel/"
OUTCOME = "/admin/ai/assist/outcome/"
MODEL = "/admin/ai/assist/model/"
REFUSAL = "Notre charte n'autorise pas l'IA pour les réseaux sociaux."


@pytest.fixture
def policy(fake_llm):
    """The site's AI policy allows every assistant action except social-media posts."""
    from cimaise.institution.models import InstitutionProfile

    profile = InstitutionProfile.for_site(fake_llm)
    profile.mission = "Faire aimer la peinture ancienne."
    profile.tone_of_voice = "Chaleureux, précis, sans jargon."
    profile.ai_allowed_actions = [action for action in ASSISTANT_ACTIONS if action != "social"]
    profile.ai_refusal_reason = REFUSAL
    profile.save()
    return profile


@pytest.fixture
def editor(client, staff, policy):
    client.force_login(staff["content"])
    return client


def read_events(response):
    """[(event name, data)] from a text/event-stream response."""
    assert response["Content-Type"].startswith("text/event-stream")
    body = b"".join(response.streaming_content).decode()
    return parse(body)


def parse(body):
    found = []
    for block in body.split("\n\n"):
        if not block.strip():
            continue
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        found.append((lines["event"], json.loads(lines["data"])))
    return found


def ask(client, page=None, **values):
    data = {"action": "shorten", "text": "Six mois d'atelier pour retrouver les couleurs d'origine.",
            "field": "intro", "candidates": "1", "temperature": "0.3"}
    if page is not None:
        data["page"] = page.pk
    data.update(values)
    return client.post(STREAM, data)


def set_language(user, language):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()


# --- streaming -------------------------------------------------------------------------------------------------


def test_an_answer_streams_then_names_its_model_and_its_ledger_entry(editor, site_pages, staff):
    article = site_pages["article"]
    events = read_events(ask(editor, article))

    names = [name for name, _data in events]
    assert names[0] == "start" and names[-1] == "done"
    assert set(names[1:-1]) == {"token"} and len(names) > 3
    start, done = events[0][1], events[-1][1]
    assert start["candidate"] == 1 and "cimaise-fake" in start["model"]
    streamed = "".join(data["text"] for name, data in events if name == "token")
    assert done["text"] == streamed.strip() and done["text"].startswith("Réponse :")
    assert "Six mois d'atelier" in done["text"]
    assert done["model"] == start["model"] and done["length"] == len(done["text"])

    entry = AIInteraction.objects.get(pk=done["interaction"])
    assert (entry.status, entry.action, entry.field_name) == ("ok", "shorten", "intro")
    assert entry.page_id == article.pk and entry.revision_id == article.latest_revision.pk
    assert entry.user == staff["content"] and entry.model_id == "cimaise-fake"
    assert entry.input_text == "Six mois d'atelier pour retrouver les couleurs d'origine."
    assert entry.parameters["temperature"] == 0.3
    # The institution's profile goes into the system prompt.
    assert "Faire aimer la peinture ancienne." in entry.system_prompt
    assert "Chaleureux, précis, sans jargon." in entry.system_prompt


def test_the_revision_being_edited_is_recorded(editor, site_pages, staff):
    article = site_pages["article"]
    older = article.latest_revision
    article.save_revision(user=staff["content"])
    other = site_pages["about"].latest_revision

    done = read_events(ask(editor, article, revision=older.pk))[-1][1]
    assert AIInteraction.objects.get(pk=done["interaction"]).revision_id == older.pk

    # A revision of another page is not taken: the page's latest is.
    done = read_events(ask(editor, article, revision=other.pk))[-1][1]
    article.refresh_from_db()
    assert AIInteraction.objects.get(pk=done["interaction"]).revision_id == article.latest_revision.pk


def test_a_field_inside_a_streamfield_block_is_named_by_its_block(editor, site_pages):
    article = site_pages["article"]
    block_id = article.body[1].id
    done = read_events(ask(editor, article, field=f"body/{block_id}", action="rewrite"))[-1][1]
    assert AIInteraction.objects.get(pk=done["interaction"]).field_name == f"body/{block_id}"

    # Anything else is not taken as a field name.
    done = read_events(ask(editor, article, field="<script>"))[-1][1]
    assert AIInteraction.objects.get(pk=done["interaction"]).field_name == ""


def test_several_candidates_follow_one_another_in_one_stream(editor, site_pages):
    events = read_events(ask(editor, site_pages["article"], candidates="3"))

    order = [(name, data["candidate"]) for name, data in events if name != "token"]
    assert order == [("start", 1), ("done", 1), ("start", 2), ("done", 2), ("start", 3), ("done", 3)]
    entries = AIInteraction.objects.filter(pk__in=[data["interaction"] for name, data in events if name == "done"])
    assert sorted(entry.candidate for entry in entries) == [1, 2, 3]
    assert len(fake_model.CALLS) == 3


def test_candidates_are_bounded(editor, site_pages):
    events = read_events(ask(editor, site_pages["article"], candidates="12"))
    assert [data["candidate"] for name, data in events if name == "done"] == [1, 2, 3]


def test_translation_goes_to_the_other_language_and_social_posts_carry_their_limit(editor, site_pages, policy):
    article = site_pages["article"]  # a French page
    read_events(ask(editor, article, action="translate"))
    assert "into English" in fake_model.CALLS[-1]["prompt"]

    policy.ai_allowed_actions = ASSISTANT_ACTIONS
    policy.save()
    events = read_events(ask(editor, article, action="social", network="bluesky"))
    assert "Bluesky" in fake_model.CALLS[-1]["prompt"] and "300 characters" in fake_model.CALLS[-1]["prompt"]
    assert events[0][1]["limit"] == 300 and events[-1][1]["limit"] == 300


def test_titles_asked_from_the_meta_description_field_ask_for_a_description_only(editor, site_pages):
    read_events(ask(editor, site_pages["article"], action="titles", field="search_description"))
    prompt = fake_model.CALLS[-1]["prompt"]
    assert "meta description" in prompt and "title" not in prompt.lower().split("\n")[0]


# --- refusals and failures: one clear message, nothing lost ------------------------------------------------------


def test_an_action_the_policy_forbids_is_refused_with_the_policys_reason(editor, site_pages):
    article = site_pages["article"]
    events = read_events(ask(editor, article, action="social", network="mastodon"))

    assert [name for name, _data in events] == ["error"]
    error = events[0][1]
    assert error["code"] == "refused" and error["message"] == REFUSAL
    entry = AIInteraction.objects.get(pk=error["interaction"])
    assert (entry.status, entry.action, entry.error, entry.page_id) == ("refused", "social", REFUSAL, article.pk)
    assert fake_model.CALLS == []  # no model was called


def test_the_panel_learns_which_actions_are_allowed_and_why_not(editor, site_pages):
    response = editor.get(MODEL, {"page": site_pages["article"].pk})
    assert response.status_code == 200
    data = response.json()
    assert "cimaise-fake" in data["model"] and data["language"] == "fr"
    actions = {action["key"]: action for action in data["actions"]}
    assert list(actions) == ASSISTANT_ACTIONS
    assert actions["social"]["allowed"] is False and actions["social"]["reason"] == REFUSAL
    assert actions["rewrite"]["allowed"] is True and actions["rewrite"]["reason"] == ""
    assert {"key": "mastodon", "label": "Mastodon", "limit": 500} in data["networks"]

    english = editor.get(MODEL, {"page": site_pages["en"]["article"].pk}).json()
    assert english["language"] == "en"


def test_empty_text_says_so_without_calling_a_model(editor, site_pages):
    events = read_events(ask(editor, site_pages["article"], text="   "))
    assert [name for name, _data in events] == ["error"]
    assert events[0][1]["code"] == "no_input"
    assert events[0][1]["message"] == "Il n’y a pas encore de texte sur lequel travailler."
    assert fake_model.CALLS == [] and not AIInteraction.objects.exists()

    events = read_events(ask(editor, site_pages["article"], text="", action="draft"))
    assert events[0][1]["code"] == "no_input" and events[0][1]["message"] == "Écrivez d’abord un brief."


def test_an_over_long_text_is_refused_before_the_model_and_recorded(editor, site_pages, settings):
    settings.CIMAISE_AI = {**settings.CIMAISE_AI, "MAX_INPUT_CHARS": 2000}
    events = read_events(ask(editor, site_pages["article"], text="mot " * 1000))

    assert [name for name, _data in events] == ["start", "error"]
    error = events[-1][1]
    assert error["code"] == "too_long" and "trop long" in error["message"]
    assert AIInteraction.objects.get(pk=error["interaction"]).status == "failed"
    assert fake_model.CALLS == []


def test_a_provider_error_reaches_a_french_editor_in_french_and_is_recorded(editor, site_pages, staff):
    set_language(staff["content"], "fr")
    events = read_events(ask(editor, site_pages["article"], text="Un texte FAKE_ERROR"))

    error = events[-1][1]
    assert events[-1][0] == "error" and error["code"] == "provider_error"
    assert error["message"].startswith("Le modèle a renvoyé une erreur") and "n’a pas changé" in error["message"]
    entry = AIInteraction.objects.get(pk=error["interaction"])
    assert entry.status == "failed" and "HTTP 500" in entry.error


def test_the_same_error_reaches_an_english_editor_in_english(editor, site_pages, staff):
    set_language(staff["content"], "en")
    error = read_events(ask(editor, site_pages["article"], text="Un texte FAKE_ERROR"))[-1][1]
    assert error["message"].startswith("The model returned an error") and "unchanged" in error["message"]


def test_a_failure_mid_answer_offers_nothing_to_insert(editor, site_pages):
    events = read_events(ask(editor, site_pages["article"], text="Un texte FAKE_BREAK qui casse"))
    names = [name for name, _data in events]
    assert names[0] == "start" and "token" in names and names[-1] == "error" and "done" not in names
    entry = AIInteraction.objects.get(pk=events[-1][1]["interaction"])
    assert entry.status == "failed"
    response = editor.post(OUTCOME, {"interaction": entry.pk, "kind": "inserted"})
    assert response.status_code == 400 and not AIOutcome.objects.exists()


def test_a_timeout_and_an_empty_answer_each_have_their_sentence(editor, site_pages):
    timeout = read_events(ask(editor, site_pages["article"], text="FAKE_TIMEOUT"))[-1][1]
    assert timeout["code"] == "timeout" and "trop de temps" in timeout["message"]
    empty = read_events(ask(editor, site_pages["article"], text="FAKE_EMPTY"))[-1][1]
    assert empty["code"] == "empty"
    assert AIInteraction.objects.get(pk=empty["interaction"]).status == "empty"


# --- stopping ---------------------------------------------------------------------------------------------------


def test_stop_asks_the_server_to_stop_the_model(editor, site_pages):
    response = ask(editor, site_pages["article"], text="FAKE_SLOW " + "mot " * 30, token="tok-0123456789")
    stream = iter(response.streaming_content)
    received = []
    while not any(name == "token" for name, _data in received):
        received += parse(next(stream).decode())
    assert editor.post(CANCEL, {"token": "tok-0123456789"}).json() == {"cancelled": True}
    received += parse(b"".join(stream).decode())

    last_name, last = received[-1]
    assert last_name == "error" and last["code"] == "cancelled"
    entry = AIInteraction.objects.get(pk=last["interaction"])
    assert entry.status == "cancelled"
    assert fake_model.CALLS[0]["produced"] < 30  # the model stopped well before the end


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # closing a response closes the connection
def test_a_browser_that_goes_away_stops_the_model(editor, site_pages):
    response = ask(editor, site_pages["article"], text="FAKE_SLOW " + "mot " * 30)
    stream = iter(response.streaming_content)
    while b"event: token" not in next(stream):
        pass
    response.close()  # what the WSGI server does when the connection drops
    entry = AIInteraction.objects.get()
    assert entry.status == "cancelled" and fake_model.CALLS[0]["produced"] < 30


def test_one_cannot_stop_someone_elses_stream(client, editor, site_pages, staff):
    from django.core.cache import cache

    client.force_login(staff["community"])
    client.post(CANCEL, {"token": "tok-0123456789"})
    assert cache.get(f"cimaise-ai-cancel:{staff['content'].pk}:tok-0123456789") is None
    assert client.post(CANCEL, {"token": "x"}).status_code == 400


# --- permissions ------------------------------------------------------------------------------------------------


def test_box_office_staff_may_not_use_the_assistant(client, site_pages, staff, policy):
    client.force_login(staff["box_office"])
    article = site_pages["article"]
    assert ask(client, article).status_code == 403
    assert client.get(MODEL, {"page": article.pk}).status_code == 403
    assert client.post(CANCEL, {"token": "tok-0123456789"}).status_code == 403
    assert client.post(OUTCOME, {"interaction": "00000000-0000-0000-0000-000000000000",
                                 "kind": "inserted"}).status_code == 403
    assert fake_model.CALLS == [] and not AIInteraction.objects.exists()


def test_the_assistant_permission_is_not_enough_without_the_right_to_edit_the_page(client, site_pages, policy,
                                                                                   django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("lecteur", password="not-used-1234")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"),
                              Permission.objects.get(codename="use_ai_assistant"))
    client.force_login(user)
    article = site_pages["article"]
    response = ask(client, article)
    assert response.status_code == 403 and "assistant" in response.json()["error"]
    assert ask(client, parent=site_pages["index"].pk).status_code == 403
    assert fake_model.CALLS == []


def test_anonymous_people_are_sent_to_the_login(client, site_pages, policy):
    response = ask(client, site_pages["article"])
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_page_being_created_uses_its_parents_site_and_language(editor, site_pages):
    done = read_events(ask(editor, parent=site_pages["en"]["index"].pk, action="rewrite", field="title"))[-1][1]
    entry = AIInteraction.objects.get(pk=done["interaction"])
    assert entry.page_id is None and entry.field_name == "title"
    assert "in English" in entry.prompt


# --- outcomes ---------------------------------------------------------------------------------------------------


def _answer(client, page, **values):
    done = read_events(ask(client, page, **values))[-1][1]
    return AIInteraction.objects.get(pk=done["interaction"])


def test_inserting_replacing_and_discarding_are_recorded(editor, site_pages, staff):
    article = site_pages["article"]
    entry = _answer(editor, article)

    response = editor.post(OUTCOME, {"interaction": entry.pk, "kind": "inserted"})
    assert response.status_code == 200 and response.json()["kind"] == "inserted"
    outcome = AIOutcome.objects.get()
    assert (outcome.kind, outcome.user, outcome.field_name) == ("inserted", staff["content"], "intro")
    assert outcome.page_id == article.pk and outcome.revision_id == entry.revision_id
    assert outcome.text == entry.output.strip()

    editor.post(OUTCOME, {"interaction": entry.pk, "kind": "replaced"})
    editor.post(OUTCOME, {"interaction": entry.pk, "kind": "discarded"})
    assert [o.kind for o in entry.outcomes.order_by("created_at", "pk")] == ["inserted", "replaced", "discarded"]
    assert entry.outcome == "discarded"


def test_only_ones_own_answers_and_known_choices_are_recorded(client, editor, site_pages, staff):
    entry = _answer(editor, site_pages["article"])
    assert editor.post(OUTCOME, {"interaction": entry.pk, "kind": "published"}).status_code == 400
    assert editor.post(OUTCOME, {"interaction": "nope", "kind": "inserted"}).status_code == 404

    client.force_login(staff["community"])
    assert client.post(OUTCOME, {"interaction": entry.pk, "kind": "inserted"}).status_code == 404
    assert not AIOutcome.objects.exists()


def test_a_quoted_or_labelled_answer_is_inserted_without_its_wrapping(site_pages):
    from cimaise.ai.services import usable_text

    assert usable_text("titles", "Titre : « La restauration du retable »") == "La restauration du retable"
    assert usable_text("alt_text", "\"Un retable doré.\"") == "Un retable doré."
    assert usable_text("rewrite", "  Un texte « cité » ici.  ") == "Un texte « cité » ici."


# --- the page editor --------------------------------------------------------------------------------------------


def test_the_page_editor_carries_the_panel_and_its_strings(editor, site_pages):
    response = editor.get(reverse("wagtailadmin_pages:edit", args=[site_pages["article"].pk]))
    html = response.content.decode()
    assert 'id="cimaise-ai-template"' in html and "ai/assistant.js" in html and "ai/assistant.css" in html
    config = json.loads(re.search(r'<script id="cimaise-ai-config"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert config["urls"]["stream"] == STREAM and config["appliedInput"] == "cimaise_ai_applied"
    assert 'id="cimaise-ai-strings"' in html
