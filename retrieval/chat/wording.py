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


def who_said(result, document: dict | None = None) -> str:
    """Who said a result's highlighted sentence, as a sentence. A sentence with no speaker of its
    own speaks for its document: a resolution for the organ that adopted it, a draft for its
    sponsors, a report for its author (``document``: the document's listing, with its facts)."""
    label = (result.citation.attribution or {}).get("label")
    if label:
        return f"That was said by {label}" + (" (the summary's words for the whole panel)."
                                              if label == "the panel as a whole" else ".")
    speaker = document_speaker(document)
    if speaker:
        return f"The sentence names no speaker: it is {speaker}."
    return "The document does not say who said it: the sentence names no speaker."


def document_speaker(document: dict | None) -> str | None:
    """Whose words a document is, from its facts: "the General Assembly's text, adopted on 18
    December 2025 (A/RES/80/216)", "the draft submitted by Austria, Croatia and 12 others
    (A/C.3/80/L.41)", "from a report by the Secretary-General (A/39/361)"; None when unknown."""
    from ..answer.citation import format_date

    if not document:
        return None
    facts = document.get("facts") or {}
    symbol = facts.get("symbol")
    kind = (facts.get("kind") or "").lower()
    organ = _and(facts.get("organ"))  # a joint document has two ("General Assembly", "Security Council")
    end = f" ({symbol})" if symbol else ""
    if kind in ("resolution", "decision") and organ:
        adopted = format_date(facts.get("adoption_date"))
        return f"the {organ}'s {kind}" + (f", adopted on {adopted}" if adopted else "") + end
    if kind.startswith("draft"):
        sponsors = [s for s in facts.get("sponsors") or [] if s]
        who = _and(sponsors if len(sponsors) <= 3 else sponsors[:2] + [f"{len(sponsors) - 2} others"])
        body = facts.get("body") or organ
        return (f"the {kind} submitted by {who}" if who else f"a {kind} of the {body}" if body else f"a {kind}") + end
    author = document.get("author") or facts.get("author")
    title = facts.get("title") or ""
    if author:
        return f"from {author}" + end
    if kind and (organ or title):
        # "Progress report of the Secretary-General", "Note by the Secretariat": the author is named.
        by = re.match(r"(?:\w+\s+){0,3}(?:(?i:report|note)\s+(?:of|by)|(?i:letters?)(?:\s+\S+){0,4}?\s+from)\s+the\s+"
                      r"([A-Z][\w-]*(?:\s+(?:(?:and|on|of|for)\s+)?[A-Z][\w-]*)*)", title)
        return f"from a {kind}" + (f" by the {by.group(1)}" if by else f" to the {organ}" if organ else "") + end
    return None


def _and(names) -> str | None:
    """"A", "A and B", "A, B and C" (a single name as it is; None for none)."""
    if not names:
        return None
    if isinstance(names, str):
        return names
    names = [str(n) for n in names]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def where_is(result) -> str:
    c = result.citation
    place = f"section \"{c.section}\", paragraph {c.paragraph}" if c.section else "the title block"
    page = f", page {c.page}" if c.page is not None else ""
    return f"It is in {c.document_title}, {place}{page}."


def about_answer(result, what: str, document: dict | None = None) -> str:
    """The reply to "Who said that?" ('who') or "Where is that?" ('where') about the answer just
    shown: only what was asked, in one line that points to it (``document``: its listing)."""
    return who_said(result, document) if what == "who" else where_is(result)


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


# --- what changed between versions (#34) ----------------------------------------------------
def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def comparison_summary(counts: dict[str, dict[str, int]]) -> str:
    """"3 operative paragraphs added, 11 changed, 1 removed; the preamble gains 2 paragraphs,
    changes 5 and loses 1." (parts with no difference left out; "No paragraph changed." if none)."""
    out = []
    for part, name in (("operative", "operative paragraph"), ("body", "paragraph")):
        c = counts.get(part)
        if not c:
            continue
        words = [(c["added"], "added"), (c["changed"], "changed"), (c["removed"], "removed"), (c["moved"], "moved")]
        words = [(n, w) for n, w in words if n]
        if words:
            first, rest = words[0], words[1:]
            out.append(", ".join([f"{_n(first[0], name)} {first[1]}"] + [f"{n} {w}" for n, w in rest]))
    c = counts.get("preambular")
    if c:
        verbs = [(c["added"], "gains"), (c["changed"], "changes"), (c["removed"], "loses"), (c["moved"], "moves")]
        verbs = [(n, v) for n, v in verbs if n]
        if verbs:
            phrases = [f"{verbs[0][1]} {_n(verbs[0][0], 'paragraph')}"] + [f"{v} {n}" for n, v in verbs[1:]]
            joined = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
            out.append(f"the preamble {joined}")
    if not out:
        return "No paragraph changed."
    text = "; ".join(out)
    return text[0].upper() + text[1:] + "."


def _side(paragraph, label: str) -> str:
    return f"{paragraph.label} of {label}" + (f" (p. {paragraph.page})" if paragraph.page is not None else "")


