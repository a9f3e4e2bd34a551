"""Which document a question names: "What does A/RES/79/217 say …", "resolution 79/171",
"draft L.41", "the 2025 resolution on …", "the Committee's draft", "the Secretary-General's report".

Resolved against the documents' facts (symbol, kind, dates, session, author; ``un_document``), never
against a list of known questions. Pure functions: the engine narrows its search to what
``resolve`` returns and says so in one line.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field

from ..index.lexical import tokenize
from ..ingest.pdf_layout import SYMBOL
from .citation import ordinal
from ..ingest.un_document import normalise_symbol, session_number

# "79/217", "resolution 79/217", "A/RES/79/217"; a draft's "L.41" (with its committee: "A/C.3/80/L.41").
_SHORT_SYMBOL = re.compile(r"(?<![\w/])(\d{2,3})\s*/\s*(\d{1,4})(?![\w/])")
_DRAFT_NUMBER = re.compile(r"(?<![\w/.])L\.\s?(\d{1,3})(?:/Rev\.\d+)?\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(19[4-9]\d|20\d\d)(?:'s)?\b")
_SESSION = re.compile(r"\b(?:(\d{2,3})(?:st|nd|rd|th)\s+session|session\s+(\d{2,3})|"
                      r"([a-z]+(?:-[a-z]+)?)\s+session)\b", re.IGNORECASE)
_KINDS = [
    ("draft resolution", re.compile(r"\bdraft(?:\s+resolution)?\b|\bcommittee'?s? (?:draft|text)\b", re.I)),
    ("report", re.compile(r"\breport\b", re.I)),
    ("letter", re.compile(r"\bletter\b", re.I)),
    ("note", re.compile(r"\bnote by\b", re.I)),
    ("resolution", re.compile(r"(?<!draft )\bresolution\b|\badopted text\b", re.I)),
]


# Kinds of text published without a UN masthead, known by their titles' words.
# A treaty's kind is capitalised ("the Convention", "the Optional Protocol"; "the protocol of the
# meeting" is none); a brief's or statement's is not. The name's capitalised words before the kind
# and after its "on", "of", "against" ("the Convention on Biological Diversity") must all be in the
# title: "the Universal Declaration of Human Rights" is not the Declaration on Indigenous Peoples.
_TITLE_KINDS = re.compile(r"\b[Tt]he\s+((?:[A-Z][\w-]*\s+|(?i:optional|additional|policy|joint|opening|closing)\s+){0,3}?)"
                          r"(Convention|Protocol|Covenant|Charter|Declaration|Treaty|(?i:brief|statement))\b"
                          r"((?:\s+(?:on|of|against|for|to|relating to)\s+(?:the\s+)?(?:[A-Z][\w-]*|of|on|the|and|in|by|for)"
                          r"(?:\s+(?:[A-Z][\w-]*|of|on|the|and|in|by|for))*)?)")
_CAPITALISED = re.compile(r"\b[A-Z][\w-]*")


# Who wrote or submitted a document, as a question names it: "the Secretary-General's report",
# "Iraq's draft", "the report of the Special Committee on Peacekeeping Operations", "the draft
# submitted by Honduras and Mexico". Matched against the document's facts (author, body, committee,
# organ, sponsors, and the "of the …" of its title), never a list of names.
_NAME = r"[A-Z][\w().-]*(?:\s+(?:(?:and|of|on|for|the|de|del)\s+)*[A-Z][\w().-]*)*"
_WHOSE = re.compile(rf"({_NAME})['’]s?\s+(?:own\s+)?(?:report|draft|note|letter|statement|proposal|text|resolution)\b")
_BY_WHOM = re.compile(
    rf"\b(?:report|draft|note|letter|text|resolution|proposal|statement)\s+(?:resolution\s+)?"
    rf"(?:of|by|from|(?:submitted|sponsored|tabled|presented|proposed|introduced)\s+by)\s+(?:the\s+)?"
    rf"((?:{_NAME})(?:\s*(?:,|\band\b)\s*(?:the\s+)?{_NAME})*)")
# A body's name written as an adjective of the kind, without "'s": "the Third Committee draft", "the
# Human Rights Council report" (its last word says it is a body, so "the 2025 General Debate" is none).
_BODY_WORDS = r"(?:Committee|Council|Commission|Assembly|Secretary-General|Secretariat|Board|Conference|Rapporteur|" \
              r"Commissioner|Office|Programme|Fund|Group|Mechanism|Forum|Panel|Bank|Organization)"
_BODY_KIND = re.compile(rf"((?:[A-Z][\w().-]*\s+(?:(?:and|of|on|for|the)\s+)*)*{_BODY_WORDS})\s+"
                        r"(?:report|draft|note|letter|statement|proposal|text|resolution)\b")
_TITLE_AUTHOR = re.compile(rf"(?i:report|note|letters?)(?:\s+\S+){{0,4}}?\s+(?i:of|by|from)\s+(?i:the)\s+({_NAME})")
_OPENING = re.compile(r"^(?:(?:The|A|An|In|What|Does|Did|Do|According|To|For|From|Is|Was|Were|Are|How|Which|Who|"
                      r"Why|When|Where|Under|By|Per|Show|Tell|Me|Can|Could|Please)\s+)+")
_NAME_SPLIT = re.compile(r"\s*(?:,|\band\b)\s*(?:the\s+)?")


def _facts(doc: dict) -> dict:
    return doc.get("facts") or {}


def _whose(doc: dict) -> tuple[list[str], list[str]]:
    """Who a document is by, lower-cased: (its author, body, committee, organ and the author its
    title names, "Report of the Secretary-General"; its sponsors, without "(Plurinational State
    of)")."""
    facts = _facts(doc)
    names = [facts.get(k) for k in ("author", "body", "committee", "reporting_committee")] + [doc.get("author")]
    organ = facts.get("organ")
    names += organ if isinstance(organ, list) else [organ]
    m = _TITLE_AUTHOR.search(facts.get("title") or "")
    if m:
        names.append(m.group(1))
    if not facts:  # no masthead: its title says whose it is ("Statement by the Minister … of the Philippines")
        names.append(doc.get("title"))
    sponsors = [re.sub(r"\s*\([^)]*\)", "", s) for s in facts.get("sponsors") or [] if isinstance(s, str)]
    clean = lambda xs: [x.lower().strip() for x in xs if isinstance(x, str) and x.strip()]  # noqa: E731
    return clean(names), clean(sponsors)


