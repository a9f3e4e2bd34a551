"""What kind of answer a question asks for, and whether a sentence carries one.

"When …?" wants a date, "Who …?" someone named (a speaker, a body, an actor), "Which countries /
organisations …?" a name, "How many …?" a number, "Why …?" a cause, "What did they recommend …?" a
call for action. Among the sentences of an answering passage, the one that carries the kind of
answer asked for is more likely the answer (the classic answer-type check of question answering).
The highlight weighs this as a small bonus, and whether the answer box's sentence carries what was
asked for is one of the signals of the box's confidence (``selective``); ranking does not use it.

Pure functions over text: testable without a model.
"""

from __future__ import annotations

import re

from ..ingest.attribution import CALL_CUE, sentence_cue

_QUESTION_TYPES = [
    ("date", re.compile(r"^\W*when\b|\b(what|which) (year|date|day|month)\b", re.I)),
    ("who", re.compile(r"^\W*who(m|se)?\b|\bby whom\b", re.I)),
    # "Which African countries …?" asks for names; "What are countries asked to do …?" does not (a verb
    # between is no adjective of the noun).
    ("name", re.compile(r"\b(which|what) (?!(?:are|is|were|was|do|does|did|should|must|can|could|have|has|will|would)\s)"
                        r"([\w-]+ )?(countries|country|organi[sz]ations?|agreements?|conventions?|treat(y|ies)"
                        r"|bod(y|ies)|institutions?|forums?|groups?|agenc(y|ies))\b", re.I)),
    ("number", re.compile(r"\bhow (many|much)\b|\bwhat (number|percentage|share|proportion)\b", re.I)),
    ("cause", re.compile(r"^\W*why\b|\bwhat (causes|caused|drives|drove|led to)\b|\breasons?\b", re.I)),
    ("call", re.compile(r"\b(recommend\w*|suggest\w*|propos\w*|urge\w*|call(ed|s)? (for|(up)?on)|should|"
                        r"request(s|ed)?|ask(s|ed)? (\w+ ){0,3}to|"
                        r"how (can|could|to|might)|what (needs|must|should|can))\b", re.I)),
]
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_CARRIES = {
    "date": re.compile(rf"\b(1[89]|20)\d\d\b|\b({_MONTHS})\b"),
    # Figures as digits or as words ("twelve tonnes", "forty-two States", "a dozen"), and multiples
    # ("a sixfold increase", "twice as fast", "doubled", "double the number"); "one of my concerns", "one
    # another", "no one", "the double burden of malnutrition", "the triple planetary crisis" count nothing.
    "number": re.compile(r"\d|(?<!no )\bone\b(?!\s+(?:of|another)\b)|\b((two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|(thir|four|fif|six"
                         r"|seven|eigh|nine)teen|(twen|thir|for|fif|six|seven|eigh|nine)ty|dozen|hundred|thousand"
                         r"|million|billion)(-?fold)?|half|halved|third|quarter|per ?cent|twice|doubled|tripled"
                         r"|(double|triple)(?= (the|its|their|in)\b))\b", re.I),
    "cause": re.compile(r"\b(because|due to|owing to|as a result|result(s|ed)? (in|from)|led to|lead(s|ing)? to"
                        r"|caused|driven by|therefore|thus|reasons?)\b", re.I),
}
# Figures that are no answer to "how many / how much": symbols and resolution numbers ("A/RES/64/292",
# "resolution 64/292", "S/2025/18"), dates ("28 July 2010", "2010") and references to a paragraph,
# an article or a year ("para. 5", "article 11", "1539 (2004)").
_NOT_A_COUNT = re.compile(
    r"\b[A-Z]+(/[A-Z0-9.]+)*/\d+(/\d+)*\b|\b\d+/\d+(/\d+)?\b"
    rf"|\b\d{{1,2}} ({_MONTHS})( (1[89]|20)\d\d)?\b|\b({_MONTHS}) (1[89]|20)\d\d\b|\b(1[89]|20)\d\d\b"
    r"|\b(paras?\.|paragraphs?|articles?|resolutions?|decisions?|chapters?|annex|sections?|items?|No\.) ?\d+(/\d+)*"
    r"|\(\d{4}\)"
    r"|^\W*\d{1,3} ?[.,]\s")  # the paragraph's own number ("12. …"; "19, …" as an old scan reads it)