def change_heading(row, a_label: str, b_label: str) -> str:
    """One row's heading: "Added: para. 5 of A/RES/80/210", "Changed: para. 4 of A/RES/79/171 →
    para. 4 of A/RES/80/210 (dates and numbers only)", "Removed: …", "Moved: …", "Unchanged: …"."""
    if row.status == "added":
        return f"Added: {row.b.label} of {b_label}"
    if row.status == "removed":
        return f"Removed: {row.a.label} of {a_label}"
    if row.status == "unchanged":
        status = "Moved" if row.moved else "Unchanged"
    else:
        status = "Changed and moved" if row.moved else "Changed"
    routine = " (dates and numbers only)" if row.routine else ""
    return f"{status}: {row.a.label} of {a_label} → {row.b.label} of {b_label}{routine}"


def marked_text(row, markdown: bool = False, escape=None) -> str:
    """A row's paragraph in its own words with what changed marked: in text "[+added+]" and
    "[-removed-]", in Markdown **added** and ~~removed~~ (``escape``: how the words are escaped)."""
    esc = escape or (lambda t: t)
    if row.status in ("added", "unchanged"):
        return esc((row.b or row.a).text)
    if row.status == "removed":
        return esc(row.a.text)
    parts = []
    for c in row.changes:
        if c.kind == "same":
            parts.append(esc(c.text))
        elif c.kind == "added":
            parts.append(f"**{esc(c.text)}**" if markdown else f"[+{c.text}+]")
        else:
            parts.append(f"~~{esc(c.text)}~~" if markdown else f"[-{c.text}-]")
    return " ".join(parts)


def comparison_reply(reply, documents: dict[str, dict] | None = None) -> str:
    """What the chat says above a comparison's rows, or instead of them when there is none."""
    documents = documents or {}

    def name(doc_id: str | None) -> str:
        meta = documents.get(doc_id or "", {})
        return (meta.get("facts") or {}).get("symbol") or meta.get("title") or (doc_id or "")

    t = reply.targets
    if t.problem == "unknown":
        them = ", ".join(t.unknown)
        return f"{them} {'is' if len(t.unknown) == 1 else 'are'} not in these documents: there is nothing to compare."
    if t.problem == "no-version":
        return (f"{name(t.document)} has no other version in these documents (no earlier or later text with its "
                "title or its paragraphs), so there is nothing to compare it with.")
    if t.problem or reply.comparison is None:
        if t.candidates:
            listed = "; ".join(name(c) for c in t.candidates[:8])
            return f"Which documents do you mean? It could be: {listed}. Name them by symbol, for example \"What changed between {name(t.candidates[0])} and …?\""
        return ("Which documents do you mean? Name two by symbol (\"What changed between A/RES/79/171 and "
                "A/RES/80/210?\"), or one and its subject (\"What is new in the 2025 resolution on the right to food?\").")
    c = reply.comparison
    if reply.ask.shape == "kept":
        asked_side = t.side
        own = c.a_label if asked_side == "a" else c.b_label
        other = c.b_label if asked_side == "a" else c.a_label
        wanted = reply.ask.paragraph or ""
        shown = wanted.replace("pp ", "preambular para. ") if wanted.startswith("pp ") else f"para. {wanted}"
        if not reply.rows:
            return f"{own} has no {shown}."
        row = reply.rows[0]
        if asked_side == "b":  # asked of the newer text: where it came from
            if row.status == "added":
                return f"{row.b.label.capitalize()} of {c.b_label} is new: {c.a_label} has no paragraph like it."
            how = "word for word" if row.status == "unchanged" else "with changes (marked below)"
            return f"{row.b.label.capitalize()} of {c.b_label} comes from {row.a.label} of {c.a_label}, {how}."
        if row.status == "removed":
            return f"{row.a.label.capitalize()} of {own} was not kept: {other} has no paragraph like it."
        how = "word for word" if row.status == "unchanged" else "with changes (marked below)"
        return f"{row.a.label.capitalize()} of {own} was kept in {other} as {row.b.label}, {how}."
    total = sum(v["unchanged"] + v["changed"] + v["added"] + v["removed"] for v in c.counts().values())
    if not reply.rows:
        return f"{c.b_label} repeats {c.a_label} word for word: its {total} paragraphs are the same."
    return (f"{c.b_label} against {c.a_label}: {comparison_summary(c.counts())} "
            f"The differences, most substantive first:")


def comparison_export(reply, *, markdown: bool) -> list[str]:
    """A comparison's rows for an export: each row's heading, then its words marked."""
    from .transcript import _md

    c = reply.comparison
    if c is None:
        return []
    lines: list[str] = []
    for row in reply.rows:
        heading = change_heading(row, c.a_label, c.b_label)
        if markdown:
            lines += [f"*{_md(heading)}*", "", "> " + marked_text(row, markdown=True, escape=_md), ""]
        else:
            lines += [f"   {heading}", f"   {marked_text(row)}", ""]
    return lines


def compare_with_version_before(before: str) -> str:
    """The Library page's link from a document to what changed since its version before (#34)."""
    return f"What changed since {before}"


def documents_shown(first: int, last: int, found: int, total: int) -> str:
    """The Library's count above a page of documents (#32)."""
    of = f"{found} found of {total} documents" if found != total else f"{total} documents"
    return f"Showing {first}–{last} of {of}." if (first, last) != (1, found) else f"Showing {of}."


def no_document_found(query: str) -> str:
    return (f"No document's symbol, title or facts has every word of “{query.strip()}”. "
            "Try fewer words, or a symbol's numbers alone (79/149).")
