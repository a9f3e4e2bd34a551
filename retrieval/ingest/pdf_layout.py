"""Reading a typeset PDF's layout into the plain text the splitter understands.

A typeset PDF has no blank lines: its structure is in fonts and positions. pdfplumber (on
pdfminer.six) gives every word with its font, size and place; from them, page by page:

* **running headers and footers** are dropped: lines in the top or bottom band of the page whose
  text (digits aside) recurs on most pages, and page numbers ("3", "3/10", "Page 3 of 10", "- 3 -");
* **headings** are lines set larger than the body text, or wholly bold at body size, short and not
  ending like a sentence (and titles of the PDF's outline); they become ``# heading`` lines;
* **paragraphs** end where the gap between lines is wider than the page's line pitch, or where a
  line starts with a paragraph number ("12.") or a first-line indent; a paragraph running over a
  page break is kept whole (a form feed inside it);
* **footnotes** (smaller text below the body at the page foot) are kept out of the paragraph and
  placed as paragraphs of their own after the paragraph they interrupt; superscript marks go;
* **two columns** are read column by column (a gutter no word crosses);
* **tables** (ruled, found by pdfplumber; or set with horizontal rules only, read by
  ``rule_tables``) are kept row by row: each row a paragraph of "header: cell" pairs, never their
  words mixed with the text.

The front matter (lines of page 1 above the first body paragraph, such as a title block) stays
plain lines, so the splitter's title block is as for a text file. Pure functions below
``read_layout_lines`` need no PDF: they take ``Line`` records, so they are tested directly.
"""

from __future__ import annotations

import logging
import os
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from .passages import CELL_SEPARATOR, DATE_LINE, FOOTNOTE_MARK, TABLE_MARK
from .recent import Recent

_log = logging.getLogger(__name__)

BAND = 0.1  # the top and bottom tenth of a page is where running headers and footers sit
HEADING_SCALE = 1.12  # a line this much larger than the body text is a heading
FOOTNOTE_SCALE = 0.92  # a line this much smaller, below the body, is a footnote
MAX_HEADING_WORDS = 12

_PAGE_NUMBER = re.compile(r"^(?:page\s*)?[-–—\s]*\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?[-–—\s]*$", re.IGNORECASE)
_PARAGRAPH_NUMBER = re.compile(r"^\(?\d{1,3} ?[.)]\s")
_SUBPARAGRAPH_START = re.compile(r"^\([a-z]{1,2}\)\s")
_SENTENCE_END = re.compile(r"[.!?:;,][\"'”’)]*$")
# A UN document symbol: a series letter and two or more slash-separated parts ("A/68/190",
# "E/CN.6/2013/1", "A/RES/68/4").
SYMBOL = re.compile(r"\b(?:A|E|S|ST|TD|UNEP|DP|HRC|CRC|CEDAW)(?:/[A-Z0-9][A-Za-z0-9.\-]*){2,}\b")


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool


