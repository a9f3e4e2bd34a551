"""Load the documents of the corpus folder and split them into passages.

Every ``.txt``, ``.md``, ``.pdf`` and ``.docx`` file in the folder is a document (see
``formats``). Its metadata (title, author, place, date) comes from an optional sidecar
``<name>.meta.json``; without one the title is the file name. A file that cannot be read
is skipped with a warning: one bad file never takes the corpus down.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

from .metadata import MAX_FIELD_CHARS, display_text, read_sidecar_file

import logging

from .formats import SUPPORTED_SUFFIXES, IngestError, read_document_text
from .limits import Limits
from .language import MODEL_LANGUAGE, detect_language
from .un_document import repaired_symbol
from .read_cache import ReadCache
from .passages import Passage, split_passages

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Document:
    """A document of the corpus: its id (file stem), metadata and text."""

    id: str
    path: Path
    title: str
    author: str | None
    place: str | None
    date: str | None
    text: str
    paged: bool = True
    space_page_breaks: bool = True
    facts: dict | None = None  # a UN document's masthead: symbol, kind, organ, session, dates…
    page_labels: dict[str, str] | None = None  # PDF page number -> the folio printed on it
    resolution: bool = False  # preambular paragraphs, then numbered operative ones
    language: str | None = None  # ISO 639-1, detected from the text

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def metadata(self) -> dict:
        meta = {"id": self.id, "title": self.title, "author": self.author, "place": self.place,
                "date": self.date, "file": self.path.name}
        # Only where the document has them, so a plain text's metadata (and the corpus hash) stay as they were.
        if self.facts:
            meta["facts"] = self.facts
        if self.page_labels:
            meta["page_labels"] = self.page_labels
        if self.language and self.language != MODEL_LANGUAGE:  # English, the models' language, goes unsaid
            meta["language"] = self.language
        return meta


def read_sidecar(path: Path) -> dict:
    """A document's ``<name>.meta.json``, read through the validating reader (``metadata``): text
    fields capped in length; anything else is ignored with a warning (one bad sidecar costs only
    its own metadata)."""
    return read_sidecar_file(path.with_name(path.stem + ".meta.json"), path.name)


def load_document(path: Path, cache: ReadCache | None = None) -> Document:
    """Read one document (or take its kept reading from ``cache``) and its sidecar metadata, if any."""
    content = None
    if cache is not None:
        digest, content = cache.get(path)
    fresh = content is None
    if fresh:
        # A file read whole before (after an upgrade, its kept reading is an older reader's) is not
        # dropped for the time a busy start takes to read it again (#33); a file never read is
        # held to the gate's time, so one copied in by hand cannot hold a start for ever.
        limits = Limits.from_env()
        accepted = cache is not None and cache.read_before(digest)
        content = read_document_text(path, limits.without_time_limit() if accepted else limits)
    if content.language is None:  # detected once, then kept with the reading: a start never detects it
        content = replace(content, language=detect_language(content.text) or "")
        fresh = True
    if fresh and cache is not None:
        cache.put(digest, content)
    meta = read_sidecar(path)
    title = meta.get("title") or content.title or path.stem.replace("-", " ").replace("_", " ")
    title = display_text(title, MAX_FIELD_CHARS)  # a document's own title, as any field: one capped line of text
    symbol = repaired_symbol(content.symbol) if content.symbol else None
    facts = content.facts
    if facts and facts.get("symbol"):
        facts = facts | {"symbol": repaired_symbol(facts["symbol"])}
        if (facts.get("printed") or {}).get("symbol"):  # a symbol, not a line: the repaired one
            facts["printed"] = facts["printed"] | {"symbol": facts["symbol"]}
    if symbol and symbol != content.symbol:
        title = title.replace(content.symbol, symbol)
    if symbol and symbol not in title:
        title = f"{title} ({symbol})"  # how UN documents are cited
    labels = {str(k): str(v) for k, v in content.page_labels.items()} if content.page_labels else None
    return Document(
        id=path.stem,
        path=path,
        title=title,
        author=meta.get("author") or content.author,
        place=meta.get("place"),
        date=meta.get("date") or content.date,
        text=content.text,
        paged=content.paged,
        space_page_breaks=content.space_page_breaks,
        facts=facts,
        page_labels=labels,
        resolution=content.resolution,
        language=content.language or None,
    )


class CorpusError(RuntimeError):
    """The corpus folder is missing or holds no readable document; the message says which."""


def scan_corpus(folder: Path, cache_dir: Path | None = None, *,
                verify: bool = False) -> tuple[list[Document], list[tuple[str, str]]]:
    """The readable documents of a folder in file-name order, and the (file, reason) of each
    document file skipped: unreadable, over a limit, or a link (never followed out of the folder).
    ``cache_dir``: where readings are kept by file hash (``read_cache``), so unchanged files are not
    read again; a file whose ``stat`` is unchanged is not even hashed again, unless ``verify``."""
    cache = ReadCache(cache_dir, verify=verify) if cache_dir else None
    if not folder.is_dir():
        raise CorpusError(f"the corpus folder {folder} does not exist")
    documents, skipped = [], []
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in SUPPORTED_SUFFIXES):
        if path.is_symlink() or not path.is_file():
            skipped.append((path.name, "not a regular file (links are not followed)"))
            continue
        try:
            documents.append(load_document(path, cache))
        except OSError as exc:  # its text names the path; the reason is enough (the log holds no paths)
            skipped.append((path.name, exc.strerror or "cannot be read"))
        except IngestError as exc:
            skipped.append((path.name, str(exc)))
    for name, reason in skipped:
        log.warning("skipping %s: %s", name, reason)
    if cache is not None:
        cache.save_hashes()
    return documents, skipped


def load_corpus(folder: Path, cache_dir: Path | None = None, *, verify: bool = False) -> list[Document]:
    """All readable documents in a folder (see ``scan_corpus``); at least one."""
    documents, _ = scan_corpus(folder, cache_dir, verify=verify)
    if not documents:
        raise CorpusError(f"the corpus folder {folder} has no readable document "
                          f"(supported: {', '.join(SUPPORTED_SUFFIXES)})")
    return documents


def corpus_hash(documents: list[Document]) -> str:
    """One hash over every document's id, metadata and text: changes when the corpus does."""
    h = hashlib.sha256()
    for doc in documents:
        h.update(json.dumps(doc.metadata(), sort_keys=True).encode())
        h.update(doc.sha256.encode())
    return h.hexdigest()


def corpus_passages(documents: list[Document]) -> list[Passage]:
    """Passages of every document, numbered across the corpus."""
    passages: list[Passage] = []
    for doc in documents:
        passages.extend(split_passages(doc.text, doc.id, doc.title, first_id=len(passages), paged=doc.paged,
                                       space_page_breaks=doc.space_page_breaks, resolution=doc.resolution))
    return passages
