"""PDFium's reading of a page's words (``pdf_words``) against pdfplumber's, which ``pdf_layout``
was built on: on real UN documents, page by page, the lines must read the same, with the same
sizes, boldness and places; and on a small PDF made here, known words at known places."""

from __future__ import annotations

import difflib
import io
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest
from fpdf import FPDF

from retrieval.ingest.pdf_layout import Word, group_lines
from retrieval.ingest.pdf_words import page_kind, page_words

DEV = Path(__file__).resolve().parents[2] / "shared" / "un-documents" / "dev"
# Of different kinds: resolutions and draft resolutions of the 80th session (subset fonts, a
# space set apart as its own text object), reports with charts and turned text, a 1997 report in
# Courier, the masthead-only cover of a document.
FILES = ["A_RES_80_216.pdf", "A_C.3_80_L.41.pdf", "A_79_352.en.pdf", "A_79_19.en.pdf", "A_52_613.en.pdf",
         "A_RES_79_206.pdf"]


@pytest.fixture(scope="module")
def dev() -> Path:
    if not DEV.is_dir():
        pytest.skip("../shared/un-documents not present")
    return DEV


def plumber_words(page) -> list[Word]:
    """pdfplumber's words exactly as ``pdf_layout._text_page`` builds them (less its search for
    ruled tables, whose words it sets apart: a question for the caller, not for the reader)."""
    return [
        Word(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"]), float(w["size"]),
             "bold" in str(w.get("fontname", "")).lower())
        for w in page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False)
    ]


def compare(path: Path) -> dict:
    """Both readings of every page, lines aligned page by page: identical lines, and for the
    words of those lines the largest differences of size and place, and the bold ones."""
    same = lines = bold_same = words = 0
    size_gap = place_gap = 0.0
    differing: list[tuple[int, list[str], list[str]]] = []
    document = pypdfium2.PdfDocument(str(path))
    try:
        with pdfplumber.open(str(path)) as pdf:
            assert len(pdf.pages) == len(document)
            for number, (plumbed, page) in enumerate(zip(pdf.pages, document), start=1):
                width = float(plumbed.width)
                expected = group_lines(plumber_words(plumbed), width)
                got = group_lines(page_words(page), width)
                plumbed.flush_cache()
                a, b = [ln.text for ln in expected], [ln.text for ln in got]
                lines += max(len(a), len(b))
                for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
                    if tag != "equal":
                        differing.append((number, a[i1:i2], b[j1:j2]))
                        continue
                    same += i2 - i1
                    for want, have in zip(expected[i1:i2], got[j1:j2]):
                        for w1, w2 in zip(want.words, have.words):
                            words += 1
                            bold_same += w1.bold == w2.bold
                            size_gap = max(size_gap, abs(w1.size - w2.size))
                            place_gap = max(place_gap, abs(w1.x0 - w2.x0), abs(w1.x1 - w2.x1),
                                            abs(w1.top - w2.top), abs(w1.bottom - w2.bottom))
    finally:
        document.close()
    return {"lines": same / max(lines, 1), "bold": bold_same / max(words, 1), "size": size_gap,
            "place": place_gap, "words": words, "differing": differing}


@pytest.mark.parametrize("name", FILES)
@pytest.mark.slow
def test_pdfium_reads_the_lines_of_a_un_document_as_pdfplumber_does(dev, name):
    found = compare(dev / name)
    assert found["words"] > 500
    assert found["lines"] >= 0.98, found["differing"][:5]
    assert found["bold"] >= 0.98
    assert found["size"] <= 0.6
    assert found["place"] <= 1.5


def test_page_kind_of_a_un_document(dev):
    document = pypdfium2.PdfDocument(str(dev / "A_RES_80_216.pdf"))
    try:
        characters, images, cover, paths = page_kind(document[0])
    finally:
        document.close()
    with pdfplumber.open(str(dev / "A_RES_80_216.pdf")) as pdf:
        # pdfplumber counts the spaces PDFium leaves out (a space set as its own object)
        assert 0.9 * len(pdf.pages[0].chars) <= characters <= len(pdf.pages[0].chars)
        assert images == bool(pdf.pages[0].images)
    assert cover < 0.5  # the emblem, the barcode, the "Please recycle" mark: small


# -- a small PDF made here ----------------------------------------------------------------------
def small_pdf(size: tuple[float, float] = (612, 792)) -> bytes:
    pdf = FPDF(unit="pt", format=size)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.text(72, 100, "Heading in bold")
    pdf.set_font("Helvetica", "", 10)
    pdf.text(72, 130, "Body text at ten points.")
    pdf.text(300, 130, "right")  # a gap far wider than 3 pt: another word
    pdf.set_font("Times", "I", 8)
    pdf.text(72, 150, "an office footnote")  # "ffi" may be set as one glyph: spelt out
    pdf.set_font("Helvetica", "", 10)
    pdf.set_stretching(80)  # horizontal scaling (Tz): narrower advances
    pdf.text(72, 170, "stretched words here")
    pdf.set_stretching(100)
    pdf.set_char_spacing(1)
    pdf.text(72, 190, "spaced out")
    pdf.set_char_spacing(0)
    with pdf.rotation(90, 300, 400):
        pdf.text(300, 400, "turned text")
    pdf.rect(72, 300, 200, 50)
    pdf.line(72, 320, 272, 320)
    return bytes(pdf.output())


def helvetica_width(text: str, size: float) -> float:
    pdf = FPDF(unit="pt")
    pdf.set_font("Helvetica", "", size)
    return pdf.get_string_width(text)


