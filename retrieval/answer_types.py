"""What kind of answer a question asks for, and whether a sentence carries one.

"When …?" wants a date, "How many …?" a number, "Why …?" a cause, "What did they recommend …?"
a call for action. Among the sentences of an answering passage, the one that carries the kind of
answer asked for is more likely the answer (the classic answer-type check of question answering).
The highlight weighs this as a small bonus; ranking does not use it.

Pure functions over text: testable without a model.
"""

from __future__ import annotations

import re

from .key_points import CALL_CUE

_QUESTION_TYPES = [
    ("date", re.compile(r"^\W*when\b|\b(what|which) (year|date|day|month)\b", re.I)),
    ("number", re.compile(r"\bhow (many|much)\b|\bwhat (number|percentage|share|proportion)\b", re.I)),
    ("cause", re.compile(r"^\W*why\b|\bwhat (causes|caused|drives|drove|led to)\b|\breasons?\b", re.I)),
    ("call", re.compile(r"\b(recommend\w*|suggest\w*|propos\w*|urge\w*|call(ed|s)? for|should|"
                        r"how (can|could|to|might)|what (needs|must|should|can))\b", re.I)),
]
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_CARRIES = {
    "date": re.compile(rf"\b(1[89]|20)\d\d\b|\b({_MONTHS})\b"),
    "number": re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|thousand"
                         r"|million|billion|half|third|quarter|per ?cent)\b", re.I),
    "cause": re.compile(r"\b(because|due to|owing to|as a result|result(s|ed)? (in|from)|led to|lead(s|ing)? to"
                        r"|caused|driven by|therefore|thus|reasons?)\b", re.I),
}
# A call for action is also said without a speaker's verb: "More efforts were needed to …".
_NEEDED = re.compile(r"\b(needs?|needed) to\b|\bshould\b|\bmust\b", re.I)


def answer_type(question: str) -> str | None:
    """The kind of answer the question asks for: "date", "number", "cause", "call" or None."""
    for kind, pattern in _QUESTION_TYPES:
        if pattern.search(question):
            return kind
    return None


def carries(kind: str | None, sentence: str) -> bool:
    """Whether the sentence holds an answer of that kind (a date, a number, a cause, a call)."""
    if kind is None:
        return False
    if kind == "call":
        return bool(CALL_CUE.search(sentence) or _NEEDED.search(sentence))
    return bool(_CARRIES[kind].search(sentence))