@dataclass(frozen=True)
class Line:
    """One line of text on a page, with what the layout reading needs of it."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # the size of most of its characters
    bold: bool  # whether (nearly) all of it is bold
    words: tuple[Word, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Page:
    """A page's lines in reading order (columns already separated), its size, and its tables
    (each a list of rows of cells)."""

    number: int
    width: float
    height: float
    lines: tuple[Line, ...]
    tables: tuple[tuple[tuple[str, ...], ...], ...] = ()
    table_tops: tuple[float, ...] = ()  # where each table starts, to place it among the lines


# -- reading a PDF ---------------------------------------------------------------------------
OCR_DPI = 200  # what a scanner commonly gives; enough for Tesseract on 10-point text


OCR_PIXELS = 16_000_000  # most pixels a page is rendered at for OCR (an A4 page at 200 dpi is 3.9 million)


def budgeted_dpi(width_pt: float, height_pt: float, dpi: float, pixels: int) -> float:
    """The resolution to render a page of this size at: ``dpi``, or less so that the image holds
    at most ``pixels`` pixels (a page's size is known before anything is decoded)."""
    area = max(width_pt, 1.0) * max(height_pt, 1.0) / (72.0 * 72.0)  # square inches
    return min(float(dpi), (pixels / area) ** 0.5)


class OCRUnavailable(RuntimeError):
    """A page needs OCR and Tesseract is not installed; the message says what to install."""


def ocr_available() -> bool:
    import shutil

    return shutil.which("tesseract") is not None


def ocr_words(page, dpi: int = OCR_DPI) -> list[Word]:
    """The words of an image-only page, read by Tesseract from the page rendered at ``dpi``
    (pypdfium2, through pdfplumber), in PDF points. Tesseract does not say bold; a line's size is
    its height in whole points, so lines of one style share one size."""
    # Checked before the page is decoded: a huge page (a 7,200-pt scan) is read at a lower
    # resolution rather than spending gigabytes and many seconds (#33).
    dpi = budgeted_dpi(float(page.width), float(page.height), dpi, OCR_PIXELS)
    image = page.to_image(resolution=dpi).original.convert("L")
    data = _tesseract_tsv(image)
    scale = 72.0 / dpi
    lines: dict[tuple, list[int]] = {}
    for i, text in enumerate(data["text"]):
        if text.strip() and float(data["conf"][i]) >= 0:
            lines.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
    words: list[Word] = []
    for members in lines.values():
        tops = [data["top"][i] * scale for i in members]
        bottoms = [(data["top"][i] + data["height"][i]) * scale for i in members]
        size = float(round(statistics.median(b - t for t, b in zip(tops, bottoms)) / 0.72))
        for i in members:
            x0 = data["left"][i] * scale
            words.append(Word(data["text"][i], x0, x0 + data["width"][i] * scale, data["top"][i] * scale,
                              max(bottoms), size, False))
    return words


def _tesseract_tsv(image) -> dict[str, list]:
    """Tesseract's TSV of an image, by column. The image goes in on stdin and the TSV comes back
    on stdout, so no file is written: pytesseract writes both to the system's temporary folder,
    where a server killed mid-OCR left them (#33). Where util-linux's ``setpriv`` is found,
    Tesseract gets the parent-death signal and stops with the process that started it (set by a
    program, not by Python code in the forked child, which may deadlock in a threaded server)."""
    import io
    import shutil
    import subprocess

    png = io.BytesIO()
    image.save(png, format="PNG")
    # Tesseract's own threads make it ~9× slower on this 2-core machine (13.5 s a page against
    # 1.5 s): one thread.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    if shutil.which("tesseract") is None:
        raise OCRUnavailable("its pages are scanned images; reading them needs Tesseract OCR: "
                             "apt-get install tesseract-ocr tesseract-ocr-eng")
    command = ["tesseract", "stdin", "stdout", "-l", "eng", "tsv"]
    if shutil.which("setpriv"):
        command = ["setpriv", "--pdeathsig", "KILL", "--", *command]
    try:
        done = subprocess.run(command, input=png.getvalue(), capture_output=True, env=env, check=False,
                              timeout=OCR_PAGE_SECONDS)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"tesseract took over {OCR_PAGE_SECONDS} s on one page") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"tesseract failed: {reason[-1] if reason else done.returncode}")
    rows = done.stdout.decode("utf-8", "replace").split("\n")
    head = rows[0].split("\t") if rows and rows[0].strip() else list(_TSV_COLUMNS)
    columns: dict[str, list] = {name: [] for name in head}
    numeric = {"block_num", "par_num", "line_num", "left", "top", "width", "height"}
    for row in rows[1:]:
        cells = row.split("\t")
        if len(cells) != len(head):
            continue
        for name, cell in zip(head, cells):
            columns[name].append(int(cell) if name in numeric else cell)
    return columns


# Tesseract's TSV header (an empty reading may come without one) and the longest one page may
# take: far above the 1-2 s a page here, a bound for a server's background thread whatever the
# document's own reading limit.
_TSV_COLUMNS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num", "left", "top", "width",
                "height", "conf", "text")
OCR_PAGE_SECONDS = 300


