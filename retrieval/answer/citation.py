"""Citations: where a passage sits (document, section, paragraph, page) and a label to paste."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from ..ingest.passages import Passage


@dataclass(frozen=True)
class Citation:
    """Where an answer comes from. ``paragraph`` counts within the section; ``page`` is the
    page of the highlighted sentence, ``pages`` the passage's page range."""

    document: str
    document_title: str
    section: str | None
    paragraph: int
    paragraph_overall: int
    page: int | None
    pages: tuple[int, int] | None
    label: str
    attribution: dict | None = field(default=None)
    printed_page: str | None = None  # the folio printed on ``page``, where the document prints folios
    number: str | None = None  # the paragraph as the document numbers it ("15 (p)", "preambular para. 3")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["pages"] = list(self.pages) if self.pages else None
        return d


def ordinal(n: int) -> str:
    """"80th", "21st", "112th": a session as a citation or a line of facts writes it."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def format_date(iso: str | None) -> str | None:
    """'2013-06-25' -> '25 June 2013'; anything else is returned as it is."""
    if not iso:
        return None
    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day} {d:%B %Y}"


def document_label(title: str, place: str | None, iso_date: str | None) -> str:
    """'Title (Place, 25 June 2013)', leaving out what is unknown; a title that ends with its
    symbol takes the date inside the same brackets: 'Title (A/RES/80/216, 18 December 2025)'."""
    where_when = ", ".join(x for x in (place, format_date(iso_date)) if x)
    if not where_when:
        return title
    if title.endswith(")") and "/" in title[title.rfind("(") + 1:]:
        return f"{title[:-1]}, {where_when})"
    return f"{title} ({where_when})"


def cite(passage: Passage, document_meta: dict | None, page: int | None,
         attribution: dict | None = None) -> Citation:
    """The citation of a passage, with ``page`` the page of the sentence being quoted."""
    meta = document_meta or {}
    doc = document_label(passage.doc_title, meta.get("place"), meta.get("date"))
    parts = [doc]
    published = bool(meta.get("facts"))  # a UN document: only its own numbers are cited
    if passage.section:
        parts.append(f'"{passage.section}"')
    own = passage.paragraph_label
    if own:
        parts.append(own)
    elif passage.footnote:
        parts.append("footnote")
    elif passage.paragraph == 0 and not passage.section:
        parts.append("title block")
    elif not published:  # the count in its section, for a document that numbers nothing itself
        parts.append(f"para. {passage.paragraph}")
    page = page if page is not None else passage.page_start
    labels = meta.get("page_labels") or {}
    printed = labels.get(str(page)) if page is not None else None
    if printed is not None:
        parts.append(f"p. {printed}")
    elif page is not None and not labels:
        parts.append(f"p. {page}")
    pages = (passage.page_start, passage.page_end) if passage.page_start is not None else None
    return Citation(
        document=passage.doc_id,
        document_title=passage.doc_title,
        section=passage.section,
        paragraph=passage.paragraph,
        paragraph_overall=passage.paragraph_overall,
        page=page,
        pages=pages,
        label=", ".join(parts),
        attribution=attribution,
        printed_page=printed,
        number=passage.number or (f"preambular para. {passage.preambular}" if passage.preambular else None),
    )
