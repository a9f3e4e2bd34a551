"""The one registry of readers: which reader takes a file, and the checks before any reads it.

Each format has its own module, all giving the splitter the same ``DocumentText`` (the contract,
``document_text``): ``text_reader`` (.txt, .md), ``pdf_reader`` (.pdf, with OCR of scanned pages),
``docx_reader`` (.docx). A file of another type, a link, an empty or oversized file is refused here
with one message; anything unreadable, or over a limit of ``Limits``, raises ``IngestError`` with
a message for the person, checked before the text is read whole where the format allows.
"""

from __future__ import annotations

from pathlib import Path

from .document_text import DocumentText, IngestError
from .docx_reader import read_docx
from .limits import MIB, Limits
from .pdf_reader import read_pdf
from .text_reader import decode_text, markdown_title, read_md, read_txt

__all__ = ["READERS", "SUPPORTED_SUFFIXES", "DocumentText", "IngestError", "check_file", "decode_text",
           "markdown_title", "read_document_text", "unsupported"]

MAX_FILE_BYTES = Limits().max_file_bytes


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


# The one registry of readers: a file's suffix -> the function that reads it (path, limits,
# progress, ocr) into the text contract (``document_text``; docs/architecture.md, "The text the
# splitter reads"). A new format is one reader module, its line here, and its tests.
READERS = {".txt": read_txt, ".md": read_md, ".pdf": read_pdf, ".docx": read_docx}
SUPPORTED_SUFFIXES = tuple(READERS)