# OCR is slow (a second or two a page), and a document is read more than once in a process (the
# ingestion gate, then the engine's load of the corpus): the words of scanned pages are kept by
# the file's hash for the last few documents.
_OCR_CACHE: "Recent[list[Word]]" = Recent(4000)  # pages, by (file hash, page number)


def _ocr_cached(key: tuple[str, int] | None, page) -> list[Word]:
    words = _OCR_CACHE.get(key) if key is not None else None
    if words is None:
        words = ocr_words(page)
        if key is not None:
            _OCR_CACHE.put(key, words)
    return words


def needs_ocr(page) -> bool:
    """A page with images and no text layer: a scan."""
    return not page.chars and bool(page.images)


# A page drawn with fewer path objects than this holds no ruled table (a resolution's text page
# draws 3 or 4: rules and the footnote line; its page 1, with the emblem, about 21): its words are
# read with PDFium, 8x faster than pdfplumber; any other page, a scan or one mostly an image, still
# goes through pdfplumber (tables, OCR).
FAST_PAGE_PATHS = 8


def read_pages(pdf, check=None, progress=None, file_hash: str | None = None, ocr: bool = True,
               fast=None, kinds: list[tuple] | None = None, read_poorly: list[int] | None = None) -> list[Page]:
    """Every page of an open ``pdfplumber.PDF`` as ``Page`` records; ``check(page_number,
    characters so far)`` is called after each page (limits raise from it); ``progress(pages
    read, of how many)`` after each page that needed OCR. An image-only page is read with OCR
    (raises ``OCRUnavailable`` when Tesseract is not installed); with ``ocr`` false such a page
    is left empty, for a quick check that leaves the OCR for later. ``fast``: the same file open
    in PDFium (``pypdfium2.PdfDocument``) with each page's ``pdf_words.page_kind`` in ``kinds``:
    a plain text page is then read from PDFium's words (``pdf_words.page_words``), which give
    the same lines as pdfplumber's (``tests/test_pdf_words.py``). ``read_poorly`` receives the
    numbers of the pages whose poor old OCR layer was read as it is for want of Tesseract."""
    pages, characters = [], 0
    total = len(pdf.pages)
    for number, page in enumerate(pdf.pages, start=1):
        kind = kinds[number - 1] if fast is not None and kinds is not None and number <= len(kinds) else None
        plain = kind is not None and kind[0] > 0 and kind[2] < 0.5 and kind[3] < FAST_PAGE_PATHS
        scanned = not plain and needs_ocr(page)
        if scanned and not ocr:
            pages.append(Page(number, float(page.width), float(page.height), ()))
            continue
        if plain:
            from .pdf_words import page_words

            width = float(page.width)
            read = Page(number, width, float(page.height), tuple(group_lines(page_words(fast[number - 1]), width)))
        else:
            read = _scanned_page(page, number, file_hash) if scanned else _text_page(page, number)
            if not scanned and ocr and _image_cover(page) >= 0.5:
                if ocr_available():
                    read = _better_reading(read, page, number, file_hash)
                elif (quality := text_quality(read.lines)) is not None and quality < OLD_OCR_QUALITY:
                    # Read as it is, but not silently: the answers from this page will be as poor.
                    _log.warning("page %d: its old OCR text reads poorly (%.0f%% of its words are words) and "
                                 "Tesseract is not installed to read its image again: apt-get install "
                                 "tesseract-ocr tesseract-ocr-eng (this reading is not kept: the next start "
                                 "reads the page again)", number, 100 * quality)
                    if read_poorly is not None:
                        read_poorly.append(number)
        pages.append(read)
        characters += sum(len(ln.text) for ln in read.lines)
        if check is not None:
            check(number, characters)
        if scanned and progress is not None:
            progress(number, total)
        page.flush_cache()  # pdfplumber keeps every page's objects otherwise
    return pages


# A scan published with an old OCR text layer ("tbe SecEetaly-General") has a page-size image
# behind text of which many words are no words: Tesseract reads such a page again, and the reading
# with more real words is kept (measured per page; a clean layer scores 0.97-1.0, the 1984 scan
# 0.81-0.86).
OLD_OCR_QUALITY = 0.9
OCR_GAIN = 0.03


