"""Adding documents to and removing them from the corpus folder, and correcting a document's
title (the index follows on load).

A file passes the ingestion gate (``formats`` with ``limits``: readable, within every limit,
at least one passage) before anything is written; it is copied under a temporary name and
renamed into place, so a bad or interrupted add leaves the corpus as it was. Its name is made
safe (characters, length); an existing document is never replaced unless asked, and documents
whose sidecar says ``"protected": true`` (those shipped with the project) only from the command
line.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import unicodedata
from pathlib import Path

from ..files import copy_atomic, write_atomic
from ..ingest.formats import SUPPORTED_SUFFIXES, IngestError, read_document_text, unsupported
from ..ingest.limits import Limits
from ..ingest.metadata import (MAX_FIELD_CHARS, MAX_SIDECAR_BYTES, MetadataError, display_text,
                               read_json_object, read_sidecar_file)
from ..ingest.passages import split_passages
from .writer import PendingChange


class AlreadyInLibrary(IngestError):
    """A document of that name is in the library, and replacing it was not asked for (the page
    offers to replace it; the CLI says to add --replace)."""


def install_shipped_documents(corpus_dir: Path, shipped_dir: Path) -> bool:
    """Make a missing corpus folder from the shipped documents (the first run of a data folder,
    #32): every file of ``shipped_dir`` copied into a temporary folder renamed into place, so an
    interrupted install leaves no half folder. A folder that exists, even empty, is left alone
    (its documents were removed on purpose). Returns whether it installed."""
    corpus_dir = Path(corpus_dir)
    if corpus_dir.exists() or Path(shipped_dir).resolve() == corpus_dir.resolve():
        return False
    staging = corpus_dir.parent / f".{corpus_dir.name}.installing-{os.getpid()}"
    try:
        corpus_dir.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
    except OSError as exc:
        raise OSError(exc.errno, f"the data folder {corpus_dir.parent} cannot be made ({exc.strerror}); "
                                 "set RETRIEVAL_DATA_DIR to a writable folder") from exc
    try:
        for f in sorted(Path(shipped_dir).iterdir()):
            if f.is_file() and not f.name.startswith("."):
                copy_atomic(f, staging / f.name)
        os.rename(staging, corpus_dir)
    except FileExistsError:  # another process installed it meanwhile: theirs stands
        shutil.rmtree(staging, ignore_errors=True)
        return False
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if corpus_dir.is_dir():  # another process won the rename (ENOTEMPTY)
            return False
        raise OSError(exc.errno, f"the shipped documents could not be copied into {corpus_dir} "
                                 f"({exc.strerror}); set RETRIEVAL_DATA_DIR to a writable folder") from exc
    return True


def safe_document_name(file_name: str, limits: Limits | None = None) -> str:
    """A file name fit for the corpus: letters, digits, '.', '-' and '_' only, no leading dot,
    the stem cut to ``max_name_bytes`` of UTF-8 so that every name derived from it fits."""
    limits = limits or Limits.from_env()
    name = unicodedata.normalize("NFKC", Path(file_name.replace("\\", "/")).name)
    suffix = Path(name).suffix.lower()
    stem = name[: -len(suffix)] if suffix else name
    stem = re.sub(r"[^\w.-]+", "-", stem).strip(".-_") or "document"
    while len(stem.encode("utf-8")) > limits.max_name_bytes:
        stem = stem[:-1]
    return stem.rstrip(".-_") + suffix


def document_files(corpus_dir: Path, doc_id: str) -> list[Path]:
    """The document file(s) and sidecar of a document id in the corpus folder."""
    return [p for p in corpus_dir.iterdir()
            if p.is_file() and (p.name == f"{doc_id}.meta.json"
                                or (p.stem == doc_id and p.suffix.lower() in SUPPORTED_SUFFIXES))]


def is_protected(corpus_dir: Path, doc_id: str) -> bool:
    """Whether the document's sidecar marks it as shipped with the project."""
    return read_sidecar_file(corpus_dir / f"{doc_id}.meta.json", doc_id).get("protected") is True


def check_addition(path: Path, corpus_dir: Path, *, name: str | None = None, replace: bool = False,
                   replace_protected: bool = False, limits: Limits | None = None,
                   progress=None, ocr: bool = True) -> tuple[str, str, list[Path]]:
    """The ingestion gate, writing nothing: returns (document id, file name in the corpus, the
    files of the same document it would replace). Raises IngestError naming the person's own
    file (``name``, an upload's own name; default the path's). ``ocr=False``: scanned pages are
    not read yet (the page's quick check; the add reads them, with ``progress``)."""
    path = Path(path)
    limits = limits or Limits.from_env()
    target_name = safe_document_name(name or path.name, limits)
    shown = name or path.name
    if Path(target_name).suffix not in SUPPORTED_SUFFIXES:
        raise unsupported(shown)
    try:
        content = read_document_text(path, limits, progress, ocr)
    except IngestError as exc:  # it names the file it read, which may be a temporary copy
        message = str(exc)
        raise IngestError(f"{shown}:{message.split(':', 1)[1]}" if message.startswith(f"{path.name}:")
                          else message) from None
    doc_id = Path(target_name).stem
    if not content.scanned and not split_passages(content.text, doc_id, doc_id, paged=content.paged,
                          space_page_breaks=content.space_page_breaks):
        raise IngestError(f"{shown}: no passage of text found in the document")
    existing = [p for p in document_files(corpus_dir, doc_id) if not p.name.endswith(".meta.json")]
    if existing and is_protected(corpus_dir, doc_id) and not replace_protected:
        raise IngestError(f"{shown}: {doc_id!r} is shipped with the project and cannot be replaced here")
    if existing and not replace:
        raise AlreadyInLibrary(f"{shown}: the library already has a document named {doc_id!r}; "
                               "replacing it must be asked for (add --replace)")
    return doc_id, target_name, existing


def add_document(path: Path, corpus_dir: Path, *, name: str | None = None, replace: bool = False,
                 replace_protected: bool = False, limits: Limits | None = None,
                 change: PendingChange | None = None, progress=None) -> str:
    """Copy a document into the corpus after the ingestion gate (``check_addition``); returns
    its document id (``progress``: pages read of how many, while a scan is read with OCR). ``change``: the journal of the add under way, told first which files are
    written, so that a writer that dies leaves nothing half-added (``writer``)."""
    doc_id, target_name, existing = check_addition(path, corpus_dir, name=name, replace=replace,
                                                   replace_protected=replace_protected, limits=limits,
                                                   progress=progress)
    if change is not None:
        change.will_write([target_name] + [p.name for p in existing if p.name != target_name])
    copy_atomic(Path(path), corpus_dir / target_name)
    for old in existing:  # the same document in another format
        if old.name != target_name:
            old.unlink()
    return doc_id


def remove_document(doc_id: str, corpus_dir: Path, *, remove_protected: bool = False) -> list[str]:
    """Delete a document (and its sidecar) from the corpus; returns the file names removed.
    The last document is never removed: a corpus must have one."""
    files = document_files(corpus_dir, doc_id)
    if not any(not p.name.endswith(".meta.json") for p in files):
        raise IngestError(f"no document {doc_id!r} in the library")
    if is_protected(corpus_dir, doc_id) and not remove_protected:
        raise IngestError(f"{doc_id!r} is shipped with the project and cannot be removed here")
    others = [p for p in corpus_dir.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
              and p.stem != doc_id]
    if not others:
        raise IngestError(f"{doc_id!r} is the only document; add another before removing it")
    for p in files:
        p.unlink()
    return [p.name for p in files]


def retitle_document(doc_id: str, title: str, corpus_dir: Path, *, retitle_protected: bool = False,
                     change: PendingChange | None = None) -> str:
    """Correct a document's title (#30): written into its sidecar, whose other fields are kept;
    returns the title as kept (one line, capped as every field is). The document's symbol is
    still added to it where the title does not print it. Its vectors are not touched: a title is
    shown and cited, never embedded, so the index that follows reuses every vector. ``change``:
    the change under way, told first, so a failed reload puts the old sidecar back."""
    files = document_files(corpus_dir, doc_id)
    if not any(not p.name.endswith(".meta.json") for p in files):
        raise IngestError(f"no document {doc_id!r} in the library")
    if is_protected(corpus_dir, doc_id) and not retitle_protected:
        raise IngestError(f"{doc_id!r} is shipped with the project and cannot be retitled here")
    kept = display_text(title, MAX_FIELD_CHARS)
    if not kept:
        raise IngestError("a title needs at least one word")
    sidecar = Path(corpus_dir) / f"{doc_id}.meta.json"
    if sidecar.is_symlink():  # never written through, nor replaced: the link was put there by hand
        raise IngestError(f"{doc_id!r}: its metadata file is a link; replace it with a file first")
    fields: dict = {}
    if sidecar.exists():
        try:
            fields = read_json_object(sidecar, MAX_SIDECAR_BYTES)
        except (OSError, MetadataError) as exc:
            # Its other fields (author, date, "protected") would be lost with it: said, not overwritten.
            raise IngestError(f"{doc_id!r}: its metadata file cannot be read ({exc}); "
                              "fix or remove it first") from None
    data = json.dumps(fields | {"title": kept}, indent=1, ensure_ascii=False).encode("utf-8")
    if len(data) > MAX_SIDECAR_BYTES:
        raise IngestError(f"{doc_id!r}: its metadata file would be larger than {MAX_SIDECAR_BYTES} bytes")
    if change is not None:
        change.will_write([sidecar.name])
    write_atomic(sidecar, data)
    return kept