def _by_whom(question: str) -> tuple[list[str], tuple[int, int]] | None:
    """The names a question gives for who wrote or submitted its document, and where."""
    m = _BY_WHOM.search(question) or _WHOSE.search(question) or _BODY_KIND.search(question)
    if not m:
        return None
    names = [n.strip(" .?") for n in _NAME_SPLIT.split(m.group(1)) if n.strip(" .?")]
    # A capitalised word that opens the question is not part of a name ("In Iraq's draft").
    names = [_OPENING.sub("", n) for n in names]
    return ([n.lower() for n in names if len(n) > 2], m.span(1)) if names else None


def _written_by(doc: dict, names: list[str]) -> bool:
    """Every name given is one of the document's: a sponsor by its whole name ("Niger" is not
    "Nigeria", "Sudan" not "South Sudan"); an author or body by whole words ("the Secretary-General"
    of "Secretary-General of the United Nations"); a country by any of its names ("Mexico", "the
    United Mexican States")."""
    authors, sponsors = _whose(doc)

    def words_in(a: str, b: str) -> bool:
        return re.search(rf"(?<![\w-]){re.escape(a)}(?![\w-])", b) is not None

    return bool(authors or sponsors) and all(
        any(v in sponsors or any(words_in(v, a) or words_in(a, v) for a in authors) for v in _country_variants(n))
        for n in names)


