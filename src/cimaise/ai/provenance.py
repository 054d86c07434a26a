"""How much of a final text derives from AI outputs: a measurement, never a model's opinion.

Invariant 1 of docs/DESIGN.md: facts about AI use come from the ledger. This
module compares the words a person is about to publish with the outputs that
the ledger recorded, and says which words stood in those outputs. It is pure
(no Django, no database, no model, standard library only) so that the
methodology note, the tests and ``bench/provenance.py`` all run the very same
code. docs/ai-provenance.md explains the method and its measured accuracy.

    >>> m = measure(final_text, [(entry_id, output_text), ...], supplied_texts=[brief])
    >>> m.share, m.covered_words, m.total_words, m.entries, m.spans

The method, in order:

1. Words. The final text is cut into words: runs of letters and digits
   (punctuation, spaces and the underscore separate words, so "l'œuvre" is two
   words and "Beaux-Arts" two). Each word is normalised: Unicode NFKC, then
   casefold ("Musée", "MUSÉE" and "musée" are one word; ligatures, full-width
   letters and decomposed accents fold too). Each word keeps its character
   offsets in the text as given, so that spans can be highlighted later.
2. Shingles. Every run of ``SHINGLE_WORDS`` consecutive words is a shingle.
3. Index. A dict maps each shingle of each AI output to the outputs that
   contain it (and where), leaving out the shingles that stood in the texts the
   person supplied (their brief, their own draft): words the person wrote are
   theirs even when the model repeated them.
4. Matches. Each shingle of the final is looked up once. Consecutive matching
   shingles make an unbroken match; words inside a shingle of the supplied
   texts are the person's and are never covered.
5. Passages. Two matches are one passage when an output holds both in the same
   order at about the same distance (``GAP_SLACK`` words), with at most
   ``GAP_WORDS`` words of the final between them (not counting the person's
   own words): the person edited that output there, and the words between
   count as derived from it. A sentence the person added has no counterpart in
   the output, so it is not bridged.
6. Noise. A passage counts only if it holds an unbroken match of at least
   ``ANCHOR_WORDS`` words, or if the matches cover the whole text (a short
   field copied whole): a lone match of five to nine words is far more often
   a stock phrase or a name ("au début du XXe siècle", "in the second half of
   the nineteenth century", "Musée des Beaux-Arts de Valmont") than a borrowed
   sentence.
7. Edges. From each end of a passage, the final's words are aligned with the
   output's, one word changed, added or removed at a time, and the passage
   grows up to the last word that still matches: edits among its first or last
   few words would otherwise leave them out.

The share is the covered words over all words. Texts of fewer than
``SHINGLE_WORDS`` words have no shingle: they count as AI (all their words)
only when they equal, word for word after normalisation, a whole output or a
whole line of one (a title picked from a list of suggestions, with or without
its number) and no whole supplied text or line; otherwise no word is covered.
An empty text has 0 words and a share of 0.0.

Overlapping entries: a covered word is attributed to every entry whose output
contains a shingle covering it (a word between two linked matches, or added at
an edge, to the entries whose output links them). Per-entry counts may
therefore add up to more than the total, which counts each word once:
regenerated answers that repeat the same sentence both get it, since the
ledger cannot say which of them the person copied.

Cost: one pass over each text and one dict look-up per shingle, i.e. linear in
the total number of words (times the shingle size, to build the shingle
tuples), plus one step per (covered word, entry) pair for the attribution.
``Measure.steps`` counts these operations so that the tests can check the
growth without timing anything.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Why 5 words: a shingle must survive editing and must not match by chance.
# At ~10% of words edited, a run of untouched words is 9 words long on average
# and 59% of runs hold a whole 5-word shingle (43% an 8-word one). Shorter
# shingles match ordinary phrases ("de la ville de", "at the end of the"):
# without the anchor rule below, 3-word shingles cover a quarter of the
# people's words of the test set, 5-word ones a tenth. The anchor rule removes
# most of those, and 5 words keep chance matches rare enough that consecutive
# matching shingles come from one place of one output, which the anchor relies
# on. docs/ai-provenance.md compares 3 to 8 on the test set.
SHINGLE_WORDS = 5
# Why 16: edits close together leave holes between matches. On random words
# edited at 10% (tests/ai/provenance_set/simulate_edits.py), linking matches up
# to 16 words apart recovers 99.3% of the words against 98.6% with 8, and at
# 20% edits 90% against 81%; beyond 16 the gain flattens. Linking only matches
# that keep their order and distance in one output keeps the person's added
# sentences out.
GAP_WORDS = 16
# Why 3: a hole with a word or two added or removed is still an edit; a
# sentence added between two sentences of an output shifts the distance more.
GAP_SLACK = 3
# Why 10: two shingles end to end. Stock phrases and names that collide
# between unrelated texts run 5 to 8 words; a borrowed passage holds at least
# one unbroken sentence-sized match.
ANCHOR_WORDS = 10

# Letters and digits; inside a word also the combining marks of decomposed
# (NFD) text, soft hyphens and zero-width joiners, which normalisation removes.
_INSIDE = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u00ad\u200b-\u200d\u2060"
_WORD = re.compile(rf"[^\W_](?:[^\W_]|[{_INSIDE}])*")


def normalise(word):
    """One word as compared: NFKC, casefolded, letters and digits only ("" when nothing is left)."""
    if word.isascii():
        return word.lower() if word.isalnum() else "".join(c for c in word if c.isalnum()).lower()
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", word).casefold())
    return folded if folded.isalnum() else "".join(c for c in folded if c.isalnum())


def words(text):
    """The words of ``text`` as (normalised word, start offset, end offset), in order."""
    result = []
    for match in _WORD.finditer(text or ""):
        norm = normalise(match.group())
        if norm:
            result.append((norm, match.start(), match.end()))
    return result


def _norms(text):
    return [w for w, _, _ in words(text)]


def _short_keys(text, k):
    """Keys of a text's short units: the whole text and each line, if under ``k`` words.

    A line's leading number ("1. Lumières du Nord") is also tried without it,
    since suggestions often come as numbered lists.
    """
    keys = []
    for unit in [text, *(text or "").splitlines()]:
        norms = _norms(unit)
        if 0 < len(norms) < k:
            keys.append(tuple(norms))
        if 1 < len(norms) <= k and norms[0].isdigit():
            keys.append(tuple(norms[1:]))
    return keys


@dataclass(frozen=True)
class Span:
    """A passage of the final text: words [start_word, end_word), characters [start_char, end_char)."""

    start_word: int
    end_word: int
    start_char: int
    end_char: int
    entries: tuple = ()  # the entry ids that cover some word of the passage, in ledger order

    @property
    def words(self):
        return self.end_word - self.start_word

    def as_dict(self):
        return {"start_word": self.start_word, "end_word": self.end_word, "start_char": self.start_char,
                "end_char": self.end_char, "entries": [str(e) for e in self.entries]}


@dataclass(frozen=True)
class EntryMeasure:
    """What one ledger entry contributed: covered words, their share of the final's words, where."""

    entry_id: object
    words: int
    share: float
    spans: tuple = ()

    def as_dict(self):
        return {"entry": str(self.entry_id), "words": self.words, "share": self.share,
                "spans": [s.as_dict() for s in self.spans]}


