"""Questions about a document's own facts ("When was resolution 80/216 adopted?", "Which
committee's report was it adopted on?", "Who submitted draft L.41?"), answered with the line of
its masthead that states the fact, cited to page 1. The masthead is not a passage (#30): it is
read once into the document's facts, with its lines as printed.

Pure functions; the cues are the ways a fact is asked for, not questions of one document.
"""

from __future__ import annotations

import re

# Which fact a question asks for, in the order they are tried (the first cue that fits wins).
_CUES: list[tuple[str, re.Pattern]] = [
    ("sponsors", re.compile(r"\bwho\b.{0,40}\b(submit|sponsor|table|propos|put forward|introduc|draft)|"
                            r"\b(sponsors?|co-?sponsors?|submitted by|tabled by)\b|\bwhich (countries|states|delegations)\b"
                            r".{0,40}\b(submit|sponsor|propos|put forward)", re.I)),
    ("committee_report", re.compile(r"\b(which|what)\s+(main\s+)?committee\b|\bon the report of\b|"
                                    r"\bcommittee'?s?\s+report\b.{0,40}\badopt|\badopted on\b.{0,20}\breport\b", re.I)),
    ("adoption_date", re.compile(r"\b(when|what date|which day|on what day)\b.{0,60}\b(adopt|pass|approv|vot)|"
                                 r"\b(adoption date|date of adoption|date it was adopted)\b", re.I)),
    ("agenda_item", re.compile(r"\bagenda item\b|\bunder which (agenda )?item\b", re.I)),
    ("distribution_date", re.compile(r"\bwhen\b.{0,60}\b(issued|published|distributed|circulated|released|dated)\b|"
                                     r"\bdate of (the|this) (report|document|draft|letter)\b", re.I)),
    ("session", re.compile(r"\b(which|what)\s+session\b", re.I)),
    ("symbol", re.compile(r"\b(what|which) is (its|the|the document's) (symbol|document number)\b|"
                          r"\bdocument (symbol|number)\b", re.I)),
]


def fact_asked(question: str) -> str | None:
    """The fact a question asks about its document, or None for a question about its content."""
    for key, cue in _CUES:
        if cue.search(question):
            return key
    return None


def printed_fact(facts: dict | None, key: str) -> str | None:
    """The masthead's own words for a fact, where the document prints it."""
    return ((facts or {}).get("printed") or {}).get(key)
