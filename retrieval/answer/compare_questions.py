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

from .document_reference import resolve, symbol_mentions
from .versions import chronology, draft_before, is_adopted, next_version, previous_version

_NAMED_PARAGRAPH = re.compile(r"\b(?:(preambular|operative)\s+)?(?:para(?:graph)?s?\.?|§|pp\.?|op\.?)\s*"
                              r"(\d{1,3})(?:\s*\(\s*([a-z]{1,2}|[ivx]{1,5})\s*\))?(?![/.\d])", re.IGNORECASE)
_KEPT = re.compile(
    r"\b(kept|keep|dropped|drop|deleted|removed|retained|survived?|carried (?:over|forward|into)|"
    r"still (?:there|in|have|has|contains?|includes?|appears?)|made it|make it|remain(?:s|ed)?|survive[sd]?|"
    r"happen(?:ed|s)? to|became of|become of|taken out|cut|gone|(?:did|does|do|will)\b.{0,60}\bend\s+up|"
    r"unchanged|change[sd]?|amended|modified|altered|reworded|edited|(?:was|were|been|got)\s+revised|"
    r"revised\s+(?:before|after|on|in|since)|"
    r"the same)\b", re.IGNORECASE)

# How change between versions is asked for, in three strengths (#34). A text being changed, said
# as a verb ("has it been amended", "changed from", "got revised") or as a question of change ("what
# is new", "the changes between", "the edits to", "which amendments"), needs only a word for a
# text, a version, a year or a symbol beside it; the same words as a subject ("the revision of the
# scale of assessments", "the latest update on", "updated national plans") do not. A word of
# comparison ("differ", "compare", "vs") or of adding and removing ("add", "drop", "lose") is as
# often about content ("the differences between refugees and migrants", "countries added their
# names", "climate change"), so it needs two documents named, or one and a word that places it
# among versions ("the draft ... on adoption", "last year's", "the earlier version").
_CHANGED = r"(?:changed|amended|revised|edited|updated|modified|altered|reworded|rewritten|evolved)"
_STRONG_CHANGE = re.compile(
    rf"\b(?:(?:has|have|had|was|were|been|being|is|are|get|got|gets)\s+(?:\S+\s+){{0,4}}?{_CHANGED}|"
    rf"{_CHANGED}\s+(?:since|from|between|before|after|on\s+adoption|in\s+(?:the|its)\s+(?:adopted|final|new))|"
    r"unchanged|what\s+(?:has\s+|have\s+)?changed|change\s+(?:from|since|between)|"
    r"(?:what|which|any|the\s+main|the\s+key|main|key|major|substantive)\s+"
    r"(?:changes|differences|amendments|revisions|edits|updates)\b(?!\s+(?:of|on)\b)|"
    r"(?:changes|amendments|revisions|edits|updates)\s+(?:between|from|since|made|"
    r"(?:to|in)\s+(?:the|this|that|it)\s+(?:text|version|draft|resolution)|to\s+(?:it|L\.|\d{2}/))|"
    r"what\s+(?:is|was|were|has\s+been|have\s+been|got)\s+(?:added|removed|dropped|deleted|new|different)|"
    r"(?:what|anything|something)(?:'s|’s|\s+is|\s+was|\s+has\s+been|\s+is\s+there)?\s+new\b|"
    r"new\s+(?:paragraphs?|language|wording|elements?|provisions?|additions?|in\s+(?:the|this|it)\b|since|"
    r"this\s+(?:year|session|time)|compared))", re.IGNORECASE)
_RELATIONAL_CHANGE = re.compile(
    r"\b(?:differ(?:s|ed|ent|ences?)?|compar(?:e[sd]?|ing|ison)|versus|vs\.?|side\s+by\s+side|"
    r"relative\s+to|(?:the\s+)?same\s+as|identical|departs?|departed|"
    r"add(?:s|ed)?|introduc(?:e[sd]?|ing)|remov(?:e[sd]?|al)|drop(?:s|ped)?|delet(?:e[sd]?|ions?)|"
    r"los[et]|taken\s+out|took\s+out|chang(?:es|ing)|"
    r"(?:what|which|any|the|main|key|major|these|those|all|no|some)\s+change)\b", re.IGNORECASE)
