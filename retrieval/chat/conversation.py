"""A conversation, turn by turn: what the chat answers to a message given the exchanges before it.

* small talk gets a short reply instead of a search (a greeting, thanks, goodbye in a line; "help"
  or "what can you do?" says what the chat does, for one document or several);
* "more" / "tell me more" shows the next results of the previous question, saying which;
* a question about the previous answer itself ("Who said that?", "What page is that on?",
  "Where is that in the document?") is answered from that answer, without a new search;
* a follow-up that leans on the previous question (a bare wh-word, a cue such as "What about",
  a pronoun) is searched together with it when joining them raises the best score.

``Exchange`` is the record of one turn that the page, the CLI and the export share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from . import wording
from ..config import MAX_QUESTION_CHARS
from ..answer.compare_questions import compare_asked
from ..answer.engine import Answer, Engine, clean_question

Kind = Literal["answer", "refusal", "about", "help", "more-none", "error", "comparison"]

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
_BARE_WH = re.compile(r"^(why|how|how so|who|when|where|since when|in what way|such as|like what|examples?)[\s!.?]*$",
                      re.IGNORECASE)
_PRONOUN = re.compile(r"\b(they|them|their|it|its|this|that|these|those|he|she|then)\b", re.IGNORECASE)
# Questions about the answer just shown: who said it, where it is.
_WHO_SAID = re.compile(
    r"^(and )?who (said|says|say|wanted|asked for|called for|proposed|suggested|recommended|made|stated|argued)"
    r" (that|this|it)( one)?[\s?.!]*$", re.IGNORECASE)
_WHERE = re.compile(
    r"^(and )?((what|which) (page|section|paragraph)( (is|was) (that|this|it)( (on|in))?)?"
    r"|where (is|was|does) (that|this|it)( (say|said|come from|appear))?( in the (document|text|summary))?"
    r"|(source|citation|reference)( please)?)[\s?.!]*$", re.IGNORECASE)


@dataclass(frozen=True)
class Exchange:
    """One turn: the question as asked, what kind of reply it got, and the reply.

    ``searched_as``: the text searched (the previous question joined for a follow-up, spelling
    corrected); ``shown``: results shown so far for that search ("more" continues from there);
    ``text``: the reply's own words for help, "more" and questions about the previous answer."""

    question: str
    kind: Kind
    answer: Answer | None = None
    searched_as: str | None = None
    shown: int = 0
    text: str | None = None
    record_id: int | None = None  # the question's row in the server's record, for feedback on it

    @property
    def answered(self) -> bool:
        return self.kind in ("answer", "about", "comparison") and self.answer is not None and self.answer.answered

    def to_dict(self) -> dict:
        """The CLI's JSON object: the answer's, with the reply's words when it has them."""
        d = (self.answer.to_dict() if self.answer else Answer(self.question, False).to_dict())
        d["question"] = self.question
        if self.searched_as and self.searched_as != self.question:
            d["searched_as"] = self.searched_as
        if self.text:
            d["reply"] = self.text
        return d


def is_small_talk(message: str) -> bool:
    return bool(_SMALL_TALK.match(message.strip()))


def is_more(message: str) -> bool:
    return bool(_MORE.match(message.strip()))


def about_previous_answer(message: str) -> str | None:
    """'who' or 'where' when the message asks about the answer just shown, else None."""
    text = message.strip()
    if _WHO_SAID.match(text):
        return "who"
    if _WHERE.match(text):
        return "where"
    return None


def is_follow_up(message: str) -> bool:
    """Whether the message leans on the previous question: a bare wh-word, a follow-up cue,
    or a pronoun standing for something said before."""
    text = message.strip()
    return bool(_BARE_WH.match(text) or _FOLLOW_UP_CUE.match(text) or _PRONOUN.search(text))


MAX_HISTORY_TURNS = 20  # earlier questions a conversation is replayed from (JSON-lines mode)
MAX_KEPT_EXCHANGES = 200  # exchanges a chat page keeps, draws and exports


def keep_recent(exchanges: list["Exchange"]) -> list["Exchange"]:
    """The exchanges a page keeps: the last MAX_KEPT_EXCHANGES (every rerun draws them all)."""
    return exchanges[-MAX_KEPT_EXCHANGES:]


def bounded_history(questions: list[str]) -> list[str]:
    """The earlier questions a turn is answered with: the last MAX_HISTORY_TURNS, each cut to
    the question length limit. Only the last answered one and "more" counts lean on history, so
    older turns change nothing, while replaying thousands would block every line after them."""
    return [q[:MAX_QUESTION_CHARS] for q in questions[-MAX_HISTORY_TURNS:]]


