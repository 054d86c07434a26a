"""The measure of AI-derived words (cimaise.ai.provenance): what a reader of the methodology note checks.

The first tests take single texts whose answer anyone can see; the last ones
run the whole test set (tests/ai/provenance_set/cases.json, built by
make_cases.py from hand-written texts) and hold the method to word-level
precision >= 0.95, recall >= 0.95 and a false-positive rate <= 0.02 on purely
human texts. No test measures time: the cost is checked by counting steps.
"""

import importlib.util
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from cimaise.ai import provenance
from cimaise.ai.provenance import Index, html_to_text, measure, measure_fields

SET = Path(__file__).resolve().parent / "provenance_set"
LIMIT_KINDS = ("edited20", "edited30")


def _load_make_cases():
    spec = importlib.util.spec_from_file_location("provenance_make_cases", SET / "make_cases.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_cases = _load_make_cases()
DATA = json.loads((SET / "cases.json").read_text(encoding="utf-8"))
OUTPUTS = {o["id"]: o["text"] for o in DATA["ai_outputs"]}
SUPPLIED = [s["text"] for s in DATA["supplied"]]
HUMAN = {h["id"]: h["text"] for h in make_cases.parse(SET / "human.txt")}


@pytest.fixture(scope="module")
def index():
    """Every output of the set, and every brief, as the ledger of one busy page would hold them."""
    return Index(list(OUTPUTS.items()), SUPPLIED)


def case(case_id):
    return next(c for c in DATA["cases"] if c["id"] == case_id)


# What anyone can check ---------------------------------------------------------------


def test_an_output_published_verbatim_is_all_ai(index):
    text = OUTPUTS["ai-fr-03"]
    m = index.measure(text)
    assert m.share == 1.0
    assert m.covered_words == m.total_words == len(provenance.words(text))
    assert [e.entry_id for e in m.entries] == ["ai-fr-03"]
    assert m.entry("ai-fr-03").share == 1.0
    assert len(m.spans) == 1 and (m.spans[0].start_char, m.spans[0].end_char) == (0, len(text.rstrip(".")))


def test_a_purely_human_text_on_the_same_topic_is_not_ai(index):
    # h-fr-03 is about the exhibition that ai-fr-03 and ai-fr-04 announce: same names, dates and facts.
    m = index.measure(HUMAN["h-fr-03"])
    assert m.total_words > 50
    assert m.share == 0.0 and m.covered_words == 0 and m.entries == () and m.spans == ()


def test_half_human_half_ai_is_about_one_half():
    human, output = HUMAN["h-en-07"], OUTPUTS["ai-en-09"]  # 91 and 97 words
    m = measure(f"{human}\n\n{output}", [("e1", output)])
    assert m.share == pytest.approx(0.5, abs=0.05)
    (span,) = m.spans
    assert f"{human}\n\n{output}"[span.start_char:span.end_char] == output.rstrip(".")


def test_the_brief_that_the_output_repeats_is_the_persons():
    brief = "Nos horaires : le musée est ouvert du mardi au dimanche de 10 h à 18 h, le jeudi jusqu'à 21 h."
    output = ("Bonne nouvelle pour les visiteurs ! Le musée est ouvert du mardi au dimanche de 10 h à 18 h, "
              "le jeudi jusqu'à 21 h. Profitez de ces nocturnes pour découvrir les collections dans une "
              "atmosphère paisible et feutrée, loin de l'affluence du week-end.")
    echoed = len(provenance.words("le musée est ouvert du mardi au dimanche de 10 h à 18 h, le jeudi jusqu'à 21 h"))

    without_brief = measure(output, [("e1", output)])
    with_brief = measure(output, [("e1", output)], supplied_texts=[brief])

    assert without_brief.share == 1.0  # the ledger would wrongly credit the model with the person's hours
    assert with_brief.covered_words == with_brief.total_words - echoed
    covered = " ".join(output[s.start_char:s.end_char] for s in with_brief.spans)
    assert "mardi" not in covered and "Bonne nouvelle" in covered and "nocturnes" in covered


def test_the_echo_cases_of_the_set_leave_the_persons_words_alone(index):
    for c in DATA["cases"]:
        if c["kind"] != "echo":
            continue
        mask = index.measure(c["final"]).covered_mask()
        persons = [covered for covered, label in zip(mask, c["labels"]) if label == "0"]
        assert persons and not any(persons), c["id"]


def test_an_output_edited_at_ten_percent_is_still_detected(index):
    c = case("edited-ai-en-06")
    original, edited = OUTPUTS["ai-en-06"], c["final"]
    assert original != edited
    m = index.measure(edited)
    assert m.share >= 0.95
    assert m.entry("ai-en-06").words == m.covered_words
    for c in DATA["cases"]:
        if c["kind"] == "edited":
            assert index.measure(c["final"]).share >= 0.85, c["id"]


def test_reordered_sentences_are_detected(index):
    c = case("reordered-ai-fr-13")  # sentences shuffled, not edited
    m = index.measure(c["final"])
    assert c["final"] != OUTPUTS["ai-fr-13"]
    assert m.share == 1.0


def test_a_sentence_the_person_adds_inside_an_output_stays_theirs():
    output = OUTPUTS["ai-en-09"]
    sentences = make_cases.sentences(output)
    added = "My grandmother used to say that the nuns kept bees in the garden behind the chapel."
    final = " ".join(sentences[:2] + [added] + sentences[2:])
    m = measure(final, [("e1", output)])
    assert m.covered_words == m.total_words - len(provenance.words(added))


def test_case_accents_punctuation_and_unicode_forms_do_not_hide_a_copy():
    output = "L'œuvre, peinte vers 1487 à Amiens, fut offerte à la chapelle des Tanneurs par une confrérie."
    final = unicodedata.normalize(
        "NFD", "L’ŒUVRE — peinte vers 1487 à AMIENS — fut offerte à la chapelle des Tanneurs par une confrérie !")
    m = measure(final, [("e1", output)])
    assert m.share == 1.0
    assert m.total_words == len(provenance.words(output)) == 17


def test_short_fields_count_only_when_they_are_a_whole_output_or_line():
    suggestions = [("titles", OUTPUTS["ai-fr-17"])]  # "1. Lumières du Nord\n2. Au fil des saisons flamandes ..."
    assert measure("Ciels de Haarlem", suggestions).share == 1.0
    assert measure("ciels de HAARLEM !", suggestions).covered_words == 3
    assert measure("Ciels du Nord", suggestions).share == 0.0  # not a whole line
    assert measure("des saisons", suggestions).share == 0.0  # a piece of a line is not enough
    # The person typed it first: theirs.
    assert measure("Ciels de Haarlem", suggestions, supplied_texts=["Ciels de Haarlem"]).share == 0.0
    # A five-to-nine-word field copied whole from a longer output counts (the whole text is covered).
    longer = [("e1", "Titre : Au fil des saisons flamandes, vraiment.")]
    assert measure("Au fil des saisons flamandes", longer).share == 1.0


def test_empty_and_wordless_texts_measure_zero():
    for text in ("", "   ", "— ! ?", None):
        m = measure(text, [("e1", OUTPUTS["ai-en-01"])])
        assert (m.total_words, m.covered_words, m.share, m.spans) == (0, 0, 0.0, ())
    assert measure("Anything at all, really.", []).share == 0.0


def test_a_word_in_several_outputs_is_attributed_to_each_and_counted_once():
    shared = OUTPUTS["ai-en-01"]
    other = OUTPUTS["ai-en-07"]
    outputs = [("first", shared), ("regenerated", shared + " " + other), ("unused", OUTPUTS["ai-fr-01"])]
    m = measure(shared + "\n\n" + other, outputs)
    assert m.share == 1.0
    first, regenerated = m.entry("first"), m.entry("regenerated")
    assert first.words == len(provenance.words(shared))
    assert regenerated.words == m.total_words
    assert first.words + regenerated.words > m.total_words
    assert m.entry("unused") is None
    assert [e.entry_id for e in m.entries] == ["first", "regenerated"]  # ledger order
    assert m.spans[0].entries == ("first", "regenerated")


def test_an_entry_with_several_outputs_counts_each_word_once():
    m = measure(OUTPUTS["ai-en-02"], [("call", OUTPUTS["ai-en-02"]), ("call", OUTPUTS["ai-en-02"] + " More.")])
    assert m.entry("call").words == m.total_words and len(m.entries) == 1


def test_spans_give_word_and_character_offsets_into_the_final_text(index):
    c = case("mixed-fr-2")
    m = index.measure(c["final"])
    tokens = provenance.words(c["final"])
    mask = m.covered_mask()
    for span in m.spans:
        assert (tokens[span.start_word][1], tokens[span.end_word - 1][2]) == (span.start_char, span.end_char)
        assert all(mask[span.start_word:span.end_word])
    assert sum(s.words for s in m.spans) == m.covered_words
    assert json.loads(json.dumps(m.as_dict()))["covered_words"] == m.covered_words


# Rich text and pages ------------------------------------------------------------------


def test_html_to_text_keeps_words_and_separates_blocks():
    html = ('<h2 data-block-key="a1">Lumières&nbsp;du Nord</h2><p>Un <b>mu</b>sée, des <a href="/x">ciels</a>'
            '&amp; des canaux.<br/>Fin</p><ul><li>un</li><li>deux</li></ul><script>alert("x")</script>'
            '<embed embedtype="image" id="3"/><p>l&#x2019;hiver</p>')
    text = html_to_text(html)
    assert [w for w, _, _ in provenance.words(text)] == [
        "lumières", "du", "nord", "un", "musée", "des", "ciels", "des", "canaux", "fin", "un", "deux", "l", "hiver"]
    assert "alert" not in text and "<" not in text
    assert html_to_text("") == html_to_text(None) == ""


def test_a_page_is_measured_field_by_field_and_weighted_by_words():
    output = OUTPUTS["ai-fr-09"]
    human = HUMAN["h-fr-12"]
    fields = {
        "title": "Ciels de Haarlem",  # 3 words, from the list of suggestions
        "intro": human,  # the person's
        "body": f"<p>{output.replace('. ', '.</p><p>', 2)}</p><p>{human}</p>",  # rich text, half AI
    }
    page = measure_fields(fields, [("titles", OUTPUTS["ai-fr-17"]), ("history", output)], html_fields={"body"})
    title, intro, body = page.fields["title"], page.fields["intro"], page.fields["body"]
    assert title.share == 1.0 and intro.share == 0.0
    assert body.covered_words == len(provenance.words(output))
    assert page.total_words == title.total_words + intro.total_words + body.total_words
    assert page.covered_words == title.covered_words + body.covered_words
    assert page.share == pytest.approx(page.covered_words / page.total_words)
    assert page.share != pytest.approx((title.share + intro.share + body.share) / 3)  # weighted, not averaged
    assert [(e.entry_id, e.words) for e in page.entries] == [("titles", 3), ("history", body.covered_words)]
    assert json.loads(json.dumps(page.as_dict()))["fields"]["title"]["share"] == 1.0


def test_the_module_imports_without_django():
    code = ("import sys, cimaise.ai.provenance as p; "
            "print(p.measure('un deux trois quatre cinq six', [('e', 'un deux trois quatre cinq six')]).share, "
            "any(m == 'django' or m.startswith('django.') for m in sys.modules))")
    src = Path(provenance.__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"})
    assert result.stdout.split() == ["1.0", "False"]


# Cost: counted, never timed -------------------------------------------------------------


def _sized(n):
    """A final and outputs that grow together: n human paragraphs, n outputs edited at 10%, those outputs."""
    edited = [c for c in DATA["cases"] if c["kind"] == "edited"][:n]
    humans = list(HUMAN.values())[:n]
    outputs = [(c["ai_entries"][0], OUTPUTS[c["ai_entries"][0]]) for c in edited]
    final = "\n\n".join(part for pair in zip(humans, (c["final"] for c in edited)) for part in pair)
    return final, outputs


def test_the_work_grows_linearly_with_the_texts():
    small_final, small_outputs = _sized(12)
    large_final, large_outputs = _sized(24)
    small = measure(small_final, small_outputs)
    large = measure(large_final, large_outputs)
    size = lambda final, outputs: len(provenance.words(final)) + sum(len(provenance.words(t)) for _, t in outputs)
    ratio = size(large_final, large_outputs) / size(small_final, small_outputs)
    assert 1.6 < ratio < 2.4
    assert large.steps / small.steps == pytest.approx(ratio, rel=0.15)  # a quadratic method would give ~4
    # About 5.5 steps per word of all the texts here, at any size: bounded by a small multiple of the shingle size.
    assert large.steps < 2 * provenance.SHINGLE_WORDS * size(large_final, large_outputs)


# The whole test set ------------------------------------------------------------------------


def test_the_test_set_is_up_to_date_with_its_sources():
    assert make_cases.dumps(make_cases.build()) == (SET / "cases.json").read_text(encoding="utf-8")


def test_the_test_set_words_are_the_measures_words():
    for c in DATA["cases"]:
        assert len(provenance.words(c["final"])) == len(c["labels"]), c["id"]


def _evaluate(index, kinds):
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for c in DATA["cases"]:
        if c["kind"] not in kinds:
            continue
        mask = index.measure(c["final"]).covered_mask()
        for covered, label in zip(mask, c["labels"]):
            counts[("tp" if label == "1" else "fp") if covered else ("fn" if label == "1" else "tn")] += 1
    return counts


def _precision(c):
    return c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0


def _recall(c):
    return c["tp"] / (c["tp"] + c["fn"])


def test_precision_and_recall_on_the_whole_test_set(index):
    kinds = {c["kind"] for c in DATA["cases"]} - set(LIMIT_KINDS)
    counts = _evaluate(index, kinds)
    figures = f"{counts}, precision {_precision(counts):.4f}, recall {_recall(counts):.4f}"
    assert counts["tp"] + counts["fn"] > 8000, figures  # enough AI-derived words to mean something
    assert _precision(counts) >= 0.95, figures
    assert _recall(counts) >= 0.95, figures


def test_false_positives_on_purely_human_texts(index):
    counts = _evaluate(index, {"human"})
    assert counts["tp"] == counts["fn"] == 0
    words = counts["fp"] + counts["tn"]
    assert words > 4000
    assert counts["fp"] / words <= 0.02, f"{counts['fp']} of {words} human words counted as AI"


def test_each_kind_of_case_on_its_own(index):
    for kind in ("verbatim", "edited", "reordered", "mixed", "half", "short", "echo", "title"):
        counts = _evaluate(index, {kind})
        assert _precision(counts) >= 0.95 and _recall(counts) >= 0.90, (kind, counts)
    assert _recall(_evaluate(index, {"verbatim"})) == 1.0


def test_heavier_edits_are_the_known_limit(index):
    """20% and 30% edits: recall falls (docs/ai-provenance.md gives the figures); precision does not."""
    recalls = []
    for kind in ("edited", *LIMIT_KINDS):
        counts = _evaluate(index, {kind})
        assert counts["fp"] == 0
        recalls.append(_recall(counts))
    assert recalls == sorted(recalls, reverse=True)
    assert recalls[-1] < 0.95  # not hidden: at 30% the method no longer meets its target


def test_a_translation_is_not_detected_a_known_limit():
    """ai-fr-03 says what ai-en-03 says, in French: word shingles cannot see it (docs/ai-provenance.md)."""
    assert measure(OUTPUTS["ai-fr-03"], [("en", OUTPUTS["ai-en-03"])]).share == 0.0
