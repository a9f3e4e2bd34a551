"""What changed between two versions of a text, paragraph by paragraph.

One session's resolution repeats most of the last one; a Committee draft becomes the adopted
text with a few changes. ``compare`` aligns the paragraphs of two documents: preambular with
preambular, operative (numbered paragraphs and their lettered sub-paragraphs) with operative, and
for a document that is not a resolution every paragraph with every paragraph. Each pair is
unchanged, changed (with the words added and removed), added or removed; a pair found out of the
order of the others is marked moved.

How: within each part, an order-keeping alignment that maximises the summed similarity of its
pairs (a weighted longest common subsequence, as ``diff`` does for lines, with the similarity of
two paragraphs as the weight and a floor under which two paragraphs are not one); then the
paragraphs left over on both sides are paired out of order when they are near copies (moved).
Similarity is difflib's ratio over the paragraphs' words (paragraph numbers, case and
punctuation set aside), so a paragraph carried over with a clause inserted stays itself while two
paragraphs that only share the resolution's formulas ("Calls upon States to …") do not.

Pure functions over passages; no model, no index.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ..ingest.passages import Passage

# Two paragraphs of one part are one paragraph reworked from this ratio of shared words; below it,
# one was removed and another added. Out of order, a pair must be closer than that to be "moved"
# (a paragraph moved and reworded at once is hard to tell from a new one: say added and removed).
SAME_PARAGRAPH = 0.5
MOVED_PARAGRAPH = 0.7
# One paragraph left on each side between the same two aligned neighbours is one paragraph
# rewritten when they still share this much ("Recalling the sixteenth meeting…" become
# "Welcoming the convening of the sixteenth meeting…", A/C.2/80/L.37 → A/RES/80/138).
REWRITTEN_PARAGRAPH = 0.3
_NUMBER = re.compile(r"^\s*(?:\d{1,3}\s?\.|\((?:[a-z]{1,2}|[ivx]{1,5})\))\s+")
_WORD = re.compile(r"\w+")
_ROUTINE = re.compile(
    r"^(?:\d[\d,./–-]*|january|february|march|april|may|june|july|august|september|october|november|"
    r"december|(?:twent|thirt|fort|fift|sixt|sevent|eight|ninet)(?:y|ieth)|hundred(?:th)?|"
    r"(?:thir|four|fif|six|seven|eigh|nine)teen(?:th)?|ten|eleven|twelve|"
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth)|"
    r"(?:one|two|three|four|five|six|seven|eight|nine)|session|sessions)$")

PARTS = ("operative", "preambular", "body")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a document as the comparison sees it: its passages joined."""

    doc_id: str
    part: str  # "preambular", "operative" or "body" (a document that is not a resolution)
    label: str  # how the document cites it: "para. 15 (p)", "preambular para. 3", "paragraph 4"
    number: str | None  # the printed number ("15 (p)"), or the preambular place as text ("3")
    text: str
    page: int | None
    position: int  # paragraph_overall: its place in the document
    passage_id: int  # its first passage (for the citation)
    citation: str = ""  # its full citation ("The right to food (A/RES/80/210, 18 December 2025), para. 5, p. 3")

    @property
    def words(self) -> list[str]:
        """Its words as compared: case, punctuation and hyphens set aside ("non-communicable" is
        "noncommunicable"), its own number taken off."""
        return _keys(_tokens(self.text))


@dataclass(frozen=True)
class Change:
    """A run of words in a changed paragraph: kept ("same"), "added" in the newer version or
    "removed" from the older one, in the documents' own words."""

    kind: str
    text: str