def text_quality(lines) -> float | None:
    """The share of a page's words that are words of English (or Spanish or French: the UN's
    other working languages in Latin script), by wordfreq; None for a page without words."""
    from wordfreq import zipf_frequency

    tokens = [w.lower() for ln in lines for w in re.findall(r"[A-Za-z][A-Za-z']+", ln.text)]
    if not tokens:
        return None
    known = sum(1 for w in tokens if max(zipf_frequency(w, "en"), zipf_frequency(w, "es"), zipf_frequency(w, "fr")) >= 2.0)
    return known / len(tokens)


def _image_cover(page) -> float:
    """The largest share of the page one image covers."""
    area = float(page.width) * float(page.height) or 1.0
    return max((abs((float(im["x1"]) - float(im["x0"])) * (float(im["bottom"]) - float(im["top"]))) / area
                for im in page.images), default=0.0)


def _better_reading(read: Page, page, number: int, file_hash: str | None) -> Page:
    """The page's text layer, or Tesseract's reading of its image where that reads better."""
    quality = text_quality(read.lines)
    if quality is None or quality >= OLD_OCR_QUALITY:
        return read
    again = _scanned_page(page, number, file_hash)
    better = text_quality(again.lines)
    return again if better is not None and better >= quality + OCR_GAIN else read


def _scanned_page(page, number: int, file_hash: str | None) -> Page:
    """An image-only page, read with OCR (its words kept by file hash and page)."""
    if not ocr_available():
        raise OCRUnavailable("its pages are scanned images; reading them needs Tesseract OCR: "
                             "apt-get install tesseract-ocr tesseract-ocr-eng")
    words = _ocr_cached((file_hash, number) if file_hash else None, page)
    return Page(number, float(page.width), float(page.height), tuple(group_lines(words, float(page.width))))


RULE_HEIGHT = 3.0  # a filled rectangle this thin is a rule (a word processor draws rules so)
FOOT_BAND = 0.08  # the bottom of a page that holds its footer (a UN page's text block ends above it)


def _text_page(page, number: int) -> Page:
    """A page with a text layer: its ruled tables row by row, its other words in lines."""
    tables, tops, boxes = [], [], []
    try:
        found = page.find_tables()
    except Exception:  # a table that cannot be read is read as text
        found = []
    for table in found:
        rows = tuple(tuple(cell or "" for cell in row) for row in table.extract())
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
            tables.append(rows)
            tops.append(float(table.bbox[1]))
            boxes.append(table.bbox)
    words = [
        Word(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"]), float(w["size"]),
             "bold" in str(w.get("fontname", "")).lower())
        for w in page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False)
        if not any(b[0] - 1 <= w["x0"] and w["x1"] <= b[2] + 1 and b[1] - 1 <= w["top"] and w["bottom"] <= b[3] + 1
                   for b in boxes)
    ]
    # Tables set with horizontal rules only (a UN report's), which find_tables does not see.
    from .rule_tables import page_rules, rule_tables

    segments = [(float(r["x0"]), float(r["x1"]), float(r["top"])) for r in page.rects
                if float(r["bottom"]) - float(r["top"]) <= RULE_HEIGHT]
    segments += [(float(ln["x0"]), float(ln["x1"]), float(ln["top"])) for ln in page.lines
                 if abs(float(ln["bottom"]) - float(ln["top"])) <= 1]
    taken: set[int] = set()
    # The page's foot (its folio and job number) is below the text block: no table's.
    foot = float(page.height) * (1 - FOOT_BAND)
    for table in rule_tables(page_rules(segments, float(page.width)), words, foot):
        tables.append(table.rows)
        tops.append(table.top)
        taken |= table.words
    words = [w for i, w in enumerate(words) if i not in taken]
    lines = tuple(group_lines(words, float(page.width)))
    return Page(number, float(page.width), float(page.height), lines, tuple(tables), tuple(tops))


def has_text(pages: list[Page]) -> bool:
    return any(p.lines or p.tables for p in pages)


