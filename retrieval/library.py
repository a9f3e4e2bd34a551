"""Adding documents to and removing them from the corpus folder (the index follows on load).

A file is read and checked before it is copied in, and it is copied under a temporary name
and renamed into place, so a bad or interrupted add leaves the corpus as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .formats import SUPPORTED_SUFFIXES, IngestError, read_document_text


def document_files(corpus_dir: Path, doc_id: str) -> list[Path]:
    """The document file(s) and sidecar of a document id in the corpus folder."""
    return [p for p in corpus_dir.iterdir()
            if p.is_file() and (p.name == f"{doc_id}.meta.json"
                                or (p.stem == doc_id and p.suffix.lower() in SUPPORTED_SUFFIXES))]


def add_document(path: Path, corpus_dir: Path, *, replace: bool = True) -> str:
    """Copy a readable document into the corpus; returns its document id (the file stem)."""
    path = Path(path)
    read_document_text(path)  # raises IngestError with the reason
    doc_id = path.stem
    others = [p for p in document_files(corpus_dir, doc_id) if p.suffix.lower() != path.suffix.lower()
              and p.suffix != ".json"]
    if others:
        raise IngestError(f"{path.name}: the corpus already has a document {doc_id!r} ({others[0].name}); "
                          "rename the file")
    target = corpus_dir / path.name
    if target.exists() and not replace:
        raise IngestError(f"{path.name}: already in the corpus")
    fd, tmp = tempfile.mkstemp(dir=corpus_dir, prefix=".adding-", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copyfile(path, tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return doc_id


def remove_document(doc_id: str, corpus_dir: Path) -> list[str]:
    """Delete a document (and its sidecar) from the corpus; returns the file names removed."""
    files = document_files(corpus_dir, doc_id)
    if not any(p.suffix != ".json" for p in files):
        raise IngestError(f"no document {doc_id!r} in {corpus_dir}")
    for p in files:
        p.unlink()
    return [p.name for p in files]
