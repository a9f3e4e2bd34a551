"""Questions about a document's own facts ("When was resolution 80/216 adopted?", "Which
committee's report was it adopted on?", "Who submitted draft L.41?"), answered with the line of
its masthead that states the fact, cited to page 1. The masthead is not a passage (#30): it is
read once into the document's facts, with its lines as printed.

Pure functions; the cues are the ways a fact is asked for, not questions of one document.
"""

from __future__ import annotations

import re

# Which fact a question asks for, in the order they are tried (the first cue that fits wins).
# A question names a document for these to apply, so the words between a question word and its
# verb may be a whole title ("On what date was the resolution on the human rights to safe drinking
# water and sanitation, 80/216, adopted?"): up to _SPAN characters.
_SPAN = ".{0,160}"
_DOCUMENT = r"(document|report|resolution|draft|letters?|note|decision)\b"
_CUES: list[tuple[str, re.Pattern]] = [
    ("sponsors", re.compile(r"\bwho\b.{0,40}\b(submit|sponsor|table|propos|put forward|introduc|draft)|"
                            r"\b(sponsors?|co-?sponsors?|submitted by|tabled by|on whose behalf)\b|\bwhich (countries|states|delegations)\b"
                            r".{0,40}\b(submit|sponsor|propos|put forward)", re.I)),
    ("committee_report", re.compile(r"\b(which|what)\s+(main\s+)?committee\b|\bon the report of\b|"
                                    r"\bcommittee'?s?\s+report\b.{0,40}\badopt|\badopted on\b.{0,20}\breport\b", re.I)),
    ("adoption_date", re.compile(rf"\b(when|what date|which day|on what day)\b{_SPAN}\b(adopt|pass|approv|vot)|"
                                 r"\b(adoption date|date of adoption|date it was adopted)\b", re.I)),
    ("agenda_item", re.compile(r"\b(under|on|in) (which|what) ((?-i:[A-Z][\w-]*) ){0,3}(agenda )?items?\b|\b(which|what) agenda items?\b|"
                               r"\bwhat (is|was) (the|its) agenda item\b|\bagenda items? (was|were|is|are) (it|they|the)\b", re.I)),
    ("distribution_date", re.compile(rf"\bwhen\b{_SPAN}\b(issued|published|distributed|circulated|released|dated)\b|"
                                     r"\bdate of (the|this) (report|document|draft|letter)\b", re.I)),
    ("official_records", re.compile(r"\bofficial records\b|\b(which|what) supplement\b|\bsupplement (no\.?|number)\b",
                                    re.I)),
    ("session", re.compile(r"\b(which|what)\s+session\b", re.I)),
    ("symbol", re.compile(r"\b(what|which) is (its|the|the document's) (symbol|document number)\b|"
                          r"\bdocument (symbol|number)\b", re.I)),
    # What the document is, and whose: its title as printed ("Question of East Timor: progress
    # report of the Secretary-General"; "Identical letters dated … from the Secretary-General").
    # "What is A/79/352?" only when nothing but its author follows: "What is A/RES/80/216 asking
    # Member States to do?" asks about its paragraphs.
    ("title", re.compile(rf"\bwhat is (the )?({_DOCUMENT}\s*)?(?-i:[A-Z])/\S+?[?.]?\s*(,?\s*and who\b.*)?$|"
                         rf"\bwhat (is|was) (it|(this|the) {_DOCUMENT}) (about|called)\b|"
                         rf"\b(what is|what's) (its|the {_DOCUMENT}'s|the) (full |official )?title\b(?! of (a|the) "
                         r"(section|chapter|part|annex|paragraph))|\btitle of (the|this) (document|resolution|report|draft)\b|"
                         rf"\bwho (wrote|authored|signed|issued|sent) ((the|this|that) )?({_DOCUMENT}|(?-i:[A-Z])/)|"
                         r"\b(who is|who's) (its|the) author\b|\bwhose (report|letter|document)\b", re.I)),
]
_QUESTION_WORD = re.compile(r"\b(what|which|when|who|whom|whose|where|why|how)\b", re.I)
_OPENING_QUESTION_WORDS = re.compile(r"\W*(what|which|when|who|whom|whose|where|why|how)\b"
                                     r"(\s*(,|and|or)\s*(what|which|when|who|whom|whose|where|why|how)\b)*", re.I)


def fact_asked(question: str) -> str | None:
    """The fact a question asks about its document, or None for a question about its content.

    A cue that begins with a question word counts only when that is the question's first one:
    "In resolution 80/188, what report is the Secretary-General asked to produce, and for which
    session?" asks for a report (a paragraph), not for the resolution's session."""
    # The question words that open it, with "and" or a comma between ("How and when was …").
    opening = _OPENING_QUESTION_WORDS.match(question)
    first = {m.start() for m in _QUESTION_WORD.finditer(question, 0, opening.end())} if opening else set()
    if not first and (found := _QUESTION_WORD.search(question)):
        first = {found.start()}
    for key, cue in _CUES:
        for found in cue.finditer(question):
            if _QUESTION_WORD.match(question, found.start()) is None or not first or found.start() in first:
                return key
    return None


def printed_fact(facts: dict | None, key: str) -> str | None:
    """The masthead's own words for a fact, where the document prints it. An agenda item and a
    title come with the item's title printed under the item ("Agenda item 139: Proposed programme
    budget for 2025"; "Question of East Timor: Progress report of the Secretary-General"): what the
    document is, as its masthead says it."""
    printed = (facts or {}).get("printed") or {}
    line = printed.get(key)
    subject = printed.get("agenda_subject")
    if line and subject and key in ("agenda_item", "title"):
        return f"{line}: {subject}" if key == "agenda_item" else f"{subject}: {line}"
    return line


# A masthead line's footnote mark ("Iraq:* draft resolution"): the footnote says on whose behalf a
# draft was submitted ("* On behalf of the States that are members of the Group of 77 and China").
_MARK = re.compile(r"[*†‡]+")


def with_marked_footnote(line: str, footnotes: list[str]) -> str:
    """The masthead's line followed by the footnote its mark calls: the first of the document's
    footnotes (each as printed, in reading order) that opens with that mark and no longer one ("*"
    is not "**"); the line alone when it has no mark or no footnote opens with it."""
    mark = _MARK.search(line)
    if mark is None:
        return line
    for note in footnotes:
        text = note.strip()
        if text.startswith(mark.group()) and not _MARK.match(text[len(mark.group()):]):
            return f"{line} ({text})"
    return line