@dataclass(frozen=True)
class Measure:
    """The measure of one text. ``share`` is covered_words / total_words (0.0 for an empty text).

    ``entries`` lists, in ledger order, the entries that cover at least one
    word; their counts may overlap (see the module's docstring). ``spans``
    are the covered passages, each word counted once.
    """

    total_words: int
    covered_words: int
    share: float
    entries: tuple = ()
    spans: tuple = ()
    shingle_words: int = SHINGLE_WORDS
    steps: int = 0  # operations counted (building the index included), to check linear growth without timing

    def entry(self, entry_id):
        """The EntryMeasure of ``entry_id``, or None when it covers nothing."""
        return next((e for e in self.entries if e.entry_id == entry_id), None)

    def covered_mask(self):
        """A list of booleans, one per word of the final text: covered or not."""
        mask = [False] * self.total_words
        for span in self.spans:
            mask[span.start_word:span.end_word] = [True] * span.words
        return mask

    def as_dict(self):
        return {"total_words": self.total_words, "covered_words": self.covered_words, "share": self.share,
                "shingle_words": self.shingle_words, "entries": [e.as_dict() for e in self.entries],
                "spans": [s.as_dict() for s in self.spans]}


class Index:
    """The AI outputs of some ledger entries, ready to measure any number of texts against them.

    ``ai_outputs``: (entry_id, output_text) pairs, in ledger order (an entry
    id may come back, e.g. for several candidates of one call).
    ``supplied_texts``: what the person typed into those calls; shingles found
    there are never AI.
    """

    def __init__(self, ai_outputs, supplied_texts=(), *, shingle_words=SHINGLE_WORDS, gap_words=GAP_WORDS,
                 gap_slack=GAP_SLACK, anchor_words=ANCHOR_WORDS):
        if shingle_words < 1:
            raise ValueError("shingle_words must be at least 1")
        k = self.k = shingle_words
        self.gap_words = gap_words
        self.gap_slack = gap_slack
        self.anchor_words = anchor_words
        steps = 0

        self.supplied = set()
        self.supplied_short = set()
        for text in supplied_texts:
            norms = _norms(text)
            steps += len(norms)
            for i in range(len(norms) - k + 1):
                self.supplied.add(tuple(norms[i:i + k]))
            self.supplied_short.update(_short_keys(text, k))

        # Each output is a source; sources map to entries (an entry may have
        # several outputs). Source sets are tuples, interned: words covered by
        # the same sources share one object, which keeps unions cheap.
        self.entry_ids = []  # entry position -> entry id, in ledger order
        self.source_entry = []  # source -> entry position
        self.source_words = []  # source -> its normalised words
        self.index = {}  # shingle -> source set
        self.positions = {}  # (source, shingle) -> its first word position in that output
        self.short = {}  # whole output or line under k words -> source set
        self._interned = {}
        self._entries_of = {}  # source set -> entry set
        position = {}
        for entry_id, text in ai_outputs:
            if entry_id not in position:
                position[entry_id] = len(self.entry_ids)
                self.entry_ids.append(entry_id)
            source = len(self.source_entry)
            self.source_entry.append(position[entry_id])
            single = self._intern((source,))
            norms = _norms(text)
            self.source_words.append(norms)
            steps += len(norms)
            for i in range(len(norms) - k + 1):
                shingle = tuple(norms[i:i + k])
                steps += 1
                if shingle in self.supplied:
                    continue
                sources = self.index.get(shingle)
                if sources is None:
                    self.index[shingle] = single
                elif source not in sources:
                    self.index[shingle] = self._intern((*sources, source))
                self.positions.setdefault((source, shingle), i)
            for key in _short_keys(text, k):
                sources = self.short.get(key, ())
                if source not in sources:
                    self.short[key] = self._intern((*sources, source))
        self.steps = steps  # building the index

    def _intern(self, sources):
        return self._interned.setdefault(sources, sources)

    def _union(self, a, b):
        return self._intern(tuple(sorted(set(a).union(b))))

    def measure(self, final_text):
        """Measure ``final_text`` (plain text) against the indexed outputs; see the module's docstring."""
        k = self.k
        tokens = words(final_text)
        n = len(tokens)
        norms = [t[0] for t in tokens]
        cover = [None] * n  # per word: the set of sources covering it, or None
        steps = n

        if 0 < n < k:
            key = tuple(norms)
            sources = self.short.get(key)
            if sources is not None and key not in self.supplied_short:
                cover = [sources] * n
        elif n:
            # 1. Shingles: their sources, chained into unbroken matches; the person's words.
            shingles = [None] * (n - k + 1)
            found = [None] * (n - k + 1)  # per shingle start: its set of sources, or None
            mine = bytearray(n)  # words inside a shingle of the supplied texts
            chains = []  # unbroken matches: [first shingle, last shingle]
            index, supplied = self.index, self.supplied
            for i in range(n - k + 1):
                shingle = shingles[i] = tuple(norms[i:i + k])
                steps += 1
                if shingle in supplied:
                    mine[i:i + k] = b"\x01" * k
                    steps += k
                    continue
                sources = index.get(shingle)
                if sources is None:
                    continue
                found[i] = sources
                if chains and chains[-1][1] == i - 1:
                    chains[-1][1] = i
                else:
                    chains.append([i, i])
            mine_before = [0] * (n + 1)  # prefix sums: the person's words before each position
            for j in range(n):
                mine_before[j + 1] = mine_before[j] + mine[j]
            steps += n

            # 2. Passages: chains linked where the output goes on in step with the final.
            passages = []  # each: [chains, links], links[i] = sources bridging chains[i] to chains[i + 1]
            for chain in chains:
                steps += 1
                for passage in passages[-1:-3:-1]:  # the last two: one stray match may sit between
                    link = self._link(passage[0][-1], chain, shingles, found, mine_before)
                    steps += 1
                    if link:
                        passage[0].append(chain)
                        passage[1].append(link)
                        break
                else:
                    passages.append([[chain], []])

            # 3. Noise: a passage counts if it holds an anchor, or if matches cover the whole text.
            whole = self._covers_all(chains, n)
            for linked, links in passages:
                if not whole and all(last - first + k < self.anchor_words for first, last in linked):
                    continue
                for (first, last), link, following in zip(linked, links + [None], linked[1:] + [None]):
                    for i in range(first, last + 1):
                        sources = found[i]
                        steps += k
                        for j in range(i, i + k):
                            current = cover[j]
                            cover[j] = sources if current is None or current is sources else \
                                self._union(current, sources)
                    if link:  # the words between two linked chains: edits of the output
                        for j in range(last + k, following[0]):
                            steps += 1
                            current = cover[j]
                            cover[j] = link if current is None or current is link else self._union(current, link)
            for j in range(n):
                if mine[j]:
                    cover[j] = None
            steps += n

            # 4. Edges: edits among a passage's first or last words.
            steps += self._extend(cover, mine, norms)

        return self._result(tokens, cover, steps)

    def _link(self, before, after, shingles, found, mine_before):
        """The sources that link two chains of the final into one passage (an empty tuple if none).

        Linked: some output holds both, ``after`` following ``before`` at about
        the same distance as in the final (within ``gap_slack`` words: the
        person changed, added or removed a few words), with at most
        ``gap_words`` words of the final between them that are not the
        person's own (words the output repeated from a brief do not cut it).
        A sentence the person added between two sentences of an output has no
        counterpart in the output and stays theirs; a passage that follows
        another one in the final but comes from elsewhere in the output is
        another passage.
        """
        k = self.k
        last, first = before[1], after[0]
        gap_start, gap_end = last + k, first
        if gap_end > gap_start and (gap_end - gap_start) - (mine_before[gap_end] - mine_before[gap_start]) \
                > self.gap_words:
            return ()
        distance = first - last
        shared = []
        for source in found[last]:
            if source not in found[first]:
                continue
            a = self.positions.get((source, shingles[last]))
            b = self.positions.get((source, shingles[first]))
            if a is not None and b is not None and b > a and abs((b - a) - distance) <= self.gap_slack:
                shared.append(source)
        return self._intern(tuple(shared)) if shared else ()

    def _covers_all(self, chains, n):
        """Whether the matches cover every word of the text (a short field taken whole from an output)."""
        reached = 0
        for first, last in chains:
            if first > reached:
                return False
            reached = max(reached, last + self.k)
        return reached >= n

    @staticmethod
    def _runs(cover):
        """Maximal runs [start, end) of covered words."""
        runs, start = [], None
        for j, sources in enumerate(cover):
            if sources is not None and start is None:
                start = j
            elif sources is None and start is not None:
                runs.append((start, j))
                start = None
        if start is not None:
            runs.append((start, len(cover)))
        return runs

    def _extend(self, cover, mine, norms):
        """Grow each passage outwards while its words still follow the output (edits at its edges).

        A passage starts at its first whole shingle, so edits among its first
        or last few words leave them out. From each edge, the final's words are
        compared with the output's words at the aligned position, allowing a
        word changed, added or removed; the passage grows up to the last word
        that matched (see ``_walk``), and stops at two misses in a row, at
        covered words or the person's own words, or after ``gap_words`` words.
        """
        k = self.k
        n = len(cover)
        steps = n
        for start, end in self._runs(cover):
            first = tuple(norms[start:start + k])
            last = tuple(norms[end - k:end])
            best_start, best_end = start, end
            left_sources, right_sources = [], []
            for source in cover[start]:
                a = self.positions.get((source, first))
                if a is None:
                    continue
                reach, count = self._walk(norms, self.source_words[source], start - 1, a - 1, -1, cover, mine)
                steps += count
                if reach < best_start:
                    best_start, left_sources = reach, [source]
                elif reach == best_start and reach < start:
                    left_sources.append(source)
            for source in cover[end - 1]:
                b = self.positions.get((source, last))
                if b is None:
                    continue
                reach, count = self._walk(norms, self.source_words[source], end, b + k, 1, cover, mine)
                steps += count
                if reach + 1 > best_end:
                    best_end, right_sources = reach + 1, [source]
                elif reach + 1 == best_end and reach + 1 > end:
                    right_sources.append(source)
            if left_sources:
                cover[best_start:start] = [self._intern(tuple(sorted(left_sources)))] * (start - best_start)
            if right_sources:
                cover[end:best_end] = [self._intern(tuple(sorted(right_sources)))] * (best_end - end)
        return steps

    def _walk(self, final, output, i, o, step, cover, mine):
        """Align final[i], output[o] going ``step`` (+1 or -1); return (last accepted final index, steps).

        A match is accepted while no word was missed yet, or when it is the
        second match in a row after an edit, or when it reaches the output's
        first or last word: a lone "the" or "de" after an edit proves nothing.
        The last accepted index is ``i - step`` (the edge itself) when none is.
        """
        n, m = len(final), len(output)
        reach = i - step
        edited = False  # a word was missed since the edge
        streak = misses = count = 0
        limit = self.gap_words
        while 0 <= i < n and 0 <= o < m and cover[i] is None and not mine[i] and abs(i - reach) <= limit:
            count += 1
            if final[i] == output[o]:
                streak += 1
                misses = 0
                if not edited or streak >= 2 or o in (0, m - 1):
                    reach = i
                i, o = i + step, o + step
                continue
            edited = True
            streak = 0
            misses += 1
            if misses > 1:
                break
            after_i, after_o = i + step, o + step
            if 0 <= after_o < m and final[i] == output[after_o]:
                o = after_o  # a word of the output was removed
            elif 0 <= after_i < n and final[after_i] == output[o]:
                i = after_i  # a word was added
            else:
                i, o = after_i, after_o  # a word was changed
        return reach, count

    def _result(self, tokens, cover, steps):
        n = len(tokens)
        spans = []
        per_entry = {}  # entry position -> [words, runs as [start, end]]
        for start, end in self._runs(cover):
            in_span = set()
            for j in range(start, end):
                sources = cover[j]
                entries = self._entries_of.get(sources)
                if entries is None:
                    entries = self._entries_of[sources] = tuple(sorted({self.source_entry[s] for s in sources}))
                for e in entries:
                    steps += 1
                    in_span.add(e)
                    record = per_entry.setdefault(e, [0, []])
                    record[0] += 1
                    if record[1] and record[1][-1][1] == j:
                        record[1][-1][1] = j + 1
                    else:
                        record[1].append([j, j + 1])
            spans.append(Span(start, end, tokens[start][1], tokens[end - 1][2],
                              tuple(self.entry_ids[e] for e in sorted(in_span))))
        covered = sum(s.words for s in spans)
        entries = tuple(
            EntryMeasure(
                self.entry_ids[e], count, count / n,
                tuple(Span(a, b, tokens[a][1], tokens[b - 1][2], (self.entry_ids[e],)) for a, b in runs),
            )
            for e, (count, runs) in sorted(per_entry.items())
        )
        return Measure(n, covered, covered / n if n else 0.0, entries, tuple(spans), self.k, steps + self.steps)


