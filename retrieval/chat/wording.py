"""The words the chat, the CLI and the export say around the document's own sentences.

One place for them, so the page, the command line and a downloaded transcript say the same
thing: refusals, help, "more", who said an answer and where it is, filter and missing-term notes.
Plain text; the page escapes it.
"""

from __future__ import annotations

import re

from .messages import say

_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][^\s'\"\\/:]+)+[\\/]?")

_GREETING = re.compile(r"^(hi|hello|hey|hiya|good (morning|afternoon|evening|day)|greetings)\b", re.I)
_THANKS = re.compile(r"^(thanks|thank you|thx|cheers)\b", re.I)
_BYE = re.compile(r"^(bye|goodbye)\b", re.I)
_OK = re.compile(r"^ok(ay)?\b", re.I)


def help_text(documents: int, symbol: str | None = None) -> str:
    """What the chat does, for one document or a library of several; ``symbol``: a UN document
    symbol of the library, to show how a document and its paragraph are named in a question."""
    one = documents == 1
    said = say("help", what=say("help.what.one") if one else say("help.what.many", count=documents),
               whose=say("help.whose.one" if one else "help.whose.many"))
    return f"{said} {say('help.naming', symbol=symbol)}" if symbol else said


def small_talk_reply(message: str, documents: int, symbol: str | None = None) -> str:
    """A short reply to small talk: a greeting, thanks, goodbye or "ok" in a line; a request for
    help ("help", "what can you do?") with what the chat does (``symbol``: see ``help_text``)."""
    text = message.strip()
    about = say("small_talk.about.one") if documents == 1 else say("small_talk.about.many", count=documents)
    if _GREETING.match(text):
        return say("small_talk.hello", about=about)
    if _THANKS.match(text):
        return say("small_talk.thanks")
    if _BYE.match(text):
        return say("small_talk.bye")
    if _OK.match(text):
        return say("small_talk.ok")
    return help_text(documents, symbol)


ASK_FIRST = say("more.ask_first")
REFUSAL = say("refusal.one")
REFUSAL_MANY = say("refusal.many")
REFUSAL_DETAIL = say("refusal.detail.one")
PARTIAL = f"{say('answer.partial.lead')} — {say('answer.partial.rest')}"
UNCERTAIN = f"{say('answer.uncertain.lead')} — {say('answer.uncertain.rest')}"


def refusal(documents: int = 1) -> str:
    """The refusal's first words, for the one document searched or several."""
    return REFUSAL if documents == 1 else REFUSAL_MANY


def partial_note(missing: list[str] | tuple[str, ...], documents: int = 1) -> str:
    """What a "partial" answer says above its passages: what the document lacks, when that is why;
    otherwise that the evidence was too weak for the answer box (reason "uncertain")."""
    return f"{PARTIAL} {missing_sentence(missing, documents)}" if missing else UNCERTAIN


def no_more(question: str) -> str:
    return say("more.none", question=question)


def more_of(question: str, shown: int) -> str:
    return say("more.of", question=question, next=shown + 1)


def nothing_more(wh: str) -> str:
    """The reply to "Why?" (or "How?", "When?") when the search finds only the answer already shown."""
    return say("more.nothing_more", wh=wh.lower())


def missing_sentence(missing: list[str] | tuple[str, ...], documents: int = 1) -> str:
    """'The document doesn't mention a, b or c.' ('The documents searched don't…' for several)."""
    names = list(missing)
    listed = names[0] if len(names) == 1 else say("list.or", first=", ".join(names[:-1]), last=names[-1])
    return say("missing.one" if documents == 1 else "missing.many", terms=listed)


def refusal_detail(missing: list[str] | tuple[str, ...] = (), documents: int = 1) -> str:
    """Why a question was refused: what it names that the document lacks, when that is known."""
    if missing:
        return missing_sentence(missing, documents)
    return say("refusal.detail.one" if documents == 1 else "refusal.detail.many")


def who_said(result, document: dict | None = None) -> str:
    """Who said a result's highlighted sentence, as a sentence. A sentence with no speaker of its
    own speaks for its document: a resolution for the organ that adopted it, a draft for its
    sponsors, a report for its author (``document``: the document's listing, with its facts)."""
    label = (result.citation.attribution or {}).get("label")
    if label:
        return say("who.panel" if label == "the panel as a whole" else "who.label", label=label)
    speaker = document_speaker(document)
    if speaker:
        return say("who.document", speaker=speaker)
    return say("who.unknown")


def document_speaker(document: dict | None) -> str | None:
    """Whose words a document is, from its facts: "the General Assembly's text, adopted on 18
    December 2025 (A/RES/80/216)", "the draft submitted by Austria, Croatia and 12 others
    (A/C.3/80/L.41)", "from a report by the Secretary-General (A/39/361)"; None when unknown."""
    from ..answer.citation import format_date, ordinal

    if not document:
        return None
    facts = document.get("facts") or {}
    symbol = facts.get("symbol")
    kind = (facts.get("kind") or "").lower()
    organ = _and(facts.get("organ"))  # a joint document has two ("General Assembly", "Security Council")
    end = f" ({symbol})" if symbol else ""
    if kind in ("resolution", "decision") and organ:
        adopted = format_date(facts.get("adoption_date"))
        return (say("speaker.adopted", organ=organ, kind=kind, date=adopted) if adopted
                else say("speaker.organ", organ=organ, kind=kind)) + end
    if kind.startswith("draft"):
        sponsors = [s for s in facts.get("sponsors") or [] if s]
        who = _and(sponsors if len(sponsors) <= 3 else sponsors[:2] + [say("speaker.others", count=len(sponsors) - 2)])
        body = facts.get("body") or organ
        return (say("speaker.draft_by", kind=kind, who=who) if who else say("speaker.draft_of", kind=kind, body=body)
                if body else say("speaker.kind", kind=kind)) + end
    # A statement's printed title says whose words it is ("Statement by the Republic of the
    # Philippines at the General Debate …"): that, not the file's author property (who typed it).
    said_by = _STATEMENT_BY.match(" ".join((document.get("title") or "").split())) if not facts else None
    if said_by:
        return say("speaker.statement_by", kind=said_by.group(1).lower(), author=said_by.group(2))
    author = document.get("author") or facts.get("author")
    title = facts.get("title") or ""
    if author:
        return say("speaker.from", author=author) + end
    if kind and (organ or title):
        # "Progress report of the Secretary-General", "Note by the Secretariat": the author is named.
        by = re.match(r"(?:\w+\s+){0,3}(?:(?i:report|note)\s+(?:of|by)|(?i:letters?)(?:\s+\S+){0,4}?\s+from)\s+the\s+"
                      r"([A-Z][\w-]*(?:\s+(?:(?:and|on|of|for)\s+)?[A-Z][\w-]*)*)", title)
        return (say("speaker.report_by", kind=kind, author=by.group(1)) if by else
                say("speaker.report_to", kind=kind, organ=organ) if organ else say("speaker.report", kind=kind)) + end
    return None


_STATEMENT_BY = re.compile(r"^(statement|address|remarks|speech|intervention)\s+(?:delivered\s+|made\s+)?by\s+"
                           r"(.+?)(?=\s+(?:at|to|on|before|during|in)\s+the\b|\s*[,;:(]|$)", re.I)


def _and(names) -> str | None:
    """"A", "A and B", "A, B and C" (a single name as it is; None for none)."""
    if not names:
        return None
    if isinstance(names, str):
        return names
    names = [str(n) for n in names]
    return names[0] if len(names) == 1 else say("list.and", first=", ".join(names[:-1]), last=names[-1])


def where_is(result) -> str:
    c = result.citation
    place = say("where.section", section=c.section, paragraph=c.paragraph) if c.section else say("where.title_block")
    page = say("where.page", page=c.page) if c.page is not None else ""
    return say("where.is", document=c.document_title, place=place, page=page)


def about_answer(result, what: str, document: dict | None = None) -> str:
    """The reply to "Who said that?" ('who') or "Where is that?" ('where') about the answer just
    shown: only what was asked, in one line that points to it (``document``: its listing)."""
    return who_said(result, document) if what == "who" else where_is(result)


def filter_label(filters: dict | None) -> str | None:
    """'Only what the experts said', 'Only statements with consensus', or both; None without filters."""
    parts = []
    filters = filters or {}
    if filters.get("speaker"):
        parts.append(say("filter.speakers", speakers=say("filter.or").join(
            say("filter.speaker_group", name=s) if s in ("panellists", "experts", "participants") else s
            for s in filters["speaker"])))
    if filters.get("agreement"):
        parts.append(say("filter.agreements", agreements=say("filter.or").join(filters["agreement"])))
    return say("filter.only", parts=say("filter.and_only").join(parts)) if parts else None


def failure_reason(exc: BaseException) -> str:
    """Why a change to the library failed, in one line for anyone to read: what went wrong, never
    a server path, a traceback or an internal name."""
    from ..ingest.formats import IngestError
    from ..index.writer import LibraryBusy

    if isinstance(exc, OSError) and exc.strerror:
        return say("failure.write", reason=exc.strerror[:1].lower() + exc.strerror[1:])
    if isinstance(exc, (IngestError, LibraryBusy)):
        text = " ".join(str(exc).split())
    else:
        text = say("failure.build")
    return _PATH.sub(lambda m: m.group(0).rstrip("/\\").rsplit("/", 1)[-1].rsplit("\\", 1)[-1], text)


_LANGUAGES = ("es", "fr", "ar", "ru", "zh", "de", "pt", "it", "nl")  # named in the messages


def un_facts_line(facts: dict | None) -> str | None:
    """A UN document's facts as its masthead gives them, in a line: "Resolution · General Assembly ·
    80th session · Agenda item 71 (b) · adopted 18 December 2025 · on the report of the Third
    Committee (A/80/545)"; None for a document that is not one."""
    from ..answer.citation import format_date, ordinal

    if not facts:
        return None
    parts = [(facts.get("kind") or "").capitalize() or None, facts.get("body") or facts.get("organ"),
             say("facts.session", ordinal=ordinal(facts["session"])) if facts.get("session") else None,
             facts.get("agenda_item")]
    if facts.get("adoption_date"):
        parts.append(say("facts.adopted", date=format_date(facts["adoption_date"])))
    elif facts.get("distribution_date"):
        parts.append(say("facts.issued", date=format_date(facts["distribution_date"])))
    if facts.get("committee_report"):
        parts.append(say("facts.on_report", committee=facts.get("committee") or say("facts.committee"),
                         report=facts["committee_report"]))
    if facts.get("sponsors"):
        sponsors = facts["sponsors"]
        listed = ", ".join(sponsors[:6])
        parts.append(say("facts.submitted_by", sponsors=say("facts.and_others", sponsors=listed, count=len(sponsors) - 6)
                         if len(sponsors) > 6 else listed))
    return " · ".join(p for p in parts if p)


def language_note(code: str | None) -> str | None:
    """What the Library says of a document not written in English (the models' language)."""
    if not code or code == "en":
        return None
    name = say(f"language.{code}") if code in _LANGUAGES else say("language.unknown", code=code)
    return say("language.note", language=name)


def scope_line(named: list[dict], not_in_library: list[str] | tuple[str, ...] = (), paragraph: str | None = None,
               paragraph_missing: str | None = None) -> str | None:
    """The line before the answers of a question that named its document: "In The right to food
    (A/RES/80/210):", "In 3 documents: …", or "A/RES/73/195 is not in this library." A paragraph
    named with it: "In The right to food (A/RES/80/210), para. 18:", or "… has no para. 99."."""
    if not_in_library:
        verb = say("scope.verb.one" if len(not_in_library) == 1 else "scope.verb.many")
        return say("scope.not_in_library", names=", ".join(not_in_library), verb=verb)
    if paragraph_missing:
        return say("scope.no_paragraph", title=named[0]["title"], paragraph=paragraph_missing) if len(named) == 1 \
            else say("scope.no_paragraph.many", paragraph=paragraph_missing)
    if not named:
        return None
    if len(named) == 1:
        return say("scope.paragraph", title=named[0]["title"], paragraph=paragraph) if paragraph \
            else say("scope.one", title=named[0]["title"])
    return say("scope.many", count=len(named), titles=_titles(named, 4))


def _titles(documents: list[dict], shown: int) -> str:
    """The first ``shown`` documents' titles, "; " between, "; …" when there are more."""
    return "; ".join(d["title"] for d in documents[:shown]) + ("; …" if len(documents) > shown else "")


def offered_line(offered: list[dict]) -> str | None:
    """The other documents a reference fitted ("the 2025 resolution"), when the closest was
    searched: "The question also fits Rights of the child (A/RES/80/190); …." """
    return say("scope.offered", titles=_titles(offered, 6)) if offered else None


def also_in_title(count: int) -> str:
    """The heading over the other versions a result's text is in."""
    return say("also_in.one") if count == 1 else say("also_in.many", count=count)


# --- what changed between versions (#34) ----------------------------------------------------
def _n(count: int, one: str, many: str) -> str:
    return say("changes.counted", count=count, what=say(one if count == 1 else many))


def comparison_summary(counts: dict[str, dict[str, int]]) -> str:
    """"3 operative paragraphs added, 11 changed, 1 removed; the preamble gains 2 paragraphs,
    changes 5 and loses 1." (parts with no difference left out; "No paragraph changed." if none)."""
    out = []
    for part, one, many in (("operative", "changes.operative_paragraph", "changes.operative_paragraphs"),
                            ("body", "changes.paragraph", "changes.paragraphs")):
        c = counts.get(part)
        if not c:
            continue
        words = [(c[w], say(f"changes.{w}")) for w in ("added", "changed", "removed", "moved") if c[w]]
        if words:
            first, rest = words[0], words[1:]
            out.append(", ".join([say("changes.first", counted=_n(first[0], one, many), how=first[1])]
                                 + [say("changes.next", count=n, how=w) for n, w in rest]))
    c = counts.get("preambular")
    if c:
        verbs = [(c[part], say(f"changes.{verb}")) for part, verb in
                 (("added", "gains"), ("changed", "changes"), ("removed", "loses"), ("moved", "moves")) if c[part]]
        if verbs:
            phrases = [say("changes.preamble_first", verb=verbs[0][1],
                           counted=_n(verbs[0][0], "changes.paragraph", "changes.paragraphs"))]
            phrases += [say("changes.preamble_next", verb=v, count=n) for n, v in verbs[1:]]
            joined = phrases[0] if len(phrases) == 1 else say("list.and", first=", ".join(phrases[:-1]), last=phrases[-1])
            out.append(say("changes.preamble", what=joined))
    if not out:
        return say("changes.none")
    text = "; ".join(out)
    return text[0].upper() + text[1:] + "."


def _side(paragraph, label: str) -> str:
    return (say("changes.side_page", paragraph=paragraph.label, document=label, page=paragraph.page)
            if paragraph.page is not None else say("changes.side", paragraph=paragraph.label, document=label))


def change_heading(row, a_label: str, b_label: str) -> str:
    """One row's heading: "Added: para. 5 of A/RES/80/210", "Changed: para. 4 of A/RES/79/171 →
    para. 4 of A/RES/80/210 (dates and numbers only)", "Removed: …", "Moved: …", "Unchanged: …"."""
    if row.status == "added":
        return say("changes.heading.added", b=row.b.label, b_label=b_label)
    if row.status == "removed":
        return say("changes.heading.removed", a=row.a.label, a_label=a_label)
    if row.status == "unchanged":
        status = say("changes.status.moved" if row.moved else "changes.status.unchanged")
    else:
        status = say("changes.status.changed_moved" if row.moved else "changes.status.changed")
    routine = say("changes.routine") if row.routine else ""
    return say("changes.heading.pair", status=status, a=row.a.label, a_label=a_label, b=row.b.label, b_label=b_label,
               routine=routine)


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
        verb = say("scope.verb.one" if len(t.unknown) == 1 else "scope.verb.many")
        return say("compare.reply.unknown", names=", ".join(t.unknown), verb=verb)
    if t.problem == "no-version":
        return say("compare.reply.no_version", name=name(t.document))
    if t.problem or reply.comparison is None:
        if t.candidates:
            listed = "; ".join(name(c) for c in t.candidates[:8])
            return say("compare.reply.which_of", listed=listed, first=name(t.candidates[0]))
        return say("compare.reply.which")
    c = reply.comparison
    if reply.ask.shape == "kept":
        asked_side = t.side
        own = c.a_label if asked_side == "a" else c.b_label
        other = c.b_label if asked_side == "a" else c.a_label
        wanted = reply.ask.paragraph or ""
        shown = (say("compare.reply.preambular", number=wanted[3:]) if wanted.startswith("pp ")
                 else say("compare.reply.para", number=wanted))
        if not reply.rows:
            return say("compare.reply.has_no", document=own, paragraph=shown)
        row = reply.rows[0]
        if asked_side == "b":  # asked of the newer text: where it came from
            if row.status == "added":
                return say("compare.reply.new", paragraph=row.b.label.capitalize(), newer=c.b_label, older=c.a_label)
            how = say("compare.reply.word_for_word" if row.status == "unchanged" else "compare.reply.with_changes")
            return say("compare.reply.comes_from", paragraph=row.b.label.capitalize(), newer=c.b_label,
                       source=row.a.label, older=c.a_label, how=how)
        if row.status == "removed":
            return say("compare.reply.not_kept", paragraph=row.a.label.capitalize(), document=own, other=other)
        how = say("compare.reply.word_for_word" if row.status == "unchanged" else "compare.reply.with_changes")
        return say("compare.reply.kept", paragraph=row.a.label.capitalize(), document=own, other=other,
                   kept_as=row.b.label, how=how)
    total = sum(v["unchanged"] + v["changed"] + v["added"] + v["removed"] for v in c.counts().values())
    if not reply.rows:
        return say("compare.reply.same", newer=c.b_label, older=c.a_label, total=total)
    return say("compare.reply.differences", newer=c.b_label, older=c.a_label, summary=comparison_summary(c.counts()))


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
    return say("library.compare_with_before", before=before)


def documents_shown(first: int, last: int, found: int, total: int) -> str:
    """The Library's count above a page of documents (#32)."""
    of = say("library.found_of", found=found, total=total) if found != total else say("library.documents", total=total)
    return say("library.shown_part", first=first, last=last, of=of) if (first, last) != (1, found) \
        else say("library.shown_all", of=of)


def no_document_found(query: str) -> str:
    return say("library.none_found", query=query.strip())
