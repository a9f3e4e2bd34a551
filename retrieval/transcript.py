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
