"""Plain text and Markdown: decoded from whatever encoding they were saved in.

* ``.txt``: a byte-order mark, else UTF-8, else what charset-normalizer detects (refused when none
  fits); a continuation line that starts with a space marks a page break (how the bundled text was
  extracted), and so does a form feed.
* ``.md``: decoded the same way; ``#`` headings; a leading ``# Title`` over ``##`` sections is the
  title; no pages.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from .document_text import DocumentText, IngestError, check_read
from .limits import Limits

_BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]


def read_txt(path: Path, limits: Limits, progress, ocr: bool) -> DocumentText:
    # Pages: how the bundled text was extracted, a line that starts with a space (or a form feed).
    result = DocumentText(decode_text(path.read_bytes(), path.name), paged=True, space_page_breaks=True)
    check_read(result, path, limits)
    return result


def read_md(path: Path, limits: Limits, progress, ocr: bool) -> DocumentText:
    text, title = markdown_title(decode_text(path.read_bytes(), path.name))
    result = DocumentText(text, paged=False, space_page_breaks=False, title=title)
    check_read(result, path, limits)
    return result


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
