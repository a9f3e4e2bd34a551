"""Split a plain-text document into cited passages.

The splitter reads a document's structure from the shape of its lines, not
from a list of known headings:

* blocks are runs of non-blank lines (a line of spaces is blank);
* the front matter is the leading blocks up to and including a place/date
  line ("New York, 25 June 2013");
* a heading is a block of one short line that does not end like a sentence;
* a page break is a line inside a block that begins with a space (how this
  text extraction marks a new page), or a form feed;
* a word broken across lines ("High-" / "level") is rejoined as "High-level".

Pure functions only: nothing here needs the model or the index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .attribution import UNKNOWN, Attribution, attribute_paragraph

SPLITTER_VERSION = "16"  # 16: a title block's heading mark is no text of it; 15: a division after a division is a heading of its own, a wrapped first line no title, a numbered paragraph a table finder took keeps its number; 14: a line mostly of figures is no heading; 13: a table row's cells are its sentences, and it has no paragraph number; a treaty's "Article 6" and its title are one heading; 12: "12 ." spaced labels too, and a label opening a later window kept in its text; 11: a paragraph's number is not a sentence of its own; 9: a sentence longer than a passage is cut at its clauses; 8: a preambular paragraph's lettered items counted with it; 7: operative sub-paragraphs, preambular paragraphs and footnotes of UN documents
MAX_PASSAGE_WORDS = 200
MAX_HEADING_WORDS = 12

DATE_LINE = re.compile(
    r"^[A-Z][\w .'-]*,\s*\d{1,2}\s+(January|February|March|April|May|June|July|August|"
    r"September|October|November|December)\s+\d{4}$"
)
# The text contract's one mark: the first line of a footnote block begins with this private-use
# character (no document prints it), put there by the layout reading; the splitter takes it off
# and keeps the block as a footnote passage.
FOOTNOTE_MARK = "\ue000"
# And a table row's: the layout reading writes each row of a table as one line of "header: cell"
# pairs joined by "; " after this mark. Its cells are its sentences (a highlight reads "Potential
# savings: SwF 13.7 million", not the whole row), and it is no numbered paragraph of the text.
TABLE_MARK = "\ue001"
CELL_SEPARATOR = "; "
_SENTENCE_END = re.compile(r"[.!?:;,][\"'”’)]*$")
_ATX_HEADING = re.compile(r"^#{1,6}\s+\S")
# A sentence ends at . ! ? (optionally followed by a closing quote or bracket)
# and the next one starts with a capital letter, digit or opening quote.
_SENTENCE_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")
# A paragraph's number ("2.", "12.", "12 ." as some PDFs space it, "iv.") before its first sentence is
# neither a sentence (a highlight reading "2.", a figure for "how many") nor part of one (its meaning
# is the sentence's). A new sentence opens with a capital or a digit, so a lower-case label can only
# be matched at a paragraph's start.
_LABEL_ONLY = re.compile(r"\s*(\d{1,3}|[a-z]|[ivxl]{1,5}) ?\.\s*")
# A reference's abbreviation before its number ("see p. 3", "para. 15") ends no sentence.
_REFERENCE_ABBREVIATION = re.compile(r"\b(p|pp|paras?|art)\.$")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "No.", "Mr.", "Mrs.", "Ms.", "Dr.", "St.", "vs.", "U.S.", "U.N.")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a passage: its text and where it sits in the passage text."""

    text: str
    start: int
    end: int
    page: int | None
    attribution: Attribution = UNKNOWN


