"""The words the chat, the CLI and the export say around the document's own sentences.

One place for them, so the page, the command line and a downloaded transcript say the same
thing: refusals, help, "more", who said an answer and where it is, filter and missing-term notes.
Plain text; the page escapes it.
"""

from __future__ import annotations

import re

_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][^\s'\"\\/:]+)+[\\/]?")

HELP_TEXT = (
    "I answer questions about {what}, quoting {whose} own words with a citation "
    "(section, paragraph, page). Ask in plain language, for example "
    "\"What did panellists say about remittances?\". Type \"more\" for further passages "
    "on the last question, a follow-up such as \"What about women?\", or ask about the answer "
    "itself: \"Who said that?\", \"What page is that on?\"."
)
_GREETING = re.compile(r"^(hi|hello|hey|hiya|good (morning|afternoon|evening|day)|greetings)\b", re.I)
_THANKS = re.compile(r"^(thanks|thank you|thx|cheers)\b", re.I)
_BYE = re.compile(r"^(bye|goodbye)\b", re.I)
_OK = re.compile(r"^ok(ay)?\b", re.I)


def help_text(documents: int) -> str:
    """What the chat does, for one document or a library of several."""
    return HELP_TEXT.format(what="the document" if documents == 1 else f"the library's {documents} documents",
                            whose="its" if documents == 1 else "their")


def small_talk_reply(message: str, documents: int) -> str:
    """A short reply to small talk: a greeting, thanks, goodbye or "ok" in a line; a request for
    help ("help", "what can you do?") with what the chat does."""
    text = message.strip()
    about = "the document" if documents == 1 else f"the {documents} documents in the library"
    if _GREETING.match(text):
        return f"Hello. Ask me anything about {about}."
    if _THANKS.match(text):
        return "You're welcome."
    if _BYE.match(text):
        return "Goodbye."
    if _OK.match(text):
        return "Ask a question whenever you like."
    return help_text(documents)


ASK_FIRST = "Ask a question first; then \"more\" shows further passages."
REFUSAL = "The document doesn't cover this."
REFUSAL_MANY = "These documents don't cover this."
REFUSAL_DETAIL = "Nothing in it answers the question closely enough."
PARTIAL = "Closest passages — these may not answer the question."
UNCERTAIN = "The closest passages — they may not answer this exactly."


def refusal(documents: int = 1) -> str:
    """The refusal's first words, for the one document searched or several."""
    return REFUSAL if documents == 1 else REFUSAL_MANY


def partial_note(missing: list[str] | tuple[str, ...], documents: int = 1) -> str:
    """What a "partial" answer says above its passages: what the document lacks, when that is why;
    otherwise that the evidence was too weak for the answer box (reason "uncertain")."""
    return f"{PARTIAL} {missing_sentence(missing, documents)}" if missing else UNCERTAIN


def no_more(question: str) -> str:
    return f"There are no further passages on \"{question}\"."


def more_of(question: str, shown: int) -> str:
    return f"More on \"{question}\" (results {shown + 1} onwards, each less close than the last)."


def nothing_more(wh: str) -> str:
    """The reply to "Why?" (or "How?", "When?") when the search finds only the answer already shown."""
    return f"The document says nothing more about {wh.lower()} than this passage, already shown:"


def missing_sentence(missing: list[str] | tuple[str, ...], documents: int = 1) -> str:
    """'The document doesn't mention a, b or c.' ('The documents searched don't…' for several)."""
    names = list(missing)
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    whose = "The document doesn't" if documents == 1 else "The documents searched don't"
    return f"{whose} mention {listed}."


def refusal_detail(missing: list[str] | tuple[str, ...] = (), documents: int = 1) -> str:
    """Why a question was refused: what it names that the document lacks, when that is known."""
    if missing:
        return missing_sentence(missing, documents)
    return REFUSAL_DETAIL if documents == 1 else REFUSAL_DETAIL.replace(" it ", " them ")


def who_said(result) -> str:
    """Who said a result's highlighted sentence, as a sentence."""
    label = (result.citation.attribution or {}).get("label")
    if not label:
        return "The document does not say who said it: the sentence names no speaker."
    return f"That was said by {label}" + (" (the summary's words for the whole panel)."
                                          if label == "the panel as a whole" else ".")


def where_is(result) -> str:
    c = result.citation
    place = f"section \"{c.section}\", paragraph {c.paragraph}" if c.section else "the title block"
    page = f", page {c.page}" if c.page is not None else ""
    return f"It is in {c.document_title}, {place}{page}."


def about_answer(result, what: str) -> str:
    """The reply to "Who said that?" ('who') or "Where is that?" ('where') about the answer just
    shown: only what was asked, in one line that points to it."""
    return who_said(result) if what == "who" else where_is(result)


def filter_label(filters: dict | None) -> str | None:
    """'Only what the experts said', 'Only statements with consensus', or both; None without filters."""
    parts = []
    filters = filters or {}
    if filters.get("speaker"):
        parts.append("what " + " or ".join(f"the {s}" if s in ("panellists", "experts", "participants") else s
                                           for s in filters["speaker"]) + " said")
    if filters.get("agreement"):
        parts.append("statements with " + " or ".join(filters["agreement"]))
    return "Only " + ", and only ".join(parts) if parts else None


def failure_reason(exc: BaseException) -> str:
    """Why a change to the library failed, in one line for anyone to read: what went wrong, never
    a server path, a traceback or an internal name."""
    from ..ingest.formats import IngestError
    from ..index.writer import LibraryBusy

    if isinstance(exc, OSError) and exc.strerror:
        return f"the server could not write the library ({exc.strerror[:1].lower() + exc.strerror[1:]})"
    if isinstance(exc, (IngestError, LibraryBusy)):
        text = " ".join(str(exc).split())
    else:
        text = "the index could not be built"
    return _PATH.sub(lambda m: m.group(0).rstrip("/\\").rsplit("/", 1)[-1].rsplit("\\", 1)[-1], text)


_LANGUAGES = {"es": "Spanish", "fr": "French", "ar": "Arabic", "ru": "Russian", "zh": "Chinese", "de": "German",
              "pt": "Portuguese", "it": "Italian", "nl": "Dutch"}


def un_facts_line(facts: dict | None) -> str | None:
    """A UN document's facts as its masthead gives them, in a line: "Resolution · General Assembly ·
    80th session · Agenda item 71 (b) · adopted 18 December 2025 · on the report of the Third
    Committee (A/80/545)"; None for a document that is not one."""
    from ..answer.citation import format_date

    if not facts:
        return None
    parts = [(facts.get("kind") or "").capitalize() or None, facts.get("body") or facts.get("organ"),
             f"{_ordinal(facts['session'])} session" if facts.get("session") else None, facts.get("agenda_item")]
    if facts.get("adoption_date"):
        parts.append(f"adopted {format_date(facts['adoption_date'])}")
    elif facts.get("distribution_date"):
        parts.append(f"issued {format_date(facts['distribution_date'])}")
    if facts.get("committee_report"):
        parts.append(f"on the report of the {facts.get('committee') or 'Committee'} ({facts['committee_report']})")
    if facts.get("sponsors"):
        sponsors = facts["sponsors"]
        parts.append("submitted by " + (", ".join(sponsors[:6]) + (f" and {len(sponsors) - 6} others" if len(sponsors) > 6 else "")))
    return " · ".join(p for p in parts if p)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def language_note(code: str | None) -> str | None:
    """What the Library says of a document not written in English (the models' language)."""
    if not code or code == "en":
        return None
    name = _LANGUAGES.get(code, f"language '{code}'")
    return f"Written in {name}: questions in English may not find it."


def scope_line(named: list[dict], not_in_library: list[str] | tuple[str, ...] = ()) -> str | None:
    """The line before the answers of a question that named its document: "In The right to food
    (A/RES/80/210):", "In 3 documents: …", or "A/RES/73/195 is not in this library." """
    if not_in_library:
        them = ", ".join(not_in_library)
        verb = "is" if len(not_in_library) == 1 else "are"
        return f"{them} {verb} not in this library; the closest passages in the other documents:"
    if not named:
        return None
    if len(named) == 1:
        return f"In {named[0]['title']}:"
    titles = "; ".join(d["title"] for d in named[:4]) + ("; …" if len(named) > 4 else "")
    return f"In the {len(named)} documents named ({titles}):"


def also_in_title(count: int) -> str:
    """The heading over the other versions a result's text is in."""
    return f"Also in {count} other version{'s' * (count != 1)}"