@dataclass(frozen=True)
class Pair:
    """One row of a comparison: a paragraph of the older document, of the newer one, or both."""

    status: str  # "unchanged", "changed", "added", "removed"
    a: Paragraph | None
    b: Paragraph | None
    moved: bool = False
    similarity: float = 0.0
    changes: tuple[Change, ...] = ()

    @property
    def part(self) -> str:
        return (self.b or self.a).part  # type: ignore[union-attr]

    @property
    def words_added(self) -> int:
        return sum(len(c.text.split()) for c in self.changes if c.kind == "added")

    @property
    def words_removed(self) -> int:
        return sum(len(c.text.split()) for c in self.changes if c.kind == "removed")

    @property
    def routine(self) -> bool:
        """A change of dates, numbers and session names only ("seventy-ninth" → "eightieth")."""
        if self.status != "changed":
            return False
        changed = [w for c in self.changes if c.kind != "same" for w in _WORD.findall(c.text.casefold())]
        return bool(changed) and all(_ROUTINE.match(w) for w in changed)

    def to_dict(self) -> dict:
        def side(p: Paragraph | None):
            return None if p is None else {"label": p.label, "number": p.number, "part": p.part,
                                           "page": p.page, "text": p.text, "passage_id": p.passage_id,
                                           "citation": p.citation}
        d = {"status": self.status, "a": side(self.a), "b": side(self.b)}
        if self.moved:
            d["moved"] = True
        if self.status == "changed":
            d["similarity"] = round(self.similarity, 3)
            d["changes"] = [{"kind": c.kind, "text": c.text} for c in self.changes]
            d["routine"] = self.routine
        return d


@dataclass(frozen=True)
class Comparison:
    """Two documents' paragraphs aligned, in the newer document's order (removed paragraphs
    after the paragraph that preceded them in the older one)."""

    a: str  # document ids: the older (or first named) and the newer
    b: str
    pairs: tuple[Pair, ...] = field(default_factory=tuple)
    a_label: str = ""  # how each document is named in a sentence ("A/RES/79/171")
    b_label: str = ""

    def counts(self) -> dict[str, dict[str, int]]:
        """For each part, how many paragraphs are unchanged, changed, added, removed and moved."""
        out: dict[str, dict[str, int]] = {}
        for p in self.pairs:
            c = out.setdefault(p.part, dict.fromkeys(("unchanged", "changed", "added", "removed", "moved"), 0))
            c[p.status] += 1
            c["moved"] += p.moved
        return out

    def by_substance(self) -> list[Pair]:
        """The differences, most substantive first: operative paragraphs added, removed, changed
        (most words first), then the preamble's, a change of dates and numbers only last, a
        paragraph only moved after every change of words."""
        def weight(p: Pair) -> tuple:
            part = {"operative": 0, "body": 0, "preambular": 1}[p.part]
            status = {"added": 0, "removed": 1, "changed": 2, "unchanged": 3}[p.status]
            return (p.routine, part, status, -(p.words_added + p.words_removed), _order(p))
        return sorted((p for p in self.pairs if p.status != "unchanged" or p.moved), key=weight)

    def find(self, side: str, number: str) -> Pair | None:
        """The row of one side's paragraph by its number as printed ("12", "15 (p)") or its
        preambular place ("preambular 3")."""
        want = _label_key(number)
        for p in self.pairs:
            para = p.a if side == "a" else p.b
            if para is not None and _label_key(para.label) == want:
                return p
        return None

    def to_dict(self) -> dict:
        return {"a": self.a, "b": self.b, "a_label": self.a_label, "b_label": self.b_label,
                "counts": self.counts(), "pairs": [p.to_dict() for p in self.pairs]}


def _order(p: Pair) -> tuple:
    x = p.b or p.a
    return (x.position,)  # type: ignore[union-attr]


def _label_key(text: str) -> str:
    """"para. 15 (p)", "15(p)", "paragraph 15 (p)" → "15 (p)"; "preambular para. 3" → "pp 3"."""
    t = text.casefold().strip()
    pre = "preamb" in t or t.startswith("pp")
    t = re.sub(r"^(?:preambular|pp)?\s*(?:para(?:graph)?s?\.?)?\s*", "", t)
    t = re.sub(r"\s*\(\s*", " (", t).replace(" )", ")").strip()
    return f"pp {t}" if pre else t