def find_symbol(pages: list[Page]) -> str | None:
    """The document symbol on the first page ("A/68/190"), if any."""
    for line in pages[0].lines if pages else ():
        found = SYMBOL.search(line.text)
        if found:
            return found.group(0)
    return None


# -- words to lines ---------------------------------------------------------------------------
def group_lines(words: list[Word], width: float) -> list[Line]:
    """Words into lines in reading order; on a two-column stretch, the left column before the
    right. Full-width lines (a title across both columns) keep their place."""
    rows = _rows(words)
    gutter = _gutter(rows, width)
    if gutter is None:
        return [_line(r) for r in rows]
    out: list[Line] = []
    left: list[list[Word]] = []
    right: list[list[Word]] = []

    def flush() -> None:
        out.extend(_line(r) for r in left)
        out.extend(_line(r) for r in right)
        left.clear()
        right.clear()

    # The two-column stretch: from the first to the last row with words on both sides, and the
    # one-sided rows next to it (a column's first or last line); rows beyond it, such as a
    # heading below a table after the columns, are full width.
    edge = Counter(round(min(w.x0 for w in row if w.x0 >= gutter)) for row in rows
                   if not _crosses(row, gutter) and any(w.x0 >= gutter for w in row)).most_common(1)[0][0]
    both = [k for k, row in enumerate(rows) if not _crosses(row, gutter) and any(abs(w.x0 - edge) <= 2 for w in row)]
    first, last = both[0], both[-1]
    height = statistics.median(max(w.bottom for w in r) - min(w.top for w in r) for r in rows)
    while first > 0 and _near(rows[first - 1], rows[first], height) and not _crosses(rows[first - 1], gutter):
        first -= 1
    while last + 1 < len(rows) and _near(rows[last], rows[last + 1], height) and not _crosses(rows[last + 1], gutter):
        last += 1
    for k, row in enumerate(rows):
        if _crosses(row, gutter) or not first <= k <= last:
            flush()
            out.append(_line(row))
            continue
        l_words = [w for w in row if w.x1 <= gutter]
        r_words = [w for w in row if w.x0 >= gutter]
        if l_words:
            left.append(l_words)
        if r_words:
            right.append(r_words)
    flush()
    return out


def _crosses(row: list[Word], x: float) -> bool:
    return any(w.x0 < x < w.x1 for w in row)


def _near(upper: list[Word], lower: list[Word], height: float) -> bool:
    """Whether two rows are within a line's spacing of each other (no gap such as a table's)."""
    return min(w.top for w in lower) - max(w.bottom for w in upper) <= 1.5 * height


def _rows(words: list[Word]) -> list[list[Word]]:
    """Words on the same baseline band, top to bottom, left to right."""
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (round(w.bottom, 1), w.x0)):
        if rows:
            last = rows[-1]
            ref = statistics.median(x.bottom for x in last)
            height = max(x.bottom - x.top for x in last)
            if abs(w.bottom - ref) <= 0.45 * height:
                last.append(w)
                continue
        rows.append([w])
    # A row of only small raised words (a footnote mark) belongs to the line it sits on.
    merged: list[list[Word]] = []
    for row in rows:
        if merged and _raised_marks(row, merged[-1]):
            merged[-1].extend(row)
        elif merged and _raised_marks(merged[-1], row):
            row = merged.pop() + row
            merged.append(row)
        else:
            merged.append(row)
    return [sorted(r, key=lambda w: w.x0) for r in merged]


def _raised_marks(marks: list[Word], line: list[Word]) -> bool:
    size = statistics.median(w.size for w in line)
    top, bottom = min(w.top for w in line), max(w.bottom for w in line)
    # Any number of them: a line citing several resolutions carries a mark after each ("…2016,³ …2017,⁴
    # …2018,⁵"), and a row of three marks left on its own began a paragraph (A/RES/80/191).
    return (len(marks) <= 12 and all(w.size < 0.8 * size and w.text.strip("*†‡").isdigit() for w in marks)
            and all(top - 0.3 * size <= w.top and w.bottom <= bottom for w in marks))


