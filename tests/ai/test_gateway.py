"""The gateway: every call answers or fails clearly, and every call leaves one ledger entry telling what happened.

The model is ``cimaise-fake`` (fake_model.py), plugged into llm like any
plugin and chosen in the site's AI settings (provider "llm"); words in the
prompt make it fail, time out, answer nothing or stream slowly. One test at
the end runs the real embedded model.
"""

import pytest
from django.utils import translation

from cimaise.ai import gateway
from cimaise.ai.gateway import embedded
from cimaise.ai.models import AIInteraction

from . import fake_model
from .model_settings import configure

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(username="claire", first_name="Claire", last_name="Martin",
                                                 password="not-used-1234")


@pytest.fixture
def call(fake_llm, site_pages, editor):
    """A call as the editor assistant makes it: for a field of the article, by a person, on a revision."""
    article = site_pages["article"]

    def make(prompt, **values):
        return gateway.Call(**{
            "action": "shorten", "prompt": prompt, "system": "Tu écris pour un musée.",
            "input_text": "Six mois d'atelier.", "user": editor, "site": fake_llm, "page": article,
            "revision": article.latest_revision, "field_name": "intro", **values,
        })

    return make




def only_entry():
    entries = list(AIInteraction.objects.all())
    assert len(entries) == 1, f"{len(entries)} ledger entries, expected one"
    return entries[0]


# --- answers -------------------------------------------------------------------------------------------------


def test_an_answer_is_returned_and_recorded_with_everything_that_went_in(call, site_pages, editor):
    history = [{"role": "user", "content": "Bonjour"}, {"role": "assistant", "content": "Bonjour !"}]

    text, interaction = gateway.complete(call("raccourcis le texte", history=history, temperature=0.2))

    assert text == "Réponse : raccourcis le texte"
    entry = only_entry()
    assert entry.pk == interaction.pk
    assert entry.status == "ok" and entry.error == ""
    assert entry.output == "Réponse : raccourcis le texte"
    assert (entry.provider, entry.model_id) == ("llm", "cimaise-fake")
    assert (entry.action, entry.prompt, entry.system_prompt, entry.input_text) == (
        "shorten", "raccourcis le texte", "Tu écris pour un musée.", "Six mois d'atelier.")
    assert entry.history == history
    assert entry.user == editor and entry.user_label == "Claire Martin (claire)"
    article = site_pages["article"]
    assert (entry.page_id, entry.page_title, entry.revision_id, entry.field_name) == (
        article.pk, article.title, article.latest_revision.pk, "intro")
    assert entry.institution == "Musée de Test" and entry.site == site_pages["site"]
    assert entry.parameters == {"temperature": 0.2, "max_tokens": 50, "timeout_seconds": 60}
    assert (entry.input_tokens, entry.output_tokens) == (3, 4)
    assert entry.latency_ms is not None and entry.first_token_ms is not None
    assert entry.first_token_ms <= entry.latency_ms
    # What the model really received: the system prompt, the earlier turns, then this turn; the options.
    received = fake_model.CALLS[-1]
    assert received["system"] == "Tu écris pour un musée."
    assert received["messages"][:2] == [("user", "Bonjour"), ("assistant", "Bonjour !")]
    assert (received["temperature"], received["max_tokens"]) == (0.2, 50)


def test_a_streamed_answer_comes_in_pieces_and_is_recorded_when_it_ends(call):
    answer = gateway.stream(call("trois mots ici"))

    pieces = []
    for piece in answer:
        pieces.append(piece)
        assert answer.interaction is None  # recorded when the stream ends, not before
    assert pieces == fake_model.answer_for("trois mots ici")
    entry = only_entry()
    assert answer.interaction.pk == entry.pk
    assert entry.status == "ok" and entry.output == "".join(pieces) == answer.text


def test_a_request_cannot_ask_for_more_tokens_than_the_settings_allow(call):
    gateway.complete(call("un deux trois quatre", max_tokens=2))
    assert only_entry().output == "Réponse : un"

    gateway.complete(call("un deux", max_tokens=5000))
    assert fake_model.CALLS[-1]["max_tokens"] == 50
    assert AIInteraction.objects.order_by("-created_at").first().parameters["max_tokens"] == 50


# --- failures: a clear sentence for the person, the technical error in the ledger ------------------------------


