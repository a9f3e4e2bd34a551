"""UN documents as the Organization publishes them: the masthead read as the document's facts,
page furniture taken out, the folio printed on each page.

A document from the UN's document system carries, on page 1, a masthead (symbol, organ,
distribution and its date, original language, session, agenda item, "Resolution adopted by the
General Assembly on …", "[on the report of the Third Committee (A/80/545, para. 5)]", a draft's
sponsors) above its title, and on every page furniture that is not its text: the job number and
barcode ("25-20968 (E)", "*2520968*"), a running header that alternates between even and odd
pages ("A/RES/80/216 The human rights …" / "The human rights … A/RES/80/216"), the folio
("2/9 25-20968"), Geneva job numbers ("GE.25-10053"), "Please recycle", the footnote rule and the
leader dots of a contents page.

Pure functions on ``pdf_layout.Page`` records (lines with positions and fonts): ``read_un_pages``
returns the pages without masthead and furniture, the facts, and the printed folio of each page.
Documents that are not UN documents (no symbol in the masthead) come back unchanged.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date

from .pdf_layout import SYMBOL, Line, Page, Word

_MONTHS = ("January February March April May June July August September October November December").split()
_MESES = "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split()
_MOIS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
_DATE = re.compile(r"\b(\d{1,2})\s+(?:de\s+)?(" + "|".join(_MONTHS + _MESES + _MOIS) + r")\s+(?:de\s+)?(\d{4})\b",
                   re.IGNORECASE)
_SPACED_SLASH = re.compile(r"\s*/\s*")
# Furniture: the job number with its language and print date, the barcode, the folio with the job
# number (either order), Geneva job numbers, the recycling line, the footnote rule, bare folios.
_JOB = re.compile(r"^(?:GE\.)?(\d{2}-\d{5})\s*(?:\([A-Z]\))?(?:\s+\d{6})*(?:\s*/\.\.\.)?$")
_BARCODE = re.compile(r"^\*\s?\d{6,}\s?\*$")
_FOLIO_JOB = re.compile(r"^(?:(\d{1,4})\s*/\s*\d{1,4}\s+(?:GE\.)?\d{2}-\d{5}|(?:GE\.)?\d{2}-\d{5}\s+(\d{1,4})\s*/\s*\d{1,4})$")
_BARE_FOLIO = re.compile(r"^(?:page\s+)?(\d{1,4}|[ivxlc]{1,6})(?:\s*/\s*\d{1,4})?$", re.IGNORECASE)
_RECYCLE = re.compile(r"^please\s+recycle", re.IGNORECASE)
_RULE = re.compile(r"^[_\-–—]{5,}$")
_LEADER_DOTS = re.compile(r"(?:\.\s?){6,}\s*\d*\s*$|(?:\.\s){4,}")
_ADOPTED = re.compile(r"^(Resolution|Decision) adopted by the (General Assembly|Security Council|Economic and Social Council|Human Rights Council)", re.IGNORECASE)
_NUMBERED_TITLE = re.compile(r"^(\d{1,3}/\d{1,4}|\d{1,4}\s*\([IVXLC]+\))\.\s+(.+)$")
_DRAFT = re.compile(r"\bdraft (resolution|decision)s?\s*$", re.IGNORECASE)
_ON_REPORT = re.compile(r"\[\s*on the report of the (.+?)\s*\((\S+?)(?:,[^)]*)?\)\s*\]", re.IGNORECASE)
_WITHOUT_REFERENCE = re.compile(r"\[\s*without reference to a Main Committee", re.IGNORECASE)
_SESSION = re.compile(r"^([A-Z][a-z]+(?:[-~][a-z]+)?)\s+(?:regular\s+|special\s+)?session\b", re.IGNORECASE)
_AGENDA = re.compile(r"^((?:Provisional\s+)?agenda items?\s+.+|Items?\s+\d+.*agenda.*)$", re.IGNORECASE)
_DISTR = re.compile(r"Distr\.?\s*:?\s*(General|Limited|Restricted|Restringida|General)\b", re.IGNORECASE)
_SUPPLEMENT = re.compile(r"^Supplement\s+No\.\s*\d+[A-Z]?\b", re.IGNORECASE)
_ORIGINAL = re.compile(r"^Original\s*:\s*(\w+)", re.IGNORECASE)
_ORGANS = ("General Assembly", "Security Council", "Economic and Social Council", "Human Rights Council",
           "Asamblea General", "Consejo de Seguridad")
_COMMITTEE = re.compile(r"^(First|Second|Third|Fourth|Fifth|Sixth|Special Political and Decolonization) Committee$")
_REPORT_OF = re.compile(r"^(?:(?:Annual|Progress|Final|Interim)\s+)?report of the (.+)$", re.IGNORECASE)
_LETTER = re.compile(r"^(?:Identical\s+)?(?:letters?\s+dated|cartas?\s+de\s+fecha|lettres?\s+dat)", re.IGNORECASE)
_NOTE_BY = re.compile(r"^Note by the (.+)$", re.IGNORECASE)
_MEETING = re.compile(r"^\d{1,4}(?:st|nd|rd|th)\s+(?:plenary\s+)?meeting$", re.IGNORECASE)
_OPENING = re.compile(r"^The (General Assembly|Security Council|Economic and Social Council|Human Rights Council)\s*,$")
_ORDINALS = {w: n for n, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth".split(), start=1)}
_TENS = {"twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70,
         "eightieth": 80, "ninetieth": 90}
_TENS_PREFIX = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
                "ninety": 90}


RESOLUTION_KINDS = ("resolution", "draft resolution", "decision", "draft decision")


@dataclass(frozen=True)
class UNFacts:
    """What a UN document's masthead says of it; None where it says nothing."""

    symbol: str
    title: str | None = None
    kind: str | None = None  # resolution, draft resolution, decision, draft decision, report, note, letter
    organ: str | None = None
    body: str | None = None  # the Main Committee of a draft
    session: int | None = None
    agenda_item: str | None = None
    agenda_subject: str | None = None  # the agenda item's title printed under it ("Question of East Timor")
    official_records: str | None = None  # "General Assembly Official Records Seventy-ninth Session Supplement No. 19"
    distribution: str | None = None
    distribution_date: str | None = None  # ISO
    adoption_date: str | None = None  # ISO
    meeting: str | None = None  # "69th plenary meeting"
    committee_report: str | None = None  # the symbol of the report it was adopted on
    committee: str | None = None  # the committee of that report
    sponsors: tuple[str, ...] = ()
    author: str | None = None  # "Secretary-General" of a report; the organ of a resolution
    job_number: str | None = None
    original_language: str | None = None
    # The masthead's own lines for each fact, as printed: what a question about the fact is
    # answered with ("Resolution adopted by the General Assembly on 18 December 2025").
    printed: dict = field(default_factory=dict)

    @property
    def date(self) -> str | None:
        """The date a citation carries: adoption for what was adopted, else distribution."""
        return self.adoption_date or self.distribution_date

    def to_dict(self) -> dict:
        d = asdict(self)
        d["sponsors"] = list(self.sponsors)
        return {k: v for k, v in d.items() if v not in (None, [], "", {})}