@lru_cache(maxsize=1)
def _country_table() -> dict[str, frozenset[str]]:
    """Each ISO 3166 country's names, lower-cased, by each of them: its short name, its official
    name and its common name ("mexico", "united mexican states"; "philippines", "republic of the
    philippines"), from pycountry's data; a name with its qualifier after a comma ("Korea, Republic
    of") also as UN documents write it ("Republic of Korea", "Bolivia (Plurinational State of)"). A
    name two countries share ("korea", "congo") names neither."""
    import pycountry

    owners: dict[str, set[str]] = {}
    names_of: dict[str, set[str]] = {}
    for country in pycountry.countries:
        names = {n for n in (country.name, getattr(country, "official_name", None),
                             getattr(country, "common_name", None)) if n}
        for n in list(names):
            if "," in n:
                short, qualifier = (part.strip() for part in n.split(",", 1))
                names |= {short, f"{short} ({qualifier})", re.sub(r"^(?i:the)\s+", "", f"{qualifier} {short}")}
        lowered = {n.lower() for n in names}
        names_of[country.alpha_3] = lowered
        for n in lowered:
            owners.setdefault(n, set()).add(country.alpha_3)
    table: dict[str, frozenset[str]] = {}
    for code, names in names_of.items():
        own = frozenset(n for n in names if len(owners[n]) == 1)
        for n in own:
            table[n] = own
    return table


def _country_variants(name: str) -> frozenset[str]:
    """A name as given and, when it is a country's, its other names."""
    key = re.sub(r"^the\s+", "", name.lower().strip())
    return _country_table().get(key, frozenset()) | {name}


@dataclass(frozen=True)
class Reference:
    """What a question says of the document it is about, and which documents fit."""

    documents: tuple[str, ...] = ()  # ids of the documents meant (empty: none named, or none found)
    spans: tuple[tuple[int, int], ...] = ()  # where in the question the reference is written
    named: tuple[str, ...] = ()  # symbols written in the question
    missing: tuple[str, ...] = ()  # symbols written in the question that no document carries
    by: tuple[str, ...] = field(default=())  # what narrowed it: "symbol", "kind", "author", "year", "session"

    @property
    def found(self) -> bool:
        return bool(self.documents)


def _symbol(doc: dict) -> str:
    return _facts(doc).get("symbol") or ""


def _date(doc: dict) -> str | None:
    """The ISO date that dates a document: adopted, else distributed, else the file's own."""
    facts = _facts(doc)
    return facts.get("adoption_date") or facts.get("distribution_date") or doc.get("date")


def _year(doc: dict) -> str | None:
    iso = _date(doc)
    return iso[:4] if iso else None


_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"]
# A month written just before the year ("September 2023 letter").
_MONTH_BEFORE = re.compile(rf"\b({'|'.join(_MONTHS)})\s+$", re.I)


def _month(doc: dict) -> int | None:
    iso = _date(doc)
    return int(iso[5:7]) if iso and len(iso) >= 7 and iso[5:7].isdigit() else None


def _symbols_written(question: str) -> list[tuple[str, tuple[int, int]]]:
    """Every symbol in the question as written: full ("A/RES/79/217") or short ("79/217", "L.41")."""
    found: list[tuple[str, tuple[int, int]]] = []
    flat = question
    for m in SYMBOL.finditer(flat):
        found.append((normalise_symbol(m.group(0)).rstrip(".,;:?"), m.span()))
    covered = [s for _, s in found]

    def inside(span):
        return any(a <= span[0] and span[1] <= b for a, b in covered)

    for m in _SHORT_SYMBOL.finditer(flat):
        if not inside(m.span()):
            found.append((f"{m.group(1)}/{m.group(2)}", m.span()))
    for m in _DRAFT_NUMBER.finditer(flat):
        if not inside(m.span()):
            found.append((f"L.{m.group(1)}", m.span()))
    return found


def _matches_symbol(written: str, symbol: str) -> bool:
    """"79/217" fits A/RES/79/217 (not A/RES/79/2170); "L.41" fits A/C.3/80/L.41; a full symbol
    fits itself, and either part of a joint one."""
    if not symbol:
        return False
    parts = [symbol] + symbol.split("-")
    w = written.upper()
    for s in parts:
        s = s.upper()
        if s == w or s.endswith("/" + w):
            return True
    return False


def symbol_mentions(question: str, documents: list[dict]) -> list[tuple[int, str]]:
    """Where the question writes a symbol and the document it names, in the question's order
    ((offset, document id); a symbol no document carries is left out)."""
    out = []
    for text, span in _symbols_written(question):
        fit = [d["id"] for d in documents if _matches_symbol(text, _symbol(d))]
        if fit:
            out.append((span[0], fit[0]))
    return sorted(out)


