"""A PDF's page as it is printed, with the lines of the answering sentence marked.

"Show in document" shows the paragraph as text; for a PDF a person may want the page itself, to
see the passage where it stands (and trust it). The page is rendered with pypdfium2 (through
pdfplumber); the sentence is found among the page's words (its text layer, or the OCR words of a
scanned page) and every line it covers gets a translucent mark. Matching is on letters and
digits only, so line breaks, hyphenation and OCR's spacing do not stop it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..files import sha256_file
from .pdf_layout import Word, _ocr_cached, budgeted_dpi, group_lines

PAGE_DPI = 110  # sharp enough to read on a laptop, small enough to send (a few hundred KiB)
PAGE_PIXELS = 4_000_000  # most pixels a page is shown with (an A4 page at 110 dpi is 1.2 million)
MARK = (255, 204, 0, 110)  # translucent yellow, as a highlighter


def _token(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def find_sentence(page_words: list[str], sentence: str, min_share: float = 0.6) -> tuple[int, int] | None:
    """Where ``sentence`` lies among a page's words in reading order: (first word, last word + 1),
    or None. A word broken by a hyphen at a line end is matched whole; the best window is taken
    when at least ``min_share`` of the sentence's words agree (OCR misreads a few)."""
    wanted = [t for t in (_token(w) for w in sentence.split()) if t]
    if not wanted:
        return None
    # Tokens of the page with their word indices; "High-" + "level" is also tried as "highlevel".
    tokens: list[tuple[str, int, int]] = []
    i = 0
    while i < len(page_words):
        word = page_words[i]
        if word.endswith("-") and i + 1 < len(page_words):
            tokens.append((_token(word + page_words[i + 1]), i, i + 2))
            i += 2
            continue
        tokens.append((_token(word), i, i + 1))
        i += 1
    best, best_score = None, 0.0
    n = len(wanted)
    for start in range(0, max(1, len(tokens) - n + 1)):
        window = tokens[start:start + n]
        score = sum(a == b[0] for a, b in zip(wanted, window)) / n
        if score > best_score:
            best, best_score = (window[0][1], window[-1][2]), score
            if score == 1.0:
                break
    return best if best_score >= min_share else None


def marked_boxes(words: list[Word], span: tuple[int, int]) -> list[tuple[float, float, float, float]]:
    """One box per line of the matched words (x0, top, x1, bottom, in PDF points)."""
    boxes: list[list[float]] = []
    for w in words[span[0]:span[1]]:
        if boxes and abs(boxes[-1][3] - w.bottom) < 0.5 * (w.bottom - w.top) and w.x0 >= boxes[-1][0]:
            boxes[-1][2] = max(boxes[-1][2], w.x1)
            boxes[-1][1] = min(boxes[-1][1], w.top)
        else:
            boxes.append([w.x0, w.top, w.x1, w.bottom])
    return [tuple(b) for b in boxes]


def _page_words(pdf_page, file_hash: str, number: int) -> list[Word]:
    """The page's words in reading order (columns apart), from its text layer or its OCR."""
    if pdf_page.chars:
        raw = pdf_page.extract_words(extra_attrs=["size"])
        words = [Word(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"]),
                      float(w["size"]), False) for w in raw]
    else:
        words = _ocr_cached((file_hash, number), pdf_page)
    return [w for line in group_lines(words, float(pdf_page.width)) for w in line.words]


@dataclass(frozen=True)
class PageImage:
    png: bytes
    marked: bool  # whether the sentence was found on the page and marked
    page: int


@lru_cache(maxsize=64)
def _render(path: str, stamp: float, number: int, sentence: str, dpi: int) -> PageImage:
    import pdfplumber
    from PIL import Image, ImageDraw

    with pdfplumber.open(path) as pdf:
        page = pdf.pages[number - 1]
        words = _page_words(page, sha256_file(Path(path)), number)
        span = find_sentence([w.text for w in words], sentence)
        # A page of any size is shown within the pixel budget, decided before it is decoded (#33).
        dpi = budgeted_dpi(float(page.width), float(page.height), dpi, PAGE_PIXELS)
        image = page.to_image(resolution=dpi).original.convert("RGBA")
    if span is not None:
        overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        scale = dpi / 72.0
        for x0, top, x1, bottom in marked_boxes(words, span):
            draw.rectangle([x0 * scale - 2, top * scale - 2, x1 * scale + 2, bottom * scale + 2], fill=MARK)
        image = Image.alpha_composite(image, overlay)
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=True)
    return PageImage(out.getvalue(), span is not None, number)


def page_image(pdf_path: Path, page_number: int, sentence: str, dpi: int = PAGE_DPI) -> PageImage:
    """PNG of page ``page_number`` (1-based) of a PDF with ``sentence`` marked (unmarked when it
    cannot be found on the page). Kept for the last pages shown, while the file is unchanged."""
    return _render(str(pdf_path), pdf_path.stat().st_mtime, page_number, sentence, dpi)