@dataclass(frozen=True)
class Passage:
    """A unit of retrieval: verbatim text with everything a citation needs."""

    id: int
    doc_id: str
    doc_title: str
    section: str | None
    paragraph: int  # 1-based within its section
    paragraph_overall: int  # 1-based within the document
    page_start: int | None
    page_end: int | None
    text: str
    sentences: tuple[Sentence, ...] = field(default_factory=tuple)
    number: str | None = None  # the document's own paragraph number ("12", "15 (p)"), when it numbers them
    preambular: int | None = None  # a resolution's unnumbered preambular paragraph: its place (1, 2, …)
    footnote: bool = False  # a footnote (kept searchable, never ranked above the text that calls it)

    @property
    def paragraph_label(self) -> str | None:
        """How the document itself would cite this paragraph: "para. 15 (p)", "preambular para. 3"."""
        if self.number:
            return f"para. {self.number}"
        if self.preambular:
            return f"preambular para. {self.preambular}"
        return None

    @property
    def word_count(self) -> int:
        return len(self.text.split())

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "doc_id": self.doc_id,
            "doc_title": self.doc_title,
            "section": self.section,
            "paragraph": self.paragraph,
            "paragraph_overall": self.paragraph_overall,
            "page_start": self.page_start,
            "page_end": self.page_end,
            "text": self.text,
            "sentences": [[s.text, s.start, s.end, s.page, s.attribution.speaker, s.attribution.agreement]
                          for s in self.sentences],
            "number": self.number,
            **({"preambular": self.preambular} if self.preambular else {}),
            **({"footnote": True} if self.footnote else {}),
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Passage":
        return cls(
            id=d["id"],
            doc_id=d["doc_id"],
            doc_title=d["doc_title"],
            section=d["section"],
            paragraph=d["paragraph"],
            paragraph_overall=d["paragraph_overall"],
            page_start=d["page_start"],
            page_end=d["page_end"],
            text=d["text"],
            sentences=tuple(Sentence(t, s, e, p, Attribution(who, agree)) for t, s, e, p, who, agree in d["sentences"]),
            number=d.get("number"),
            preambular=d.get("preambular"),
            footnote=bool(d.get("footnote", False)),
        )


@dataclass(frozen=True)
class Block:
    """A run of non-blank lines, with the page each line is on."""

    lines: tuple[str, ...]
    pages: tuple[int, ...]


@dataclass(frozen=True)
class Section:
    """A heading and the paragraphs (blocks) under it; heading None for front matter."""

    heading: str | None
    blocks: tuple[Block, ...]


def read_blocks(text: str, space_page_breaks: bool = True) -> list[Block]:
    """Group lines into blocks and number pages (first page is 1): a form feed starts a page,
    and so does a continuation line that begins with a space when ``space_page_breaks``."""
    blocks: list[Block] = []
    lines: list[str] = []
    pages: list[int] = []
    page = 1
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if "\f" in raw:
            page += raw.count("\f")
            raw = raw.replace("\f", "")
        if not raw.strip():
            if lines:
                blocks.append(Block(tuple(lines), tuple(pages)))
                lines, pages = [], []
            continue
        if space_page_breaks and lines and raw[:1].isspace():
            page += 1  # a continuation line that starts with a space opens a new page
        if _ATX_HEADING.match(raw):  # a Markdown heading is a block of its own, blank lines or not
            if lines:
                blocks.append(Block(tuple(lines), tuple(pages)))
            blocks.append(Block((raw.strip(),), (page,)))
            lines, pages = [], []
            continue
        lines.append(raw.strip())
        pages.append(page)
    if lines:
        blocks.append(Block(tuple(lines), tuple(pages)))
    return blocks


def is_heading(block: Block) -> bool:
    """A heading is one short line that does not end like a sentence or a clause."""
    if len(block.lines) != 1:
        return False
    line = block.lines[0]
    if line.startswith("#"):
        return bool(line.lstrip("#").strip())
    words = line.split()
    return (
        0 < len(words) <= MAX_HEADING_WORDS
        and line[0].isupper()
        and not _SENTENCE_END.search(line)
        and not DATE_LINE.match(line)
        # A table's row of totals ("Total 3 507 3 414 3 648 4 003") is mostly figures: no heading.
        and sum(any(c.isdigit() for c in w) for w in words) * 2 <= len(words)
    )