def resolve(question: str, documents: list[dict]) -> Reference:
    """The documents a question names, by symbol first; else by kind, year and session together
    (each narrowing the library: "the 2024 resolution" keeps resolutions adopted in 2024). A
    reference that narrows nothing, or leaves every document, names nothing."""
    ids = [d["id"] for d in documents]
    by_id = {d["id"]: d for d in documents}
    spans: list[tuple[int, int]] = []
    written = _symbols_written(question)
    if written:
        hits: list[str] = []
        missing: list[str] = []
        for text, span in written:
            fit = [i for i in ids if _matches_symbol(text, _symbol(by_id[i]))]
            spans.append(span)
            if fit:
                hits.extend(i for i in fit if i not in hits)
            else:
                missing.append(text)
        return Reference(tuple(hits), tuple(spans), tuple(t for t, _ in written), tuple(missing), ("symbol",))
    # A document without a masthead's facts (a statement, a brief) can still be named by who made it.
    candidates = [i for i in ids if by_id[i].get("facts") or by_id[i].get("title") or by_id[i].get("author")]
    if not candidates:
        return Reference()
    narrowed, by = candidates, []
    named_kind = None
    for kind, pattern in _KINDS:
        m = pattern.search(question)
        if not m:
            continue
        fit = [i for i in narrowed if (_facts(by_id[i]).get("kind") or "").startswith(kind.split()[0])
               and (kind != "resolution" or _facts(by_id[i]).get("kind") == "resolution")]
        if fit:
            narrowed, spans = fit, spans + [m.span()]
            by.append("kind")
            named_kind = kind
        break
    if named_kind is None:
        # A text without a masthead is of the kind its title says: "the Protocol", "the Convention",
        # "the brief", "the statement" name the library's treaty texts, briefs and statements.
        for m in _TITLE_KINDS.finditer(question):
            words = [m.group(2)] + _CAPITALISED.findall(m.group(1)) + _CAPITALISED.findall(m.group(3))
            fit = [i for i in narrowed if not _facts(by_id[i]).get("kind")
                   and all(re.search(rf"\b{re.escape(w)}\b", by_id[i].get("title") or "", re.I) for w in words)]
            if fit:
                narrowed, spans = fit, spans + [m.span()]
                by.append("kind")
                break
    kind_named = by == ["kind"]
    who = _by_whom(question)
    if who and who[0]:
        fit = [i for i in narrowed if _written_by(by_id[i], who[0])]
        if fit and len(fit) < len(narrowed):  # a name every candidate shares narrows nothing
            narrowed, spans = fit, spans + [who[1]]
            by.append("author")
    absent: list[str] = []  # "a 2019 resolution": a kind with its year or session that no document is
    # A year dates a document only when written with its kind ("the 2024 resolution", "Egypt's
    # September 2023 letter"); "as of 2023", "in March 2025" date what is asked about.
    titles = [_facts(by_id[i]).get("title") or by_id[i].get("title") or "" for i in narrowed]
    m = next((y for y in _YEAR.finditer(question) if named_kind and _kind_with(question, y, named_kind, titles)),
             None)
    if m:
        fit = [i for i in narrowed if _year(by_id[i]) == m.group(1)]
        span = m.span()
        month = _MONTH_BEFORE.search(question[:m.start()])
        in_month = [i for i in fit if month and _month(by_id[i]) == _MONTHS.index(month.group(1).lower()) + 1]
        if in_month:  # "the January 2025 letter": of two letters of 2025, the one dated January
            fit, span = in_month, (month.start(), m.end())
        run = _title_run(question, m, named_kind)
        titled = [i for i in fit if run and _in_a_title(run, [_facts(by_id[i]).get("title") or by_id[i].get("title") or ""])]
        if titled:  # "the 2025 right to food resolution": of the 2025 resolutions, the one on the right to food
            fit = titled
        if fit:
            narrowed, spans = fit, spans + [span]
            by.append("year")
        elif kind_named and _kind_with(question, m, named_kind):
            absent.append(f"A {m.group(1)} {named_kind}")
    m = _SESSION.search(question)
    if m:
        number = int(m.group(1) or m.group(2)) if (m.group(1) or m.group(2)) else session_number(m.group(3) or "")
        fit = [i for i in narrowed if number and _facts(by_id[i]).get("session") == number]
        if fit:
            narrowed, spans = fit, spans + [m.span()]
            by.append("session")
        elif kind_named and number and _kind_with(question, m, named_kind):
            absent.append(f"A {named_kind} of the {ordinal(number)} session")
    if absent and by == ["kind"]:
        # The kind and its date were written together, and no document of that kind has the date:
        # said, rather than searching every document of the kind as if none were meant.
        return Reference(missing=tuple(absent[:1]), by=("kind",))
    # A kind alone ("the resolution") in a library of resolutions names nothing in particular: it
    # narrows only to a few of the library's documents (the drafts, the reports).
    if not by or by == ["kind"] and len(narrowed) > len(ids) / 3 or len(narrowed) == len(ids):
        return Reference()
    return Reference(tuple(narrowed), tuple(spans), by=tuple(by))