@dataclass(frozen=True)
class UNPages:
    """A UN document's pages without its masthead and furniture, its facts, and the folio printed
    on each page (PDF page number → printed page label) where it prints one."""

    pages: list[Page]
    facts: UNFacts
    folios: dict[int, str] = field(default_factory=dict)


def normalise_symbol(text: str) -> str:
    """"A /RES/80/216" (letter-spaced in the masthead) → "A/RES/80/216"."""
    return _SPACED_SLASH.sub("/", text.strip())


def repaired_symbol(symbol: str) -> str:
    """A symbol as the document is known by, where OCR read a letter for a digit in one of its
    number parts ("A/39/36I" from a 1984 scan → "A/39/361"). Reading keeps the symbol as the page
    shows it (its running headers are found by it); the document's title, facts and citations
    carry this one."""
    return "/".join(_ocr_digits(part) for part in symbol.split("/"))


# Letters OCR reads for digits. A symbol's number parts ("39", "361") are digits only, so a part
# made of digits and these letters alone is a number misread; "RES", "C.3", "L.41" are left.
_OCR_DIGIT = str.maketrans({"I": "1", "l": "1", "|": "1", "O": "0", "o": "0"})
_OCR_NUMBER = re.compile(r"[0-9IlO|o]*[0-9][0-9IlO|o]*")


