"""Build the provenance test set's cases (cases.json) from the hand-written texts, deterministically.

    .venv/bin/python tests/ai/provenance_set/make_cases.py           # write cases.json
    .venv/bin/python tests/ai/provenance_set/make_cases.py --check   # exit 1 if cases.json is stale

Sources, in this directory: human.txt (paragraphs written by people),
ai_outputs.txt (AI outputs; words between {{ }} repeat a brief), supplied.txt
(the briefs people typed). Every case is a final text with a ground-truth
label per word, "1" for AI-derived and "0" for the person's words, where a word
is a run of letters and digits (the word of cimaise.ai.provenance).

The ground truth is per passage: every word of a passage taken from an AI
output is AI-derived, including the words the person changed or added inside
it (an output edited at 10% still derives from it); words of a brief that the
output repeated are the person's. Edits are drawn with a seeded generator: at
rate p, each word of an AI passage is, with probability p, replaced by a word
of the human texts of its language (half of the edits), followed by an added
word (a quarter) or removed (a quarter).

Kinds of case: verbatim, edited (10%), reordered (sentences shuffled, some also
edited), mixed (human and AI paragraphs), half (one human and one AI
paragraph of similar length), short (a caption or summary from the AI inside a
human paragraph), echo (outputs that repeat a brief, verbatim and edited),
human (purely human paragraphs on the same topics as the outputs), and the
limit kinds edited20 and edited30, reported but held to no target.

The bench (bench/provenance.py) builds its 5,000-word final with the same
functions.
"""

import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases.json"
SEED = 20261129
WORD = re.compile(r"[^\W_]+")  # a word: letters and digits, as in cimaise.ai.provenance
LIMIT_KINDS = ("edited20", "edited30")


def parse(path):
    """Entries of a source file: [{id, lang, topic, attrs, text}] ("### id lang topic [key=value]")."""
    entries = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            ident, lang, topic, *rest = line[4:].split()
            entries.append({"id": ident, "lang": lang, "topic": topic,
                            "attrs": dict(item.split("=", 1) for item in rest), "lines": []})
        elif line.startswith("#"):
            continue
        elif entries:
            entries[-1]["lines"].append(line)
    for entry in entries:
        entry["text"] = "\n".join(entry.pop("lines")).strip()
    return entries


def ai_segments(text):
    """An output marked with {{ }} as [(text, is_ai)] and its plain text."""
    segments = []
    for i, part in enumerate(re.split(r"\{\{|\}\}", text)):
        if part:
            segments.append((part, i % 2 == 0))
    return segments, "".join(part for part, _ in segments)


def load():
    """The sources: {"human": [...], "ai": [...], "supplied": [...]}; AI entries carry "segments"."""
    human = parse(HERE / "human.txt")
    supplied = parse(HERE / "supplied.txt")
    ai = parse(HERE / "ai_outputs.txt")
    briefs = {b["id"]: b for b in supplied}
    for entry in ai:
        entry["segments"], entry["text"] = ai_segments(entry["text"])
        brief = entry["attrs"].get("brief")
        for part, is_ai in entry["segments"]:
            if not is_ai:  # an echo must stand, word for word, in its brief
                echoed = " ".join(WORD.findall(part.lower()))
                assert brief and echoed in " ".join(WORD.findall(briefs[brief]["text"].lower())), entry["id"]
        entry["long"] = len(WORD.findall(entry["text"])) >= 60
    return {"human": human, "ai": ai, "supplied": supplied}


def vocabulary(sources):
    """Words a person might type while editing, per language: the words of the human texts."""
    vocab = {}
    for entry in sources["human"]:
        words = vocab.setdefault(entry["lang"], set())
        words.update(w for w in re.findall(r"[^\W\d_]{3,}", entry["text"]))
    return {lang: sorted(words) for lang, words in vocab.items()}