_FUNCTION_WORDS = frozenset("the a an of and or to on in for from with its this that their".split())


def _in_a_title(words: str, titles: list[str]) -> bool:
    """Whether up to five words ("right to food"), one at least a word of content, run in this order
    in one of the titles ("As of 2024 the resolution …": "the" is in every title, and dates nothing)."""
    said = words.split()
    if not 0 < len(said) <= 5 or not re.fullmatch(r"[A-Za-z\s-]+", words) \
            or all(w.lower() in _FUNCTION_WORDS for w in said):
        return False
    run = r"\b" + r"\s+".join(re.escape(w) for w in said) + r"\b"
    return any(re.search(run, title, re.I) for title in titles)


def _title_run(question: str, date: re.Match, kind: str | None) -> str | None:
    """The words written between a year and its kind ("right to food" in "the 2024 right to food
    resolution"), if any."""
    pattern = dict(_KINDS).get(kind or "")
    k = next((k for k in pattern.finditer(question) if k.start() >= date.end()), None) if pattern else None
    between = question[date.end():k.start()].strip() if k else ""
    return between if between and not between.startswith("'") else None


def _kind_with(question: str, date: re.Match, kind: str | None, titles: list[str] = ()) -> bool:
    """Whether a year or session is written with the kind of document the question names ("the
    2019 resolution", "the resolution of 2019", "the draft of the seventy-fifth session", "the 2024
    right to food resolution" when ``titles``, those of the documents of that kind, hold the words
    between): a year elsewhere in the question ("the 2030 Agenda", "By 2030 the resolution asks …")
    dates no document."""
    pattern = dict(_KINDS).get(kind or "")
    if pattern is None:
        return False
    for k in pattern.finditer(question):
        before = date.end() <= k.start()
        between = question[date.end():k.start()] if before else question[k.end():date.start()]
        # One word between ("the 2024 progress report"), or up to three of a name ("the 2025 General
        # Assembly resolution"); "Since 2024 how many States report …" is no dated report.
        if (before and (re.fullmatch(r"(?:'s)?\s+(?:(?!(?:the|a|an|this|that|its)\s)[\w-]+\s+)?", between, re.I)
                        or re.fullmatch(r"(?:'s)?\s+(?:[A-Z][\w-]*\s+){1,3}", between)
                        or _in_a_title(between, titles))) or \
                (not before and re.fullmatch(r"\s+(?:(?:adopted|issued|submitted|dated)\s+)?(?:of|from|in|at)\s+"
                                             r"(?:the\s+)?(?:year\s+)?", between)):
            return True
    return False


def without_reference(question: str, reference: Reference) -> str:
    """The question with its symbols taken out ("What does A/RES/79/217 say about remittances?"
    → "What does say about remittances?"), so that a number no passage prints neither counts as a
    missing term nor pulls the ranking; kinds and years stay (they are words of the question)."""
    if "symbol" not in reference.by:
        return question
    text = question
    for start, end in sorted(reference.spans, reverse=True):
        before = text[:start]
        # "resolution 79/217", "draft L.41", "document A/79/352": the word that introduces it goes too.
        before = re.sub(r"\b(?:General Assembly\s+)?(?:resolution|draft(?: resolution)?|document|report)\s*$", "",
                        before, flags=re.IGNORECASE)
        text = before + text[end:]
    return " ".join(text.split())


def without_symbols(text: str) -> str:
    """``text`` without the document symbols it writes ("A/RES/80/216", "80/216", "L.41"): they name
    a document, no subject asked about."""
    for _, (start, end) in sorted((span for span in _symbols_written(text)), key=lambda s: s[1], reverse=True):
        text = text[:start] + " " + text[end:]
    return text


