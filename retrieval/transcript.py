"""The conversation as Markdown with citations, for the chat's download button."""

from __future__ import annotations


def conversation_markdown(messages: list[dict], title: str) -> str:
    """Questions, answers (highlight, passage, citation label) and replies, oldest first."""
    lines = [f"# Conversation: {title}", ""]
    for m in messages:
        if m["role"] == "user":
            lines += [f"**Question:** {m['text']}", ""]
        elif m["kind"] == "answer":
            partial = m["answer"].get("confidence") == "partial"
            if partial:
                lines += ["**Closest passages** (they may not answer: the document doesn't mention "
                          f"{', '.join(m['answer']['missing'])}).", ""]
            for i, r in enumerate(m["answer"]["results"], 1):
                lines += [f"{'**Answer:**' if i == 1 and not partial else f'Result {i}:'} {r['highlight']}",
                          f"> {r['text']}", f"— {r['citation']['label']}", ""]
        elif m["kind"] == "refusal":
            lines += ["**Answer:** The document doesn't cover this.", ""]
        else:
            lines += [m["text"], ""]
    return "\n".join(lines)


def key_points_export(points: list, documents: dict[str, dict], *, markdown: bool) -> str:
    """Key points for a briefing note, grouped, each with who said it and its citation:
    Markdown (headings, the sentence quoted, the citation below the quote) or plain text."""
    from .citation import cite
    from .key_points import grouped

    titles = sorted({documents.get(p.passage.doc_id, {}).get("title") or p.passage.doc_title for p in points})
    head = "Key points: " + "; ".join(titles) if titles else "Key points"
    lines = [f"# {head}" if markdown else head, ""]
    if not points:
        lines.append("No attributed statements: the document does not say who said what.")
    for title, members in grouped(points):
        lines += [f"## {title}" if markdown else f"{title}\n{'-' * len(title)}", ""]
        for p in members:
            s = p.passage.sentences[p.sentence_index]
            c = cite(p.passage, documents.get(p.passage.doc_id), s.page)
            who = s.attribution.label
            if markdown:
                lines += [f"> {s.text}" + (f" — *{who}*" if who else ""), "", f"{c.label}", ""]
            else:
                lines += [f"- {s.text}" + (f" ({who})" if who else ""), f"  {c.label}", ""]
    return "\n".join(lines).rstrip() + "\n"
