"""Questions to suggest and topics to hint at, drawn from the documents' own headings.

A welcome page suggests questions a newcomer can click, and a refusal hints at what the searched
documents do cover. Both come from the headings of the documents in question, so a library of
water reports never hints at remittances. Headings that name a part of a report rather than a
subject ("Introduction", "Annex", "Summary") make poor questions and are passed over.
"""

from __future__ import annotations

import re

from .messages import say

# Parts of a document, not subjects: "What does the report say about introduction?" reads badly.
_PARTS = {
    "abstract", "acknowledgements", "acknowledgments", "annex", "annexes", "appendix", "appendices",
    "background", "bibliography", "conclusion", "conclusions", "contents", "table of contents",
    "executive summary", "foreword", "glossary", "introduction", "notes", "overview", "preface",
    "references", "summary", "title block", "endnotes", "footnotes", "sources", "methods",
}
_NUMBERING = re.compile(r"^\s*(?:[IVXLC]+|[A-Z]|\d+(?:\.\d+)*)[.)]\s+")


def subject(heading: str) -> str | None:
    """A heading as the subject of a question ('Leak reduction' -> 'leak reduction'); None for a
    heading that names a part of the document ('1. Introduction', 'Annex II')."""
    text = _NUMBERING.sub("", " ".join(heading.split())).rstrip(" .:")
    words = text.lower()
    if not text or words in _PARTS or words.split(" ")[0] in {"annex", "appendix"}:
        return None
    # Lower the first letter unless the first word is an acronym or a name-like capitalised pair.
    first = text.split(" ")[0]
    keep = len(first) > 1 and first[1:2].isupper()
    return text if keep else text[:1].lower() + text[1:]


def about_question(title: str, heading: str) -> str | None:
    """'What does the Urban Water Resilience Report say about leak reduction?'"""
    topic = subject(heading)
    if topic is None:
        return None
    # "A/79/19": a symbol, no article
    article = "" if title.lower().startswith(("the ", "a ", "an ")) or "/" in title else say("suggest.the")
    return say("suggest.about", article=article, title=title, topic=topic)


def suggested_questions(documents: list[dict], headings: dict[str, list[str]], written: dict[str, list[str]],
                        limit: int = 8) -> list[str]:
    """Questions for a welcome page, taken in turn from each document so that every one is
    represented: its hand-written questions (``written``, by document id) when it has them,
    otherwise up to two from its subject headings."""
    per_document = []
    for doc in documents:
        own = written.get(doc["id"])
        facts = doc.get("facts") or {}
        # A UN document is named as UN staff name it, by its symbol (its title is long); one with
        # no subject headings (a resolution, a draft) gets a question of what its kind does.
        name = facts.get("symbol") or doc["title"]
        made = [q for q in (about_question(name, h) for h in headings.get(doc["id"], [])) if q][:2]
        per_document.append(list(own) if own else made or kind_questions(facts))
    questions: list[str] = []
    for turn in range(max((len(q) for q in per_document), default=0)):
        questions += [q[turn] for q in per_document if turn < len(q)]
    return questions[:limit]


def kind_questions(facts: dict) -> list[str]:
    """For a document read as a UN document: what a newcomer asks of its kind, named by its
    symbol and subject ("What does A/RES/80/216 on the human rights to safe drinking water and
    sanitation call for?"). None for a document of another kind or without a symbol and title."""
    symbol, title, kind = facts.get("symbol"), facts.get("title"), (facts.get("kind") or "").lower()
    if not (symbol and title):
        return []
    topic = title if len(title) > 1 and title[1:2].isupper() else title[:1].lower() + title[1:]
    if kind in ("resolution", "decision"):
        return [say("suggest.resolution", symbol=symbol, topic=topic)]
    if kind.startswith("draft"):
        return [say("suggest.draft", symbol=symbol, topic=topic)]
    if kind in ("report", "note"):
        return [say("suggest.report", symbol=symbol, topic=topic)]
    return []


def topics(headings: list[str], limit: int = 3) -> list[str]:
    """The first subject headings of the searched documents, as topics for a hint."""
    seen: list[str] = []
    for heading in headings:
        topic = subject(heading)
        if topic and topic.lower() not in {s.lower() for s in seen}:
            seen.append(topic)
        if len(seen) == limit:
            break
    return seen


def topic_hint(headings: list[str]) -> str | None:
    """'Try a question about migration and development, remittances or labour mobility.'"""
    found = topics(headings)
    if not found:
        return None
    listed = found[0] if len(found) == 1 else say("list.or", first=", ".join(found[:-1]), last=found[-1])
    return say("suggest.hint", topics=listed)