def without_naming_words(question: str, reference: Reference, least_left: int = 2) -> str:
    """``question`` without the words by which it named who made its documents, where it wrote
    them ("What did the Philippines' statement say about remittances?" →
    "What did the statement say about remittances?"): the same words elsewhere in it are what it
    asks about ("… about the Secretary-General's envoy?") and stay. Unchanged when fewer than
    ``least_left`` words of a subject would remain (the reference is then what is asked about)."""
    from .coverage import question_terms

    cut = sorted(span for span, way in zip(reference.spans, reference.by) if way == "author")
    if not cut:
        return question
    inside = lambda t: any(a <= t.start and t.end <= b for a, b in cut)  # noqa: E731
    if sum(1 for t in question_terms(question) if not inside(t)) < least_left:
        return question
    text = question
    for start, end in reversed(cut):
        after = re.match(r"['’]s?\b|['’]", text[end:])  # "the Philippines' statement": its apostrophe goes too
        text = text[:start] + text[end + (after.end() if after else 0):]
    return " ".join(text.split())


def reference_words(question: str, reference: Reference) -> frozenset[str]:
    """The words, lower-cased, of the kind and author by which the question named its documents
    ("the Second Committee draft": "second", "committee", "draft"): not terms the documents must
    mention (a draft's text never says "draft"). Its date is (a dated document prints its year)."""
    spans = [span for span, way in zip(reference.spans, reference.by) if way in ("kind", "author")]
    return frozenset(w.lower() for a, b in spans for w in re.findall(r"[^\W_]+", question[a:b]))


_WORD_SPAN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)


def _names(doc: dict) -> list[list[str]]:
    """The names a question may use for ``doc``, as stemmed content words: its title, its
    committee or body ("the Third Committee draft on the right to food") and its author ("the
    Secretary-General's report")."""
    facts = _facts(doc)
    names = [facts.get("title") or doc.get("title"), facts.get("body"), facts.get("committee"), facts.get("author")]
    return [tokenize(n) for n in names if isinstance(n, str) and n.strip()]


def _in_order(stems: list[str], names: list[list[str]]) -> bool:
    """``stems`` are consecutive words of one of the names."""
    n = len(stems)
    return any(name[i:i + n] == stems for name in names for i in range(len(name) - n + 1))


def without_document_words(question: str, documents: list[dict], least_left: int = 2) -> str:
    """The question without the phrases that only name the documents it was narrowed to: two or
    more consecutive words of a title or committee, as the document prints them ("… in the 2024
    resolution on agriculture development and food security" → "… in the 2024 resolution").
    Searched within those documents, such words are in every passage and pull the ranking towards
    the one that repeats the title (a preamble recalling the subject) rather than the one that
    answers. Words of the title in another order or apart ("the report on disability and
    development" for "Inclusive development for and with persons with disabilities") say what is
    asked and stay. Unchanged when fewer than ``least_left`` content words would remain (the title
    is then what the question asks about)."""
    names = [n for d in documents for n in _names(d) if len(n) >= 2]
    if not names:
        return question
    words = [(m.start(), m.end(), tokenize(m.group(0))) for m in _WORD_SPAN.finditer(question)]
    cuts: list[tuple[int, int]] = []
    k = 0
    while k < len(words):
        if not words[k][2]:
            k += 1
            continue
        stems: list[str] = []
        end = j = k
        # Extend over stop words while the content words go on reading as one name.
        while j < len(words):
            if words[j][2]:
                if not _in_order(stems + words[j][2], names):
                    break
                stems += words[j][2]
                end = j
            j += 1
        if len(stems) >= 2:
            start = k
            while start > 0 and question[words[start - 1][0]:words[start - 1][1]].lower() in {"the", "on", "of"}:
                start -= 1
            cuts.append((words[start][0], words[end][1]))
            k = end + 1
        else:
            k += 1
    if not cuts:
        return question
    text = question
    for a, b in reversed(cuts):
        text = text[:a] + text[b:]
    text = re.sub(r"\s+([,.;:?!])", r"\1", " ".join(text.split()))
    return text if len(tokenize(text)) >= least_left else question
