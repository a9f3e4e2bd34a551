"""The engine a long-running server answers with, swapped whole when a new index is published.

Adding a document to a shared server must not stop everyone else's answers. ``LiveEngine``
checks the file (the ingestion gate, quick), copies it in, and builds the new index in one
background thread, while every question is still answered by the engine in force. When the
build is done the new engine replaces the old one in one assignment; when it fails (no space,
read-only index folder, killed model...), the file is taken out of the corpus again, the old
engine keeps serving, and the reason is kept for the person who added it.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .engine import Engine
from .formats import IngestError
from .library import add_document, document_files, safe_document_name

log = logging.getLogger(__name__)


@dataclass
class AddJob:
    """One document being added: ``state`` is "indexing", "ready" or "failed" (with ``reason``)."""

    doc_id: str
    file_name: str
    state: str = "indexing"
    reason: str = ""
    replaced: dict[Path, bytes] | None = None  # the files it replaced, put back if indexing fails


class LiveEngine:
    def __init__(self, load: Callable[[], Engine]):
        self._load = load
        self._engine = load()
        self._jobs: "queue.Queue[AddJob]" = queue.Queue()
        self.jobs: list[AddJob] = []
        self._worker: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def current(self) -> Engine:
        """The engine to answer with now (the last one published)."""
        return self._engine

    @property
    def busy(self) -> bool:
        return any(job.state == "indexing" for job in self.jobs)

    def add(self, path: Path, name: str, *, replace: bool = False) -> AddJob:
        """Check and copy a document in now, index it in the background; raises IngestError
        (nothing written) when the file does not pass the gate."""
        corpus_dir = self._engine.settings.corpus_dir
        with self._lock:
            if self.busy:
                raise IngestError(f"{name}: another document is being indexed; add this one when it is done")
            stem = Path(safe_document_name(name)).stem
            replaced = ({p: p.read_bytes() for p in document_files(corpus_dir, stem)
                         if not p.name.endswith(".meta.json")} if replace else None)
            doc_id = add_document(path, corpus_dir, name=name, replace=replace)
            job = AddJob(doc_id, name, replaced=replaced)
            self.jobs.append(job)
            self._jobs.put(job)
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, name="index-builder", daemon=True)
                self._worker.start()
        return job

    def reload(self) -> None:
        """Load the engine again from the corpus as it is now (after a removal), in this thread."""
        self._engine = self._load()

    def _work(self) -> None:
        while True:
            try:
                job = self._jobs.get(timeout=1)
            except queue.Empty:
                return
            try:
                self._engine = self._load()
                job.state = "ready"
            except Exception as exc:  # whatever stopped the build, the old engine still serves
                log.warning("indexing %s failed: %s", job.doc_id, exc)
                for p in document_files(self._engine.settings.corpus_dir, job.doc_id):
                    if not p.name.endswith(".meta.json"):
                        p.unlink(missing_ok=True)
                for p, data in (job.replaced or {}).items():
                    p.write_bytes(data)
                job.state, job.reason = "failed", " ".join(str(exc).split()) or exc.__class__.__name__
