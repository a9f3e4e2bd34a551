"""Word (.docx): read as a stream with zipfile and ElementTree, so linear in its size and never the
whole XML tree in memory; paragraphs styled "Title" or "Heading N" become the title and headings;
no pages. Its zip members' inflated size is checked before any is inflated.
"""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path

from .document_text import DocumentText, IngestError, check_characters, check_read
from .limits import MIB, Limits


def read_docx(path: Path, limits: Limits, progress, ocr: bool) -> DocumentText:
    text, properties = _docx_text(path, limits)
    result = DocumentText(text, paged=False, space_page_breaks=False, title=properties.get("title"),
                          author=properties.get("author"), date=properties.get("date"))
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
            characters = 0
            with z.open("word/document.xml") as body:
                for paragraph, style_id in _docx_paragraphs(body, path, limits, started):
                    text = " ".join(paragraph.split())
                    if not text:
                        continue
                    characters += len(text)
                    check_characters(characters, path, limits)
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
