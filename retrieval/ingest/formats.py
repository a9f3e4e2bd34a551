"""Reading documents of each supported format into plain text the splitter understands.

* ``.txt``: decoded from its encoding (a byte-order mark, else UTF-8, else what
  charset-normalizer detects; refused when none fits); a continuation line that starts with a space marks a page break
  (how the bundled text was extracted), and so does a form feed.
* ``.md``: decoded the same way; ``#`` headings; no pages.
* ``.pdf``: read from its layout with pdfplumber (``pdf_layout``: headings from fonts, running
  headers and footers dropped, footnotes, columns, tables); pypdf first checks encryption and the
  page count and reads the outline and properties; pages are marked with form feeds, so page
  numbers come from the PDF itself.
* ``.docx`` (read as a stream with zipfile and ElementTree, so linear in its size): paragraphs
  styled "Title" or "Heading N" become headings; no pages.

Anything unreadable, or over a limit of ``Limits``, raises ``IngestError`` with a message for
the user, checked before the text is read whole where the format allows (zip sizes, page count).
"""

from __future__ import annotations

import codecs
import re
import time
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

from ..files import sha256_file
from .limits import MIB, Limits
from .recent import Recent

MAX_FILE_BYTES = Limits().max_file_bytes
_BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]


_BLANK_LINE = re.compile(r"\n[ \t\f]*\n")


class IngestError(ValueError):
    """A file that cannot be added to the corpus; the message says why."""


@dataclass(frozen=True)
class DocumentText:
    text: str
    paged: bool  # whether page numbers can be cited
    space_page_breaks: bool  # whether a line starting with a space marks a new page
    title: str | None = None  # from the format's own metadata (DOCX properties, PDF info, a Markdown title)
    author: str | None = None  # from the PDF information or DOCX core properties
    date: str | None = None  # ISO date, from the same
    symbol: str | None = None  # a UN document symbol ("A/68/190") on the first page
    scanned: bool = False  # scanned pages were left unread (``ocr=False``)
    facts: dict | None = None  # a UN document's masthead (``un_document.UNFacts.to_dict``)
    page_labels: dict | None = None  # PDF page number -> the folio printed on it
    resolution: bool = False  # numbered like a resolution: preambular, then operative paragraphs
    language: str | None = None  # detected once and kept with the reading ("" when it cannot be told)


def unsupported(name: str) -> IngestError:
    """The one message for a file whose type no reader takes."""
    return IngestError(f"{name}: unsupported file type {Path(name).suffix or '(none)'}; "
                       f"supported: {', '.join(SUPPORTED_SUFFIXES)}")


def check_file(path: Path, limits: Limits | None = None) -> None:
    """Refuse files the corpus cannot take, before reading them."""
    limits = limits or Limits.from_env()
    if path.suffix.lower() not in READERS:
        raise unsupported(path.name)
    if path.is_symlink() or not path.is_file():
        raise IngestError(f"{path.name}: not a regular file (links are not followed)")
    size = path.stat().st_size
    if size == 0:
        raise IngestError(f"{path.name}: the file is empty")
    if size > limits.max_file_bytes:
        raise IngestError(f"{path.name}: too large ({size / MIB:.1f} MiB; the limit is "
                          f"{limits.max_file_bytes / MIB:g} MiB)")


def read_document_text(path: Path, limits: Limits | None = None, progress=None, ocr: bool = True) -> DocumentText:
    """The text of a document file, ready for ``split_passages``, by the reader of its format
    (``READERS``); ``progress(pages read, of how many)`` hears how OCR of a scanned PDF goes.
    ``ocr=False``: scanned pages are not read (a quick check before the real reading;
    ``DocumentText.scanned`` says some were skipped)."""
    limits = limits or Limits.from_env()
    check_file(path, limits)
    return READERS[path.suffix.lower()](path, limits, progress, ocr)


def _read_pdf(path: Path, limits: Limits, progress, ocr: bool) -> DocumentText:
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
                          resolution=properties.get("resolution", False))
    if result.scanned and not ocr:
        return result  # its text is known only after OCR; the limits are checked then
    _check_read(result, path, limits)
    _PDF_READ.put(key, result)
    return result


def _read_docx(path: Path, limits: Limits, progress, ocr: bool) -> DocumentText:
    text, properties = _docx_text(path, limits)
    result = DocumentText(text, paged=False, space_page_breaks=False, title=properties.get("title"),
                          author=properties.get("author"), date=properties.get("date"))
    _check_read(result, path, limits)
    return result


def _read_txt(path: Path, limits: Limits, progress, ocr: bool) -> DocumentText:
    # Pages: how the bundled text was extracted, a line that starts with a space (or a form feed).
    result = DocumentText(decode_text(path.read_bytes(), path.name), paged=True, space_page_breaks=True)
    _check_read(result, path, limits)
    return result


def _read_md(path: Path, limits: Limits, progress, ocr: bool) -> DocumentText:
    text, title = markdown_title(decode_text(path.read_bytes(), path.name))
    result = DocumentText(text, paged=False, space_page_breaks=False, title=title)
    _check_read(result, path, limits)
    return result


