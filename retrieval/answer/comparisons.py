"""The library's versions for the engine: its families of versions, two documents compared with
every paragraph cited, and a comparison question answered from them.

``compare`` aligns paragraphs (pure); ``compare_questions`` reads what a question asks; this
module joins them to one library's passages and documents. One object per engine (the library
does not change under it), so families are found once and each comparison is kept.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field

from .citation import cite
from .compare import Comparison, Pair, compare, paragraphs
from .compare_questions import CompareAsk, Targets, compare_asked, compare_targets
from .versions import chronology, families, version_groups
from ..ingest.passages import Passage


@dataclass(frozen=True)
class ComparisonReply:
    """What a comparison question gets: the documents meant (or why none), the comparison, and
    the rows to show (most substantive first; for "was paragraph 12 kept?", its row)."""

    ask: CompareAsk
    targets: Targets
    comparison: Comparison | None = None
    rows: tuple[Pair, ...] = field(default_factory=tuple)

    @property
    def found(self) -> bool:
        return self.comparison is not None

    def to_dict(self) -> dict:
        d: dict = {"shape": self.ask.shape, "a": self.targets.a, "b": self.targets.b}
        if self.ask.paragraph:
            d["paragraph"] = self.ask.paragraph
        if self.targets.problem:
            d["problem"] = self.targets.problem
            d["document"] = self.targets.document
            d["candidates"] = list(self.targets.candidates)
            d["unknown"] = list(self.targets.unknown)
        if self.comparison is not None:
            d["counts"] = self.comparison.counts()
            d["a_label"], d["b_label"] = self.comparison.a_label, self.comparison.b_label
            d["rows"] = [r.to_dict() for r in self.rows]
        return d


def short_name(meta: dict) -> str:
    """A document as named in a sentence: its symbol, else its title."""
    return (meta.get("facts") or {}).get("symbol") or meta.get("title") or meta.get("id", "")


class LibraryVersions:
    """The versions in one library: families, comparisons, comparison questions."""

    def __init__(self, passages: list[Passage], documents: list[dict]):
        self._passages = passages
        self._meta = {d["id"]: d for d in documents}
        self._documents = documents
        self._compared: dict[tuple[str, str], Comparison] = {}
        self._by_doc: dict[str, list[Passage]] = {}
        for p in passages:
            self._by_doc.setdefault(p.doc_id, []).append(p)

    @functools.cached_property
    def families(self) -> list[list[str]]:
        """Families of versions, each oldest first (``versions.families``)."""
        paras = {d: paragraphs(ps) for d, ps in self._by_doc.items()}
        sizes = {d: len(ps) for d, ps in paras.items()}
        flat = [(d, p.text) for d, ps in paras.items() for p in ps]
        groups = version_groups([t for _, t in flat], [d for d, _ in flat]) if len(paras) > 1 else []
        members: dict[int, set[str]] = {}
        for (d, _), g in zip(flat, groups):
            members.setdefault(g, set()).add(d)
        shared: Counter = Counter()
        for docs in members.values():
            ordered = sorted(docs)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1:]:
                    shared[(a, b)] += 1
        return families(self._documents, dict(shared), sizes)

    def family_of(self, doc_id: str) -> list[str]:
        return next((f for f in self.families if doc_id in f), [doc_id])

    def find_document(self, text: str) -> str | None:
        """A document by its id (as ``list`` shows it) or its symbol, full or short ("80/210")."""
        if text in self._meta:
            return text
        from .document_reference import resolve

        ref = resolve(text, self._documents)
        return ref.documents[0] if len(ref.documents) == 1 else None

    def compare(self, a: str, b: str) -> Comparison:
        """The paragraphs of documents ``a`` (older) and ``b`` aligned, each side cited (kept on
        this object, so they go with the engine they belong to)."""
        key = (a, b)
        if key not in self._compared:
            if len(self._compared) >= 32:
                self._compared.clear()
            self._compared[key] = self._compare(a, b)
        return self._compared[key]

    def _compare(self, a: str, b: str) -> Comparison:
        def citation(p: Passage) -> str:
            return cite(p, self._meta.get(p.doc_id), p.page_start).label
        return compare(self._by_doc.get(a, []), self._by_doc.get(b, []), citation,
                       (short_name(self._meta.get(a, {"id": a})), short_name(self._meta.get(b, {"id": b}))))

    def in_order(self, a: str, b: str) -> tuple[str, str]:
        """Two documents, the older first."""
        return tuple(sorted((a, b), key=lambda d: chronology(self._meta.get(d, {"id": d}))))  # type: ignore[return-value]

    def reply(self, question: str, context: str | None = None, pick=None) -> ComparisonReply | None:
        """The answer to a comparison question, or None when the question asks something else.
        ``pick(question, ids)``: the engine's choice of one document by the question's subject."""
        ask = compare_asked(question)
        if ask is None or len(self._meta) < 2:
            return None
        targets = compare_targets(question, ask, self._documents, self.families, context, pick)
        if targets.problem or not targets.a or not targets.b:
            return ComparisonReply(ask, targets)
        comparison = self.compare(targets.a, targets.b)
        if ask.shape == "kept":
            row = comparison.find(targets.side, ask.paragraph or "")
            return ComparisonReply(ask, targets, comparison, (row,) if row else ())
        return ComparisonReply(ask, targets, comparison, tuple(comparison.by_substance()))
