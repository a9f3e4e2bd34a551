"""Finding a document in a library of hundreds (#32): by symbol or words, sorted, a page at a time.

Pure functions over the documents' records (``Engine.documents``), for the Library page and the
"Search only in" filter. A symbol matches however it is typed: "A/RES/79/149", "a/res/79/149",
"79/149" or "ares79149".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SORTS = ("newest first", "oldest first", "symbol", "title")
PER_PAGE = 20  # documents a page of the Library: each draws its facts and its sections


def document_date(doc: dict) -> str | None:
    """The document's own date (ISO): adopted, else issued, else the date it gives."""
    facts = doc.get("facts") or {}
    return facts.get("adoption_date") or facts.get("distribution_date") or doc.get("date") or None


def document_symbol(doc: dict) -> str | None:
    return (doc.get("facts") or {}).get("symbol") or None


def listing_label(doc: dict) -> str:
    """What a list of documents shows: "A/RES/79/149 — Title", or the title alone. The title
    already ending in its symbol, "(A/79/19)", is not said twice."""
    title = str(doc.get("title") or doc.get("id") or "")
    symbol = document_symbol(doc)
    if not symbol or symbol in title:
        return title
    return f"{symbol} — {title}"


def own_title(doc: dict) -> str:
    """The title without the symbol the library adds at its end ("… (A/RES/80/216)"): what an
    editor correcting it starts from, and what is written back."""
    title = str(doc.get("title") or "")
    symbol = document_symbol(doc)
    suffix = f" ({symbol})" if symbol else ""
    return title[: -len(suffix)] if suffix and title.endswith(suffix) else title


def _compact(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def _haystack(doc: dict) -> tuple[str, str]:
    facts = doc.get("facts") or {}
    parts = [doc.get("title"), doc.get("id"), doc.get("file"), facts.get("symbol"), facts.get("title"),
             facts.get("kind"), facts.get("body") or facts.get("organ"), facts.get("agenda_item"),
             facts.get("agenda_subject"), facts.get("committee_report"), doc.get("author"), document_date(doc)]
    text = " ".join(str(p) for p in parts if p).lower()
    return text, _compact(text)


def matches(doc: dict, query: str) -> bool:
    """Whether every word of ``query`` is in the document's symbol, title or facts (a word with a
    slash or dot is compared without them, as a symbol)."""
    text, compact = _haystack(doc)
    for word in query.lower().split():
        if word in text:
            continue
        squeezed = _compact(word)
        if not squeezed or squeezed not in compact:
            return False
    return True


def _symbol_key(doc: dict) -> tuple:
    """A/RES/79/9 before A/RES/79/10: the numbers of a symbol compared as numbers."""
    symbol = document_symbol(doc) or "~"  # documents without a symbol last
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in re.findall(r"\d+|[^\d/]+", symbol))


def find_documents(documents: list[dict], query: str = "", sort: str = SORTS[0]) -> list[dict]:
    """The documents matching ``query`` (all when it is blank), in the order ``sort`` names."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    found = [d for d in documents if matches(d, query)] if query.strip() else list(documents)
    title = lambda d: str(d.get("title") or "").lower()  # noqa: E731
    if sort == "title":
        return sorted(found, key=title)
    if sort == "symbol":
        return sorted(found, key=lambda d: (_symbol_key(d), title(d)))
    dated = sorted((d for d in found if document_date(d)), key=lambda d: (document_date(d), title(d)),
                   reverse=sort == "newest first")
    return dated + sorted((d for d in found if not document_date(d)), key=title)  # undated last


@dataclass(frozen=True)
class Page:
    items: list[dict]
    number: int  # 1-based, within 1..pages
    pages: int
    first: int  # 1-based position of the first item among all, 0 when there is none
    total: int


def page_of(items: list[dict], number: int, per_page: int | None = None) -> Page:
    """Page ``number`` of ``items``, ``per_page`` a page (default PER_PAGE), clamped into range so
    a page past the end after a removal shows the last one."""
    per_page = per_page or PER_PAGE
    pages = max(1, -(-len(items) // per_page))
    number = min(max(1, int(number)), pages)
    start = (number - 1) * per_page
    chosen = items[start : start + per_page]
    return Page(chosen, number, pages, start + 1 if chosen else 0, len(items))
