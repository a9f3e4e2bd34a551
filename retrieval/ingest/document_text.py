"""The readers' one contract: what every reader gives the splitter, and the checks every reading
passes (docs/architecture.md, "The text the splitter reads").

A reader turns a file into a ``DocumentText``: its text as the splitter reads it (``# `` headings,
``\\f`` page breaks, blank lines between paragraphs, the footnote mark of ``passages``), whether it
has pages to cite, and what its format says of it (title, author, date, a UN document's facts). A
file it cannot read, or one over a limit, raises ``IngestError`` with a message for the person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .limits import Limits

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
    # Pages of a poor old OCR layer were read as they are because Tesseract was missing: a reading
    # to replace once it is installed, so it is never kept (``read_cache``, the reader's memory).
    provisional: bool = False
    facts: dict | None = None  # a UN document's masthead (``un_document.UNFacts.to_dict``)
    page_labels: dict | None = None  # PDF page number -> the folio printed on it
    resolution: bool = False  # numbered like a resolution: preambular, then operative paragraphs
    language: str | None = None  # detected once and kept with the reading ("" when it cannot be told)


def check_read(result: DocumentText, path: Path, limits: Limits) -> None:
    """Refuse a reading with no text, too many characters or too many paragraphs."""
    if not result.text.strip():
        raise IngestError(f"{path.name}: no text found in the file")
    check_characters(len(result.text), path, limits)
    # Every paragraph becomes a passage to embed: the count bounds the indexing work, whatever the format.
    if sum(1 for block in _BLANK_LINE.split(result.text) if block.strip()) > limits.max_paragraphs:
        raise IngestError(f"{path.name}: over {limits.max_paragraphs:,} paragraphs; split the document")


def check_characters(count: int, path: Path, limits: Limits) -> None:
    """Refuse a text over the character limit (readers call it as they go, too)."""
    if count > limits.max_characters:
        raise IngestError(f"{path.name}: too much text (over {limits.max_characters:,} characters); "
                          "split the document")