# A call for action is also said without a speaker's verb: "More efforts were needed to …"; and a
# resolution's operative paragraph is one by its verb ("10. Also calls upon Member States …").
_NEEDED = re.compile(r"\b(needs?|needed) to\b|\bshould\b|\bmust\b", re.I)
_OPERATIVE_CALL = re.compile(r"^\W*(\d+\.\s+)?(\w+ ){0,2}(urges|calls (up)?on|requests|encourages|invites|"
                             r"recommends|appeals|demands|exhorts|decides|stresses the need|underlines the need)\b", re.I)
# A name: a capitalised word that does not open the sentence, or an acronym.
_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+\b|\b[A-Z]{2,}\b")
# Someone acting: an agent after "by", or a named body ("the review team", "Member States").
_ACTOR = re.compile(r"\bby (the |an? )?[A-Za-z-]+|\b(team|ministry|government|inspectorate|organi[sz]ation)s?\b", re.I)


# Kinds whose carrying is plain to see (a year, a month, a figure): when the first passage's
# sentence lacks one, a close passage's sentence that has one is the better answer (``first_typed``).
EXACT_KINDS = frozenset({"date", "number"})
# How close a passage that holds the figure must be to the first to go before it: every such move
# on the shipped summary's sets and the library's tune set was within 0.64 of the first's score.
TYPED_CLOSE = 0.5


def first_typed(kind: str | None, carried: list[bool | None], scores: list[float] | None = None,
                within: int = 3, close: float = TYPED_CLOSE, exact: bool = False) -> int:
    """Which of the first ``within`` results should go first: the first one whose highlight
    carries an exact kind of answer (a date, a number) when the first result's does not, if its
    score is at least ``close`` times the first's (a passage far behind is not the answer for
    holding a figure: "How much cod did the fleet land?" is not answered by another document's
    sentence with a year in it); else 0. ``exact``: ``carried`` is plain to see whatever the kind
    (a resolution's operative verb for "What was asked …?", ``operative_call``)."""
    if kind not in EXACT_KINDS and not exact or not carried or carried[0]:
        return 0
    for j, c in enumerate(carried[1:within], 1):
        if c:
            near = scores is None or scores[0] <= 0 or scores[j] >= close * scores[0]
            return j if near else 0
    return 0


# "How much …?" asks for an amount when it is about money or a measure ("How much did the project
# cost?", "how much funding"), for a degree otherwise ("How much trust has been built?").
_AMOUNT = re.compile(r"\bhow many\b|\bwhat (number|percentage|share|proportion)\b|\bhow much\b[^?]{0,120}?\b(cost\w*|money|"
                     r"fund\w*|budget\w*|spen[dt]\w*|pa(y|id|yment)s?|worth|price\w*|dollars?|francs?|euros?|tonnes?|"
                     r"per ?cent|contribut\w*|allocat\w*|raised?|financ\w*|amount)\b", re.I)


def asks_for_figure(question: str, kind: str | None) -> bool:
    """Whether the question (of ``answer_type`` ``kind``) wants a date or an amount the answer must
    print: "When …?", "How many …?", "How much did it cost?" (not "How much trust …?", a degree)."""
    return kind == "date" or kind == "number" and _AMOUNT.search(question) is not None


def operative_call(text: str) -> bool:
    """Whether a passage is a resolution's call for action: an operative paragraph whose verb asks
    something of someone ("2. Calls upon the administering Power …", "Urges Member States …"), not a
    preambular one that recalls or notes."""
    return bool(_OPERATIVE_CALL.search(text))


def answer_type(question: str) -> str | None:
    """The kind of answer the question asks for: "date", "who", "name", "number", "cause", "call"
    or None."""
    for kind, pattern in _QUESTION_TYPES:
        if pattern.search(question):
            return kind
    return None


def carries(kind: str | None, sentence: str) -> bool:
    """Whether the sentence holds an answer of that kind (a date, a number, a cause, a call)."""
    if kind is None:
        return False
    if kind == "call":
        return bool(CALL_CUE.search(sentence) or _NEEDED.search(sentence) or _OPERATIVE_CALL.search(sentence))
    if kind == "who":
        return sentence_cue(sentence) is not None or bool(_ACTOR.search(sentence) or _NAME.search(sentence))
    if kind == "name":
        return bool(_NAME.search(sentence))
    if kind == "number":  # a count or an amount: not a document's number, a paragraph's or a date
        sentence = _NOT_A_COUNT.sub(" ", sentence)
    return bool(_CARRIES[kind].search(sentence))