def measure(final_text, ai_outputs, supplied_texts=(), **options):
    """Measure how much of ``final_text`` derives from ``ai_outputs``: a Measure.

    ``ai_outputs`` are (entry_id, output_text) pairs from the AI ledger;
    ``supplied_texts`` the texts the person typed into those calls. Options:
    ``shingle_words``, ``gap_words``, ``anchor_words`` (see the module).
    """
    return Index(ai_outputs, supplied_texts, **options).measure(final_text)


# Rich text ----------------------------------------------------------------

_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre", "section",
    "table", "td", "th", "tr", "ul", "embed", "img",
})
_SKIPPED_TAGS = frozenset({"script", "style", "template"})


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html):
    """The text of a rich-text (HTML) value: tags removed, entities decoded, blocks on their own lines.

    Inline tags join their text ("<b>mu</b>sée" is "musée"); block tags
    (paragraphs, headings, list items, line breaks) separate words; script and
    style contents are dropped. Character offsets of a Measure of an HTML field
    refer to this text.
    """
    parser = _TextExtractor()
    parser.feed(html or "")
    parser.close()
    text = "".join(parser.parts)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


# Pages ----------------------------------------------------------------------

@dataclass(frozen=True)
class PageMeasure:
    """Per-field measures and the page's total, in which each field weighs its number of words."""

    fields: dict = field(default_factory=dict)  # field name -> Measure
    total_words: int = 0
    covered_words: int = 0
    share: float = 0.0
    entries: tuple = ()  # EntryMeasure per entry over the page (share of the page's words; no spans)

    def as_dict(self):
        return {"total_words": self.total_words, "covered_words": self.covered_words, "share": self.share,
                "entries": [e.as_dict() for e in self.entries],
                "fields": {name: m.as_dict() for name, m in self.fields.items()}}


