"""AI speed: the embedded model (load, first token, tokens per second) and the gateway's cost per call.

    ./cimaise bench ai [--prompts N] [--calls N] [--max-tokens N]

Runs in a throw-away directory (its own SQLite database and secret key; the
user's database and var/ are never touched; the model file is read from
CIMAISE_MODELS_DIR, var/models by default), in a child process that gets only
PATH, HOME, the locale and the time zone from the caller's environment
(DATABASE_URL, REDIS_URL, API keys and the like never reach it). Measures, in
that one fresh process:

- the embedded model (SmolLM2-135M-Instruct, llama.cpp via xllamacpp):
  ``load_s``, import and load of the model on first use; then, for each of
  ``--prompts`` fixed prompts (temperature 0, ``--max-tokens`` 128), one call
  through ``gateway.stream`` as the editor assistant makes it, ledger entry
  included: ``first_token_s`` (median wait for the first words, what the
  person sees), ``tokens_per_s`` (median of output tokens / time after the
  first token, the model's writing speed); ``model_first_token_s`` is the
  same wait calling the llm model object directly, without the gateway.
- the gateway's cost: a trivial llm model defined here (``bench-instant``,
  answers "OK" at once, registered through llm's plugin manager) called
  ``--calls`` times directly (``model.prompt(...)``, the model object looked
  up once, as code that holds it would) and ``--calls`` times through
  ``gateway.complete`` (site settings, lookup of the model, options, ledger
  entry and its audit-log line on a page), interleaved in rounds.
  ``gateway_overhead_ms = gateway_call_ms - direct_call_ms``; to explain it,
  ``model_lookup_ms`` (one ``llm.get_model``, which the gateway does on every
  call: it asks every installed llm plugin for its models) and
  ``ledger_write_ms`` (one ``ledger.record`` on a page: the entry and its
  audit-log line) are timed alone too, and
  ``gateway_overhead_lookup_cached_ms`` is the overhead measured again with
  ``llm.get_model`` remembering its models (what caching the model object in
  the gateway would give).

Prints one JSON line on stdout; progress goes to stderr. Goals: first token
<= 0.5 s, >= 40 tokens/s, gateway overhead <= 5 ms. See docs/performance.md.
"""

import argparse
import datetime
import json
import os
import platform
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
INHERITED_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ")
PROMPTS = [
    "Write a paragraph for a museum website about a newly restored altarpiece.",
    "Write a paragraph inviting families to a Sunday workshop on painting with natural pigments.",
    "Describe, in one paragraph, a seventeenth-century harbour painting for a visitor who cannot see it.",
    "Write a paragraph announcing late opening hours every Thursday during the summer exhibition.",
    "Write a paragraph about the museum's new audio guide for children.",
]
SYSTEM = "You write for the website of a fine-arts museum. Clear, warm, factual."
ROUNDS = 4


class BenchError(Exception):
    """Stops the bench; its message is the one line printed to stderr."""


def progress(message):
    print(f"bench ai: {message}", file=sys.stderr, flush=True)


# --- the parent: a clean environment, a temporary directory ----------------------------------------------------


