"""Versions of the same text across documents: one session's resolution repeats most of the last
one, a Committee draft becomes the adopted text. Passages whose texts are the same or nearly the
same in different documents are one group; a search shows a group once, cited to the document
asked about (else the latest adopted version), with the others "also in".

The measure is word 3-shingles compared by Dice's coefficient (2|A∩B| / (|A|+|B|)) after the
paragraph number is taken off and case and punctuation ignored: a paragraph carried over with an
"Also" added, a date moved or a clause inserted keeps most of its shingles, while two paragraphs
that only share the resolution's formulas ("Calls upon States to …") keep few. Shingles found in
more than ``COMMON_SHINGLE_PASSAGES`` passages are set aside for finding candidates (they would
pair every passage with every other) but count in the coefficient. Pure functions, no model.
"""

from __future__ import annotations

import re
from collections import defaultdict

NEAR_COPY = 0.8  # Dice of the shingle sets from which two passages are one text in two versions
COMMON_SHINGLE_PASSAGES = 50
_NUMBER = re.compile(r"^\s*(?:\d{1,3}\s?\.|\([a-z]{1,2}\))\s+")
_WORD = re.compile(r"[a-z0-9]+")


def shingles(text: str) -> frozenset[str]:
    words = _WORD.findall(_NUMBER.sub("", text).lower())
    if len(words) < 3:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i:i + 3]) for i in range(len(words) - 2))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def version_groups(texts: list[str], doc_ids: list[str], threshold: float = NEAR_COPY) -> list[int]:
    """For each passage, the id of its group (the smallest passage index in it): passages of
    different documents whose texts are near copies share one; a passage with no copy is alone."""
    sets = [shingles(t) for t in texts]
    postings: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(sets):
        for sh in s:
            postings[sh].append(i)
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, s in enumerate(sets):
        seen: set[int] = set()
        for sh in s:
            members = postings[sh]
            if len(members) > COMMON_SHINGLE_PASSAGES:
                continue
            for j in members:
                if j <= i or j in seen or doc_ids[j] == doc_ids[i]:
                    continue
                seen.add(j)
                # Sizes that differ more than the threshold allows cannot reach it: skip the set work.
                if min(len(s), len(sets[j])) * 2 / (len(s) + len(sets[j])) < threshold:
                    continue
                if dice(s, sets[j]) >= threshold:
                    a, b = find(i), find(j)
                    if a != b:
                        parent[max(a, b)] = min(a, b)
    return [find(i) for i in range(len(texts))]


def preferred_version(members: list[int], doc_rank: dict[str, tuple], doc_ids: list[str]) -> int:
    """The passage a group is shown as when the question named no document: the one in the
    document ranked highest by ``doc_rank`` (adopted before drafts, latest first)."""
    return max(members, key=lambda i: doc_rank.get(doc_ids[i], ()))


def document_rank(meta: dict) -> tuple:
    """How a document ranks among versions: adopted texts (resolutions, decisions) before drafts
    and others, then the latest date."""
    facts = meta.get("facts") or {}
    adopted = facts.get("kind") in ("resolution", "decision")
    when = facts.get("adoption_date") or facts.get("distribution_date") or meta.get("date") or ""
    return (adopted, when)


# --- families of versions: the documents that are one text in several versions ----------------
SHARED_PARAGRAPHS = 0.5  # of the smaller document's paragraphs near-copied in the other: one family


def chronology(meta: dict) -> tuple:
    """When a document came, for ordering versions: its adoption (else distribution) date; on the
    same day a draft before the text adopted from it."""
    facts = meta.get("facts") or {}
    when = facts.get("adoption_date") or facts.get("distribution_date") or meta.get("date") or ""
    return (when, facts.get("kind") in ("resolution", "decision"), meta.get("id", ""))


def _title_key(meta: dict) -> str:
    facts = meta.get("facts") or {}
    title = facts.get("title") or re.sub(r"\s*\([^()]*/[^()]*\)$", "", meta.get("title") or "")
    return " ".join(_WORD.findall(title.lower()))


def families(documents: list[dict], shared: dict[tuple[str, str], int], sizes: dict[str, int]) -> list[list[str]]:
    """The library's families of versions, each in chronological order (families of one left
    out): documents with the same title (a resolution, its draft, next session's resolution), or
    of which most paragraphs are near copies (``shared``: for two document ids, how many of their
    paragraphs are one text; ``sizes``: each document's paragraphs)."""
    ids = [d["id"] for d in documents]
    parent = {i: i for i in ids}

    def find(i: str) -> str:
        while parent[i] != i:
            i = parent[i]
        return i

    by_title: dict[str, str] = {}
    for d in documents:
        key = _title_key(d)
        if len(key) < 8:  # "Report", "Note": too short to say two documents are one text
            continue
        if key in by_title:
            parent[find(d["id"])] = find(by_title[key])
        else:
            by_title[key] = d["id"]
    for (a, b), n in shared.items():
        if a in parent and b in parent and n >= SHARED_PARAGRAPHS * max(1, min(sizes.get(a, 0), sizes.get(b, 0))):
            parent[find(a)] = find(b)
    groups: dict[str, list[str]] = {}
    for i in ids:
        groups.setdefault(find(i), []).append(i)
    meta = {d["id"]: d for d in documents}
    return [sorted(g, key=lambda i: chronology(meta[i])) for g in groups.values() if len(g) > 1]


def _adopted(meta: dict) -> bool:
    return (meta.get("facts") or {}).get("kind") in ("resolution", "decision")


def previous_version(doc_id: str, family: list[str], meta: dict[str, dict]) -> str | None:
    """The version a document is compared with when asked what is new in it: for an adopted text,
    the last adopted one before it (last session's resolution, not its own draft); for a draft or
    another document, the version just before it."""
    if doc_id not in family:
        return None
    earlier = family[:family.index(doc_id)]
    if _adopted(meta[doc_id]):
        adopted = [d for d in earlier if _adopted(meta[d])]
        if adopted:
            return adopted[-1]
    return earlier[-1] if earlier else None


def next_version(doc_id: str, family: list[str], meta: dict[str, dict]) -> str | None:
    """The version that followed a document ("was paragraph 12 of the draft kept?"): the first
    adopted text after it, else the version just after it."""
    if doc_id not in family:
        return None
    later = family[family.index(doc_id) + 1:]
    adopted = [d for d in later if _adopted(meta[d])]
    return adopted[0] if adopted else (later[0] if later else None)
