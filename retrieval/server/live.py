"""The engine a long-running server answers with, swapped whole when a new index is published.

Adding a document to a shared server must not stop everyone else's answers. ``LiveEngine``
checks the file (the ingestion gate, quick), copies it in, and builds the new index in one
background thread, while every question is still answered by the engine in force. When the
build is done the new engine replaces the old one in one assignment; when it fails (no space,
read-only index folder, killed model...), the file is taken out of the corpus again, the old
engine keeps serving, and the reason is kept for the person who added it.

Several servers on one library (shared corpus and index folders, one store, #35) follow each
other: at most every ``FOLLOW_SECONDS`` a question looks at the manifests (a stat; the manifest
is the commit point of every build, whatever the store), and when another server has published a
generation this one does not serve, the new engine is loaded in the background and swapped in
like one built here.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..answer.engine import Engine
from ..files import scratch_folder, sweep_scratch
from ..ingest.formats import IngestError
from ..index.library import add_document, check_addition, remove_document, retitle_document
from .record import Record
from ..chat.wording import failure_reason
from ..index.writer import library_change, one_writer
from ..index.store import MANIFEST, SECOND_INDEX, index_generation, published_generations, release_freed_memory

log = logging.getLogger(__name__)

FOLLOW_SECONDS = 2.0  # how often the manifests are looked at for another server's build
FOLLOW_RETRY_SECONDS = 60.0  # a build that could not be loaded is tried again after this long


@dataclass
class AddJob:
    """One document being added: ``state`` is "indexing", "ready" or "failed" (with ``reason``)."""

    doc_id: str
    file_name: str
    state: str = "indexing"
    reason: str = ""
    replace: bool = False
    # (model number, models, passages embedded, of how many) while embedding; None before
    progress: tuple[int, int, int, int] | None = None
    pages_read: tuple[int, int] | None = None  # (pages read, of how many) while a scan is read with OCR
    data: bytes = field(default=b"", repr=False)  # the file, until it is written into the corpus


class LiveEngine:
    """``load(report=None)`` loads the engine from the corpus as it is (``report``: see
    ``Engine.load``)."""

    def __init__(self, load: Callable[..., Engine], record: Record | None = None):
        self._load = load
        self._record = record or Record(None)  # library changes are kept there
        self._engine = load()
        # Copies of uploads left by a server of this machine killed mid-add (#33).
        sweep_scratch(self._engine.settings.index_dir)
        self._jobs: "queue.Queue[AddJob]" = queue.Queue()
        self.jobs: list[AddJob] = []
        self._worker: threading.Thread | None = None
        self._lock = threading.Lock()
        self._looked_at = time.monotonic()
        self._stamp = self._manifest_stamp()
        self._follower: threading.Thread | None = None
        self._looking = threading.Lock()
        self._failed_to_follow: tuple | None = None  # generations whose load failed, and when
        self._failed_at = 0.0
        self._changing = False  # a removal or reload here is under way: it publishes its own

    @property
    def current(self) -> Engine:
        """The engine to answer with now (the last one published, here or by another server)."""
        self._follow()
        return self._engine

    # -- following other servers --------------------------------------------------------------
    def _manifest_stamp(self) -> tuple:
        folder = self._engine.settings.index_dir
        stamp = []
        for path in [folder / MANIFEST, folder / SECOND_INDEX / MANIFEST][: len(self._engine.embedders)]:
            try:
                st = path.stat()
                stamp.append((st.st_mtime_ns, st.st_size, st.st_ino))
            except OSError:
                stamp.append(None)
        return tuple(stamp)

    def _serving(self) -> tuple[str, ...]:
        engine = self._engine
        return tuple(index_generation(i) for i in [engine.index] + ([engine.second[1]] if engine.second else []))

    def _follow(self) -> None:
        """Load another server's build in the background when the manifests name one."""
        if time.monotonic() - self._looked_at < FOLLOW_SECONDS or not self._looking.acquire(blocking=False):
            return  # one session's question looks; the others answer on
        try:
            self._looked_at = time.monotonic()
            if self.busy or self._changing or (self._follower is not None and self._follower.is_alive()):
                return  # a build here publishes its own; a load under way will be looked at again
            self._look()
        finally:
            self._looking.release()

    def _look(self) -> None:
        stamp = self._manifest_stamp()
        if stamp == self._stamp:
            return
        published = published_generations(self._engine.settings.index_dir, len(self._engine.embedders))
        failed_lately = (published == self._failed_to_follow
                         and time.monotonic() - self._failed_at < FOLLOW_RETRY_SECONDS)
        if None in published or published == self._serving():
            self._stamp = stamp
            return
        if failed_lately:
            return
        self._follower = threading.Thread(target=self._load_published, args=(stamp, published),
                                          name="index-follower", daemon=True)
        self._follower.start()

    def _load_published(self, stamp: tuple, published: tuple) -> None:
        before = self._engine
        try:
            engine = self._load()
        except Exception as exc:
            log.warning("another server's index could not be loaded: %s (%s); this one keeps serving",
                        failure_reason(exc), exc.__class__.__name__)
            self._failed_to_follow, self._failed_at = published, time.monotonic()
            return
        with self._lock:
            if self._engine is not before:  # overtaken by a build or a removal here meanwhile
                return
            self._engine = engine
            self._stamp = stamp
            log.info("now serving the index another server published (%s)", ", ".join(published))
        del before
        release_freed_memory()

    @property
    def busy(self) -> bool:
        return any(job.state == "indexing" for job in self.jobs)

    def add(self, path: Path, name: str, *, replace: bool = False) -> AddJob:
        """Check a document now (the ingestion gate; raises IngestError naming ``name``, nothing
        written), then copy it in and index it in the background under the writer lock."""
        settings = self._engine.settings
        with self._lock:
            if self.busy:
                raise IngestError(f"{name}: another document is being indexed; add this one when it is done")
            # Quick: scanned pages are read (OCR, seconds a page) in the background, with progress.
            doc_id, _, _ = check_addition(path, settings.corpus_dir, name=name, replace=replace, ocr=False)
            job = AddJob(doc_id, name, replace=replace, data=Path(path).read_bytes())
            self.jobs.append(job)
            self._jobs.put(job)
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, name="index-builder", daemon=True)
                self._worker.start()
        return job

    def remove(self, doc_id: str) -> str:
        """Remove a document and publish the index without it; returns its title. Raises
        IngestError (no such document, shipped, the last one) or LibraryBusy (someone else is
        changing the library: the person is told at once rather than kept waiting)."""
        settings = self._engine.settings
        title = next((d["title"] for d in self._engine.documents if d["id"] == doc_id), doc_id)
        with one_writer(settings.index_dir, wait=0):
            remove_document(doc_id, settings.corpus_dir)
            self.reload()
        self._record.change("remove", doc_id)
        return title

    def retitle(self, doc_id: str, title: str) -> str:
        """Correct a document's title for everyone (#30) and publish the index with it (every
        vector reused); returns the title as kept. Raises IngestError (no such document, shipped,
        no words) or LibraryBusy, as ``remove``; a failed reload puts the old title back."""
        settings = self._engine.settings
        with library_change(settings.index_dir, settings.corpus_dir, wait=0) as change:
            kept = retitle_document(doc_id, title, settings.corpus_dir, change=change)
            self.reload()
        self._record.change("retitle", doc_id)
        return kept

    def reload(self) -> None:
        """Load the engine again from the corpus as it is now, in this thread (a follower leaves
        alone the index this server is publishing meanwhile)."""
        self._changing = True
        try:
            self._swap(self._load())
        finally:
            self._changing = False

    def _swap(self, engine: Engine) -> None:
        """Serve ``engine`` from now on (under the lock a follower swaps under), and give the old
        one's memory back to the system."""
        with self._lock:
            self._engine = engine
        release_freed_memory()

    def _reporter(self, job: AddJob):
        models = len(self._engine.embedders)
        seen: list[str] = []

        def report(model: str, done: int, total: int) -> None:
            if model not in seen:
                seen.append(model)
            job.progress = (seen.index(model) + 1, models, done, total)
        return report

    def _work(self) -> None:
        while True:
            try:
                job = self._jobs.get(timeout=1)
            except queue.Empty:
                return
            settings = self._engine.settings
            try:
                # Whatever stops it, the change is taken back and the old engine still serves.
                with (scratch_folder(settings.index_dir) as tmp,
                      library_change(settings.index_dir, settings.corpus_dir) as change):
                    upload = Path(tmp) / ("upload" + Path(job.file_name).suffix.lower()[:10])
                    upload.write_bytes(job.data)
                    add_document(upload, settings.corpus_dir, name=job.file_name, replace=job.replace,
                                 change=change, progress=lambda done, total: setattr(job, "pages_read", (done, total)))
                    self._swap(self._load(report=self._reporter(job)))
                job.state = "ready"
                self._record.change("replace" if job.replace else "add", job.doc_id)
            except Exception as exc:
                log.warning("indexing %s failed: %s (%s)", job.doc_id, failure_reason(exc), exc.__class__.__name__)
                job.state, job.reason = "failed", failure_reason(exc)
            finally:
                job.data = b""