def edit(rng, segments, rate, words):
    """Edit the AI words of ``segments`` at ``rate``; the person's words (echoes) are left alone."""
    edited = []
    for text, is_ai in segments:
        if not is_ai or rate <= 0:
            edited.append((text, is_ai))
            continue
        lead = text[:len(text) - len(text.lstrip())]
        tail = text[len(text.rstrip()):]
        out = []
        for token in text.split():
            r = rng.random()
            if r >= rate:
                out.append(token)
            elif r < rate / 2:
                out.append(_other(rng, words, token))  # a word replaced
            elif r < rate * 3 / 4:
                out.extend([token, _other(rng, words, token)])  # a word added
            # else: the word removed
        edited.append((lead + " ".join(out) + tail if out else lead, True))
    return edited


def _other(rng, words, token):
    while True:
        word = rng.choice(words)
        if word.lower() != token.lower():
            return word


def sentences(text):
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def labelled(segments):
    """(text, labels) of segments joined as they are: labels "1"/"0" per word."""
    text = "".join(t for t, _ in segments)
    labels = "".join(("1" if is_ai else "0") * len(WORD.findall(t)) for t, is_ai in segments)
    assert len(labels) == len(WORD.findall(text)), "a segment boundary cuts a word"
    return text, labels


def paragraphs(*blocks):
    """Segments of several blocks (each a list of segments) as paragraphs separated by blank lines."""
    segments = []
    for i, block in enumerate(blocks):
        if i:
            segments.append(("\n\n", False))
        segments.extend(block)
    return segments