# A PDF's layout reading is pure Python (about 15 ms a page, holding the interpreter): the same file
# is read up to three times in a row when added from the page, so the last few are kept by hash.
_PDF_READ: "Recent[DocumentText]" = Recent(16)


def _check_read(result: DocumentText, path: Path, limits: Limits) -> None:
    if not result.text.strip():
        raise IngestError(f"{path.name}: no text found in the file")
    _check_characters(len(result.text), path, limits)
    # Every paragraph becomes a passage to embed: the count bounds the indexing work, whatever the format.
    if sum(1 for block in _BLANK_LINE.split(result.text) if block.strip()) > limits.max_paragraphs:
        raise IngestError(f"{path.name}: over {limits.max_paragraphs:,} paragraphs; split the document")


def _check_characters(count: int, path: Path, limits: Limits) -> None:
    if count > limits.max_characters:
        raise IngestError(f"{path.name}: too much text (over {limits.max_characters:,} characters); "
                          "split the document")


def decode_text(data: bytes, name: str) -> str:
    """Text of a plain-text file in whatever encoding it was saved; refused rather than guessed
    into mojibake."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    # Short texts fit several single-byte encodings equally well; Windows-1252 (a superset of
    # Latin-1) is what Western documents that are not UTF-8 are almost always saved in, so it
    # wins unless the detector finds an encoding that reads cleaner.
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    best = from_bytes(data).best()
    if western is not None and (best is None or mess_ratio(western[:100_000]) <= best.chaos + 0.01):
        text = western
    elif best is not None:
        text = str(best)
    else:
        raise IngestError(f"{name}: the text encoding could not be recognised; save it as UTF-8 and add it again")
    # Binary data "decodes" in some single-byte encoding; real text has few control characters.
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > len(text) / 100:
        raise IngestError(f"{name}: this does not look like text; save it as UTF-8 and add it again")
    return text


def markdown_title(text: str) -> tuple[str, str | None]:
    """A Markdown document's leading ``# Title`` is its title, not a section, when its sections
    are ``##`` headings; returns the text without it, and the title."""
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not re.match(r"^#\s+\S", lines[first]):
        return text, None
    if not any(re.match(r"^##\s+\S", line) for line in lines[first + 1:]):
        return text, None
    return "\n".join(lines[:first] + lines[first + 1:]), lines[first].lstrip("#").strip()


def _pdf_text(path: Path, limits: Limits, progress=None, ocr: bool = True,
              file_hash: str | None = None) -> tuple[str, dict]:
    """The text of a PDF read from its layout (``pdf_layout``), and what its properties and first
    page say: title, author, date, document symbol. ``file_hash``: its SHA-256 when already known
    (OCR's words are kept by it)."""
    import pdfplumber
    from pypdf import PdfReader

    from .pdf_layout import OCRUnavailable, find_symbol, has_text, layout_text, needs_ocr, read_pages
    from .un_document import RESOLUTION_KINDS, read_un_pages

    start = time.monotonic()

    def check(page_number: int, characters: int) -> None:
        _check_characters(characters, path, limits)
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
        with pdfplumber.open(str(path), password="") as pdf:
            has_scans = any(needs_ocr(page) for page in pdf.pages)
            scanned = not ocr and has_scans
            pages = read_pages(pdf, check, progress, file_hash=file_hash or sha256_file(path), ocr=ocr)
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
            "symbol": facts.symbol, "scanned": scanned, "title": facts.title, "author": facts.author,
            "date": facts.date, "facts": facts.to_dict(), "page_labels": un.folios,
            "resolution": facts.kind in RESOLUTION_KINDS}
    properties: dict = {"symbol": find_symbol(pages), "scanned": scanned}
    try:
        info = reader.metadata
        if info:
            properties["title"] = (info.title or "").strip() or None
            properties["author"] = (info.author or "").strip()[:300] or None
            created = info.creation_date
            properties["date"] = created.date().isoformat() if created else None
    except Exception:  # a damaged information dictionary costs only the properties
        pass
    return layout_text(pages, headings), properties


def _check_zip(path: Path, limits: Limits) -> None:
    """Refuse a .docx whose members would inflate past the limit, before inflating any."""
    try:
        with zipfile.ZipFile(path) as z:
            unpacked = sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IngestError(f"{path.name}: not a readable Word document ({exc.__class__.__name__})") from exc
    if unpacked > limits.max_unpacked_bytes:
        raise IngestError(f"{path.name}: unpacks to {unpacked / MIB:,.0f} MiB (the limit is "
                          f"{limits.max_unpacked_bytes / MIB:g} MiB)")


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


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CHECK_EVERY = 2000  # XML events between checks of the reading time


