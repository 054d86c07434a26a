"""How the gap limit of cimaise.ai.provenance behaves on random words, independently of the test set.

    PYTHONPATH=src .venv/bin/python tests/ai/provenance_set/simulate_edits.py

Passages of 120 words drawn from a vocabulary of 20,000 made-up words (so no
phrase recurs by chance) are edited at 10%, 20% and 30% with the test set's
edit model (make_cases.edit: half of the edits replace a word, a quarter add
one, a quarter remove one), then measured against the original with several
values of ``gap_words``. Prints the share of the edited passage's words
recovered (its recall: every word of the passage is AI-derived), with the
edges step on and off. This is what GAP_WORDS was chosen from; the test set
never was.
"""

import importlib.util
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2] / "src"))

from cimaise.ai import provenance  # noqa: E402

_spec = importlib.util.spec_from_file_location("make_cases", HERE / "make_cases.py")
make_cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_cases)

VOCABULARY = [f"w{i}" for i in range(20000)]
PASSAGES = 400
LENGTH = 120


def recall(rate, gap_words, edges=True, seed=1):
    rng = random.Random(seed)
    covered = total = 0
    extend = provenance.Index._extend
    if not edges:
        provenance.Index._extend = lambda self, cover, mine, norms: 0
    try:
        for _ in range(PASSAGES):
            source = " ".join(rng.choice(VOCABULARY) for _ in range(LENGTH))
            final = "".join(t for t, _ in make_cases.edit(rng, [(source, True)], rate, VOCABULARY))
            m = provenance.measure(final, [("a", source)], gap_words=gap_words)
            covered += m.covered_words
            total += m.total_words
    finally:
        provenance.Index._extend = extend
    return covered / total


def main():
    gaps = (0, 4, 8, 12, 16, 20)
    print("edits  edges  " + "  ".join(f"gap {g:>2}" for g in gaps))
    for rate in (0.10, 0.20, 0.30):
        for edges in (False, True):
            cells = "  ".join(f"{recall(rate, g, edges):6.3f}" for g in gaps)
            print(f"{rate:4.0%}   {'on ' if edges else 'off'}    {cells}")


if __name__ == "__main__":
    main()
