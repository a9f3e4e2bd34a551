"""PDF: read from its layout with pdfplumber (``pdf_layout``: headings from fonts, running headers
and footers dropped, footnotes, columns, tables; scanned pages through Tesseract); pypdf first
checks encryption and the page count and reads the outline and properties; pages are marked with
form feeds, so page numbers come from the PDF itself; a UN document's masthead gives its facts
(``un_document``).
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from ..files import sha256_file
from .document_text import DocumentText, IngestError, check_characters, check_read
from .limits import Limits
from .recent import Recent


def read_pdf(path: Path, limits: Limits, progress, ocr: bool) -> DocumentText:
    # A full reading serves a quick check as well, and the time limit does not change what is
    # read (only whether it is finished in time): the gate's reading serves the load after it.
    key = (sha256_file(path), replace(limits, max_read_seconds=0.0))
    kept = _PDF_READ.get(key)  # the same file read again: the page's check, the add, the engine's load
    if kept is not None:
        return kept
    text, properties = _pdf_text(path, limits, progress, ocr, file_hash=key[0])
    result = DocumentText(text, paged=True, space_page_breaks=False, title=properties.get("title"),
                          author=properties.get("author"), date=properties.get("date"),
                          symbol=properties.get("symbol"), scanned=properties.get("scanned", False),
                          facts=properties.get("facts"), page_labels=properties.get("page_labels"),
                          resolution=properties.get("resolution", False),
                          provisional=properties.get("provisional", False))
    if result.scanned and not ocr:
        return result  # its text is known only after OCR; the limits are checked then
    check_read(result, path, limits)
    if not result.provisional:
        _PDF_READ.put(key, result)
    return result


# A PDF's layout reading is pure Python (about 15 ms a page, holding the interpreter): the same file
# is read up to three times in a row when added from the page, so the last few are kept by hash.
_PDF_READ: "Recent[DocumentText]" = Recent(16)


def _pdf_text(path: Path, limits: Limits, progress=None, ocr: bool = True,
              file_hash: str | None = None) -> tuple[str, dict]:
    """The text of a PDF read from its layout (``pdf_layout``), and what its properties and first
    page say: title, author, date, document symbol. ``file_hash``: its SHA-256 when already known
    (OCR's words are kept by it)."""
    import pdfplumber
    from pypdf import PdfReader

    from .pdf_layout import OCRUnavailable, find_symbol, has_text, layout_text, needs_ocr, read_pages
    from .printed_title import is_a_title, is_an_author, printed_title
    from .un_document import RESOLUTION_KINDS, read_un_pages

    start = time.monotonic()

    def check(page_number: int, characters: int) -> None:
        check_characters(characters, path, limits)
        if time.monotonic() - start > limits.max_read_seconds:
            raise IngestError(f"{path.name}: reading the text took over {limits.max_read_seconds:g} s; "
                              "the PDF is too complex")

    try:
        reader = PdfReader(str(path))  # pypdf first: encryption and page count before any layout work
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(f"{path.name}: the PDF is encrypted; save an unprotected copy and add that")
        if len(reader.pages) > limits.max_pages:
            raise IngestError(f"{path.name}: {len(reader.pages):,} pages (the limit is {limits.max_pages:,}); "
                              "split the document")
        headings = _outline_titles(reader)
        fast, kinds = _pdfium(path)
        with pdfplumber.open(str(path), password="") as pdf:
            try:
                has_scans = any(k[0] == 0 and k[1] for k in kinds) if fast is not None else \
                    any(needs_ocr(page) for page in pdf.pages)
                scanned = not ocr and has_scans
                read_poorly: list[int] = []
                pages = read_pages(pdf, check, progress, file_hash=file_hash or sha256_file(path), ocr=ocr,
                                   fast=fast, kinds=kinds, read_poorly=read_poorly)
            finally:
                if fast is not None:
                    fast.close()
    except IngestError:
        raise
    except OCRUnavailable as exc:
        raise IngestError(f"{path.name}: {exc}") from exc
    except Exception as exc:  # the readers raise many kinds on damaged files; all mean "unreadable"
        raise IngestError(f"{path.name}: not a readable PDF ({exc.__class__.__name__})") from exc
    if not has_text(pages) and not scanned:
        raise IngestError(f"{path.name}: no text found in the PDF" +
                          (" (its scanned pages were read with OCR and hold no words)" if has_scans else ""))
    un = read_un_pages(pages)
    if un is not None:  # its masthead says what it is; the file's properties say who typed it
        facts = un.facts
        return layout_text(un.pages, headings), {
            "symbol": facts.symbol, "scanned": scanned, "provisional": bool(read_poorly), "title": facts.title,
            "author": facts.author, "date": facts.date, "facts": facts.to_dict(), "page_labels": un.folios,
            "resolution": facts.kind in RESOLUTION_KINDS}
    properties: dict = {"symbol": find_symbol(pages), "scanned": scanned, "provisional": bool(read_poorly)}
    try:
        info = reader.metadata
        if info:
            properties["title"] = (info.title or "").strip() or None
            properties["author"] = (info.author or "").strip()[:300] or None
            created = info.creation_date
            properties["date"] = created.date().isoformat() if created else None
    except Exception:  # a damaged information dictionary costs only the properties
        pass
    # A title its properties do not give (or give as "Microsoft Word - …", a file name) is the
    # one its first page prints, if any.
    if not is_a_title(properties.get("title"), path.stem) and pages:
        properties["title"] = printed_title(pages[0])
    if not is_an_author(properties.get("author")):
        properties["author"] = None
    return layout_text(pages, headings), properties


def _pdfium(path: Path):
    """The PDF open in PDFium with each page's kind (``pdf_words.page_kind``), for reading its
    plain text pages fast; (None, None) where PDFium cannot open or read it (pdfplumber reads it
    all then, as it always could)."""
    try:
        import pypdfium2

        from .pdf_words import page_kind

        document = pypdfium2.PdfDocument(str(path))
    except Exception:
        return None, None
    try:
        return document, [page_kind(page) for page in document]
    except Exception:
        document.close()
        return None, None


def _outline_titles(reader) -> set[str]:
    """The titles of a PDF's outline (bookmarks), lower-cased, all levels."""
    titles: set[str] = set()

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            elif getattr(item, "title", None):
                titles.add(" ".join(str(item.title).split()).lower())

    try:
        walk(reader.outline)
    except Exception:  # a damaged outline costs only the headings
        return set()
    return titles