def paragraphs(passages: list[Passage], cite: Callable[[Passage], str] | None = None) -> list[Paragraph]:
    """One document's paragraphs in order: the passages of a long paragraph (split into sentence
    windows) joined again; footnotes and the title block left out (they are not its paragraphs).
    ``cite``: a paragraph's citation from its first passage."""
    out: list[Paragraph] = []
    groups: dict[tuple, list[Passage]] = {}
    for p in passages:
        if p.footnote or (p.paragraph == 0 and not p.section):
            continue
        # A preambular paragraph's lettered items carry its number: one paragraph with it.
        key = ("pp", p.preambular) if p.preambular and not p.number else ("at", p.paragraph_overall)
        groups.setdefault(key, []).append(p)
    resolution = any(p.preambular for p in passages) or any(p.number and "(" not in p.number for p in passages)
    for members in sorted(groups.values(), key=lambda m: m[0].paragraph_overall):
        first = members[0]
        position = first.paragraph_overall
        text = " ".join(m.text for m in members)
        if first.number:
            part, label, number = "operative", f"para. {first.number}", first.number
        elif first.preambular:
            part, label, number = "preambular", f"preambular para. {first.preambular}", str(first.preambular)
        else:
            # An unnumbered paragraph of a resolution (a heading, "Annex"): compared with the body.
            part, label, number = "body", f"paragraph {position}", None
        if not resolution:
            part = "body"
        out.append(Paragraph(first.doc_id, part, label, number, text, first.page_start, position, first.id,
                             cite(first) if cite else ""))
    return out


# A hyphen left before a space inside a line ("well- being", a line break the typesetter kept):
# the same word as "well-being". "pre- and post-natal" reads the same in both versions either way.
_LOOSE_HYPHEN = re.compile(r"(\w)[-\u2010\u2011]\s+(?=[a-z])")


def _tokens(text: str) -> list[str]:
    """A paragraph's words as written, its own number taken off."""
    return _LOOSE_HYPHEN.sub(r"\1-", _NUMBER.sub("", text)).split()


def _keys(tokens: list[str], keep_empty: bool = False) -> list[str]:
    keys = ["".join(_WORD.findall(t.casefold())) for t in tokens]
    return keys if keep_empty else [k for k in keys if k]


def similarity(a: list[str], b: list[str]) -> float:
    """difflib's ratio of two word lists: twice the words in matching runs over all words."""
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def word_changes(a: str, b: str) -> tuple[Change, ...]:
    """The words of ``b`` against ``a``, in runs kept, added and removed, in each text's own words
    (compared without case and punctuation, so a curly quote or a comma is not a change)."""
    ta, tb = _tokens(a), _tokens(b)
    ka, kb = _keys(ta, keep_empty=True), _keys(tb, keep_empty=True)
    out: list[Change] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(Change("same", " ".join(tb[j1:j2])))
            continue
        if i2 > i1 and any(ka[i1:i2]):
            out.append(Change("removed", " ".join(ta[i1:i2])))
        if j2 > j1 and any(kb[j1:j2]):
            out.append(Change("added", " ".join(tb[j1:j2])))
        elif j2 > j1:  # punctuation only: kept as written in the newer text
            out.append(Change("same", " ".join(tb[j1:j2])))
    return tuple(out)