def _gutter(rows: list[list[Word]], width: float) -> float | None:
    """The x of a gutter between two columns, or None: in the middle of the page, crossed by no
    word of the rows it separates, with at least five rows (and a third of them) whose right part
    starts at one and the same x, the right column's edge. (A justified full-width line may have a
    wide space anywhere; only a column lines its starts up.)"""
    best, best_rows = None, 0
    for step in range(int(width * 0.3), int(width * 0.7), 2):
        x = float(step)
        starts: Counter = Counter()
        left_tops: list[float] = []
        right_tops: dict[int, list[float]] = {}
        for row in rows:
            if _crosses(row, x):
                continue
            left = [w.x1 for w in row if w.x1 <= x]
            right = [w.x0 for w in row if w.x0 >= x]
            if left:
                left_tops.append(min(w.top for w in row))
            # A row with words on both sides, or a sidebar's row alone: a column set beside another
            # with its own line pitch (a brief's recommendations) shares few baselines with it.
            if right and (not left or min(right) - max(left) >= 8):  # more than a word space
                starts[round(min(right))] += 1
                right_tops.setdefault(round(min(right)), []).append(min(w.top for w in row))
        if starts and len(left_tops) >= 5:
            edge = max(starts, key=lambda s: starts[s] + starts[s - 1] + starts[s + 1])
            lined_up = starts[edge] + starts[edge - 1] + starts[edge + 1]
            tops = [t for s in (edge - 1, edge, edge + 1) for t in right_tops.get(s, [])]
            # Beside the left column, not below it (a signature block, an indented list after a text).
            beside = sum(min(left_tops) <= t <= max(left_tops) for t in tops)
            if beside >= 5 and lined_up > best_rows:
                best, best_rows = x, lined_up
    if best_rows >= 5 and best_rows >= len(rows) / 3:
        return best
    return None


def _line(words: list[Word]) -> Line:
    text = " ".join(w.text for w in words)
    sizes = Counter()
    bold = 0
    for w in words:
        sizes[round(w.size, 1)] += len(w.text)
        bold += len(w.text) if w.bold else 0
    chars = sum(len(w.text) for w in words)
    return Line(text, min(w.x0 for w in words), max(w.x1 for w in words), min(w.top for w in words),
                max(w.bottom for w in words), sizes.most_common(1)[0][0], bold >= 0.9 * chars, tuple(words))


# -- the document's running lines, body size and line pitch ------------------------------------
def _key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split()).lower())