def follow_up_context(message: str, previous: str | None) -> str | None:
    """The previous question when the message leans on it, cut so that the two together stay
    within the question length limit (a chain of follow-ups never grows past it)."""
    if not previous or not is_follow_up(message):
        return None
    room = MAX_QUESTION_CHARS - len(message.strip()) - 1
    return previous[: max(room, 0)].strip() or None


def respond(engine: Engine, message: str, history: list[Exchange], top_k: int,
            documents: set[str] | None = None, exact: bool = False, speakers: set[str] | None = None,
            agreements: set[str] | None = None) -> Exchange:
    """What the chat answers to a message, given the earlier exchanges (oldest first);
    ``documents``, ``speakers`` and ``agreements`` limit what may answer; misspelt words are
    corrected unless ``exact``."""
    previous = next((t for t in reversed(history) if t.answered), None)
    filters = {"documents": documents, "speakers": speakers, "agreements": agreements}
    if is_small_talk(message):
        # A symbol of the library's own shows how to name a document and its paragraph.
        facts = [d.get("facts") or {} for d in engine.documents]
        numbered = [f for f in facts if f.get("symbol") and (f.get("kind") or "").endswith("resolution")]
        symbol = next((f["symbol"] for f in numbered or facts if f.get("symbol")), None)
        return Exchange(message, "help", text=wording.small_talk_reply(message, len(engine.documents), symbol))
    if is_more(message):
        if previous is None:
            return Exchange(message, "help", text=wording.ASK_FIRST)
        if previous.kind == "comparison":  # a comparison shows every difference at once
            return Exchange(message, "more-none", previous.answer, previous.searched_as, previous.shown,
                            text=wording.no_more(previous.question))
        answer = replace(engine.ask(previous.searched_as, top_k=top_k, offset=previous.shown, exact=True, **filters),
                         question=message)
        if not answer.results:
            return Exchange(message, "more-none", answer, previous.searched_as, previous.shown,
                            text=wording.no_more(previous.question))
        return Exchange(message, "answer", answer, previous.searched_as, previous.shown + len(answer.results),
                        text=wording.more_of(previous.question, previous.shown))
    about = about_previous_answer(message)
    if about and previous is not None:
        top = previous.answer.results[0]
        answer = replace(previous.answer, question=message, results=[top])
        return Exchange(message, "about", answer, previous.searched_as, previous.shown,
                        text=wording.about_answer(top, about, next(
                            (d for d in engine.documents if d["id"] == top.citation.document), None)))
    text, note = clean_question(message)
    corrected = text if exact else engine.speller.correct(text)
    if compare_asked(corrected) and len(engine.documents) > 1 and not (documents or speakers or agreements):
        # What changed between versions: the previous question may say which ("… of the draft").
        answer = engine.ask(corrected, context=previous.searched_as if previous else None, exact=True)
        if answer.comparison is not None:
            reply = wording.comparison_reply(answer.comparison, {d["id"]: d for d in engine.documents})
            answer = replace(answer, question=message, note=note, corrected=corrected if corrected != text else None)
            return Exchange(message, "comparison", answer, corrected, len(answer.results), text=reply)
    context = follow_up_context(corrected, previous.searched_as if previous else None)
    answer = engine.ask(corrected, top_k=top_k, context=context, exact=True, **filters)
    if context and not answer.paragraph:
        # Leaning on the previous question is a cue, not proof: keep the context only if it helps
        # (a paragraph asked by its number is found in the document the previous question named).
        alone = engine.ask(corrected, top_k=top_k, exact=True, **filters)
        if _top_score(alone) >= _top_score(answer):
            answer, context = alone, None
    query = f"{context} {corrected}" if context else corrected
    bare = _BARE_WH.match(corrected.strip())
    more_said = None
    if bare and context and previous is not None and _same_top(answer, previous.answer):
        # "Why?" that finds only the sentence just shown: say the document gives no more.
        more_said = wording.nothing_more(bare.group(1))
    answer = replace(answer, question=message, note=note, searched_as=query if query != text else None,
                     corrected=corrected if corrected != text else None)
    if not answer.answered:
        return Exchange(message, "refusal", answer, query)
    return Exchange(message, "answer", answer, query, len(answer.results), text=more_said)


def _top_score(answer: Answer) -> float:
    return answer.results[0].score if answer.answered and answer.results else float("-inf")


def _same_top(answer: Answer, previous: Answer | None) -> bool:
    """Whether an answer's first result highlights what the previous answer's first one did."""
    if not (previous and previous.results and answer.answered and answer.results):
        return False
    a, b = answer.results[0], previous.results[0]
    return a.passage_id == b.passage_id and a.highlight_start == b.highlight_start
