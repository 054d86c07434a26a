"""A deterministic model for the gateway's tests, plugged into ``llm`` as any plugin would be.

``cimaise-fake`` answers "Réponse : " followed by the prompt's words, one
word per streamed piece, and reports its usage (input tokens = the prompt's
words, output tokens = the pieces). Words in the prompt make it misbehave:

- ``FAKE_ERROR``: the provider fails (an HTTP 500, as a RuntimeError);
- ``FAKE_TIMEOUT``: the provider's own client times out (a TimeoutError);
- ``FAKE_EMPTY``: an answer with no text (only blanks);
- ``FAKE_SLOW``: each piece comes ``SLOW_SECONDS`` after the previous one;
- ``FAKE_BREAK``: three pieces, then the provider fails mid-answer.

``CALLS`` keeps what the model received (prompt, system prompt, earlier
turns, options) and how many pieces it produced, so a test can tell whether
a model was called at all, and whether it was stopped.
"""

import time

import llm

MODEL_ID = "cimaise-fake"
PLUGIN_NAME = "cimaise-fake-model"
SLOW_SECONDS = 0.4
CALLS = []


def answer_for(prompt):
    """The pieces the fake streams for a prompt (without trigger words)."""
    return ["Réponse :"] + [" " + word for word in prompt.split()]


class FakeModel(llm.Model):
    model_id = MODEL_ID
    can_stream = True

    class Options(llm.Options):
        temperature: float | None = None
        max_tokens: int | None = None

    def execute(self, prompt, stream, response, conversation):
        text = prompt.prompt or ""
        call = {
            "prompt": text,
            "system": prompt.system,
            "messages": [(message.role, "".join(getattr(part, "text", "") or "" for part in message.parts))
                         for message in prompt.messages or []],
            "temperature": prompt.options.temperature,
            "max_tokens": prompt.options.max_tokens,
            "produced": 0,  # pieces handed over so far
        }
        CALLS.append(call)
        if "FAKE_ERROR" in text:
            raise RuntimeError("HTTP 500 Internal Server Error from the fake provider")
        if "FAKE_TIMEOUT" in text:
            raise TimeoutError("The read operation timed out")
        if "FAKE_EMPTY" in text:
            response.set_usage(input=len(text.split()), output=0)
            yield "  "
            return
        pieces = answer_for(text)
        if prompt.options.max_tokens:
            pieces = pieces[:prompt.options.max_tokens]
        for number, piece in enumerate(pieces, 1):
            if "FAKE_SLOW" in text:
                time.sleep(SLOW_SECONDS)
            call["produced"] += 1
            yield piece
            if "FAKE_BREAK" in text and number == 3:
                raise ConnectionResetError("the fake provider dropped the connection")
        response.set_usage(input=len(text.split()), output=len(pieces))


@llm.hookimpl
def register_models(register):
    register(FakeModel())


def register():
    """Plug the fake into llm (once per process)."""
    import sys

    if llm.plugins.pm.get_plugin(PLUGIN_NAME) is None:
        llm.plugins.pm.register(sys.modules[__name__], name=PLUGIN_NAME)