def join_lines(lines: list[str] | tuple[str, ...]) -> tuple[str, list[int]]:
    """Join lines into one verbatim string, rejoining words hyphenated at a line end.

    Returns the text and, for each line, the offset where it starts in the text.
    """
    text = ""
    starts: list[int] = []
    for line in lines:
        line = re.sub(r"\s+", " ", line.strip())
        if text and not (text.endswith("-") and len(text) > 1 and text[-2].isalpha()):
            text += " "
        starts.append(len(text))
        text += line
    return text, starts


def split_cells(text: str) -> list[tuple[int, int]]:
    """Character spans of a table row's cells ("header: cell"), the last with the row's full stop."""
    spans: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        end = text.find(CELL_SEPARATOR, start)
        end = len(text) if end < 0 else end
        cell = text[start:end].rstrip()
        if cell.strip():
            lead = len(text[start:]) - len(text[start:].lstrip())
            spans.append((start + lead, start + len(cell)))
        start = end + len(CELL_SEPARATOR)
    return spans


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of a normalised text."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_BOUNDARY.finditer(text):
        candidate = text[start : m.start()]
        if candidate.endswith(_ABBREVIATIONS) or (_REFERENCE_ABBREVIATION.search(candidate)
                                                   and text[m.end():m.end() + 1].isdigit()):
            continue
        if _LABEL_ONLY.fullmatch(candidate):
            start = m.end()  # the label is cited as the paragraph's number, never read as a sentence
            continue
        end = m.start() + len(m.group(0).rstrip())
        spans.append((start, end))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text.rstrip())))
    return [(s, e) for s, e in spans if text[s:e].strip()]


# A treaty's or statute's divisions, alone on a line: "Article 12", "Article 5 bis", "Part II",
# "Chapter III". The division's title is often on the next line ("Article 6" / "Criminalization"),
# in the same block or set as a heading of its own; the two are one heading ("Article 6:
# Criminalization"), so that a passage of the article is cited with its number.
_DIVISION = re.compile(r"^(?:ARTICLE|Article|Art\.|PART|Part|CHAPTER|Chapter)\s+(?:\d{1,3}|[IVXLC]{1,7})(?:\s+(?:bis|ter|quater))?\.?$")
_ARTICLE_SECTION = re.compile(r"^(?:Article|Art\.)\s+(\d{1,3}(?:\s+(?:bis|ter|quater))?)\b", re.I)


def article_of(section: str | None) -> str | None:
    """The article a section is ("Article 6: Criminalization" → "6"), or None."""
    m = _ARTICLE_SECTION.match(section or "")
    return m.group(1) if m else None


def _division_heading(block: Block) -> str | None:
    """A block that is a division's label and its title ("Article 6" / "Criminalization") as one
    heading; None for any other block."""
    lines = [line.lstrip("#").strip() for line in block.lines]
    if not lines or len(lines) > 3 or not _DIVISION.match(lines[0]):
        return None
    title = lines[1:]
    if any(len(t.split()) > MAX_HEADING_WORDS or _SENTENCE_END.search(t) for t in title):
        return None
    return ": ".join([lines[0].rstrip(".")] + [" ".join(title)] if title else [lines[0].rstrip(".")])