def _docx_text(path: Path, limits: Limits) -> tuple[str, dict]:
    """A .docx read as a stream (zipfile + ElementTree.iterparse): linear in its size, every limit
    (time, characters, paragraphs) checked while reading, never the whole XML tree in memory."""
    _check_zip(path, limits)
    started = time.monotonic()
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "word/document.xml" not in names:
                raise IngestError(f"{path.name}: not a readable Word document (no document body)")
            styles = _docx_style_names(z, path, limits, started) if "word/styles.xml" in names else {}
            properties = _docx_core(z, path, limits, started) if "docProps/core.xml" in names else {}
            blocks: list[str] = []
            characters = 0
            with z.open("word/document.xml") as body:
                for paragraph, style_id in _docx_paragraphs(body, path, limits, started):
                    text = " ".join(paragraph.split())
                    if not text:
                        continue
                    characters += len(text)
                    _check_characters(characters, path, limits)
                    style = styles.get(style_id, style_id).lower()
                    if style == "title":  # the title block names the document; it is not a section
                        properties["title"] = properties.get("title") or text
                        continue
                    blocks.append(f"# {text}" if style.startswith("heading") else text)
                    if len(blocks) > limits.max_paragraphs:
                        raise IngestError(f"{path.name}: over {limits.max_paragraphs:,} paragraphs; split the document")
    except IngestError:
        raise
    except Exception as exc:  # a damaged zip or XML: "unreadable"
        raise IngestError(f"{path.name}: not a readable Word document ({exc.__class__.__name__})") from exc
    return "\n\n".join(blocks), properties


def _xml_events(stream, path: Path, limits: Limits, started: float, events=("end",)):
    """iterparse over a member of the .docx, refusing a DOCTYPE (Word never writes one; it is how
    entity bombs come in) and checking the reading time as it goes."""
    import xml.etree.ElementTree as ET

    head = stream.peek(4096)[:4096] if hasattr(stream, "peek") else b""
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise IngestError(f"{path.name}: not a readable Word document (it declares XML entities)")
    for n, (event, element) in enumerate(ET.iterparse(stream, events=events)):
        if n % _CHECK_EVERY == 0 and time.monotonic() - started > limits.max_read_seconds:
            raise IngestError(f"{path.name}: reading the text took over {limits.max_read_seconds:g} s; "
                              "the document is too complex")
        yield event, element


def _docx_paragraphs(stream, path: Path, limits: Limits, started: float):
    """(text, style id) of each body paragraph, in order. Every element is detached from its parent
    once read, so memory stays flat however many runs or paragraphs the file holds."""
    parts: list[str] = []
    style_id = ""
    depth = 0  # paragraphs open (a text box can nest one in another)
    open_elements = []
    for event, element in _xml_events(stream, path, limits, started, events=("start", "end")):
        tag = element.tag
        if event == "start":
            open_elements.append(element)
            if tag == f"{_W}p":
                depth += 1
                if depth == 1:
                    parts, style_id = [], ""
            continue
        open_elements.pop()
        if depth:
            if tag == f"{_W}t" and element.text:
                parts.append(element.text)
            elif tag in (f"{_W}tab", f"{_W}br", f"{_W}cr"):
                parts.append(" ")
            elif tag == f"{_W}pStyle":
                style_id = element.get(f"{_W}val", "")
        if tag == f"{_W}p":
            depth -= 1
            if depth == 0:
                yield "".join(parts), style_id
        if open_elements:  # read: let it go (it is its parent's last child, so this is quick)
            open_elements[-1].remove(element)


def _docx_style_names(z: zipfile.ZipFile, path: Path, limits: Limits, started: float) -> dict[str, str]:
    """Style id → style name ("Heading1" → "heading 1"), to know headings and the title."""
    names: dict[str, str] = {}
    with z.open("word/styles.xml") as stream:
        for _, element in _xml_events(stream, path, limits, started):
            if element.tag == f"{_W}style":
                name = element.find(f"{_W}name")
                if name is not None:
                    names[element.get(f"{_W}styleId", "")] = name.get(f"{_W}val", "")
                element.clear()
    return names


_CORE = {"{http://purl.org/dc/elements/1.1/}title": "title", "{http://purl.org/dc/elements/1.1/}creator": "author",
         "{http://purl.org/dc/terms/}created": "date"}


def _docx_core(z: zipfile.ZipFile, path: Path, limits: Limits, started: float) -> dict:
    """Title, author and date (ISO) of the document's core properties, those that are there."""
    found: dict = {}
    with z.open("docProps/core.xml") as stream:
        for _, element in _xml_events(stream, path, limits, started):
            key = _CORE.get(element.tag)
            if key:
                value = " ".join((element.text or "").split())[:300] or None
                if key == "date" and value:
                    value = value[:10] if re.match(r"^\d{4}-\d{2}-\d{2}", value) else None
                found[key] = value
    return found


# The one registry of readers: a file's suffix -> the function that reads it (path, limits,
# progress, ocr) into the text contract (docs/architecture.md, "The text the splitter reads").
# A new format is one reader here and its tests.
READERS = {".txt": _read_txt, ".md": _read_md, ".pdf": _read_pdf, ".docx": _read_docx}
SUPPORTED_SUFFIXES = tuple(READERS)
