"""What the page says about the documents in the library: which one a one-document chat is
about, a document's facts line, and the questions a welcome suggests."""

from __future__ import annotations

from pathlib import Path

from retrieval import Engine, say, suggested_questions
from ui.html import per_engine

# The shipped panel summary's own questions, written by hand for it; other documents get theirs
# from their headings.
PANEL_QUESTIONS = [
    "Do migrants take jobs from native workers?",
    "What did panellists say about remittances?",
    "Which groups of migrants need better protection?",
    "How can xenophobia be countered?",
    "What should happen to the Global Forum on Migration and Development?",
]


def document_card(engine: Engine) -> dict:
    """The document a one-document library is about (the shipped one when there are several)."""
    shipped = [d for d in engine.documents if d["id"] in engine.protected]
    return (shipped or engine.documents or [{"title": say("documents.none")}])[0]


@per_engine()  # drawn on every rerun
def document_facts(engine: Engine, doc_id: str) -> str:
    """'PDF · 3 pages · 2 sections · 5 passages' for the library (which shows author, place and
    date before it)."""
    doc = next(d for d in engine.documents if d["id"] == doc_id)
    own = [p for p in engine.passages if p.doc_id == doc_id]
    kind = Path(doc.get("file", "")).suffix.lstrip(".").upper() or say("library.text_kind")
    pages = max((p.page_end or 0 for p in own), default=0)
    sections, passages = len(engine.sections(doc["id"])), len(own)
    parts = [kind] + ([say("library.page_one") if pages == 1 else say("library.pages", count=pages)] if pages else [])
    parts += [say("library.section_one") if sections == 1 else say("library.sections", count=sections),
              say("library.passage_one") if passages == 1 else say("library.passages", count=passages)]
    return " · ".join(parts)


def welcome_questions(engine: Engine) -> list[str]:
    """The shipped document's hand-written questions and two from each other document's headings."""
    written = {d: PANEL_QUESTIONS for d in engine.protected}
    headings = {d["id"]: engine.sections(d["id"]) for d in engine.documents}
    return suggested_questions(engine.documents, headings, written)