def _ocr_digits(part: str) -> str:
    return part.translate(_OCR_DIGIT) if _OCR_NUMBER.fullmatch(part) else part


def iso_date(text: str) -> str | None:
    """The first "18 December 2025" in a text, as an ISO date."""
    m = _DATE.search(text)
    if not m:
        return None
    try:
        month = m.group(2).lower()
        number = next(names.index(month) for names in ([x.lower() for x in _MONTHS], _MESES, _MOIS) if month in names)
        return date(int(m.group(3)), number + 1, int(m.group(1))).isoformat()
    except ValueError:
        return None


def session_number(word: str) -> int | None:
    """"Eightieth" → 80, "Seventy-ninth" → 79, "Thirty-ninth" → 39."""
    w = word.lower().replace("~", "-")
    if w in _ORDINALS:
        return _ORDINALS[w]
    if w in _TENS:
        return _TENS[w]
    if "-" in w:
        tens, unit = w.split("-", 1)
        if tens in _TENS_PREFIX and unit in _ORDINALS and _ORDINALS[unit] < 10:
            return _TENS_PREFIX[tens] + _ORDINALS[unit]
    return None


def _text(line: Line) -> str:
    return " ".join(line.text.split())


def find_masthead_symbol(page: Page) -> str | None:
    """The document's own symbol: in the masthead at the top of page 1 (joint symbols such as
    "A/79/716-S/2025/18" kept whole), never a symbol the text cites further down."""
    found: list[str] = []
    for line in page.lines:
        if line.top > page.height * 0.25:
            break
        for m in SYMBOL.finditer(normalise_symbol(_text(line))):
            symbol = m.group(0).rstrip(".-")
            if symbol not in found:
                found.append(symbol)
    if not found:
        return None
    joint = [s for s in found if not s.startswith(found[0].split("/")[0] + "/")] if len(found) > 1 else []
    return "-".join([found[0], joint[0]]) if joint else found[0]


def is_furniture(text: str, symbol: str | None = None, title: str | None = None) -> bool:
    """Whether a line is page furniture (wherever on the page it sits)."""
    t = " ".join(text.split())
    if not t:
        return True
    if _JOB.match(t) or _BARCODE.match(t) or _FOLIO_JOB.match(t) or _RECYCLE.match(t) or _RULE.match(t):
        return True
    if symbol:
        flat = normalise_symbol(t)
        parts = symbol.split("-") if "/" in symbol else [symbol]
        rest = flat
        for s in [symbol, *parts]:
            rest = rest.replace(s, " ")
        rest = " ".join(rest.split())
        if rest != flat.strip() and (not rest or rest.lower() in ("english", "page", "original: english")
                                      or (title and _squash(rest) == _squash(title))
                                      or (title and _title_piece(rest, title))
                                      or re.fullmatch(r"(english\s+)?page\s+\d+", rest.lower())):
            return True
    return False