def parent(argv):
    models_dir = Path(os.environ.get("CIMAISE_MODELS_DIR", ROOT / "var" / "models"))
    if not (models_dir / "SmolLM2-135M-Instruct.Q4_1.gguf").exists():
        raise BenchError(f"the embedded model is not in {models_dir}: run ./cimaise up first")
    var_dir = Path(tempfile.mkdtemp(prefix="cimaise-bench-ai-"))
    env = {k: v for k, v in os.environ.items() if k in INHERITED_VARIABLES}
    env.update(
        CIMAISE_VAR_DIR=str(var_dir),
        CIMAISE_MODELS_DIR=str(models_dir),
        LLM_USER_PATH=str(var_dir / "llm"),  # no key store, no aliases from the caller
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="0",
        DJANGO_SETTINGS_MODULE="cimaise.settings",
        PYTHONPATH=str(ROOT / "src"),
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    if "AI_EMBEDDED_THREADS" in os.environ:
        env["AI_EMBEDDED_THREADS"] = os.environ["AI_EMBEDDED_THREADS"]
    try:
        child = subprocess.Popen([sys.executable, __file__, "--child", *argv], cwd=ROOT, env=env)
        try:
            return child.wait()
        except KeyboardInterrupt:
            child.terminate()
            child.wait()
            raise
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


# --- the child: everything measured in one fresh process -------------------------------------------------------


def child(args):
    began = time.monotonic()
    load_before = round(os.getloadavg()[0], 2)
    import django

    django.setup()
    from django.core.management import call_command

    progress("migrating a fresh SQLite database in a temporary directory ...")
    call_command("migrate", "--no-input", verbosity=0)
    site, page, user = _site()

    embedded_figures = measure_embedded(site, page, user, args)
    overhead_figures = measure_overhead(site, page, user, args.calls)

    from importlib.metadata import version

    from django.conf import settings
    from django.db import connection

    result = {
        **embedded_figures,
        **overhead_figures,
        "model": "SmolLM2-135M-Instruct Q4_1 (cimaise-embedded, xllamacpp " + version("xllamacpp") + ")",
        "threads": settings.CIMAISE_AI["EMBEDDED_THREADS"],
        "cpus": os.cpu_count(),
        "database": f"sqlite {connection.Database.sqlite_version} (WAL, temporary)",
        "python": platform.python_version(),
        "llm": version("llm"),
        "loadavg_before": load_before,
        "date": datetime.date.today().isoformat(),
        "seconds": round(time.monotonic() - began, 1),
    }
    print(json.dumps(result), flush=True)
    return 0


def _site():
    """The default site with an institution name, its first page, and a person: what a real call carries."""
    from django.contrib.auth import get_user_model
    from wagtail.models import Page, Site

    from cimaise.institution.models import InstitutionProfile

    site = Site.objects.get(is_default_site=True)
    profile = InstitutionProfile.for_site(site)
    profile.name = "Musée du banc d'essai"
    profile.save()
    page = Page.objects.get(pk=site.root_page_id).specific
    user = get_user_model().objects.create_user("bench", password=secrets.token_urlsafe(16), first_name="Bench")
    return site, page, user


def _configure(site, **values):
    from cimaise.ai.models import AIModelSettings

    config = AIModelSettings.for_site(site)
    for name, value in values.items():
        setattr(config, name, value)
    config.full_clean()
    config.save()


def measure_embedded(site, page, user, args):
    from cimaise.ai import gateway
    from cimaise.ai.gateway import embedded

    _configure(site, provider="embedded", model_id="", temperature=0, max_output_tokens=args.max_tokens,
               timeout_seconds=120)
    progress("loading the embedded model ...")
    started = time.perf_counter()
    import xllamacpp  # noqa: F401 - its import is part of the first use

    embedded.get_server()
    load_s = time.perf_counter() - started
    progress(f"loaded in {load_s:.2f} s; warming up ...")
    gateway.complete(gateway.Call(action="draft", prompt="Say hello.", system=SYSTEM, site=site, max_tokens=8))

    first_tokens, rates, outputs, direct_first = [], [], [], []
    for number, prompt in enumerate(PROMPTS[:args.prompts], 1):
        call = gateway.Call(action="draft", prompt=prompt, system=SYSTEM, user=user, site=site, page=page,
                            field_name="body")
        started = time.perf_counter()
        first = None
        answer = gateway.stream(call)
        try:
            for _piece in answer:
                if first is None:
                    first = time.perf_counter() - started
        except gateway.AIError as error:
            raise BenchError(f"prompt {number}: {error.message} ({error.code})") from None
        total = time.perf_counter() - started
        entry = answer.interaction
        if entry is None or entry.status != "ok" or not entry.output_tokens:
            raise BenchError(f"prompt {number}: the embedded model gave no answer "
                             f"({entry.status if entry else 'no ledger entry'}: {entry.error if entry else ''})")
        first_tokens.append(first)
        rates.append(entry.output_tokens / (total - first))
        outputs.append(entry.output_tokens)
        progress(f"prompt {number}/{args.prompts}: first token {first:.3f} s, {entry.output_tokens} tokens, "
                 f"{rates[-1]:.0f} tokens/s")
    # Then prompts of about the same length to the llm model object. Not the same prompts: llama.cpp keeps the
    # prompts it has processed (its KV cache) and would answer a repeated one at once, which would flatter
    # the direct calls. Both passes share the system prompt, as real calls do.
    for prompt in PROMPTS[:args.prompts]:
        direct_first.append(_direct_first_token(prompt.replace("Write", "Draft").replace("Describe", "Portray"),
                                                args.max_tokens))
    progress(f"first token without the gateway: median {statistics.median(direct_first):.3f} s")
    return {
        "first_token_s": round(statistics.median(first_tokens), 3),
        "tokens_per_s": round(statistics.median(rates), 1),
        "load_s": round(load_s, 2),
        "model_first_token_s": round(statistics.median(direct_first), 3),
        "first_token_s_range": [round(min(first_tokens), 3), round(max(first_tokens), 3)],
        "tokens_per_s_range": [round(min(rates), 1), round(max(rates), 1)],
        "output_tokens_median": statistics.median(outputs),
        "max_tokens": args.max_tokens,
        "prompts": len(first_tokens),
    }


def _direct_first_token(prompt, max_tokens):
    """The same request to the llm model object, without the gateway: when do the first words come?"""
    import llm

    model = llm.get_model("cimaise-embedded")
    started = time.perf_counter()
    response = model.prompt(prompt, system=SYSTEM, stream=True, temperature=0, max_tokens=max_tokens)
    iterator = iter(response)
    next(iterator)
    first = time.perf_counter() - started
    for _piece in iterator:  # let it finish, so the next call starts on an idle model
        pass
    return first


# --- the gateway's own cost ---------------------------------------------------------------------------------


def _instant_plugin():
    """An llm plugin module with one model that answers "OK" at once."""
    import types

    import llm

    class BenchInstant(llm.Model):
        model_id = "bench-instant"
        can_stream = True

        class Options(llm.Options):
            temperature: float | None = None
            max_tokens: int | None = None

        def execute(self, prompt, stream, response, conversation):
            response.set_usage(input=len((prompt.prompt or "").split()), output=1)
            yield "OK"

    module = types.ModuleType("cimaise_bench_instant")

    @llm.hookimpl
    def register_models(register):
        register(BenchInstant())

    module.register_models = register_models
    return module


def measure_overhead(site, page, user, calls):
    import llm

    from cimaise.ai import gateway, ledger
    from cimaise.ai.models import AIInteraction

    llm.plugins.pm.register(_instant_plugin(), name="cimaise-bench-instant")
    _configure(site, provider="llm", model_id="bench-instant", temperature=0.7, max_output_tokens=64,
               timeout_seconds=60)
    model = llm.get_model("bench-instant")
    prompt = "Shorten: the museum opens late on Thursdays."

    def direct():
        text = "".join(model.prompt(prompt, system=SYSTEM, stream=True, temperature=0.7, max_tokens=64))
        assert text == "OK"

    def through_gateway():
        call = gateway.Call(action="shorten", prompt=prompt, system=SYSTEM, input_text=prompt, user=user, site=site,
                            page=page, field_name="intro")
        text, _entry = gateway.complete(call)
        assert text == "OK"

    before = AIInteraction.objects.count()
    for run in (direct, through_gateway):  # warm-up: imports, first queries
        for _ in range(5):
            run()
    progress(f"timing {calls} direct calls and {calls} calls through the gateway, in {ROUNDS} rounds ...")
    totals = {"direct": 0.0, "gateway": 0.0}
    per_round = max(1, calls // ROUNDS)
    done = 0
    for number in range(ROUNDS):
        order = [("direct", direct), ("gateway", through_gateway)]
        if number % 2:
            order.reverse()
        for name, run in order:
            started = time.perf_counter()
            for _ in range(per_round):
                run()
            totals[name] += time.perf_counter() - started
        done += per_round
        progress(f"round {number + 1}/{ROUNDS}: direct {totals['direct'] / done * 1000:.2f} ms, "
                 f"gateway {totals['gateway'] / done * 1000:.2f} ms per call")
    recorded = AIInteraction.objects.count() - before
    if recorded != 5 + done:
        raise BenchError(f"{recorded} ledger entries for {5 + done} gateway calls: the gateway lost some")

    lookups = 20
    started = time.perf_counter()
    for _ in range(lookups):
        llm.get_model("bench-instant")
    lookup_ms = (time.perf_counter() - started) / lookups * 1000

    # The same gateway calls with llm.get_model remembered (what caching the model object in the gateway gives).
    known = {}
    real_get_model = llm.get_model

    def remembered(name=None, *args, **kwargs):
        if name not in known:
            known[name] = real_get_model(name, *args, **kwargs)
        return known[name]

    cached_direct = cached_gateway = 0.0
    llm.get_model = remembered
    try:
        through_gateway()
        for number in range(ROUNDS):
            for name in (("direct", "gateway") if number % 2 == 0 else ("gateway", "direct")):
                run = direct if name == "direct" else through_gateway
                started = time.perf_counter()
                for _ in range(per_round):
                    run()
                elapsed = time.perf_counter() - started
                if name == "direct":
                    cached_direct += elapsed
                else:
                    cached_gateway += elapsed
    finally:
        llm.get_model = real_get_model
    cached_overhead_ms = (cached_gateway - cached_direct) / done * 1000
    progress(f"with the model lookup remembered: gateway overhead {cached_overhead_ms:.2f} ms per call")

    choice = gateway.active_model(site)
    call = gateway.Call(action="shorten", prompt=prompt, system=SYSTEM, input_text=prompt, user=user, site=site,
                        page=page, field_name="intro")
    started = time.perf_counter()
    for _ in range(done):
        ledger.record(call, choice, output="OK", status="ok", error="", parameters={"temperature": 0.7},
                      latency_ms=1, input_tokens=7, output_tokens=1, first_token_ms=1)
    ledger_ms = (time.perf_counter() - started) / done * 1000

    direct_ms = totals["direct"] / done * 1000
    gateway_ms = totals["gateway"] / done * 1000
    return {
        "gateway_overhead_ms": round(gateway_ms - direct_ms, 2),
        "direct_call_ms": round(direct_ms, 3),
        "gateway_call_ms": round(gateway_ms, 2),
        "model_lookup_ms": round(lookup_ms, 2),
        "gateway_overhead_lookup_cached_ms": round(cached_overhead_ms, 2),
        "ledger_write_ms": round(ledger_ms, 2),
        "calls": done,
    }


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=5, help=f"embedded-model prompts, 1 to {len(PROMPTS)} (5)")
    parser.add_argument("--calls", type=int, default=200, help="calls for the gateway's overhead (200)")
    parser.add_argument("--max-tokens", type=int, default=128, help="longest answer of the embedded model (128)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    limits = {"prompts": (1, len(PROMPTS)), "calls": (ROUNDS, 100000), "max_tokens": (8, 512)}
    for name, (low, high) in limits.items():
        if not low <= getattr(args, name) <= high:
            raise BenchError(f"--{name.replace('_', '-')} must be between {low} and {high}")
    if args.child:
        return child(args)
    return parent([a for a in argv if a != "--child"])


def _interrupted(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupted)  # so that `finally` removes the temporary directory
    try:
        sys.exit(main(sys.argv[1:]))
    except BenchError as error:
        print(f"bench ai: error: {error}", file=sys.stderr, flush=True)
        sys.exit(1)
    except KeyboardInterrupt:
        print("bench ai: interrupted; temporary files removed", file=sys.stderr, flush=True)
        sys.exit(130)
