"""Conversation logic the chat page relies on, kept here so it is tested without a page.

* small talk (greetings, thanks, "help") gets a help reply instead of a search;
* "more" / "tell me more" shows the next results of the previous question;
* an elliptical follow-up ("What about women?", "Why?", "And the costs?") is searched
  together with the previous question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .config import MAX_QUESTION_CHARS
from .engine import Answer, Engine, clean_question

_SMALL_TALK = re.compile(
    r"^(hi|hello|hey|hiya|good (morning|afternoon|evening|day)|greetings|thanks|thank you|thanks a lot|"
    r"thank you very much|thx|cheers|ok(ay)?|bye|goodbye|help|\?|what can you do|who are you|"
    r"how does this work|what is this|how do i use this)( there| again)?[\s!.?]*$",
    re.IGNORECASE,
)
_MORE = re.compile(r"^(more|tell me more|show( me)? more|more results|next|anything else|go on|continue)[\s!.?]*$",
                   re.IGNORECASE)
_FOLLOW_UP_CUE = re.compile(
    r"^(what about|how about|and what about|what of|and|also|but|so|then)\b[\s,]*", re.IGNORECASE)
_BARE_WH = re.compile(r"^(why|how|how so|who|when|where|in what way|such as|like what|examples?)[\s!.?]*$",
                      re.IGNORECASE)
_PRONOUN = re.compile(r"\b(they|them|their|it|its|this|that|these|those|he|she)\b", re.IGNORECASE)

HELP_TEXT = (
    "I answer questions about one document, quoting its own words with a citation "
    "(section, paragraph, page). Ask in plain language, for example "
    "\"What did panellists say about remittances?\". Type \"more\" for further passages "
    "on the last question, or a short follow-up such as \"What about women?\"."
)


@dataclass(frozen=True)
class Turn:
    """One earlier exchange, as the page keeps it."""

    question: str
    searched_as: str
    answered: bool
    shown: int  # results shown so far for this question


@dataclass(frozen=True)
class Reply:
    kind: str  # "answer", "refusal", "help", "more-none"
    answer: Answer | None
    searched_as: str | None
    shown: int = 0
    text: str | None = None


def is_small_talk(message: str) -> bool:
    return bool(_SMALL_TALK.match(message.strip()))


def is_more(message: str) -> bool:
    return bool(_MORE.match(message.strip()))


def is_follow_up(message: str) -> bool:
    """Short questions that lean on the previous one: a cue word, a bare wh-word, or a pronoun
    with hardly any content of their own."""
    text = message.strip()
    words = re.findall(r"\w+", text)
    if _BARE_WH.match(text):
        return True
    if _FOLLOW_UP_CUE.match(text) and len(words) <= 6:
        return True
    return len(words) <= 5 and bool(_PRONOUN.search(text))


def follow_up_context(message: str, previous: str | None) -> str | None:
    """The previous question when the message leans on it, cut so that the two together stay
    within the question length limit (a chain of follow-ups never grows past it)."""
    if not previous or not is_follow_up(message):
        return None
    room = MAX_QUESTION_CHARS - len(message.strip()) - 1
    return previous[: max(room, 0)].strip() or None


def contextualize(message: str, previous: str | None) -> str:
    """The text to search for: the message, joined to the previous question when elliptical."""
    context = follow_up_context(message, previous)
    return f"{context} {message.strip()}" if context else message


def respond(engine: Engine, message: str, history: list[Turn], top_k: int,
            documents: set[str] | None = None, exact: bool = False, speakers: set[str] | None = None,
            agreements: set[str] | None = None) -> Reply:
    """What the chat answers to a message, given the earlier turns (oldest first);
    ``documents`` limits the search to those document ids; misspelt words are corrected unless
    ``exact``."""
    previous = next((t for t in reversed(history) if t.answered), None)
    if is_small_talk(message):
        return Reply("help", None, None, text=HELP_TEXT)
    if is_more(message):
        if previous is None:
            return Reply("help", None, None, text="Ask a question first; then \"more\" shows further passages.")
        answer = engine.search(previous.searched_as, top_k=top_k, offset=previous.shown, question=message,
                               documents=documents, speakers=speakers, agreements=agreements)
        if not answer.results:
            return Reply("more-none", answer, previous.searched_as, previous.shown,
                         text="There are no further passages on that question.")
        return Reply("answer", answer, previous.searched_as, previous.shown + len(answer.results))
    text, note = clean_question(message)
    corrected = text if exact else engine.speller.correct(text)
    context = follow_up_context(corrected, previous.searched_as if previous else None)
    query = f"{context} {corrected}" if context else corrected
    answer = engine.search(corrected, top_k=top_k, note=note, question=message, context=context,
                           documents=documents, speakers=speakers, agreements=agreements)
    answer = replace(answer, question=message,
                     searched_as=query if (context or corrected != text) else None,
                     corrected=corrected if corrected != text else None)
    if not answer.answered:
        return Reply("refusal", answer, query)
    return Reply("answer", answer, query, len(answer.results))