def _title_piece(text: str, title: str, least: int = 12) -> bool:
    """Whether a line is a piece of the title as a running head wraps it onto two lines
    ("A/RES/80/138 future generations of humankind"): two words at least, ``least`` letters."""
    piece = _squash(text)
    return len(piece) >= least and len(text.split()) >= 2 and piece in _squash(title)


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _folio(text: str) -> str | None:
    t = " ".join(text.split())
    m = _FOLIO_JOB.match(t)
    if m:
        return m.group(1) or m.group(2)
    m = re.search(r"\bpage\s+(\d{1,4})\s*$", t, re.IGNORECASE)
    if m:
        return m.group(1)
    m = _BARE_FOLIO.match(t)
    if m and not t.isdigit() or m and len(t) <= 4:
        return m.group(1)
    return None


def printed_folios(pages: list[Page]) -> dict[int, str]:
    """The page label printed on each page (its folio), read from the top and bottom bands; page
    1 of a document whose page 2 prints "2" is "1" though it prints none."""
    folios: dict[int, str] = {}
    for page in pages:
        for line in page.lines:
            if page.height * 0.12 < line.top < page.height * 0.9:
                continue
            label = _folio(_text(line))
            if label is not None:
                folios[page.number] = label
                break
    if pages and 1 not in folios and folios.get(2) == "2":
        folios[1] = "1"
    return folios


def _header_end(page: Page) -> int:
    """Index of the first line below the masthead's header block (symbol, organ, Distr., dates,
    Original), before session and agenda item."""
    for i, line in enumerate(page.lines):
        if line.top > page.height * 0.22:
            return i
    return len(page.lines)


