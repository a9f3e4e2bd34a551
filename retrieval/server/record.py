"""The server's record, in SQLite: the questions asked in the page, feedback on answers, and
changes to the library; kept for a set number of days.

It is what lets whoever keeps the library learn what people ask that the documents do not
answer, and which answers they found wrong. It holds no identity: no user, no address. A
question is kept with its state ("answer", "partial", "none"), the terms the documents lack, the
first citation and the documents searched; for the report, the vector of each wording it groups
(``question_vectors``, by model, purged with the last question that used the wording).

The record must never cost an answer: every call catches the database's errors, says so in the
log once (not on every question) and returns; a file deleted, made read-only or locked is tried
again on the next call, and a file that is not a database any more is moved aside and started
afresh. WAL mode lets the page's sessions write while a report reads.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..config import record_days, record_location

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2  # 2: question_vectors, the report's embeddings of recorded questions
DEFAULT_RETENTION_DAYS = 90
MAX_TEXT = 1000  # a question or comment is kept to this many characters, like a typed question


def schema(number: str = "INTEGER", serial: str = "INTEGER", blob: str = "BLOB") -> list[str]:
    """The record's tables, one definition for every database: ``number`` is the type of the ids
    of questions and feedback (times in microseconds: PostgreSQL needs BIGINT), ``serial`` that of
    the changes' ids, numbered by the database (SQLite's INTEGER PRIMARY KEY, PostgreSQL's BIGSERIAL),
    ``blob`` that of bytes (PostgreSQL's BYTEA). Every statement may run again on a record of an
    older schema: that is its migration."""
    return [
        f"""CREATE TABLE IF NOT EXISTS questions (
        id {number} PRIMARY KEY, asked_at TEXT NOT NULL, question TEXT NOT NULL, state TEXT NOT NULL,
        missing TEXT NOT NULL DEFAULT '[]', citation TEXT, documents TEXT NOT NULL DEFAULT '[]')""",
        f"""CREATE TABLE IF NOT EXISTS feedback (
        id {number} PRIMARY KEY, question_id {number} NOT NULL, given_at TEXT NOT NULL,
        rating INTEGER NOT NULL CHECK (rating IN (-1, 1)), comment TEXT NOT NULL DEFAULT '')""",
        f"""CREATE TABLE IF NOT EXISTS changes (
        id {serial} PRIMARY KEY, changed_at TEXT NOT NULL, action TEXT NOT NULL, document TEXT NOT NULL,
        role TEXT NOT NULL)""",
        # The report's vector of each recorded wording, by model (float16 bytes): kept so that a
        # report of 10,000 questions is drawn without embedding them again after a start (#33).
        # Keyed by the wording's SHA-256: a 1,000-character question can pass the size PostgreSQL's
        # index rows allow.
        f"""CREATE TABLE IF NOT EXISTS question_vectors (
        model TEXT NOT NULL, question_sha256 TEXT NOT NULL, question TEXT NOT NULL, vector {blob} NOT NULL,
        PRIMARY KEY (model, question_sha256))""",
        "CREATE INDEX IF NOT EXISTS questions_asked_at ON questions (asked_at)",
        "CREATE INDEX IF NOT EXISTS feedback_question ON feedback (question_id)",
    ]


# Row ids of questions and feedback are the time of writing in microseconds (or one more than the
# last id, when two come in the same one): the page holds them across reruns, so they must not be
# reused when the file is replaced (deleted, or set aside when corrupt) and numbering starts again:
# feedback on an answer from before would otherwise land on another question. Taken under
# SQLite's write lock, so concurrent writers get distinct ids.
_NEW_ID = "(SELECT max(?, coalesce(max(id), 0) + 1) FROM {table})"


# A wording's vector goes with the last question that used it (the same in both databases).
# (NOT EXISTS: PostgreSQL plans NOT IN over a large subquery as a rescan per row.)
_VECTORS_OF_GONE_QUESTIONS = ("DELETE FROM question_vectors WHERE NOT EXISTS "
                              "(SELECT 1 FROM questions WHERE questions.question = question_vectors.question)")


def question_key(text: str) -> str:
    """The key of a wording's kept vector."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _id_floor() -> int:
    return time.time_ns() // 1000


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class RecordSettings:
    """RETRIEVAL_RECORD: the database file (default ``<index dir>/record.sqlite3``; ``off`` for
    none; a ``postgresql://`` address for a PostgreSQL database that several app servers share);
    RETRIEVAL_RECORD_DAYS: how long rows are kept (default 90)."""

    path: Path | None
    retention_days: int = DEFAULT_RETENTION_DAYS
    url: str | None = None  # a PostgreSQL address (then ``path`` is None)

    @property
    def off(self) -> bool:
        return self.path is None and self.url is None

    @classmethod
    def from_env(cls, index_dir: Path) -> "RecordSettings":
        raw = record_location()
        url = raw if raw.startswith(("postgresql://", "postgres://")) else None
        path = None if url or raw.lower() == "off" else Path(raw) if raw else Path(index_dir) / "record.sqlite3"
        return cls(path, record_days(DEFAULT_RETENTION_DAYS), url)


def open_record(where: RecordSettings):
    """The record the settings name: SQLite (a file, or off) or PostgreSQL (``record_postgres``)."""
    if where.url:
        from .record_postgres import PostgresRecord  # psycopg is needed only when chosen

        return PostgresRecord(where.url, where.retention_days)
    return Record(where.path, where.retention_days)


class SaysFailuresOnce:
    """A record's failures in the log: one line per kind of failure, not one per question, and
    one line when it works again (``_failing``: the last kind said)."""

    _failing: str | None = None

    def _said(self, kind: str) -> None:
        if kind != self._failing:
            self._failing = kind
            log.warning("the record cannot be written or read (%s); answers go on without it", kind)

    def _recovered(self) -> None:
        if self._failing is not None:
            self._failing = None
            log.info("the record is being written again")


class Record(SaysFailuresOnce):
    """The record at ``path`` (None: recording is off and every call does nothing)."""

    def __init__(self, path: Path | None, retention_days: int = DEFAULT_RETENTION_DAYS, busy_timeout: float = 5.0):
        self.path = Path(path) if path else None
        self.retention_days = retention_days
        self.busy_timeout = busy_timeout  # seconds a write waits for another writer before giving up
        self._purged_at = 0.0
        self._lock = threading.Lock()
        self._opened = False  # the file was there once: its disappearance is worth a log line

    # -- writing ------------------------------------------------------------------------------
    @property
    def enabled(self) -> bool:
        """Whether questions are kept (False: RETRIEVAL_RECORD=off)."""
        return self.path is not None

    def question(self, text: str, state: str, missing: list[str] | tuple[str, ...] = (),
                 citation: str | None = None, documents: list[str] | tuple[str, ...] = ()) -> int | None:
        """Keep a question asked in the page; returns its row id (for feedback), or None."""
        return self._write(
            f"INSERT INTO questions (id, asked_at, question, state, missing, citation, documents) "
            f"VALUES ({_NEW_ID.format(table='questions')}, ?, ?, ?, ?, ?, ?)",
            (_id_floor(), now(), text[:MAX_TEXT], state, json.dumps(list(missing)), citation,
             json.dumps(list(documents))))

    def answer(self, text: str, answer, documents: list[str]) -> int | None:
        """Keep a question with what the engine said (an ``engine.Answer``): its state, the terms
        the documents lack, its first citation, and ``documents``, the ids searched."""
        first = answer.results[0].citation.label if answer.results else None
        return self.question(text, answer.confidence, answer.missing, first, documents)

    def feedback(self, question_id: int, rating: int, comment: str = "") -> int | None:
        """👍 (1) or 👎 (-1) on the answer to a recorded question, with an optional comment."""
        if rating not in (-1, 1):
            raise ValueError("rating must be 1 or -1")
        return self._write(f"INSERT INTO feedback (id, question_id, given_at, rating, comment) "
                           f"VALUES ({_NEW_ID.format(table='feedback')}, ?, ?, ?, ?)",
                           (_id_floor(), question_id, now(), rating, comment.strip()[:MAX_TEXT]))

    def rerate(self, feedback_id: int, rating: int) -> None:
        """Change feedback already given (a 👍 turned into a 👎 counts once, as a 👎)."""
        if rating not in (-1, 1):
            raise ValueError("rating must be 1 or -1")
        self._write("UPDATE feedback SET rating = ?, given_at = ? WHERE id = ?", (rating, now(), feedback_id))

    def comment(self, feedback_id: int, comment: str) -> None:
        """Add (or change) the comment of feedback already given."""
        self._write("UPDATE feedback SET comment = ? WHERE id = ?", (comment.strip()[:MAX_TEXT], feedback_id))

    def change(self, action: str, document: str, role: str = "editor") -> int | None:
        """A change to the library: ``action`` "add", "replace", "remove" or "retitle"."""
        return self._write("INSERT INTO changes (changed_at, action, document, role) VALUES (?, ?, ?, ?)",
                           (now(), action, document, role))

    def keep_vectors(self, model: str, vectors: dict[str, bytes]) -> None:
        """Keep the report's vectors of recorded wordings (``model``'s, as bytes); one already kept stays."""
        if self.path is None or not vectors:
            return
        try:
            with self._lock, self._connect() as db:
                db.execute("BEGIN IMMEDIATE")  # one transaction for the lot, not one a row
                try:
                    db.executemany("INSERT OR IGNORE INTO question_vectors (model, question_sha256, question, vector) "
                                   "VALUES (?, ?, ?, ?)", [(model, question_key(q), q, v) for q, v in vectors.items()])
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
            self._recovered()
        except (sqlite3.Error, OSError) as exc:
            self._say(exc)

    # -- reading ------------------------------------------------------------------------------
    def vectors(self, model: str) -> dict[str, bytes]:
        """Every kept vector of ``model``, by wording; {} when the record cannot be read."""
        if self.path is None:
            return {}
        try:
            with self._connect() as db:
                return dict(db.execute("SELECT question, vector FROM question_vectors WHERE model = ?", (model,)))
        except (sqlite3.Error, OSError) as exc:
            self._say(exc)
            return {}

    def rows(self, table: str, since: str | None = None) -> list[dict]:
        """Every row of ``questions``, ``feedback`` or ``changes`` (at or after ``since``, an ISO
        date), oldest first; [] when the record cannot be read."""
        column = {"questions": "asked_at", "feedback": "given_at", "changes": "changed_at"}[table]
        try:
            with self._connect() as db:
                cursor = db.execute(f"SELECT * FROM {table} WHERE {column} >= ? ORDER BY id", (since or "",))
                names = [c[0] for c in cursor.description]
                return [dict(zip(names, row)) for row in cursor.fetchall()]
        except (sqlite3.Error, OSError) as exc:
            self._say(exc)
            return []

    # -- the database -------------------------------------------------------------------------
    def _write(self, sql: str, values: tuple) -> int | None:
        if self.path is None:
            return None
        try:
            with self._lock, self._connect() as db:
                row = db.execute(sql, values).lastrowid
            self._recovered()
            self._purge_daily()
            return row
        except sqlite3.DatabaseError as exc:
            if not isinstance(exc, sqlite3.OperationalError) and self._not_a_database(exc):
                self._set_aside()
            self._say(exc)
        except OSError as exc:
            self._say(exc)
        return None

    def _connect(self) -> sqlite3.Connection:
        if self.path is None:
            raise sqlite3.OperationalError("recording is off")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._opened and not self.path.exists():
            self._opened = False
            log.warning("the record's file is gone (deleted?); a new one is started")
        self._refuse_read_only()
        db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._migrate(db)
        except BaseException:
            db.close()
            raise
        self._opened = True
        return _Closing(db)

    def _refuse_read_only(self) -> None:
        """Not open a file this server may not write. SQLite would open it read-only and create
        its ``-shm`` read-only too, which keeps the record read-only after the file's mode is put
        right; a ``-shm`` left so by such a time (another program) is removed, as SQLite remakes it."""
        assert self.path is not None
        try:
            with open(self.path, "r+b"):
                pass
        except FileNotFoundError:
            return
        except PermissionError as exc:
            raise sqlite3.OperationalError("attempt to write a readonly database") from exc
        shm = Path(f"{self.path}-shm")
        try:
            with open(shm, "r+b"):
                pass
        except FileNotFoundError:
            pass
        except PermissionError:
            shm.unlink(missing_ok=True)

    @staticmethod
    def _migrate(db: sqlite3.Connection) -> None:
        """Bring the schema to SCHEMA_VERSION (a new file gets it whole)."""
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f"the record is of a newer schema ({version}) than this server knows")
        if version < SCHEMA_VERSION:
            db.execute("BEGIN IMMEDIATE")
            try:
                for statement in schema():
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def purge(self) -> int:
        """Delete rows older than the retention period; returns how many went."""
        cutoff = (datetime.now(timezone.utc) - timedelta(days=self.retention_days)).isoformat(timespec="seconds")
        try:
            with self._lock, self._connect() as db:
                gone = db.execute("DELETE FROM feedback WHERE given_at < ?", (cutoff,)).rowcount
                gone += db.execute("DELETE FROM questions WHERE asked_at < ?", (cutoff,)).rowcount
                gone += db.execute("DELETE FROM changes WHERE changed_at < ?", (cutoff,)).rowcount
                db.execute(_VECTORS_OF_GONE_QUESTIONS)
            return gone
        except (sqlite3.Error, OSError) as exc:
            self._say(exc)
            return 0

    def _purge_daily(self) -> None:
        if time.monotonic() - self._purged_at > 86_400 or not self._purged_at:
            self._purged_at = time.monotonic()
            self.purge()

    @staticmethod
    def _not_a_database(exc: sqlite3.DatabaseError) -> bool:
        return "not a database" in str(exc) or "malformed" in str(exc)

    def _set_aside(self) -> None:
        """A file that is not a database any more: moved aside (kept for whoever wants to look),
        so the record starts afresh."""
        assert self.path is not None
        self._opened = False  # gone on purpose: not said again as a deletion
        aside = self.path.with_name(f"{self.path.name}.corrupt-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}")
        for suffix in ("-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)
        try:
            os.replace(self.path, aside)
        except OSError:
            pass

    def _say(self, exc: BaseException) -> None:
        # The reason without the file's path (an OSError's text names it): the log holds no paths.
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        self._said(f"{exc.__class__.__name__}: {reason}")


class _Closing:
    """A connection used as ``with``: closed at the end (sqlite3's own ``with`` only commits)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        return self.db

    def __exit__(self, *exc) -> None:
        self.db.close()
