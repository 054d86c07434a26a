"""AI provenance: how fast and how right the measure of AI-derived words is, on a 5,000-word final.

    ./cimaise bench provenance [--runs N] [--words N] [--baseline-runs N]

Builds, deterministically (seed 20261129), a final text of about 5,000 words
from the provenance test set (tests/ai/provenance_set/): the people's
paragraphs and AI outputs edited at ~10% with the test set's edit model
(make_cases.edit), some with their sentences reordered, in alternation until
the length is reached. Its 50 AI outputs are the test set's 50 outputs (most
of them used in the final, the rest only indexed, as a page's ledger holds
unused candidates), and its supplied texts the test set's six briefs. Every
word of the final has its ground truth.

Then, in the same run:

- the measure (cimaise.ai.provenance: build the index of the 50 outputs and
  the briefs, measure the final), ``--runs`` times; ``seconds`` is the median;
- a naive baseline: difflib.SequenceMatcher between the final's words and
  each output's words (autojunk off), every matching block of 5 words or more
  covered; ``baseline_seconds`` is its median over ``--baseline-runs``.

Word-level figures against the ground truth: ``precision`` (covered words
that are AI-derived), ``recall`` (AI-derived words covered),
``human_false_positive`` (the people's words covered, over the people's
words), for both. Targets: seconds <= 0.1, precision and recall >= 0.95,
human_false_positive <= 0.02. Prints one JSON line on stdout; progress goes
to stderr. See docs/ai-provenance.md.

Needs no database and no Django settings: cimaise.ai.provenance is pure Python.
"""

import argparse
import datetime
import difflib
import importlib.util
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SET = ROOT / "tests" / "ai" / "provenance_set"
SEED = 20261129
EDIT_RATE = 0.10
REORDERED = 0.25  # share of the AI passages whose sentences are also shuffled

sys.path.insert(0, str(ROOT / "src"))

from cimaise.ai import provenance  # noqa: E402  (pure: no Django needed)


class BenchError(Exception):
    """Stops the bench; its message is the one line printed to stderr."""


def progress(message):
    print(f"bench provenance: {message}", file=sys.stderr, flush=True)