def read_masthead(page: Page, symbol: str) -> tuple[UNFacts, set[int]]:
    """The facts of page 1's masthead and the indexes of its lines (taken out of the text)."""
    lines = [_text(ln) for ln in page.lines]
    used: set[int] = set()
    info: dict = {"symbol": symbol}
    printed: dict[str, str] = {}
    body_size = _body_size(page)

    def take(i: int) -> None:
        used.add(i)

    # The header block: symbol, organ, Distr., its date, Original.
    for i, t in enumerate(lines):
        line = page.lines[i]
        if line.top > page.height * 0.3:
            break
        flat = normalise_symbol(t)
        hit = False
        if SYMBOL.search(flat) and line.top < page.height * 0.25:
            hit = True
        if t.lower().startswith("united nations") and len(t) < 60:
            hit = True
        for organ in _ORGANS:
            if t.startswith(organ) and (len(t) < len(organ) + 25 or "Distr" in t):
                info.setdefault("organ", organ)
                hit = True
        if d := _DISTR.search(t):
            info["distribution"] = d.group(1).capitalize()
            printed["distribution"] = t[t.find("Distr"):] if "Distr" in t else t
            hit = True
        if (o := _ORIGINAL.match(t)):
            info["original_language"] = o.group(1).capitalize()
            hit = True
        if line.top < page.height * 0.25 and _DATE.fullmatch(t):
            info.setdefault("distribution_date", iso_date(t))
            printed.setdefault("distribution_date", t)
            hit = True
        if hit:
            take(i)
    # Session, committee, agenda item and the agenda item's title (bold lines after it).
    i = 0
    while i < len(lines):
        t = lines[i]
        if i in used:
            i += 1
            continue
        if (s := _SESSION.match(t)) and "session" not in info:
            info["session"] = session_number(s.group(1))
            printed["session"] = t
            take(i)
        elif _COMMITTEE.match(t) and "body" not in info:
            info["body"] = t
            take(i)
        elif _AGENDA.match(t) and "agenda_item" not in info:
            info["agenda_item"] = t.rstrip(" *")
            printed["agenda_item"] = t.rstrip(" *")
            take(i)
            k = i + 1
            # The item's title: bold at body size today, in capitals on an old typed page (which
            # sets it a blank line below).
            capitals = k < len(lines) and _is_capitals(lines[k])
            while k < len(lines) and (page.lines[k].bold or capitals and _is_capitals(lines[k])) \
                    and abs(page.lines[k].size - body_size) < 0.6 \
                    and not _DRAFT.search(lines[k]) and not _ADOPTED.match(lines[k]) \
                    and page.lines[k].top - page.lines[k - 1].bottom < body_size * (4 if capitals and k == i + 1 else 1):
                take(k)
                k += 1
            if k > i + 1:
                subject = " ".join(lines[i + 1:k])
                info["agenda_subject"] = subject
                printed["agenda_subject"] = subject
            i = k
            continue
        i += 1
    # What kind of document, its title, and what stands between the header and the title.
    title_lines: list[int] = []
    for i, t in enumerate(lines):
        if i in used:
            continue
        if _ADOPTED.match(t):
            info["kind"] = "resolution" if t.lower().startswith("resolution") else "decision"
            k = i
            block = [t]
            while k + 1 < len(lines) and k + 1 not in used and page.lines[k + 1].bold and \
                    page.lines[k + 1].size == page.lines[i].size and not _NUMBERED_TITLE.match(lines[k + 1]):
                k += 1
                block.append(lines[k])
            used.update(range(i, k + 1))
            info["adoption_date"] = iso_date(" ".join(block))
            printed["adoption_date"] = " ".join(block)
            continue
        if (m := _ON_REPORT.search(t)) or _WITHOUT_REFERENCE.search(t) or (
                t.startswith("[") and i + 1 < len(lines) and "]" in lines[i + 1] and _ON_REPORT.search(t + " " + lines[i + 1])):
            m = m or _ON_REPORT.search(t + " " + lines[i + 1])
            take(i)
            if m:
                printed["committee_report"] = t if "]" in t else f"{t} {lines[i + 1]}"
                if "]" not in t:
                    take(i + 1)
                info["committee"] = m.group(1)
                info["committee_report"] = m.group(2).rstrip(",")
            continue
        if (m := _NUMBERED_TITLE.match(t)) and info.get("kind") in ("resolution", "decision") and not title_lines:
            title_lines = [i]
            k = i + 1
            while k < len(lines) and page.lines[k].bold and page.lines[k].size == page.lines[i].size \
                    and page.lines[k].top - page.lines[k - 1].bottom < body_size:
                title_lines.append(k)
                k += 1
            break
    if "kind" not in info:
        # A draft: its sponsors, then "draft resolution", then the title.
        for i, t in enumerate(lines):
            if i in used or not _DRAFT.search(t):
                continue
            info["kind"] = "draft " + _DRAFT.search(t).group(1).lower()
            start = i
            while start - 1 >= 0 and start - 1 not in used and page.lines[start - 1].bold:
                start -= 1
            sponsors_text = " ".join(lines[start:i + 1])
            sponsors_text = _DRAFT.sub("", sponsors_text).strip().rstrip(":*").strip()
            info["sponsors"] = tuple(_split_sponsors(sponsors_text))
            printed["sponsors"] = " ".join(lines[start:i + 1])
            used.update(range(start, i + 1))
            title_lines = _title_after(page, lines, i + 1, used, body_size)
            break
    if not title_lines:
        title_lines = _largest_title(page, lines, used, body_size) or _plain_title(page, lines, used, body_size)
        if title_lines:
            first = lines[title_lines[0]]
            if _LETTER.match(first):
                info.setdefault("kind", "letter")
            elif _NOTE_BY.match(first):
                info.setdefault("kind", "note")
            else:
                info.setdefault("kind", "report")
    if title_lines:
        title = " ".join(lines[k] for k in title_lines)
        if (m := _NUMBERED_TITLE.match(title)) and info.get("kind") in ("resolution", "decision"):
            title = m.group(2)
        info["title"] = _clean_title(title)
        used.update(title_lines)
        # "Report of the Secretary-General" under a report's title: its author.
        after = max(title_lines) + 1
        if after < len(lines) and after not in used:
            m = _REPORT_OF.match(lines[after]) or _NOTE_BY.match(lines[after])
            if m and len(lines[after].split()) <= 8:
                info["author"] = m.group(1)
                used.add(after)
    # Whatever stands above the title on page 1 is masthead (a logo read by OCR, a line unknown here).
    if title_lines:
        below = page.lines[max(title_lines)].bottom
        used.update(i for i, ln in enumerate(page.lines) if ln.bottom <= below)
    # The opening formula of a resolution ("The General Assembly,") belongs to the masthead.
    for i, t in enumerate(lines):
        if i not in used and _OPENING.match(t.replace(" ,", ",")):
            used.add(i)
            break
    # A report published in the Official Records says where on its cover ("General Assembly /
    # Official Records / Seventy-ninth Session / Supplement No. 19").
    for i, t in enumerate(lines):
        if t.lower() == "official records":
            end = next((k for k in range(i + 1, min(i + 4, len(lines))) if _SUPPLEMENT.match(lines[k])), None)
            if end is not None:
                start = i - 1 if i and any(lines[i - 1] == organ for organ in _ORGANS) else i
                info["official_records"] = printed["official_records"] = " ".join(lines[start:end + 1])
                break
    for i, t in enumerate(lines):
        if m := _JOB.match(t):
            info.setdefault("job_number", m.group(1))
        elif page.lines[i].top > page.height * 0.9 and (m := re.match(r"^(\d{2}-\d{5})\b.*\([A-Z]\)", t)):
            info.setdefault("job_number", m.group(1))  # an old scan's foot: "84-17984 1304q (E)"
            used.add(i)
    if info.get("kind") in ("resolution", "decision") and "author" not in info:
        info["author"] = info.get("organ")
    printed["symbol"] = symbol
    if info.get("title"):
        printed["title"] = info["title"]
    info["printed"] = printed
    return UNFacts(**{k: v for k, v in info.items() if v is not None}), used


