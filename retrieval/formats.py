"""Reading documents of each supported format into plain text the splitter understands.

* ``.txt``: as it is; a continuation line that starts with a space marks a page break
  (how the bundled text was extracted), and so does a form feed.
* ``.md``: as it is; ``#`` headings; no pages.
* ``.pdf`` (pypdf): pages joined with form feeds, so page numbers come from the PDF itself;
  layout extraction keeps vertical gaps as blank lines between paragraphs.
* ``.docx`` (python-docx): paragraphs styled "Title" or "Heading N" become headings; no pages.

Anything unreadable raises ``IngestError`` with a message for the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
MAX_FILE_BYTES = 20 * 1024 * 1024


class IngestError(ValueError):
    """A file that cannot be added to the corpus; the message says why."""


@dataclass(frozen=True)
class DocumentText:
    text: str
    paged: bool  # whether page numbers can be cited
    space_page_breaks: bool  # whether a line starting with a space marks a new page


def check_file(path: Path) -> None:
    """Refuse files the corpus cannot take, before reading them."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise IngestError(f"{path.name}: unsupported file type {path.suffix or '(none)'}; "
                          f"supported: {', '.join(SUPPORTED_SUFFIXES)}")
    if not path.is_file():
        raise IngestError(f"{path.name}: not a file")
    size = path.stat().st_size
    if size == 0:
        raise IngestError(f"{path.name}: the file is empty")
    if size > MAX_FILE_BYTES:
        raise IngestError(f"{path.name}: too large ({size / 2**20:.1f} MiB; the limit is {MAX_FILE_BYTES // 2**20} MiB)")


def read_document_text(path: Path) -> DocumentText:
    """The text of a document file, ready for ``split_passages``."""
    check_file(path)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        result = DocumentText(_pdf_text(path), paged=True, space_page_breaks=False)
    elif suffix == ".docx":
        result = DocumentText(_docx_text(path), paged=False, space_page_breaks=False)
    else:
        text = path.read_bytes().decode("utf-8", errors="replace")
        result = DocumentText(text, paged=suffix == ".txt", space_page_breaks=suffix == ".txt")
    if not result.text.strip():
        raise IngestError(f"{path.name}: no text found in the file")
    return result


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(f"{path.name}: the PDF is encrypted; save an unprotected copy and add that")
        pages = [page.extract_text(extraction_mode="layout") or "" for page in reader.pages]
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many kinds on damaged files; all mean "unreadable"
        raise IngestError(f"{path.name}: not a readable PDF ({exc.__class__.__name__})") from exc
    if not any(p.strip() for p in pages):
        raise IngestError(f"{path.name}: the PDF has no text layer (a scanned image?); run OCR first")
    # A page break also ends a block: PDF layout does not say whether a paragraph runs on.
    return "\n\n\f".join("\n".join(line.strip() for line in page.splitlines()) for page in pages)


def _docx_text(path: Path) -> str:
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # not a zip, a damaged zip or XML: all mean "unreadable"
        raise IngestError(f"{path.name}: not a readable Word document ({exc.__class__.__name__})") from exc
    blocks = []
    for paragraph in document.paragraphs:
        text = " ".join(paragraph.text.split())
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if style == "Title" or style.startswith("Heading"):
            blocks.append(f"# {text}")
        else:
            blocks.append(text)
    return "\n\n".join(blocks)