def load_make_cases():
    spec = importlib.util.spec_from_file_location("provenance_make_cases", SET / "make_cases.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_final(make_cases, target_words):
    """(final text, labels "1"/"0" per word, AI outputs, supplied texts), deterministic."""
    sources = make_cases.load()
    vocab = make_cases.vocabulary(sources)
    rng = random.Random(SEED)
    humans = list(sources["human"])
    long_ai = [e for e in sources["ai"] if e["long"]]
    rng.shuffle(humans)
    rng.shuffle(long_ai)
    blocks = []
    words = 0
    turn = 0
    while words < target_words:
        if turn % 2 == 0:
            entry = humans[(turn // 2) % len(humans)]
            block = [(entry["text"], False)]
        else:
            entry = long_ai[(turn // 2) % len(long_ai)]
            segments = entry["segments"]
            if rng.random() < REORDERED and len(segments) == 1:
                parts = make_cases.sentences(segments[0][0])
                rng.shuffle(parts)
                segments = [(" ".join(parts), True)]
            block = make_cases.edit(rng, segments, EDIT_RATE, vocab[entry["lang"]])
        blocks.append(block)
        words += sum(len(make_cases.WORD.findall(t)) for t, _ in block)
        turn += 1
    final, labels = make_cases.labelled(make_cases.paragraphs(*blocks))
    outputs = [(e["id"], e["text"]) for e in sources["ai"]]
    supplied = [s["text"] for s in sources["supplied"]]
    return final, labels, outputs, supplied


def measured(final, outputs, supplied):
    return provenance.Index(outputs, supplied).measure(final).covered_mask()


def baseline(final, outputs, supplied):
    """Naive: SequenceMatcher between the final's words and each output's words; blocks of 5+ words covered."""
    final_words = [w for w, _, _ in provenance.words(final)]
    mask = [False] * len(final_words)
    for _, text in outputs:
        matcher = difflib.SequenceMatcher(None, final_words, [w for w, _, _ in provenance.words(text)],
                                          autojunk=False)
        for block in matcher.get_matching_blocks():
            if block.size >= provenance.SHINGLE_WORDS:
                mask[block.a:block.a + block.size] = [True] * block.size
    return mask


def figures(mask, labels):
    tp = sum(1 for covered, label in zip(mask, labels) if covered and label == "1")
    fp = sum(1 for covered, label in zip(mask, labels) if covered and label == "0")
    ai = labels.count("1")
    human = labels.count("0")
    return {
        "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
        "recall": round(tp / ai, 4),
        "human_false_positive": round(fp / human, 4),
    }


def timed(function, runs, *args):
    durations = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = function(*args)
        durations.append(time.perf_counter() - start)
    return statistics.median(durations), durations, result


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs of the measure (default 9)")
    parser.add_argument("--baseline-runs", type=int, default=3, help="runs of the naive baseline (default 3)")
    parser.add_argument("--words", type=int, default=5000, help="length of the final (default 5000)")
    args = parser.parse_args(argv)
    for name, (low, high) in {"runs": (1, 1000), "baseline_runs": (0, 100), "words": (100, 200000)}.items():
        if not low <= getattr(args, name) <= high:
            raise BenchError(f"--{name.replace('_', '-')} must be between {low} and {high}")

    load_before = round(os.getloadavg()[0], 2)
    progress("building the final from tests/ai/provenance_set ...")
    make_cases = load_make_cases()
    final, labels, outputs, supplied = build_final(make_cases, args.words)
    if len(provenance.words(final)) != len(labels):
        raise BenchError("the final's words and its labels disagree: is make_cases.WORD still the measure's word?")
    output_words = sum(len(provenance.words(t)) for _, t in outputs)
    progress(f"final: {len(labels)} words ({labels.count('1')} AI-derived); {len(outputs)} outputs, "
             f"{output_words} words; {len(supplied)} supplied texts")

    measured(final, outputs, supplied)  # warm-up: imports, regex and unicodedata caches
    progress(f"measuring {args.runs} times ...")
    seconds, durations, mask = timed(measured, args.runs, final, outputs, supplied)
    progress(f"measure: median {seconds * 1000:.1f} ms (min {min(durations) * 1000:.1f}, "
             f"max {max(durations) * 1000:.1f})")
    result = {
        "seconds": round(seconds, 4),
        **figures(mask, labels),
    }
    if args.baseline_runs:
        progress(f"naive baseline (difflib.SequenceMatcher per output), {args.baseline_runs} runs ...")
        baseline_seconds, _, baseline_mask = timed(baseline, args.baseline_runs, final, outputs, supplied)
        progress(f"baseline: median {baseline_seconds:.2f} s")
        base = figures(baseline_mask, labels)
        result.update({
            "baseline_seconds": round(baseline_seconds, 3),
            "baseline_precision": base["precision"],
            "baseline_recall": base["recall"],
            "baseline_human_false_positive": base["human_false_positive"],
            "speedup": round(baseline_seconds / seconds, 1),
        })
    result.update({
        "final_words": len(labels),
        "ai_derived_words": labels.count("1"),
        "ai_outputs": len(outputs),
        "ai_output_words": output_words,
        "supplied_texts": len(supplied),
        "edit_rate": EDIT_RATE,
        "shingle_words": provenance.SHINGLE_WORDS,
        "gap_words": provenance.GAP_WORDS,
        "anchor_words": provenance.ANCHOR_WORDS,
        "runs": args.runs,
        "seed": SEED,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "loadavg_before": load_before,
        "date": datetime.date.today().isoformat(),
    })
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BenchError as error:
        print(f"bench provenance: error: {error}", file=sys.stderr, flush=True)
        sys.exit(1)
    except KeyboardInterrupt:
        print("bench provenance: interrupted", file=sys.stderr, flush=True)
        sys.exit(130)