def _in_order(sim: list[list[float]], floor: float) -> list[tuple[int, int]]:
    """The order-keeping pairs (i, j) of greatest summed similarity, each at least ``floor``."""
    n, m = len(sim), len(sim[0]) if sim else 0
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below = best[i], best[i + 1]
        for j in range(m - 1, -1, -1):
            take = sim[i][j] + below[j + 1] if sim[i][j] >= floor else -1.0
            row[j] = max(take, below[j], row[j + 1])
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        if sim[i][j] >= floor and best[i][j] == sim[i][j] + best[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _rewritten_in_place(matched: list[tuple[int, int]], wa: list[list[str]],
                        wb: list[list[str]]) -> list[tuple[int, int]]:
    """Pairs (i, j) for the gaps of the alignment that leave exactly one paragraph on each side
    between the same neighbours, when the two share at least REWRITTEN_PARAGRAPH of their words:
    one paragraph rewritten in its place, as ``diff`` pairs a one-line change."""
    out = []
    bounds = [(-1, -1)] + sorted(matched) + [(len(wa), len(wb))]
    for (i0, j0), (i1, j1) in zip(bounds, bounds[1:]):
        if i1 - i0 == 2 and j1 - j0 == 2 and similarity(wa[i0 + 1], wb[j0 + 1]) >= REWRITTEN_PARAGRAPH:
            out.append((i0 + 1, j0 + 1))
    return out


def _align_part(a: list[Paragraph], b: list[Paragraph]) -> list[Pair]:
    wa, wb = [p.words for p in a], [p.words for p in b]
    sets_a, sets_b = [set(w) for w in wa], [set(w) for w in wb]
    sim = [[0.0] * len(b) for _ in a]
    for i, x in enumerate(wa):
        for j, y in enumerate(wb):
            # Shared distinct words bound the ratio from above: most pairs stop here, cheaply.
            if x == y:
                sim[i][j] = 1.0
            elif sets_a[i] and sets_b[j] and \
                    2 * len(sets_a[i] & sets_b[j]) / (len(sets_a[i]) + len(sets_b[j])) >= SAME_PARAGRAPH * 0.8:
                sim[i][j] = similarity(x, y)
    matched = _in_order(sim, SAME_PARAGRAPH)
    matched = sorted(matched + _rewritten_in_place(matched, wa, wb))
    moved: list[tuple[int, int]] = []
    left_a = {i for i in range(len(a))} - {i for i, _ in matched}
    left_b = {j for j in range(len(b))} - {j for _, j in matched}
    for s, i, j in sorted(((sim[i][j], i, j) for i in left_a for j in left_b if sim[i][j] >= MOVED_PARAGRAPH),
                          reverse=True):
        if i in left_a and j in left_b:
            moved.append((i, j))
            left_a.discard(i)
            left_b.discard(j)
    rows: list[tuple[tuple, Pair]] = []
    for (i, j), is_moved in [(p, False) for p in matched] + [(p, True) for p in moved]:
        same = wa[i] == wb[j]
        rows.append(((j, 0), Pair("unchanged" if same else "changed", a[i], b[j], is_moved,
                                  sim[i][j] or similarity(wa[i], wb[j]),
                                  () if same else word_changes(a[i].text, b[j].text))))
    for j in left_b:
        rows.append(((j, 0), Pair("added", None, b[j])))
    # A removed paragraph goes after the row of the older paragraph that preceded it.
    where = {i: j for (i, j) in matched + moved}
    for i in sorted(left_a):
        before = [where[k] for k in range(i) if k in where]
        rows.append(((before[-1] if before else -1, 1 + i), Pair("removed", a[i], None)))
    return [pair for _, pair in sorted(rows, key=lambda r: r[0])]


def compare(older: list[Passage], newer: list[Passage], cite: Callable[[Passage], str] | None = None,
            labels: tuple[str, str] = ("", "")) -> Comparison:
    """The paragraphs of two documents aligned (``older`` and ``newer``: each one document's
    passages, in order; ``cite``: a paragraph's citation; ``labels``: the documents' short names)."""
    pa, pb = paragraphs(older, cite), paragraphs(newer, cite)
    rows: list[Pair] = []
    for part in ("preambular", "operative", "body"):
        xa = [p for p in pa if p.part == part]
        xb = [p for p in pb if p.part == part]
        if xa or xb:
            rows.extend(_align_part(xa, xb))
    doc_a = older[0].doc_id if older else ""
    doc_b = newer[0].doc_id if newer else ""
    return Comparison(doc_a, doc_b, tuple(rows), *labels)