def running_lines(pages: list[Page]) -> set[tuple[int, int]]:
    """(page number, line index) of every running header, footer and page number."""
    def in_band(page: Page, line: Line) -> bool:
        return line.bottom <= page.height * BAND or line.top >= page.height * (1 - BAND)

    counts = Counter()
    for page in pages:
        counts.update({_key(line.text) for line in page.lines if in_band(page, line)})
    needed = max(2, (len(pages) + 1) // 2)
    found = set()
    for page in pages:
        for i, line in enumerate(page.lines):
            if in_band(page, line) and (_PAGE_NUMBER.match(line.text) or SYMBOL.fullmatch(line.text.strip()) or
                                        (len(pages) > 1 and counts[_key(line.text)] >= needed)):
                found.add((page.number, i))
    return found


def body_size(lines: list[Line]) -> float:
    """The size most of the text is set in."""
    sizes = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _pitch(lines: list[Line], size: float) -> float:
    """The usual distance from one body line to the next."""
    steps = [b.bottom - a.bottom for a, b in zip(lines, lines[1:])
             if a.size == size and b.size == size and 0 < b.bottom - a.bottom < 3 * size]
    return statistics.median(steps) if steps else 1.2 * size


# -- lines to text -----------------------------------------------------------------------------
def is_heading_line(line: Line, size: float, outline: set[str] | frozenset[str]) -> bool:
    """A heading: an outline title, or a short line set larger than the body (or wholly bold at
    its size) that does not end like a sentence, start with a paragraph number or give a date."""
    text = " ".join(line.text.split())
    if text.lower() in outline:
        return True
    if len(text.split()) > MAX_HEADING_WORDS or _SENTENCE_END.search(text) or _PARAGRAPH_NUMBER.match(text + " "):
        return False
    if not any(c.isalpha() for c in text) or DATE_LINE.match(text):
        return False
    # A table's bold row of totals ("Total 3 507 3 414 3 648 4 003") is mostly figures: no heading.
    words = text.split()
    if sum(any(c.isdigit() for c in w) for w in words) * 2 > len(words):
        return False
    return line.size >= size * HEADING_SCALE or (line.bold and line.size >= size * 0.98)


def section_style(lines: list[Line], size: float, outline: set[str] | frozenset[str]) -> tuple[float, bool] | None:
    """The (size, bold) of the document's section headings: the commonest among heading lines
    (a title set larger once is not a section heading)."""
    styles = Counter((ln.size, ln.bold) for ln in lines if is_heading_line(ln, size, outline))
    return styles.most_common(1)[0][0] if styles else None


def layout_text(pages: list[Page], outline: set[str] | frozenset[str] = frozenset()) -> str:
    """The text of a typeset document for ``split_passages``: blank lines between paragraphs,
    ``# `` before headings, a form feed at each new page."""
    dropped = running_lines(pages)
    kept = [[ln for i, ln in enumerate(p.lines) if (p.number, i) not in dropped] for p in pages]
    size = body_size([ln for lines in kept for ln in lines])
    pitch = _pitch([ln for lines in kept for ln in lines], size)
    left = statistics.median([ln.x0 for lines in kept for ln in lines if ln.size == size] or [0.0])

    style = section_style([ln for lines in kept for ln in lines], size, outline)
    blocks: list[list[str]] = []  # each a paragraph's lines; a "\f" line marks a new page inside it
    title_block: list[str] = []
    open_block: list[str] | None = None
    pending_notes: list[list[str]] = []  # footnotes whose mark was not found: after the open paragraph
    owner: dict[str, list[str]] = {}  # a footnote mark → the paragraph it was seen in
    attached: dict[int, list[list[str]]] = {}  # id(paragraph) → its footnotes, placed right after it
    front = True  # page 1 above its first body paragraph: the title block, lines kept plain
    previous: Line | None = None
    feeds = 0  # pages begun since the last line kept: the next line carries a form feed for each

    def mark(text: str) -> str:
        nonlocal feeds
        text, feeds = "\f" * feeds + text, 0
        return text

    def close() -> None:
        nonlocal open_block
        if open_block:
            blocks.append(open_block)
            blocks.extend(pending_notes)
            pending_notes.clear()
        open_block = None

    for page, lines in zip(pages, kept):
        body = [ln for ln in lines if ln.size > size * FOOTNOTE_SCALE]
        last_body = max((ln.bottom for ln in body), default=0.0)
        notes: list[list[str]] = []
        # Lines stay in reading order (columns one after the other); a table goes before the
        # first line below it.
        items: list[tuple[float, object]] = [(ln.top, ln) for ln in lines]
        for top, table in sorted(zip(page.table_tops, page.tables), key=lambda t: t[0]):
            at = next((k for k, (t, item) in enumerate(items) if isinstance(item, Line) and t > top), len(items))
            items.insert(at, (top, table))
        new_page = True
        feeds += page is not pages[0]
        # This page's own left margin (facing pages may set the text block at different offsets).
        page_left = statistics.median([ln.x0 for ln in body if ln.size == size] or [left])
        for _, item in items:
            if isinstance(item, tuple):  # a table: a paragraph per row
                close()
                if front and title_block:
                    blocks.append(title_block)
                front = False
                blocks.extend([mark(TABLE_MARK + row)] for row in table_rows(item))
                previous = None
                continue
            line: Line = item
            if line.size <= size * FOOTNOTE_SCALE and line.top >= last_body:
                text = " ".join(line.text.split())  # a footnote keeps its own number
                if not text:
                    continue
                if notes and not _starts_note(text):
                    notes[-1].append(text)
                else:
                    notes.append([FOOTNOTE_MARK + text])
                continue
            text = _drop_marks(line, size)
            if not text:
                continue
            heading = is_heading_line(line, size, outline)
            if front and page.number == 1:
                if heading and (line.size, line.bold) == style or (
                        line.size == size and not line.bold and len(text.split()) > 6):
                    front = False  # the first section heading or body paragraph ends the title block
                elif line.size != size or line.bold:
                    title_block.append(mark(text))  # set apart from the body: one block, the title block
                    previous, new_page = line, False
                    continue
                if title_block:
                    blocks.append(title_block)
                    title_block = []
            if heading:
                close()
                if blocks and blocks[-1][0].startswith("# ") and previous is not None and previous.size == line.size \
                        and not new_page and line.top - previous.bottom < pitch:
                    blocks[-1][0] += " " + text  # a heading set on two lines
                else:
                    blocks.append([mark("# " + text)])
                previous, new_page = line, False
                continue
            starts = (
                open_block is None
                or _PARAGRAPH_NUMBER.match(text)
                or (_SUBPARAGRAPH_START.match(text) and line.x0 > left + 0.5 * size)
                or (line.x0 > left + 1.5 * size and previous is not None and previous.x0 <= left + 1.5 * size
                    and not new_page)
                or (not new_page and previous is not None and line.top - previous.bottom > pitch - (previous.bottom - previous.top) + 0.45 * size)
                or (new_page and open_block and _ends_paragraph(open_block[-1]))
                # A page that begins with an indented line begins a paragraph, whatever the last
                # page's ended with (a preambular paragraph ends with a comma).
                or (new_page and line.x0 > page_left + 1.5 * size)
            )
            if starts:
                close()
                open_block = [mark(text)]
            else:
                open_block.append(mark(text))
            for m in _marks(line, size):
                owner[m] = open_block
            previous, new_page = line, False
        for note in notes:
            number = note[0].removeprefix(FOOTNOTE_MARK).split()[0]
            if number in owner:
                attached.setdefault(id(owner.pop(number)), []).append(note)
            else:
                pending_notes.append(note)
    close()
    if front and title_block:
        blocks.insert(0, title_block)
    blocks.extend(pending_notes)

    ordered = []
    for block in blocks:
        ordered.append(block)
        notes = attached.get(id(block), [])
        if notes:  # a paragraph's footnotes: one footnote block, each note on its own lines
            ordered.append([notes[0][0]] + notes[0][1:] + [ln.removeprefix(FOOTNOTE_MARK) for n in notes[1:] for ln in n])
    return "\n\n".join("\n".join(block) for block in ordered)


def _ends_paragraph(text: str) -> bool:
    return bool(re.search(r"[.!?:][\"'”’)]*$", text.strip()))


def _starts_note(text: str) -> bool:
    return bool(re.match(r"^\d{1,3}\s", text.removeprefix(FOOTNOTE_MARK)))


def _marks(line: Line, size: float) -> list[str]:
    """The superscript footnote marks of a line (small digits raised above it)."""
    return [w.text for w in line.words if w.text.isdigit() and w.size < size * 0.8 and w.bottom < line.bottom - 0.5]


def _drop_marks(line: Line, size: float) -> str:
    """The line's text without its superscript footnote marks."""
    if not line.words:
        return line.text.strip()
    marks = _marks(line, size)
    kept = [w.text for w in line.words if not (w.text in marks and w.size < size * 0.8 and w.bottom < line.bottom - 0.5)]
    return " ".join(kept).strip()


def table_rows(rows: tuple[tuple[str, ...], ...]) -> list[str]:
    """A table as one line per row: "header: cell; header: cell" after the header row, so a row
    read alone still says what its numbers are."""
    clean = [tuple(" ".join((c or "").split()) for c in row) for row in rows]
    clean = [r for r in clean if any(r)]
    if len(clean) < 2:
        return [" | ".join(r) for r in clean]
    header, *body = clean
    rows = [CELL_SEPARATOR.join(f"{h}: {c}" if h else c for h, c in zip(header, row) if c) for row in body]
    return [row if row.endswith((".", "!", "?")) else row + "." for row in rows]
