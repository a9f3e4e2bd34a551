"""Exports for a briefing note: the conversation and the key points, as Markdown or plain text."""

from __future__ import annotations

from datetime import datetime, timezone

from . import wording
from .messages import say


def conversation_export(exchanges: list, *, markdown: bool, passages: bool = False,
                        made: datetime | None = None) -> str:
    """A conversation fit for an email or a briefing note, oldest first: each question, the
    answer sentence with who said it and its citation (outside the quote), "Searched as" where the
    search differed, and the passages only when asked for; titles of every document cited, and
    when it was made (``made``, default now)."""
    cited = []
    for ex in exchanges:
        for r in (ex.answer.results if ex.answer and ex.answer.answered else []):
            if r.citation.document_title not in cited:
                cited.append(r.citation.document_title)
    head = say("export.conversation_about", titles="; ".join(cited)) if cited else say("export.conversation")
    dated = _made(made, cited)
    lines = [f"# {_md(head)}" if markdown else head, "", _md(dated) if markdown else dated, ""]
    for n, ex in enumerate(exchanges, 1):
        lines += [f"**{n}. {_md(ex.question)}**" if markdown else f"{n}. {ex.question}"]
        if ex.searched_as and ex.searched_as != ex.question and ex.kind in ("answer", "refusal"):
            searched = say("answer.searched_as", question=ex.searched_as)
            lines += [f"*{_md(searched)}*" if markdown else f"   {searched}"]
        lines.append("")
        if ex.kind == "refusal":
            missing = ex.answer.missing if ex.answer else ()
            said = f"{wording.REFUSAL} {wording.missing_sentence(missing)}" if missing else wording.REFUSAL
            lines += [_md(said) if markdown else f"   {said}", ""]
            continue
        if ex.kind in ("help", "more-none", "error") or not ex.answer:
            lines += [(ex.text or "") if markdown else f"   {ex.text or ''}", ""]
            continue
        if ex.text:
            lines += [_md(ex.text) if markdown and ex.kind == "comparison" else ex.text if markdown else f"   {ex.text}", ""]
        if ex.kind == "comparison":  # every difference, each side cited, the changed words marked
            lines += wording.comparison_export(ex.answer.comparison, markdown=markdown)
            continue
        if ex.answer.confidence == "partial":
            note = wording.partial_note(ex.answer.missing)
            lines += [f"*{note}*" if markdown else f"   {note}", ""]
        for r in ex.answer.results if passages else ex.answer.results[:1]:
            who = (r.citation.attribution or {}).get("label")
            if markdown:
                lines += [f"> {_md(r.highlight)}" + (f" — *{_md(who)}*" if who else ""), "", _md(r.citation.label), ""]
            else:
                lines += [f"   \"{r.highlight}\"" + (f" ({who})" if who else ""), f"   {r.citation.label}", ""]
            if passages:
                passage = say("export.passage", text=r.text)
                lines += [(_md(passage) if markdown else f"   {passage}"), ""]
    return "\n".join(lines).rstrip() + "\n"


def _made(made: datetime | None, cited: list[str] = ()) -> str:
    """"Made on 7 December 2026, 06:40 UTC, from: …." (``made``: default now)."""
    made = made or datetime.now(timezone.utc)
    when = f"{made.day} {made:%B %Y, %H:%M}"
    return say("export.made_from", when=when, titles="; ".join(cited)) if cited else say("export.made", when=when)


def _md(text: str) -> str:
    """Text shown literally in Markdown (what people typed, or a document, may hold markup), and
    still readable as plain text: only the characters that start inline markup anywhere in a line
    are escaped (emphasis, code, links and images, HTML, entities); the text never starts a line
    of the export, so line-start markup (#, -, 1.) cannot arise. Line breaks become spaces."""
    from ..ingest.metadata import CONTROLS

    return "".join("\\" + ch if ch in "\\`*_[]<>&$~|!" else ch for ch in " ".join(CONTROLS.sub("", text).split()))


def key_points_export(points: list, documents: dict[str, dict], *, markdown: bool) -> str:
    """Key points for a briefing note, grouped, each with who said it and its citation:
    Markdown (headings, the sentence quoted, the citation below the quote) or plain text."""
    from ..answer.citation import cite
    from .key_points import by_document, grouped

    title_of = lambda doc_id, p: documents.get(doc_id, {}).get("title") or p.passage.doc_title  # noqa: E731
    parts = by_document(points)
    titles = [title_of(doc_id, members[0]) for doc_id, members in parts]
    head = say("export.key_points_of", titles="; ".join(titles)) if titles else say("points.title")
    lines = [f"# {_md(head)}" if markdown else head, ""]
    if not points:
        lines.append(say("export.no_key_points"))
    groups = [(None, title, members) for title, members in grouped(points)] if len(parts) == 1 else [
        (title_of(doc_id, mine[0]), title, members) for doc_id, mine in parts for title, members in grouped(mine)]
    shown_document = None
    for document, title, members in groups:
        if document is not None and document != shown_document:  # several documents: each under its title
            shown_document = document
            lines += [f"## {_md(document)}" if markdown else f"{document}\n{'=' * len(document)}", ""]
        level = "###" if document is not None else "##"
        lines += [f"{level} {_md(title)}" if markdown else f"{title}\n{'-' * len(title)}", ""]
        for p in members:
            s = p.passage.sentences[p.sentence_index]
            c = cite(p.passage, documents.get(p.passage.doc_id), s.page)
            who = s.attribution.label
            if markdown:
                lines += [f"> {_md(s.text)}" + (f" — *{_md(who)}*" if who else ""), "", _md(c.label), ""]
            else:
                lines += [f"- {s.text}" + (f" ({who})" if who else ""), f"  {c.label}", ""]
    return "\n".join(lines).rstrip() + "\n"


def comparison_document(reply, documents: dict[str, dict], *, markdown: bool, made: datetime | None = None) -> str:
    """A comparison for a briefing note: both documents named with their titles, the summary,
    then each difference's heading, its words marked and both sides' citations."""
    c = reply.comparison
    a, b = documents.get(c.a, {}), documents.get(c.b, {})
    head = say("export.what_changed", newer=b.get("title", c.b_label), older=a.get("title", c.a_label))
    dated = _made(made)
    said = wording.comparison_reply(reply, documents)
    lines = [f"# {_md(head)}" if markdown else head, "", _md(dated) if markdown else dated, "",
             _md(said) if markdown else said, ""]
    for row in reply.rows:
        heading = wording.change_heading(row, c.a_label, c.b_label)
        sides = [p.citation for p in (row.a, row.b) if p is not None and p.citation]
        if markdown:
            lines += [f"**{_md(heading)}**", "", "> " + wording.marked_text(row, markdown=True, escape=_md), ""]
            lines += [f"{_md(s)}  " for s in sides] + [""]
        else:
            lines += [heading, "   " + wording.marked_text(row)] + [f"   {s}" for s in sides] + [""]
    return "\n".join(lines).rstrip() + "\n"