# A document named: a symbol, a year, or a kind of text placed among versions.
_SYMBOL_MENTION = re.compile(r"\bL\.\s?\d{1,3}\b|\b\d{2}/\d{1,3}\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_VERSION_NAMED = re.compile(
    r"\b(?:drafts?|adopted\s+(?:text|resolution|version)|final\s+(?:text|resolution|version)|"
    r"(?:previous|earlier|older|newer|later|latest|original|current|last|next|new)\s+"
    r"(?:one|text|resolution|version|draft|session(?:'s|’s)?)|last\s+year(?:'s|’s)?|this\s+year(?:'s|’s)?|"
    r"(?:last|this|previous|current)\s+session(?:'s|’s)?)\b", re.IGNORECASE)
# A word that places a text among versions (its adoption, the one before, since when).
_VERSION_RELATION = re.compile(
    r"\b(?:adopt(?:ed|ion)|before|after|since|previous|earlier|prior|former|later|latest|newer|older|"
    r"original|final|last\s+year|this\s+year|last\s+session|this\s+session|(?:was|were)n['’]?t\s+in|"
    r"no\s+longer)\b", re.IGNORECASE)
_VERSION_CUE = re.compile(
    r"\b(?:versions?|drafts?|resolutions?|texts?|adopted\s+(?:text|resolution|version)|the\s+adopted|"
    r"before\s+(?:it\s+was\s+|its\s+)?adopt\w*|adoption|final|earlier|previous|"
    r"prior|former|later|latest|newer|older|original|last\s+year(?:'s|’s)?|this\s+year(?:'s|’s)?|last\s+session|"
    r"previous\s+session|since|compared?|L\.\s?\d{1,3}|\d{2}/\d{1,3}|(?:19|20)\d\d)\b", re.IGNORECASE)
# With one document named, which other version the question means: a draft's adopted text ("the
# draft L.37 and the final resolution"), or an adopted text's own draft ("80/210 and its draft").
_LATER_TEXT = re.compile(r"\b(?:final|adopted|adoption|after|later|became|become|ended\s+up)\b", re.IGNORECASE)
_DRAFT_WORD = re.compile(r"\bdrafts?\b", re.IGNORECASE)
_TITLE_WORD = re.compile(r"[a-z]{3,}")
_STOP = frozenset("""the and for with from that this what which was were are has have been new changed change
changes different difference differences between resolution resolutions draft drafts compare compared
version versions year last session text adopted committee paragraph para kept dropped its their about
did does how general assembly united nations document documents report""".split())


def _documents_named(question: str) -> int:
    """How many documents a question names: distinct symbols and versions by kind; years count as
    documents of their own only when two are named ("the 2024 and 2025 texts") or nothing else is
    ("the 2025 draft" and "80/210, adopted in 2025" are one document each)."""
    symbols = {re.sub(r"\s", "", m.lower()) for m in _SYMBOL_MENTION.findall(question)}
    named = len(symbols) + len(_VERSION_NAMED.findall(question))
    years = set(_YEAR.findall(question))
    return max(named, len(years)) if len(years) >= 2 else named or len(years)


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
    if _STRONG_CHANGE.search(question) and _VERSION_CUE.search(question):
        return CompareAsk("changes")
    if _RELATIONAL_CHANGE.search(question):
        documents = _documents_named(question)
        if documents >= 2 or (documents == 1 and _VERSION_RELATION.search(question)):
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
            return Targets(a, b, side=_paragraph_side(question, a, b, documents))
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
    if not is_adopted(meta[doc]) and _LATER_TEXT.search(question):
        later = next_version(doc, family, meta)
        if later:
            return Targets(doc, later)
    if is_adopted(meta[doc]) and _DRAFT_WORD.search(question):
        draft = draft_before(doc, family, meta)
        if draft:
            return Targets(draft, doc)
    earlier = previous_version(doc, family, meta)
    if earlier:
        return Targets(earlier, doc)
    later = next_version(doc, family, meta)
    return Targets(doc, later) if later else Targets(problem="no-version", document=doc)


def _paragraph_side(question: str, a: str, b: str, documents: list[dict]) -> str:
    """Which of two named documents a "kept" question's paragraph belongs to: the one named just
    after it ("paragraph 13 of L.20 ... in 80/190"), else the one named first."""
    mentions = [(at, "a" if doc == a else "b") for at, doc in symbol_mentions(question, documents) if doc in (a, b)]
    named = _NAMED_PARAGRAPH.search(question)
    if named:
        after = [(at, side) for at, side in mentions if at >= named.end()]
        if after and re.fullmatch(r"\s*(?:of|in|from)\b.{0,40}", question[named.end():after[0][0]],
                                  re.IGNORECASE | re.DOTALL):
            return after[0][1]
    return mentions[0][1] if mentions else "a"
