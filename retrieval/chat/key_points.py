"""Key points: the document's attributed sentences, grouped for a newcomer, each cited.

Every sentence already carries who said it and how strongly it was agreed (``attribution``).
A key point is a sentence with a stated speaker; it goes to exactly one group, the first that
fits, so that the strongest reading wins:

1. consensus and widespread support (agreement "consensus" or "widespread support");
2. recommended or called for (a call verb: "called for", "recommended", "suggested", "urged",
   "encouraged", "proposed"), by whom;
3. cautions (a caution verb: "cautioned", "warned");
4. what the panel as a whole concluded (speaker "the panel as a whole");
5. also noted (any other attributed sentence).

Grouped by kind rather than by section: a newcomer asks "what did they agree on, what do they
want done", and the section is in each point's citation. Pure functions over passages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..ingest.attribution import CALL_CUE, NOT_STATED
from ..ingest.passages import Passage
from .messages import say

GROUPS = [(kind, say(f"points.group.{kind}")) for kind in ("agreed", "called-for", "cautioned", "concluded", "noted")]
GROUP_TITLES = dict(GROUPS)
_CAUTION = re.compile(r"\b(cautioned|warned)\b", re.I)


@dataclass(frozen=True)
class KeyPoint:
    """One attributed sentence of a passage."""

    group: str
    passage: Passage
    sentence_index: int

    @property
    def text(self) -> str:
        return self.passage.sentences[self.sentence_index].text

    @property
    def attribution(self):
        return self.passage.sentences[self.sentence_index].attribution


def point_group(text: str, speaker: str, agreement: str) -> str | None:
    """The group of an attributed sentence (None when it names no speaker)."""
    if speaker == NOT_STATED:
        return None
    if agreement in ("consensus", "widespread support"):
        return "agreed"
    if CALL_CUE.search(text):
        return "called-for"
    if _CAUTION.search(text):
        return "cautioned"
    if speaker == "the panel as a whole":
        return "concluded"
    return "noted"


def matches(attribution, speakers: set[str] | None, agreements: set[str] | None) -> bool:
    """Whether a sentence's attribution passes a who-said-it filter (None: anything)."""
    return ((not speakers or attribution.speaker in speakers)
            and (not agreements or attribution.agreement in agreements))


def key_points(passages: list[Passage], *, speakers: set[str] | None = None, agreements: set[str] | None = None,
               documents: set[str] | None = None) -> list[KeyPoint]:
    """The attributed sentences of the passages, in document order, with their group."""
    points = []
    for passage in passages:
        if documents is not None and passage.doc_id not in documents:
            continue
        for i, sentence in enumerate(passage.sentences):
            a = sentence.attribution
            group = point_group(sentence.text, a.speaker, a.agreement)
            if group and matches(a, speakers, agreements):
                points.append(KeyPoint(group, passage, i))
    return points


def grouped(points: list[KeyPoint]) -> list[tuple[str, list[KeyPoint]]]:
    """(group title, its points in document order) for the groups that have points."""
    return [(title, [p for p in points if p.group == key]) for key, title in GROUPS
            if any(p.group == key for p in points)]


def by_document(points: list[KeyPoint]) -> list[tuple[str, list[KeyPoint]]]:
    """(document id, its points) in the order the documents come: a library's key points are
    read document by document, each under its own title, never one document's "experts" mixed
    into another's."""
    out: dict[str, list[KeyPoint]] = {}
    for p in points:
        out.setdefault(p.passage.doc_id, []).append(p)
    return list(out.items())