def words_of(data: bytes) -> list[Word]:
    document = pypdfium2.PdfDocument(data)
    try:
        return page_words(document[0])
    finally:
        document.close()


def test_known_words_at_known_places():
    words = words_of(small_pdf())
    by_text = {w.text: w for w in words}
    heading, body, right = by_text["Heading"], by_text["Body"], by_text["right"]
    # x from the left edge, top and bottom from the top of the page; the baseline given to fpdf2
    # lies between them, nearer the bottom (the font's descent below it).
    assert heading.x0 == pytest.approx(72, abs=0.01) and right.x0 == pytest.approx(300, abs=0.01)
    assert heading.top < 100 < heading.bottom <= 100 + 0.3 * 14
    assert body.top < 130 < body.bottom <= 130 + 0.3 * 10
    assert heading.bottom - heading.top == pytest.approx(14, abs=0.01)
    assert (heading.size, body.size, by_text["footnote"].size) == pytest.approx((14, 10, 8), abs=0.01)
    assert all(by_text[t].bold for t in ("Heading", "in", "bold"))
    assert not any(by_text[t].bold for t in ("Body", "text", "points.", "office"))
    assert by_text["Heading"].x1 < by_text["in"].x0 < by_text["in"].x1 < by_text["bold"].x0
    assert "office" in by_text  # the ligature spelt out
    stretched, spaced = by_text["stretched"], by_text["spaced"]
    assert stretched.x1 - stretched.x0 == pytest.approx(0.8 * helvetica_width("stretched", 10), abs=0.05)
    # character spacing widens the gaps between letters, not the letters' boxes
    assert spaced.x1 - spaced.x0 == pytest.approx(helvetica_width("spaced", 10) + 5 * 1, abs=0.05)
    lines = [ln.text for ln in group_lines(words, 612)]
    assert lines[:5] == ["Heading in bold", "Body text at ten points. right", "an office footnote",
                         "stretched words here", "spaced out"]


def same_words(data: bytes) -> None:
    """PDFium's words are pdfplumber's: the same texts, places within half a point."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        expected = sorted(plumber_words(pdf.pages[0]), key=lambda w: (w.text, round(w.top), round(w.x0)))
    got = sorted(words_of(data), key=lambda w: (w.text, round(w.top), round(w.x0)))
    assert [w.text for w in got] == [w.text for w in expected]
    for want, have in zip(expected, got):
        assert have.bold == want.bold and have.size == pytest.approx(want.size, abs=0.01), (want, have)
        for a, b in ((want.x0, have.x0), (want.x1, have.x1), (want.top, have.top), (want.bottom, have.bottom)):
            assert b == pytest.approx(a, abs=0.5), (want, have)


def test_the_small_pdf_reads_as_with_pdfplumber():
    same_words(small_pdf())


def test_an_a4_page_whose_media_box_is_inherited_reads_as_with_pdfplumber():
    """fpdf2 writes the MediaBox once, on the page tree: a page inherits it. pypdfium2's
    ``get_mediabox`` gave US Letter for such a page, so every line of an A4 page came 49.9 pt
    too high (a typeset report's footer "- 1 -" was then not found as a running line)."""
    same_words(small_pdf((595.28, 841.89)))


def test_a_typeset_report_reads_the_same_with_pdfium_as_with_pdfplumber(tmp_path):
    """The reader as wired: its plain pages from PDFium's words, its page with a ruled table (and a
    scan, a page mostly image) from pdfplumber; the same lines, in the same places, as pdfplumber's
    alone."""
    import sys

    from retrieval.ingest.pdf_layout import read_pages

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from typeset import un_style_pdf

    path = un_style_pdf(tmp_path / "report.pdf")
    document = pypdfium2.PdfDocument(str(path))
    try:
        kinds = [page_kind(page) for page in document]
        with pdfplumber.open(str(path)) as pdf:
            fast = read_pages(pdf, fast=document, kinds=kinds)
    finally:
        document.close()
    with pdfplumber.open(str(path)) as pdf:
        slow = read_pages(pdf)
    assert any(k[3] < 8 for k in kinds) and any(k[3] >= 8 for k in kinds)  # both readers were used
    for a, b in zip(fast, slow):
        assert [ln.text for ln in a.lines] == [ln.text for ln in b.lines]
        assert all(abs(x.top - y.top) <= 0.5 and x.bold == y.bold for x, y in zip(a.lines, b.lines))


def test_a_rotated_page_reads_as_with_pdfplumber():
    """/Rotate 90: both readers turn the page upright alike (its text then runs down the page,
    which pdfplumber takes letter-group by letter-group; so does PDFium here, consistently)."""
    document = pypdfium2.PdfDocument(small_pdf())
    document[0].set_rotation(90)
    out = io.BytesIO()
    document.save(out)
    document.close()
    same_words(out.getvalue())


def test_page_kind_tells_text_a_scan_and_ruled_lines(tmp_path):
    document = pypdfium2.PdfDocument(small_pdf())
    try:
        characters, images, cover, paths = page_kind(document[0])
    finally:
        document.close()
    assert characters >= len("Headinginbold") and not images and cover == 0.0 and paths == 2

    from PIL import Image

    scan = FPDF(unit="pt", format=(612, 792))
    scan.add_page()
    scan.image(Image.new("L", (306, 396), 255), x=0, y=0, w=612, h=792)
    scan.image(Image.new("L", (10, 10), 0), x=10, y=10, w=50, h=50)
    document = pypdfium2.PdfDocument(bytes(scan.output()))
    try:
        characters, images, cover, paths = page_kind(document[0])
    finally:
        document.close()
    assert (characters, images, paths) == (0, True, 0) and cover == pytest.approx(1.0, abs=0.01)