def test_a_provider_error_gives_a_french_sentence_and_a_failed_entry(call):
    with translation.override("fr"):
        with pytest.raises(gateway.AIError) as caught:
            gateway.complete(call("FAKE_ERROR s'il vous plaît"))

    error = caught.value
    assert error.code == "provider_error"
    assert error.message.startswith("Le modèle a renvoyé une erreur (")
    assert "cimaise-fake" in error.message and "Votre texte n’a pas changé" in error.message
    assert "500" not in error.message and "RuntimeError" not in error.message
    entry = only_entry()
    assert error.interaction.pk == entry.pk
    assert entry.status == "failed"
    assert entry.error == "RuntimeError: HTTP 500 Internal Server Error from the fake provider"
    assert entry.output == ""


def test_the_same_error_speaks_english_to_an_english_speaker(call):
    with translation.override("en"), pytest.raises(gateway.AIError) as caught:
        gateway.complete(call("FAKE_ERROR please"))
    assert caught.value.message.startswith("The model returned an error (")


def test_a_provider_timeout_is_told_as_a_timeout(call):
    with translation.override("fr"), pytest.raises(gateway.AIError) as caught:
        gateway.complete(call("FAKE_TIMEOUT"))

    assert caught.value.code == "timeout"
    assert caught.value.message.startswith("Le modèle a mis trop de temps à répondre.")
    entry = only_entry()
    assert entry.status == "failed" and entry.error == "TimeoutError: The read operation timed out"


def test_the_time_limit_stops_a_slow_stream_and_keeps_what_was_written(call, fake_llm):
    configure(fake_llm, timeout_seconds=1)

    pieces = []
    with pytest.raises(gateway.AIError) as caught:
        for piece in gateway.stream(call("FAKE_SLOW un deux trois quatre cinq six")):
            pieces.append(piece)

    assert caught.value.code == "timeout"
    entry = only_entry()
    assert entry.status == "failed" and entry.error == "TimeoutError: time limit reached"
    # A piece every 0.4 s: the limit of 1 s stops the answer after a few pieces, long before its end.
    assert 1 <= len(pieces) <= 4 < len(fake_model.answer_for("FAKE_SLOW un deux trois quatre cinq six"))
    assert entry.output == "".join(pieces)
    assert entry.parameters["timeout_seconds"] == 1
    assert entry.latency_ms >= 1000


def test_a_connection_lost_mid_answer_keeps_the_partial_output(call):
    pieces = []
    with pytest.raises(gateway.AIError) as caught:
        for piece in gateway.stream(call("FAKE_BREAK un deux trois quatre")):
            pieces.append(piece)

    assert caught.value.code == "unreachable"
    entry = only_entry()
    assert entry.status == "failed" and entry.error.startswith("ConnectionResetError")
    assert entry.output == "".join(pieces) == "Réponse : FAKE_BREAK un"


def test_an_empty_answer_is_an_error_recorded_as_empty(call):
    with translation.override("fr"), pytest.raises(gateway.AIError) as caught:
        gateway.complete(call("FAKE_EMPTY"))

    assert caught.value.code == "empty"
    assert caught.value.message == "Le modèle a donné une réponse vide. Reformulez votre demande et réessayez."
    entry = only_entry()
    assert caught.value.interaction.pk == entry.pk
    assert entry.status == "empty" and entry.error == "the model returned no text"


def test_too_long_an_input_is_refused_before_any_call(call, settings):
    settings.CIMAISE_AI = {**settings.CIMAISE_AI, "MAX_INPUT_CHARS": 1000}
    history = [{"role": "user", "content": "x" * 600}]

    with translation.override("fr"), pytest.raises(gateway.AIError) as caught:
        # 450 + the system prompt (23) + 600 of earlier turns: over 1,000 characters.
        gateway.complete(call("y" * 450, history=history))

    assert caught.value.code == "too_long"
    assert caught.value.message.startswith("Le texte est trop long pour ce modèle (1")
    assert fake_model.CALLS == []  # no model was called
    entry = only_entry()
    assert entry.status == "failed"
    assert entry.error.startswith("AIError[too_long]: ") and "1073" in entry.error and "1000" in entry.error
    assert entry.prompt == "y" * 450 and entry.history == history  # what the person sent is kept

    gateway.complete(call("y" * 300))  # under the limit: answered
    assert len(fake_model.CALLS) == 1


