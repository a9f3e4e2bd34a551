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

    def to_dict(self) -> dict:
        d = asdict(self)
        d["pages"] = list(self.pages) if self.pages else None
        return d


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
    """'Title (Place, 25 June 2013)', leaving out what is unknown."""
    where_when = ", ".join(x for x in (place, format_date(iso_date)) if x)
    return f"{title} ({where_when})" if where_when else title


def cite(passage: Passage, document_meta: dict | None, page: int | None,
         attribution: dict | None = None) -> Citation:
    """The citation of a passage, with ``page`` the page of the sentence being quoted."""
    meta = document_meta or {}
    doc = document_label(passage.doc_title, meta.get("place"), meta.get("date"))
    parts = [doc]
    if passage.section:
        parts.append(f'"{passage.section}"')
        # The document's own number when it numbers its paragraphs; else the count in the section.
        parts.append(f"para. {passage.number or passage.paragraph}")
    else:
        parts.append("title block")
    page = page if page is not None else passage.page_start
    if page is not None:
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
    )