def measure_fields(fields, ai_outputs, supplied_texts=(), *, html_fields=(), **options):
    """Measure each field of a page, {field_name: final_text}, against the same outputs.

    Fields named in ``html_fields`` hold rich text and go through
    ``html_to_text`` first. The page's share is the covered words of all
    fields over their words (a 3-word title weighs 3 words, not half the page).
    """
    index = Index(ai_outputs, supplied_texts, **options)
    html_fields = set(html_fields)
    measures = {}
    for name, value in fields.items():
        text = html_to_text(value) if name in html_fields else (value or "")
        measures[name] = index.measure(text)
    return aggregate(measures, order=index.entry_ids)


def aggregate(measures, order=None):
    """A PageMeasure from {field_name: Measure}; entries are listed in ``order`` (ledger order) if given."""
    total = sum(m.total_words for m in measures.values())
    covered = sum(m.covered_words for m in measures.values())
    words_by_entry = {}
    for m in measures.values():
        for e in m.entries:
            words_by_entry[e.entry_id] = words_by_entry.get(e.entry_id, 0) + e.words
    ids = [e for e in (order or words_by_entry) if e in words_by_entry]
    entries = tuple(EntryMeasure(e, words_by_entry[e], words_by_entry[e] / total if total else 0.0) for e in ids)
    return PageMeasure(dict(measures), total, covered, covered / total if total else 0.0, entries)


__all__ = [
    "GAP_WORDS", "ANCHOR_WORDS", "SHINGLE_WORDS", "EntryMeasure", "Index", "Measure", "PageMeasure", "Span",
    "aggregate", "html_to_text", "measure", "measure_fields", "normalise", "words",
]
