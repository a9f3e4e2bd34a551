"""Word (.docx): read as a stream with zipfile and ElementTree, so linear in its size and never the
whole XML tree in memory; paragraphs styled "Title" or "Heading N" become the title and headings;
no pages. Its zip members' inflated size is checked before any is inflated. A UN document saved as
Word has the masthead of its PDF: its first paragraphs (with their bold and size) are read by the
same masthead reader (``un_document``) into the document's facts.
"""

from __future__ import annotations

import re
import time
import zipfile
from dataclasses import replace
from pathlib import Path

from .document_text import DocumentText, IngestError, check_characters, check_read
from .limits import MIB, Limits


def read_docx(path: Path, limits: Limits, progress, ocr: bool) -> DocumentText:
    text, properties = _docx_text(path, limits)
    result = DocumentText(text, paged=False, space_page_breaks=False, title=properties.get("title"),
                          author=properties.get("author"), date=properties.get("date"),
                          symbol=properties.get("symbol"), facts=properties.get("facts"),
                          resolution=properties.get("resolution", False))
    check_read(result, path, limits)
    return result


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
            head: list[tuple[str, bool, float | None]] = []  # the first paragraphs: a UN masthead?
            at: list[int | None] = []  # each one's place among the blocks (None: a title-styled one)
            characters = 0
            with z.open("word/document.xml") as body:
                for paragraph, style_id, bold, size in _docx_paragraphs(body, path, limits, started):
                    text = " ".join(paragraph.split())
                    if not text:
                        continue
                    characters += len(text)
                    check_characters(characters, path, limits)
                    style = styles.get(style_id, style_id).lower()
                    if len(head) < _MASTHEAD_PARAGRAPHS:
                        head.append((text, bold, size))
                        at.append(None if style == "title" else len(blocks))
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
    return _with_masthead(blocks, head, at, properties)


_MASTHEAD_PARAGRAPHS = 40  # page 1's share: a masthead, a draft's sponsors, the title


def _with_masthead(blocks: list[str], head: list[tuple[str, bool, float | None]], at: list[int | None],
                   properties: dict) -> tuple[str, dict]:
    """A UN document saved as Word (the same masthead as its PDF: symbol, organ, distribution,
    session, agenda item, "Resolution adopted by …", the title) read into its facts, its masthead
    paragraphs and closing meeting out of the text; any other document as it is. The masthead
    wins over the file's properties, which name whoever typed it."""
    from .un_document import RESOLUTION_KINDS, closing_meeting, read_paragraph_masthead

    read = read_paragraph_masthead(head) if head else None
    if read is None:
        return "\n\n".join(blocks), properties
    facts, used_head = read
    used = {at[i] for i in used_head if at[i] is not None}
    meeting, closing = closing_meeting(blocks)
    if meeting:
        facts = replace(facts, meeting=facts.meeting or meeting)
    kept = [b for i, b in enumerate(blocks) if i not in used and i not in closing]
    read = {"title": facts.title, "author": facts.author, "date": facts.date, "symbol": facts.symbol,
            "facts": facts.to_dict(), "resolution": facts.kind in RESOLUTION_KINDS}
    # What the masthead does not say, the file's properties still may (a title, a date), but never
    # the author: that property names whoever typed the file.
    merged = properties | {k: v for k, v in read.items() if v is not None}
    merged["author"] = facts.author
    return "\n\n".join(kept), merged


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


def _on(element) -> bool:
    """A run property that is on: <w:b/>, or <w:b w:val="true"/> (not "0", "false", "none")."""
    return element.get(f"{_W}val", "true").lower() not in ("0", "false", "off", "none")


def _docx_paragraphs(stream, path: Path, limits: Limits, started: float):
    """(text, style id, bold, size) of each body paragraph, in order: bold when all its letters are
    in bold runs, size the points of most of its characters where the runs say (else None), which
    the masthead of a UN document needs. Every element is detached from its parent once read, so
    memory stays flat however many runs or paragraphs the file holds."""
    parts: list[str] = []
    style_id = ""
    bold_chars = plain_chars = 0
    sizes: dict[float, int] = {}
    run_bold, run_size = False, None
    depth = 0  # paragraphs open (a text box can nest one in another)
    open_elements = []
    for event, element in _xml_events(stream, path, limits, started, events=("start", "end")):
        tag = element.tag
        if event == "start":
            open_elements.append(element)
            if tag == f"{_W}p":
                depth += 1
                if depth == 1:
                    parts, style_id, bold_chars, plain_chars, sizes = [], "", 0, 0, {}
            elif tag == f"{_W}r":
                run_bold, run_size = False, None
            continue
        open_elements.pop()
        if depth:
            if tag == f"{_W}t" and element.text:
                parts.append(element.text)
                letters = sum(c.isalnum() for c in element.text)
                if run_bold:
                    bold_chars += letters
                else:
                    plain_chars += letters
                if run_size:
                    sizes[run_size] = sizes.get(run_size, 0) + letters
            elif tag in (f"{_W}tab", f"{_W}br", f"{_W}cr"):
                parts.append(" ")
            elif tag == f"{_W}pStyle":
                style_id = element.get(f"{_W}val", "")
            elif tag in (f"{_W}b", f"{_W}sz") and open_elements and open_elements[-1].tag == f"{_W}rPr" \
                    and len(open_elements) > 1 and open_elements[-2].tag == f"{_W}r":  # a run's, not the mark's
                if tag == f"{_W}b":
                    run_bold = _on(element)
                else:
                    try:
                        run_size = int(element.get(f"{_W}val", "")) / 2  # half-points
                    except ValueError:
                        run_size = None
        if tag == f"{_W}p":
            depth -= 1
            if depth == 0:
                size = max(sizes, key=sizes.get) if sizes else None
                yield "".join(parts), style_id, bold_chars > 0 and plain_chars == 0, size
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
