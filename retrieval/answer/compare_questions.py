"""Questions that ask what changed between versions of a text: "What changed between 79/171 and
80/210?", "What is new in the 2025 resolution on the right to food?", "Was paragraph 12 of the
draft kept?".

``compare_asked`` tells such a question from any other (by how change is asked for, never by a
list of questions); ``compare_targets`` finds the two documents meant among the library's
families of versions: two named, or one named and the version before it (what is new) or after it
(was it kept). A document named by kind and year ("the 2025 resolution on the right to food") is
found among several by the words of its title. Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .document_reference import resolve
from .versions import chronology, next_version, previous_version

_NAMED_PARAGRAPH = re.compile(r"\b(?:(preambular|operative)\s+)?(?:para(?:graph)?s?\.?|§|pp\.?|op\.?)\s*"
                              r"(\d{1,3})(?:\s*\(\s*([a-z]{1,2}|[ivx]{1,5})\s*\))?(?![/.\d])", re.IGNORECASE)
_KEPT = re.compile(
    r"\b(kept|keep|dropped|drop|deleted|removed|retained|survived?|carried (?:over|forward|into)|"
    r"still (?:there|in|have|has|contains?|includes?|appears?)|made it|remain(?:s|ed)?|survive[sd]?|happen(?:ed|s)? to|became of|become of|taken out|cut|"
    r"change[sd]?|amended|modified|altered|reworded|the same)\b", re.IGNORECASE)
_CHANGES = re.compile(
    r"\bwhat(?:'s|’s| is| are| has| have| was| were)?\s+(?:been\s+)?(?:new|changed?|different|added|"
    r"removed|dropped|deleted|amended|revised)\b"
    r"|\bwhat\s+(?:are|were)\s+the\s+(?:main\s+|key\s+)?(?:changes|differences|amendments|revisions|new)\b"
    r"|\b(?:what|which)\s+(?:changes|differences|amendments|revisions|paragraphs\s+(?:were|are)\s+new)\b"
    r"|\b(?:changes?|differences?|amendments?|revisions?|updates?)\s+(?:between|from|in|to|made)\b"
    r"|\bcompare[sd]?\b|\bcomparison\b|\bhow\s+(?:does|do|did|is|was|are)\b.{0,80}\bdiffer"
    r"|\b(?:versus|vs\.?)\b|\bdiff(?:erence)?\b.{0,20}\bbetween\b|\bwhat(?:'s|’s| is)\s+new\b"
    r"|\bnew\s+(?:in|since)\b.{0,60}\b(?:compared|from|since|than|last)\b", re.IGNORECASE)
# Looser ways of asking for change ("has it been updated since last year?", "anything new in the
# 2025 text?", "is the draft the same as the adopted text?", "what did they add to L.41?"). Any way
# of asking for change counts only beside a word that speaks of a text, a version, a year or a
# symbol, so that "the differences between refugees and migrants" stays a question about content.
_LOOSE_CHANGE = re.compile(
    r"\b(?:updated|revised|amended|modified|altered|evolved|edited|rewritten|reworded)\b"
    r"|\b(?:anything|something|what)\s+(?:is\s+|was\s+)?(?:new|different|added|dropped|removed|missing)\b"
    r"|\bhow\b.{0,60}\b(?:change[sd]?|differ(?:s|ed)?|evolve[sd]?|moved on)\b"
    r"|\bdiffer(?:s|ed)?\s+(?:from|between|in)\b|\bdifferences?\b|\bchange[sd]?\s+since\b"
    r"|\b(?:same|identical)\s+(?:as|to)\b|\bnew\s+(?:this|last|in|since)\b|\b(?:taken|took)\s+out\b"
    r"|\bwhat\s+(?:does|do|did)\b.{0,60}\b(?:add|drop|remove|change)\b",
    re.IGNORECASE)
_VERSION_CUE = re.compile(
    r"\b(?:versions?|drafts?|resolutions?|texts?|adopted\s+(?:text|resolution|version)|the\s+adopted|"
    r"before\s+(?:it\s+was\s+|its\s+)?adopt\w*|adoption|final|earlier|previous|"
    r"prior|former|later|newer|older|original|last\s+year(?:'s|’s)?|this\s+year(?:'s|’s)?|last\s+session|"
    r"previous\s+session|since|compared?|L\.\s?\d{1,3}|\d{2}/\d{1,3}|(?:19|20)\d\d)\b", re.IGNORECASE)
_SYMBOL_MENTION = re.compile(r"\bL\.\s?\d{1,3}\b|\b\d{2}/\d{1,3}\b", re.IGNORECASE)
_TITLE_WORD = re.compile(r"[a-z]{3,}")
_STOP = frozenset("""the and for with from that this what which was were are has have been new changed change
changes different difference differences between resolution resolutions draft drafts compare compared
version versions year last session text adopted committee paragraph para kept dropped its their about
did does how general assembly united nations document documents report""".split())


@dataclass(frozen=True)
class CompareAsk:
    """How a question asks for a comparison: the shape, and the paragraph it asks about."""

    shape: str  # "changes" (what changed, what is new) or "kept" (what became of one paragraph)
    paragraph: str | None = None  # "12", "15 (a)", "pp 3"


def compare_asked(question: str) -> CompareAsk | None:
    """Whether a question asks what changed between versions (None: it asks something else)."""
    named = _NAMED_PARAGRAPH.search(question)
    symbols = {re.sub(r"\s", "", m.lower()) for m in _SYMBOL_MENTION.findall(question)}
    # A paragraph of one version asked after in another: by a word of keeping or change, or by
    # naming two documents ("Is paragraph 20 of 79/171 in 80/210?").
    if named and (_KEPT.search(question) or len(symbols) >= 2):
        kind, number, letter = named.groups()
        label = number + (f" ({letter.lower()})" if letter else "")
        return CompareAsk("kept", f"pp {number}" if kind and kind.lower() == "preambular" else label)
    if (_CHANGES.search(question) or _LOOSE_CHANGE.search(question)) and _VERSION_CUE.search(question):
        return CompareAsk("changes")
    return None


@dataclass(frozen=True)
class Targets:
    """The two documents a comparison question is about, older first, or why there are none."""

    a: str | None = None
    b: str | None = None
    problem: str | None = None  # "no-version" (one document, no other version), "unclear", "unknown"
    document: str | None = None  # the one document named, when it has no other version
    unknown: tuple[str, ...] = ()  # symbols named that no document carries
    candidates: tuple[str, ...] = ()  # the documents it could mean, when it is unclear which
    side: str = "a"  # for "kept": the side of the paragraph asked about


def _title_words(meta: dict) -> set[str]:
    facts = meta.get("facts") or {}
    return set(_TITLE_WORD.findall((facts.get("title") or meta.get("title") or "").lower())) - _STOP


def by_title(question: str, candidates: list[str], meta: dict[str, dict]) -> list[str]:
    """The candidates whose titles share the most words with the question (none if no word)."""
    words = set(_TITLE_WORD.findall(question.lower())) - _STOP
    scores = {c: len(words & _title_words(meta[c])) for c in candidates}
    best = max(scores.values(), default=0)
    return [c for c in candidates if best and scores[c] == best]


def compare_targets(question: str, ask: CompareAsk, documents: list[dict], families: list[list[str]],
                    context: str | None = None,
                    pick: Callable[[str, list[str]], str | None] | None = None) -> Targets:
    """The two documents meant. ``context``: the previous question, read when this one names no
    document; ``pick``: chooses one of several documents by the question's subject (the engine
    searches them), when their titles cannot."""
    meta = {d["id"]: d for d in documents}
    family_of = {d: f for f in families for d in f}
    ref = resolve(question, documents)
    if not ref.found and context:
        ref = resolve(context, documents)
    if ref.missing:  # a document named that is not here: said, never another comparison instead
        return Targets(problem="unknown", unknown=ref.missing)
    found = list(ref.documents)
    if len(found) > 2 or (len(found) == 2 and "symbol" not in ref.by):
        # "the 2025 resolution on the right to food": several fit the kind and year; the subject decides.
        narrowed = by_title(question, found, meta)
        subject = set(_TITLE_WORD.findall(question.lower())) - _STOP
        if len(narrowed) != 1 and context:
            # "Was paragraph 12 of the draft kept?" after a question about one family: that family's.
            before = resolve(context, documents)
            near = {d for x in before.documents for d in family_of.get(x, [x])}
            narrowed = [d for d in (narrowed or found) if d in near] or narrowed
        if len(narrowed) != 1 and pick is not None and subject:
            chosen = pick(question, narrowed or found)
            narrowed = [chosen] if chosen else narrowed
        if len(narrowed) != 1:
            return Targets(problem="unclear", candidates=tuple(narrowed or found))
        found = narrowed
    if not found:
        narrowed = by_title(question, [d for f in families for d in f], meta)
        latest = sorted(narrowed, key=lambda d: chronology(meta[d]))
        found = latest[-1:] if narrowed and len({tuple(family_of[d]) for d in narrowed}) == 1 else []
    if len(found) == 2 and "symbol" in ref.by:
        a, b = sorted(found, key=lambda d: chronology(meta[d]))
        if ask.shape == "kept":
            return Targets(a, b, side="a" if found[0] == a else "b")
        return Targets(a, b)
    if len(found) != 1:
        return Targets(problem="unclear")
    doc = found[0]
    family = family_of.get(doc)
    if not family:
        return Targets(problem="no-version", document=doc)
    if ask.shape == "kept":
        later = next_version(doc, family, meta)
        if later:
            return Targets(doc, later, side="a")
        earlier = previous_version(doc, family, meta)
        return Targets(earlier, doc, side="b") if earlier else Targets(problem="no-version", document=doc)
    earlier = previous_version(doc, family, meta)
    if earlier:
        return Targets(earlier, doc)
    later = next_version(doc, family, meta)
    return Targets(doc, later) if later else Targets(problem="no-version", document=doc)