def _is_capitals(text: str) -> bool:
    """A line set in capitals ("QUESTION OF EAST TIMOR"), as old typed pages set a heading."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def _split_sponsors(text: str) -> list[str]:
    """"Austria, Bolivia (Plurinational State of), Croatia and Cuba" → the four names."""
    text = re.sub(r"\s*\*+\s*$", "", text)
    parts: list[str] = []
    depth, current = 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    if parts and " and " in parts[-1]:
        last = parts.pop()
        head, _, tail = last.rpartition(" and ")
        parts.extend([head, tail])
    return [" ".join(p.split()).strip(" *:") for p in parts if p.strip(" *:")]


def _title_after(page: Page, lines: list[str], start: int, used: set[int], body_size: float) -> list[int]:
    """The title lines right after ``start``: bold, set at one size, close together."""
    k = start
    while k < len(lines) and (k in used or not lines[k]):
        k += 1
    if k >= len(lines) or not page.lines[k].bold:
        return []
    out = [k]
    while k + 1 < len(lines) and page.lines[k + 1].bold and page.lines[k + 1].size == page.lines[out[0]].size \
            and page.lines[k + 1].top - page.lines[k].bottom < body_size:
        k += 1
        out.append(k)
    return out


_NOT_TITLE = ("united nations", "naciones unidas", "nations unies", "official records", "general assembly",
              "security council", "supplement no", "consejo de seguridad", "asamblea general")


def _largest_title(page: Page, lines: list[str], used: set[int], body_size: float) -> list[int]:
    """A report's title: the first run of bold lines set larger than the body (after the header
    and agenda lines), not the organ's name nor "Official Records". "Report of the
    Secretary-General" set smaller under a title is its author, not its title."""
    candidates = [i for i, ln in enumerate(page.lines) if i not in used and ln.bold and ln.size >= body_size * 1.15
                  and not lines[i].lower().startswith(_NOT_TITLE) and len(re.findall(r"[a-z]", lines[i])) >= 3]
    if not candidates:
        return []
    biggest = max(page.lines[i].size for i in candidates)
    first = next(i for i in candidates if page.lines[i].size >= biggest - 0.5 or
                 (page.lines[i].size >= body_size * 1.35 and not _REPORT_OF.match(lines[i])))
    size = page.lines[first].size
    out = [first]
    k = first
    while k + 1 < len(lines) and k + 1 not in used and page.lines[k + 1].bold and abs(page.lines[k + 1].size - size) < 0.6 \
            and page.lines[k + 1].top - page.lines[k].bottom < size:
        k += 1
        out.append(k)
    return out