def build():
    """Every case, deterministically: the content of cases.json."""
    sources = load()
    vocab = vocabulary(sources)
    ai = sources["ai"]
    long_ai = [e for e in ai if e["long"] and "brief" not in e["attrs"]]
    echo_ai = [e for e in ai if "brief" in e["attrs"]]
    short_ai = [e for e in ai if not e["long"] and not e["text"][:1].isdigit()]  # not the title lists
    human = sources["human"]
    cases = []

    def rng_for(case_id):
        return random.Random(f"{SEED}:{case_id}")

    def add(case_id, kind, lang, segments, used):
        text, labels = labelled(segments)
        cases.append({"id": case_id, "kind": kind, "lang": lang, "ai_entries": used, "final": text,
                      "labels": labels})

    def by_lang(entries, lang):
        return [e for e in entries if e["lang"] == lang]

    for lang in ("fr", "en"):
        rng = rng_for(f"verbatim-{lang}")
        for entry in rng.sample(by_lang(long_ai, lang), 3) + rng.sample(by_lang(short_ai, lang), 1):
            add(f"verbatim-{entry['id']}", "verbatim", lang, entry["segments"], [entry["id"]])

    for kind, rate in (("edited", 0.10), ("edited20", 0.20), ("edited30", 0.30)):
        for entry in long_ai:
            case_id = f"{kind}-{entry['id']}"
            add(case_id, kind, entry["lang"], edit(rng_for(case_id), entry["segments"], rate, vocab[entry["lang"]]),
                [entry["id"]])

    for lang in ("fr", "en"):
        rng = rng_for(f"reordered-{lang}")
        for i, entry in enumerate(rng.sample(by_lang(long_ai, lang), 4)):
            case_id = f"reordered-{entry['id']}"
            parts = sentences(entry["text"])
            rng_for(case_id).shuffle(parts)
            segments = [(" ".join(parts), True)]
            if i % 2:  # half of them also edited
                segments = edit(rng_for(case_id + "-edit"), segments, 0.10, vocab[lang])
            add(case_id, "reordered", lang, segments, [entry["id"]])
        # Two outputs interleaved sentence by sentence.
        a, b = rng.sample(by_lang(long_ai, lang), 2)
        mixed = [s for pair in zip(sentences(a["text"]), sentences(b["text"])) for s in pair]
        add(f"reordered-{a['id']}-{b['id']}", "reordered", lang, [(" ".join(mixed), True)], [a["id"], b["id"]])

    for lang in ("fr", "en"):
        rng = rng_for(f"mixed-{lang}")
        for n in range(6):
            people = rng.sample(by_lang(human, lang), 2)
            outputs = rng.sample(by_lang(long_ai, lang), 2)
            case_id = f"mixed-{lang}-{n + 1}"
            blocks = []
            for j, (person, output) in enumerate(zip(people, outputs)):
                segments = [(output["text"], True)]
                if (n + j) % 2:
                    segments = edit(rng_for(f"{case_id}-{j}"), segments, 0.10, vocab[lang])
                pair = [[(person["text"], False)], segments]
                blocks.extend(pair if (n + j) % 2 else pair[::-1])
            add(case_id, "mixed", lang, paragraphs(*blocks), [o["id"] for o in outputs])

    for lang in ("fr", "en"):
        rng = rng_for(f"half-{lang}")
        for person in rng.sample(by_lang(human, lang), 4):
            # The output closest in length, on another topic half of the time.
            candidates = by_lang(long_ai, lang)
            output = min(candidates, key=lambda e: (abs(len(WORD.findall(e["text"])) -
                                                       len(WORD.findall(person["text"]))), e["id"]))
            if rng.random() < 0.5:
                output = rng.choice([e for e in candidates if e["topic"] == person["topic"]] or [output])
            blocks = [[(person["text"], False)], [(output["text"], True)]]
            add(f"half-{person['id']}-{output['id']}", "half", lang, paragraphs(*blocks[::rng.choice((1, -1))]),
                [output["id"]])

    for lang in ("fr", "en"):
        rng = rng_for(f"short-{lang}")
        for entry in by_lang(short_ai, lang):
            person = rng.choice([h for h in by_lang(human, lang) if h["topic"] == entry["topic"]]
                                or by_lang(human, lang))
            add(f"short-{entry['id']}", "short", lang,
                paragraphs([(person["text"], False)], entry["segments"]), [entry["id"]])

    for entry in echo_ai:
        add(f"echo-{entry['id']}", "echo", entry["lang"], entry["segments"], [entry["id"]])
        case_id = f"echo-edited-{entry['id']}"
        add(case_id, "echo", entry["lang"], edit(rng_for(case_id), entry["segments"], 0.10, vocab[entry["lang"]]),
            [entry["id"]])

    # Short fields: a title picked from a list of AI suggestions, and titles people wrote.
    for entry in [e for e in ai if e["text"][:1].isdigit()]:
        title = entry["text"].splitlines()[2][3:]
        add(f"title-{entry['id']}", "title", entry["lang"], [(title, True)], [entry["id"]])
    for lang, title in (("fr", "Visiter le musée en famille"), ("en", "Plan your visit")):
        add(f"title-human-{lang}", "title", lang, [(title, False)], [])

    for person in human:
        add(f"human-{person['id']}", "human", person["lang"], [(person["text"], False)], [])
    for lang in ("fr", "en"):  # a whole human page per language
        add(f"human-page-{lang}", "human", lang, paragraphs(*[[(h["text"], False)] for h in by_lang(human, lang)]),
            [])

    return {
        "about": "Generated by make_cases.py from human.txt, ai_outputs.txt and supplied.txt; do not edit.",
        "seed": SEED,
        "word": WORD.pattern,
        "limit_kinds": list(LIMIT_KINDS),
        "ai_outputs": [{"id": e["id"], "lang": e["lang"], "topic": e["topic"], "text": e["text"]} for e in ai],
        "supplied": [{"id": s["id"], "lang": s["lang"], "text": s["text"]} for s in sources["supplied"]],
        "cases": cases,
    }


def dumps(data):
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def main(argv):
    content = dumps(build())
    if "--check" in argv:
        if not CASES.exists() or CASES.read_text(encoding="utf-8") != content:
            print("cases.json is stale: run tests/ai/provenance_set/make_cases.py", file=sys.stderr)
            return 1
        return 0
    CASES.write_text(content, encoding="utf-8")
    data = json.loads(content)
    kinds = {}
    for case in data["cases"]:
        kinds.setdefault(case["kind"], [0, 0])
        kinds[case["kind"]][0] += 1
        kinds[case["kind"]][1] += len(case["labels"])
    print(f"{CASES.name}: {len(data['cases'])} cases; " +
          ", ".join(f"{k} {n} ({w} words)" for k, (n, w) in kinds.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
