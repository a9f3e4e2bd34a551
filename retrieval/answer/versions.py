"""Versions of the same text across documents: one session's resolution repeats most of the last
one, a Committee draft becomes the adopted text. Passages whose texts are the same or nearly the
same in different documents are one group; a search shows a group once, cited to the document
asked about (else the latest adopted version), with the others "also in".

The groups of near copies are the index's (``index/near_copies.py``, where the measure is said);
here is how a search and a comparison use them. Pure functions, no model.
"""

from __future__ import annotations

import re
from ..index.near_copies import _WORD, NEAR_COPY, dice, shingles, version_groups  # noqa: F401  (one measure, the index's)


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


def is_adopted(meta: dict) -> bool:
    """Whether a document is an adopted text (a resolution or decision), not a draft or a report."""
    return (meta.get("facts") or {}).get("kind") in ("resolution", "decision")


def previous_version(doc_id: str, family: list[str], meta: dict[str, dict]) -> str | None:
    """The version a document is compared with when asked what is new in it: for an adopted text,
    the last adopted one before it (last session's resolution, not its own draft); for a draft or
    another document, the version just before it."""
    if doc_id not in family:
        return None
    earlier = family[:family.index(doc_id)]
    if is_adopted(meta[doc_id]):
        adopted = [d for d in earlier if is_adopted(meta[d])]
        if adopted:
            return adopted[-1]
    return earlier[-1] if earlier else None


def draft_before(doc_id: str, family: list[str], meta: dict[str, dict]) -> str | None:
    """The last version before a document that is not an adopted text (an adopted text's draft)."""
    if doc_id not in family:
        return None
    drafts = [d for d in family[:family.index(doc_id)] if not is_adopted(meta[d])]
    return drafts[-1] if drafts else None


def next_version(doc_id: str, family: list[str], meta: dict[str, dict]) -> str | None:
    """The version that followed a document ("was paragraph 12 of the draft kept?"): the first
    adopted text after it, else the version just after it."""
    if doc_id not in family:
        return None
    later = family[family.index(doc_id) + 1:]
    adopted = [d for d in later if is_adopted(meta[d])]
    return adopted[0] if adopted else (later[0] if later else None)