def _plain_title(page: Page, lines: list[str], used: set[int], body_size: float) -> list[int]:
    """The title of a masthead set without bold (older documents): the first line that says what
    the document is ("Report of the …", "Note by the …", "Letter dated …") and the centred lines
    that continue it."""
    left = min((ln.x0 for ln in page.lines), default=0.0)
    for i, t in enumerate(lines):
        if i in used or not (_REPORT_OF.match(t) or _NOTE_BY.match(t) or _LETTER.match(t)):
            continue
        out = [i]
        while i + 1 < len(lines) and i + 1 not in used and page.lines[i + 1].x0 > left + 30 \
                and page.lines[i + 1].top - page.lines[i].bottom < body_size and ":" not in lines[i + 1]:
            i += 1
            out.append(i)
        return out
    return []


def _clean_title(title: str) -> str:
    title = " ".join(title.split())
    title = re.sub(r"(\w)- (\w)", r"\1-\2", title) if re.search(r"\w- \w", title) else title
    return title.rstrip("*").strip()


def _body_size(page: Page) -> float:
    from collections import Counter

    sizes: Counter = Counter()
    for ln in page.lines:
        sizes[ln.size] += len(ln.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _is_contents_line(text: str) -> bool:
    return bool(_LEADER_DOTS.search(text))


def read_un_pages(pages: list[Page]) -> UNPages | None:
    """A UN document's pages without masthead and furniture, with its facts and folios; None
    when page 1 carries no UN symbol in its masthead (the document is read as any other)."""
    if not pages or not pages[0].lines:
        return None
    symbol = find_masthead_symbol(pages[0])
    if symbol is None:
        return None
    facts, used = read_masthead(pages[0], symbol)
    if facts.job_number is None:  # a cover page prints it on the document's last page
        job = next((m.group(1) for ln in pages[-1].lines if (m := _JOB.match(_text(ln)))), None)
        facts = replace(facts, job_number=job) if job else facts
    folios = printed_folios(pages)
    cleaned: list[Page] = []
    for page in pages:
        dotted = [i for i, ln in enumerate(page.lines) if _is_contents_line(_text(ln))]
        contents = len(dotted) >= 3
        # A contents page: everything from its heading (or first entry) to its last entry, entries
        # that wrap onto a second line without leader dots included.
        start = next((i for i, ln in enumerate(page.lines[:dotted[0] + 1]) if _text(ln).lower() == "contents"),
                     dotted[0]) if contents else 0
        listing = set(range(start, dotted[-1] + 1)) if contents else set()
        keep: list[Line] = []
        after_meeting = False
        for i, line in enumerate(page.lines):
            t = _text(line)
            if page.number == 1 and i in used:
                continue
            if _MEETING.match(t):  # "69th plenary meeting" and its date close a resolution: facts
                facts = replace(facts, meeting=facts.meeting or t)
                after_meeting = True
                continue
            if after_meeting and _DATE.fullmatch(t):
                after_meeting = False
                continue
            after_meeting = False
            in_band = line.top < page.height * 0.12 or line.top > page.height * 0.9
            if is_furniture(t, symbol, facts.title) and (in_band or not _BARE_FOLIO.match(t)):
                continue
            # The other line of a running head that wraps the title over two lines carries no symbol.
            # It comes before the page's first line of text: a body line at the top of a page that
            # happens to be title words ("water and sanitation;", A/C.3/80/L.47 p. 7) is kept.
            if page.number > 1 and line.top < page.height * 0.12 and facts.title and \
                    (not keep or symbol and symbol in normalise_symbol(t)) and \
                    _title_piece(" ".join(normalise_symbol(t).replace(symbol, " ").split()), facts.title, 6):
                continue
            if in_band and _folio(t) is not None and not re.search(r"[a-z]{3}", t.replace("page", "").replace("Page", "")):
                continue
            if i in listing or _is_contents_line(t) or (contents and (t.lower() in ("contents", "page", "chapter page") or
                                                       re.fullmatch(r"[IVXLC]+\.|[A-Z]\.|Annex(es)?|Page", t))):
                continue
            keep.append(line)
        cleaned.append(replace(page, lines=tuple(keep)))
    return UNPages(cleaned, facts, folios)


def read_paragraph_masthead(paragraphs: list[tuple[str, bool, float | None]]) -> tuple[UNFacts, set[int]] | None:
    """The masthead of a document without pages (Word): its first paragraphs as (text, bold, size
    in points or None) laid out one under another as page 1's lines, read by ``read_masthead`` like
    a PDF's; with the indexes of the paragraphs that are masthead, and of a resolution's closing
    "69th plenary meeting" with its date. None when no UN symbol heads it."""
    # A Word file that only cites a symbol near its start is no UN document: its masthead, as the
    # Organization prints it, has the symbol on a line of its own (or beside "United Nations" or the
    # organ) and a "Distr." or organ line, all within its first few paragraphs.
    header = [" ".join(text.split()) for text, _, _ in paragraphs[:_DOCX_HEADER]]
    alone = any(SYMBOL.search(normalise_symbol(t)) and len(re.sub(r"united nations|" + "|".join(_ORGANS), "",
                                                                   SYMBOL.sub("", normalise_symbol(t)),
                                                                   flags=re.I).split()) <= 1 for t in header)
    organ_or_distr = any(_DISTR.search(t) or any(t.startswith(o) for o in _ORGANS) for t in header)
    if not (alone and organ_or_distr):
        return None
    sizes = [size for _, _, size in paragraphs if size]
    body = max(set(sizes), key=sizes.count) if sizes else 10.0
    lines, top = [], 40.0
    for text, bold, size in paragraphs:
        size = size or body
        words = tuple(Word(w, 0.0, 0.0, top, top + size, size, bold) for w in text.split())
        lines.append(Line(" ".join(text.split()), 72.0, 540.0, top, top + size, size, bold, words))
        top += size * 1.4
    page = Page(1, 612.0, 792.0, tuple(lines))  # a letter-size page 1: the masthead's share of it as in a PDF
    symbol = find_masthead_symbol(page)
    if symbol is None:
        return None
    facts, used = read_masthead(page, symbol)
    # Laid out one under another, the first dozen paragraphs all sit where a PDF's header block
    # does: nothing after the title or the opening formula ("The General Assembly,") is masthead,
    # though a preambular paragraph cites a symbol.
    title = _squash(facts.title or "")
    ends = [i for i in sorted(used) if title and len(_squash(lines[i].text)) >= 8 and
            (_squash(lines[i].text) in title or title in _squash(lines[i].text))] + \
        [i for i in sorted(used) if _OPENING.match(lines[i].text.replace(" ,", ","))]
    if ends:
        used = {i for i in used if i <= max(ends)}
    return facts, used


_DOCX_HEADER = 8  # paragraphs of a Word file's start where a masthead's symbol and organ stand


def closing_meeting(texts: list[str]) -> tuple[str | None, set[int]]:
    """A resolution's closing "69th plenary meeting / 18 December 2025": the meeting, and the
    indexes of its lines (facts, not text)."""
    for i, t in enumerate(texts):
        if _MEETING.match(t.strip()):
            dated = {i + 1} if i + 1 < len(texts) and _DATE.fullmatch(texts[i + 1].strip()) else set()
            return t.strip(), {i} | dated
    return None, set()
