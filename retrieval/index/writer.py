"""One writer at a time for the corpus and the index, and what a writer that died leaves behind.

Every change to the library — a build, an add, a remove, from the CLI or the page — holds one
file lock, ``<index dir>/.writer.lock``. It is a ``filelock.FileLock``: on Linux an ``flock`` on an
open file, which the kernel releases when the holder exits however it exits (kill -9 included),
so a dead writer never leaves the library locked, and which works between processes (CLI commands,
the server) and between the server's threads alike. Taking it again in the same thread is
allowed (an ``add`` builds the index inside its own change). A second writer waits, told so in
one line, or is told "busy" at once where waiting makes no sense (a removal from the page).

An ``add`` first writes a journal (``.pending-change.json``: the files it puts into the corpus and
a copy of any it replaces). If the writer dies before the new index is published and the journal
cleared, the next writer to take the lock finds the journal and takes the change back out, as a
failed add does: the corpus is as it was before, and the index is rebuilt only if it had changed.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from filelock import FileLock, Timeout

from .. import config
from ..files import copy_atomic, write_atomic

log = logging.getLogger(__name__)

LOCK_NAME = ".writer.lock"
JOURNAL_NAME = ".pending-change.json"
BACKUP_FOLDER = ".pending-backup"
DEFAULT_WAIT_SECONDS = 900.0  # RETRIEVAL_WRITER_WAIT: how long a writer waits for another


class LibraryBusy(RuntimeError):
    """Another writer holds the library; the message is one line for the person."""


_held = threading.local()  # per thread: index dirs whose lock this thread holds, and how deeply


def writer_wait_seconds() -> float:
    """How long a writer waits for another (RETRIEVAL_WRITER_WAIT)."""
    return config.writer_wait_seconds(DEFAULT_WAIT_SECONDS)


def holds_lock(index_dir: Path) -> bool:
    return getattr(_held, "depth", {}).get(str(Path(index_dir).resolve()), 0) > 0


@contextmanager
def one_writer(index_dir: Path, *, wait: float | None = None,
               on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the library's writer lock. ``wait``: seconds to wait for another writer (default
    RETRIEVAL_WRITER_WAIT; 0: raise LibraryBusy at once); ``on_wait`` is called once before
    waiting. The outermost holder first takes back what a dead writer left (``recover``)."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    key = str(index_dir.resolve())
    depth = getattr(_held, "depth", None)
    if depth is None:
        depth = _held.depth = {}
    lock = FileLock(str(index_dir / LOCK_NAME), is_singleton=True)
    if depth.get(key, 0) == 0:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            limit = writer_wait_seconds() if wait is None else wait
            if limit <= 0:
                raise LibraryBusy("the library is being changed by someone else (a build, an add or a removal); "
                                  "try again when it is done") from None
            if on_wait:
                on_wait()
            try:
                lock.acquire(timeout=limit)
            except Timeout:
                raise LibraryBusy(f"the library is still being changed by someone else after {limit:g} s; "
                                  "try again later") from None
    else:
        lock.acquire()
    depth[key] = depth.get(key, 0) + 1
    try:
        if depth[key] == 1:
            recover(index_dir)
        yield
    finally:
        depth[key] -= 1
        lock.release()


def pending(index_dir: Path) -> bool:
    """Whether an add is under way or was interrupted (its journal exists)."""
    return (Path(index_dir) / JOURNAL_NAME).exists()


class PendingChange:
    """Files put into the corpus by one add, undone unless ``commit`` is reached. Use under
    ``one_writer``."""

    def __init__(self, index_dir: Path, corpus_dir: Path):
        self.index_dir = Path(index_dir)
        self.corpus_dir = Path(corpus_dir)
        self.added: list[str] = []
        self.backups: dict[str, str] = {}

    def _write_journal(self) -> None:
        write_atomic(self.index_dir / JOURNAL_NAME, json.dumps(
            {"corpus_dir": str(self.corpus_dir.resolve()), "added": self.added, "backups": self.backups}).encode())

    def will_write(self, names: list[str]) -> None:
        """Record, before anything is written, the corpus files the change is about to write:
        an existing one is copied aside first so it can be put back."""
        backup_dir = self.index_dir / BACKUP_FOLDER
        for name in names:
            existing = self.corpus_dir / name
            if existing.is_file() and name not in self.backups:
                backup_dir.mkdir(exist_ok=True)
                copy_atomic(existing, backup_dir / name)
                self.backups[name] = name
            if name not in self.added:
                self.added.append(name)
        self._write_journal()

    def commit(self) -> None:
        _clear(self.index_dir)

    def roll_back(self) -> None:
        _undo(self.index_dir, self.corpus_dir, self.added, self.backups)


@contextmanager
def library_change(index_dir: Path, corpus_dir: Path, *, wait: float | None = None,
                   on_wait: Callable[[], None] | None = None) -> Iterator[PendingChange]:
    """One change to the library, the one sequence the CLI and the server both run: the writer
    lock, a journal of the files put into the corpus, then whatever the body does (add files,
    load the index they make). If the body raises, whatever it was (a full disk, a killed model,
    Ctrl-C), its files are taken out again and the index in force still serves the corpus as it
    was; otherwise the change is committed. ``wait``/``on_wait`` as for ``one_writer``."""
    with one_writer(index_dir, wait=wait, on_wait=on_wait):
        change = PendingChange(index_dir, corpus_dir)
        try:
            yield change
        except BaseException:
            change.roll_back()
            raise
        change.commit()


def recover(index_dir: Path) -> list[str]:
    """Take back the change a dead writer left (its journal); returns the file names taken out or
    put back. Called by the outermost ``one_writer``."""
    path = Path(index_dir) / JOURNAL_NAME
    if not path.exists():
        return []
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
        corpus_dir = Path(journal["corpus_dir"])
        added = [Path(n).name for n in journal.get("added", []) if isinstance(n, str)]
        backups = {Path(k).name: Path(v).name for k, v in (journal.get("backups") or {}).items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("an interrupted change's journal is unreadable (%s); it is dropped", exc.__class__.__name__)
        _clear(index_dir)
        return []
    log.warning("an add was interrupted: taking %s back out of the library", ", ".join(added) or "nothing")
    _undo(Path(index_dir), corpus_dir, added, backups)
    return added


def _undo(index_dir: Path, corpus_dir: Path, added: list[str], backups: dict[str, str]) -> None:
    backup_dir = index_dir / BACKUP_FOLDER
    for name in added:
        target = corpus_dir / name
        if name in backups and (backup_dir / backups[name]).is_file():
            copy_atomic(backup_dir / backups[name], target)
        else:
            target.unlink(missing_ok=True)
    _clear(index_dir)


def _clear(index_dir: Path) -> None:
    shutil.rmtree(Path(index_dir) / BACKUP_FOLDER, ignore_errors=True)
    (Path(index_dir) / JOURNAL_NAME).unlink(missing_ok=True)