def split_sections(text: str, space_page_breaks: bool = True) -> tuple[list[str], list[Section]]:
    """Front-matter lines, and the sections of the body in order."""
    blocks = read_blocks(text, space_page_breaks)
    front: list[str] = []
    # Front matter: leading blocks up to a place/date line, if one comes early.
    for i, block in enumerate(blocks[:4]):
        if any(DATE_LINE.match(line) for line in block.lines):
            for b in blocks[: i + 1]:
                # A title the layout marked as a heading ("# Statement by …") is a title line.
                front.extend(line.lstrip("#").strip() if _ATX_HEADING.match(line) else line for line in b.lines)
            blocks = blocks[i + 1 :]
            break
    sections: list[Section] = []
    heading: str | None = None
    current: list[Block] = []
    for block in blocks:
        division = _division_heading(block)
        if division is not None or is_heading(block):
            text_of = division if division is not None else block.lines[0].lstrip("#").strip()
            # "Article 6", then its title set as a heading of its own; never a division after a
            # division ("PART I", then "Article 1"; "Article 2", then "Article 3").
            if not current and heading is not None and _DIVISION.match(heading) and division is None:
                heading = f"{heading.rstrip('.')}: {text_of}"  # "Article 6", then its title as a heading
                continue
            if current or heading is not None:
                sections.append(Section(heading, tuple(current)))
            heading, current = text_of, []
        elif not current and heading is not None and _DIVISION.match(heading) and len(block.lines) > 1 \
                and _division_title(block.lines[0], block.lines[1]):
            # "Article 2" set apart, its title run into the article's first lines: the title is the
            # heading's, the rest the article's paragraph.
            heading = f"{heading.rstrip('.')}: {block.lines[0].strip()}"
            current.append(Block(block.lines[1:], block.pages[1:]))
        else:
            current.append(block)
    if current or heading is not None:
        sections.append(Section(heading, tuple(current)))
    return front, sections


_TITLE_ENDS_OPEN = re.compile(r"\b(?:the|a|an|of|and|or|to|in|on|for|by|with|that|which|shall|may|is|are)$", re.I)


def _division_title(line: str, following: str) -> bool:
    """A line that reads as a division's title ("Definitions", "Rest periods") above the line after
    it: short, capitalised, not ending like a sentence or clause nor on a word that runs on ("Each
    State Party shall ensure that" is a paragraph's first line, wrapped), and well short of the
    line that follows (a wrapped paragraph's lines are of a length)."""
    words = line.split()
    return (0 < len(words) <= 8 and line[:1].isupper() and not _SENTENCE_END.search(line)
            and not _PARAGRAPH_NUMBER.match(line) and not _TITLE_ENDS_OPEN.search(line.strip())
            and len(line.strip()) <= 0.6 * len(following.strip()))


# A resolution's paragraph is often one sentence of 250 to 300 words ("Urges Member States …,
# … urges parties …, encourages parties …;"). Whole, it is a passage over the limit, a highlight of a
# page, and a text the models truncate (MiniLM reads 256 word pieces): its later calls could never be
# found. Such a sentence is cut at its clauses into pieces of about this many words.
CLAUSE_WORDS = 100
_CLAUSE_END = re.compile(r"[,;:](?=\s)")


