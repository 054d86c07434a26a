"""The providers the institution can choose, through llm and its plugins.

The OpenAI-compatible path is tested for real: the embedded model's llama.cpp
server (xllamacpp) also answers OpenAI's HTTP API on a loopback port, so llm's
own OpenAI client talks to a real server here. Cloud providers need keys and
the internet: for them the tests check that the right plugin model is found
and that a missing key gives one clear sentence, without any network call.
"""

import pytest
from django.utils import translation

from cimaise.ai import gateway
from cimaise.ai.gateway import embedded
from cimaise.ai.models import AIInteraction, AIModelSettings

from .model_settings import configure

pytestmark = pytest.mark.django_db




@pytest.fixture
def site(site_pages):
    return site_pages["site"]


@pytest.mark.skipif(not embedded.is_installed(), reason="the embedded model is not installed (./cimaise test does it)")
def test_an_openai_compatible_server_answers_through_llm(site):
    address = embedded.get_server().listening_address  # a real llama.cpp server, OpenAI's API
    configure(site, provider="openai_compatible", model_id="smollm2", api_base=f"{address}/v1", max_output_tokens=24,
              temperature=0, timeout_seconds=600)  # the path, not the speed
    call = gateway.Call(action="rewrite", prompt="Say hello to the visitors of the museum.", site=site)

    text, interaction = gateway.complete(call)

    assert text
    entry = AIInteraction.objects.get(pk=interaction.pk)
    assert (entry.provider, entry.model_id, entry.status) == ("openai_compatible", "smollm2", "ok")
    assert entry.output.strip() == text
    assert entry.parameters["max_tokens"] == 24


def test_an_unreachable_server_says_so_in_one_french_sentence(site):
    configure(site, provider="openai_compatible", model_id="llama3", api_base="http://127.0.0.1:9/v1",
              timeout_seconds=5)
    with translation.override("fr"):
        with pytest.raises(gateway.AIError) as caught:
            gateway.complete(gateway.Call(action="rewrite", prompt="Bonjour", site=site))
    assert caught.value.code == "unreachable"
    assert "ne peut pas être joint" in caught.value.message
    entry = AIInteraction.objects.get()
    assert entry.status == "failed" and "Connection" in entry.error


@pytest.mark.parametrize("provider, model_id, plugin_model", [
    ("mistral", "mistral-small-latest", "mistral/mistral-small-latest"),
    ("anthropic", "claude-3-5-haiku-latest", "anthropic/claude-3-5-haiku-latest"),
    ("gemini", "gemini-2.5-flash", "gemini/gemini-2.5-flash"),
    ("openai", "gpt-4o-mini", "gpt-4o-mini"),
])
def test_cloud_providers_use_their_llm_plugin_and_need_a_key(site, provider, model_id, plugin_model, monkeypatch,
                                                             tmp_path):
    monkeypatch.setenv("LLM_USER_PATH", str(tmp_path))  # no key store
    for variable in ("OPENAI_API_KEY", "LLM_MISTRAL_KEY", "ANTHROPIC_API_KEY", "LLM_GEMINI_KEY"):
        monkeypatch.delenv(variable, raising=False)
    configure(site, provider=provider, model_id=model_id)
    choice = gateway.active_model(site)
    assert gateway._llm_model(choice).model_id == plugin_model

    with translation.override("fr"):
        with pytest.raises(gateway.AIError) as caught:
            gateway.complete(gateway.Call(action="rewrite", prompt="Bonjour", site=site))
    assert caught.value.code == "missing_key"
    assert "clé" in caught.value.message
    assert AIInteraction.objects.get().status == "failed"


def test_a_named_key_variable_that_is_missing_is_reported(site, monkeypatch):
    monkeypatch.delenv("MUSEE_OPENAI_KEY", raising=False)
    configure(site, provider="openai", model_id="gpt-4o-mini", api_key_env="MUSEE_OPENAI_KEY")
    with pytest.raises(gateway.AIError) as caught:
        gateway.complete(gateway.Call(action="rewrite", prompt="Hello", site=site))
    assert caught.value.code == "missing_key"
    assert "MUSEE_OPENAI_KEY" in caught.value.message


def test_settings_refuse_a_key_typed_where_the_variable_name_goes(site):
    from django.core.exceptions import ValidationError

    config = AIModelSettings.for_site(site)
    config.provider, config.model_id, config.api_key_env = "openai", "gpt-4o-mini", "sk-abc123-secret"
    with translation.override("fr"), pytest.raises(ValidationError) as caught:
        config.full_clean()
    assert "api_key_env" in caught.value.message_dict


def test_an_unknown_model_is_named_in_the_message(site):
    configure(site, provider="mistral", model_id="no-such-model")
    with pytest.raises(gateway.AIError) as caught:
        gateway.complete(gateway.Call(action="rewrite", prompt="Hello", site=site))
    assert caught.value.code == "unknown_model" and "no-such-model" in caught.value.message