def test_a_missing_key_variable_is_named_and_no_call_is_made(call, fake_llm, monkeypatch):
    monkeypatch.delenv("MUSEE_FAKE_KEY", raising=False)
    configure(fake_llm, api_key_env="MUSEE_FAKE_KEY")

    with translation.override("fr"), pytest.raises(gateway.AIError) as caught:
        gateway.complete(call("bonjour"))

    assert caught.value.code == "missing_key"
    assert caught.value.message == "Le serveur n’a pas de variable MUSEE_FAKE_KEY contenant la clé d’API."
    assert fake_model.CALLS == []
    assert only_entry().status == "failed"

    monkeypatch.setenv("MUSEE_FAKE_KEY", "sk-test")  # once the variable exists, the call goes through
    text, _entry = gateway.complete(call("bonjour"))
    assert text == "Réponse : bonjour"


def test_an_unknown_model_is_named_in_the_message_and_recorded(call, fake_llm):
    configure(fake_llm, model_id="cimaise-nowhere")

    with translation.override("fr"), pytest.raises(gateway.AIError) as caught:
        gateway.complete(call("bonjour"))

    assert caught.value.code == "unknown_model"
    assert caught.value.message == "Le modèle « cimaise-nowhere » est inconnu de llm sur ce serveur."
    entry = only_entry()
    assert (entry.status, entry.model_id, entry.provider) == ("failed", "cimaise-nowhere", "llm")
    assert fake_model.CALLS == []


# --- the person stops the answer -----------------------------------------------------------------------------


def test_cancelling_mid_stream_stops_the_model_and_records_the_partial_output(call):
    prompt = "un deux trois quatre cinq six sept huit"
    answer = gateway.stream(call(prompt))
    received = [next(answer), next(answer)]

    answer.cancel()
    assert list(answer) == []  # nothing more comes

    entry = only_entry()
    assert entry.status == "cancelled" and entry.error == ""
    assert entry.output == "".join(received) == "Réponse : un"
    assert answer.interaction.pk == entry.pk
    # The model was stopped: it did not produce the rest of the answer.
    assert fake_model.CALLS[-1]["produced"] <= 3 < len(fake_model.answer_for(prompt))


def test_closing_the_stream_counts_as_cancelled(call):
    answer = gateway.stream(call("un deux trois quatre cinq"))
    first = next(iter(answer))

    answer.close()

    entry = only_entry()
    assert entry.status == "cancelled"
    assert entry.output == first == "Réponse :"


def test_a_call_the_policy_forbids_is_recorded_as_refused_without_calling_a_model(call):
    error = gateway.refuse(call("traduis"), "La traduction automatique n'est pas autorisée.")

    assert isinstance(error, gateway.AIError) and error.code == "refused"
    entry = only_entry()
    assert entry.pk == error.interaction.pk
    assert (entry.status, entry.error, entry.output) == (
        "refused", "La traduction automatique n'est pas autorisée.", "")
    assert fake_model.CALLS == []


# --- the real embedded model ---------------------------------------------------------------------------------


@pytest.mark.skipif(not embedded.is_installed(), reason="the embedded model is not installed (./cimaise test does it)")
def test_the_embedded_model_streams_an_answer_that_the_ledger_records(site_pages, editor):
    site = site_pages["site"]
    # A generous time limit: this checks the path, not the speed (bench/ai.py measures that); on a
    # machine busy with other llama.cpp processes its threads can slow down a hundredfold.
    configure(site, provider="embedded", model_id="", temperature=0, max_output_tokens=24, timeout_seconds=600)

    answer = gateway.stream(gateway.Call(action="draft", prompt="Write one sentence about a museum.",
                                         user=editor, site=site, page=site_pages["article"]))
    try:
        pieces = list(answer)
    except gateway.AIError as error:  # say what the ledger recorded, not only the sentence for the person
        pytest.fail(f"the embedded model did not answer ({error.code}): {error.interaction.error} after "
                    f"{error.interaction.latency_ms} ms, first piece after {error.interaction.first_token_ms} ms")

    assert len(pieces) > 1 and "".join(pieces).strip()
    entry = only_entry()
    assert entry.status == "ok", entry.error
    assert (entry.provider, entry.model_id) == ("embedded", "cimaise-embedded")
    assert entry.output == "".join(pieces)
    assert entry.output_tokens > 0 and entry.input_tokens > 0
    assert entry.output_tokens <= 24
    assert entry.parameters["temperature"] == 0 and entry.parameters["max_tokens"] == 24
    assert "SmolLM2" in entry.model_version