def split_long_sentences(spans: list[tuple[int, int]], text: str, max_words: int,
                         piece_words: int = CLAUSE_WORDS) -> list[tuple[int, int]]:
    """Each sentence of more than ``max_words`` words cut after a comma, semicolon or colon into
    pieces of about ``piece_words`` words (as even as its clauses allow); other sentences as they are.
    A sentence without such a mark stays whole."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        n = len(text[s:e].split())
        if n <= max_words:
            out.append((s, e))
            continue
        pieces = -(-n // piece_words)
        target = n / pieces
        start, words_before, words, last = s, 0, 0, s
        cuts = []  # (offset, words before it): counted as the marks go by, so linear in the sentence
        for m in _CLAUSE_END.finditer(text, s, e):
            words += len(text[last:m.end()].split())
            last = m.end()
            if words - words_before >= target * 0.6 and words >= (len(cuts) + 1) * target * 0.9:
                cuts.append((m.end(), words))
                words_before = words
        for c, before in cuts:
            if n - before >= target * 0.4:  # no crumb of a clause left on its own
                out.append((start, c))
                start = c + (len(text[c:e]) - len(text[c:e].lstrip()))
        out.append((start, e))
    return out


def _sentence_windows(spans: list[tuple[int, int]], text: str, max_words: int) -> list[tuple[int, int]]:
    """Group consecutive sentences into windows of at most max_words words."""
    windows: list[tuple[int, int]] = []
    start_idx = 0
    words = 0
    for i, (s, e) in enumerate(spans):
        n = len(text[s:e].split())
        if words and words + n > max_words:
            windows.append((start_idx, i))
            start_idx, words = i, 0
        words += n
    windows.append((start_idx, len(spans)))
    return windows


def _page_at(offset: int, line_starts: list[int], pages: tuple[int, ...]) -> int:
    page = pages[0]
    for start, p in zip(line_starts, pages):
        if start > offset:
            break
        page = p
    return page


_PARAGRAPH_NUMBER = re.compile(r"^(\d{1,3}) ?\.\s+\S")  # "12. The Committee…" ("12 ." as some PDFs space it)
_SUBPARAGRAPH = re.compile(r"^\(([a-z]{1,2}|[ivx]{1,5})\)\s+\S")


def numbers_its_paragraphs(blocks: list[Block]) -> bool:
    """Whether a document numbers its paragraphs, as UN documents do ("12. The Committee…"): most
    of its paragraphs start with a number, and the numbers rise. A list here and there is not it."""
    numbers = [int(m.group(1)) for b in blocks if (m := _PARAGRAPH_NUMBER.match(b.lines[0].removeprefix(TABLE_MARK)))]
    if len(blocks) < 2 or len(numbers) < 0.3 * len(blocks):
        return False
    if numbers == sorted(numbers) and len(set(numbers)) == len(numbers):
        return True
    # A report whose numbering starts again in each part ("1." under every Territory), or whose
    # numbered sub-headings ("1. Board of Auditors") sit among its numbered paragraphs: its
    # paragraphs count 1, 2, 3 … in order through it, whatever else is numbered between them.
    expected = 1
    for n in numbers:
        expected += n == expected
    restarts = [b == a + 1 or b == 1 for a, b in zip(numbers, numbers[1:])]
    return expected - 1 >= max(5, 0.3 * len(numbers)) or (numbers[0] == 1 and sum(restarts) >= 0.8 * len(restarts))


def _table_row(first_line: str) -> bool:
    """A table row's block, not a paragraph: a numbered paragraph that a table finder took for a
    table (it starts "6. Urges …") keeps its number."""
    return first_line.startswith(TABLE_MARK) and not _PARAGRAPH_NUMBER.match(first_line.removeprefix(TABLE_MARK))


@dataclass(frozen=True)
class Numbering:
    """How one paragraph is numbered in its document."""

    number: str | None = None
    preambular: int | None = None
    footnote: bool = False


def number_paragraphs(blocks: list[Block], resolution: bool) -> list[Numbering]:
    """The document's own numbering of each block. A resolution (or draft, or decision):
    unnumbered preambular paragraphs counted in order until its first operative paragraph ("1."),
    a preambular paragraph's lettered items ("(a) …") counted with it,
    then operative paragraphs by their printed number and lettered sub-paragraphs under the last
    one ("15 (p)"); footnotes (a number and a space) are neither. Another document: its printed
    numbers when it numbers its paragraphs (``numbers_its_paragraphs``), sub-paragraphs as above."""
    out: list[Numbering] = []
    numbered = resolution or numbers_its_paragraphs([b for b in blocks if not b.lines[0].startswith(FOOTNOTE_MARK)
                                                     and not _table_row(b.lines[0])])
    current: str | None = None
    preamble = 0
    for block in blocks:
        first = block.lines[0]
        if first.startswith(FOOTNOTE_MARK):
            out.append(Numbering(footnote=True))
        elif _table_row(first):
            out.append(Numbering())
        elif not numbered:
            out.append(Numbering())
        elif len(block.lines) == 1 and len(first.split()) <= MAX_HEADING_WORDS and not _SENTENCE_END.search(first):
            out.append(Numbering())  # a numbered sub-heading ("1. Board of Auditors"), not a paragraph
        elif m := _PARAGRAPH_NUMBER.match(first.removeprefix(TABLE_MARK)):
            current = m.group(1)
            out.append(Numbering(number=current))
        elif (m := _SUBPARAGRAPH.match(first)) and current is not None:
            out.append(Numbering(number=f"{current} ({m.group(1)})"))
        elif resolution and current is None and preamble and _SUBPARAGRAPH.match(first):
            # "(a) The Voluntary Guidelines…" under "Recalling the endorsement … of:": a lettered
            # item of the preambular paragraph before it, not a paragraph of its own (A/C.3/80/L.41).
            out.append(Numbering(preambular=preamble))
        elif resolution and current is None:
            preamble += 1
            out.append(Numbering(preambular=preamble))
        else:
            out.append(Numbering())
    return out


def split_passages(
    text: str,
    doc_id: str,
    doc_title: str,
    *,
    first_id: int = 0,
    max_words: int = MAX_PASSAGE_WORDS,
    paged: bool = True,
    space_page_breaks: bool = True,
    resolution: bool = False,
) -> list[Passage]:
    """Split a document into passages: one a paragraph, or sentence windows of a long one.

    The front matter (title block with place and date) becomes a passage with no
    section. ``paged=False`` is for formats without pages (page stays None);
    ``space_page_breaks`` says whether a line starting with a space marks a new page.
    """
    front, sections = split_sections(text, space_page_breaks)
    passages: list[Passage] = []
    overall = 0
    body = [b for s in sections for b in s.blocks]
    numbering = dict(zip(map(id, body), number_paragraphs(body, resolution)))

    def add(block_lines, block_pages, section: str | None, para: int, numbered: Numbering = Numbering()) -> None:
        table_row = bool(block_lines) and block_lines[0].startswith(TABLE_MARK)
        block_lines = [line.removeprefix(FOOTNOTE_MARK).removeprefix(TABLE_MARK) for line in block_lines]
        joined, line_starts = join_lines(block_lines)
        spans = split_long_sentences(split_cells(joined) if table_row else split_sentences(joined), joined, max_words)
        attributions = attribute_paragraph([joined[s:e] for s, e in spans])
        for w_start, w_end in _sentence_windows(spans, joined, max_words):
            # A window starts where the previous sentence ended (the paragraph's start for the first):
            # a label before its first sentence is no sentence, but is its text.
            a = 0 if w_start == 0 else spans[w_start - 1][1]
            gap = joined[a:spans[w_start][0]]
            a += len(gap) - len(gap.lstrip())
            b = spans[w_end - 1][1]
            piece = joined[a:b]
            sentences = tuple(
                Sentence(joined[s:e], s - a, e - a, _page_at(s, line_starts, block_pages) if paged else None,
                         attributions[k])
                for k, (s, e) in enumerate(spans[w_start:w_end], start=w_start)
            )
            page_start = _page_at(a, line_starts, block_pages) if paged else None
            page_end = _page_at(b - 1, line_starts, block_pages) if paged else None
            passages.append(
                Passage(
                    id=first_id + len(passages),
                    doc_id=doc_id,
                    doc_title=doc_title,
                    section=section,
                    paragraph=para,
                    paragraph_overall=overall,
                    page_start=page_start,
                    page_end=page_end,
                    text=piece,
                    sentences=sentences,
                    number=numbered.number,
                    preambular=numbered.preambular,
                    footnote=numbered.footnote,
                )
            )

    if front:
        add(tuple(front), tuple(1 for _ in front), None, 0)
    for section in sections:
        for para, block in enumerate(section.blocks, start=1):
            overall += 1
            add(block.lines, block.pages, section.heading, para, numbering[id(block)])
    return passages
