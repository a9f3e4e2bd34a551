"""The server's record in PostgreSQL, for several app servers on one library (#35).

Chosen by ``RETRIEVAL_RECORD=postgresql://…`` (any libpq address: ``postgresql:///db?host=/run/
postgresql`` for a local socket). The same tables, rows and promises as the SQLite record
(``record.Record``): it never costs an answer (every failure is said once in the log and the
call returns), it holds no identity, rows older than the retention period are purged.

Row ids of questions and feedback are, as in SQLite, the time of writing in microseconds or
one more than the last id: taken under a transaction-scoped advisory lock per table, so two
servers writing at once never get the same id and neither row is lost.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import datetime, timedelta, timezone

from .record import (_VECTORS_OF_GONE_QUESTIONS, DEFAULT_RETENTION_DAYS, MAX_TEXT, SCHEMA_VERSION,
                     SaysFailuresOnce, _id_floor, now, question_key, schema)

log = logging.getLogger(__name__)

_SCHEMA = schema("BIGINT", "BIGSERIAL", "BYTEA") + ["CREATE TABLE IF NOT EXISTS record_schema (version INTEGER NOT NULL)"]
_LOCKS = {"questions": 720_351, "feedback": 720_352}  # advisory lock keys, one per numbered table
_COLUMNS = {"questions": "asked_at", "feedback": "given_at", "changes": "changed_at"}
REST_SECONDS = 10.0  # after the server could not be reached, calls return at once for this long


class PostgresRecord(SaysFailuresOnce):
    """The record in the PostgreSQL database at ``url``."""

    def __init__(self, url: str, retention_days: int = DEFAULT_RETENTION_DAYS, connect_timeout: int = 5):
        try:
            import psycopg
        except ImportError as exc:
            raise RuntimeError("RETRIEVAL_RECORD names PostgreSQL, but psycopg is not installed: "
                               "pip install -r requirements.txt") from exc
        self._psycopg = psycopg
        self.url = url
        self.retention_days = retention_days
        self._connect_timeout = connect_timeout
        self._db = None
        self._lock = threading.Lock()  # one connection, one statement at a time
        self._purged_at = 0.0
        self._migrated = False
        self._resting_until = 0.0  # after a failure the database is left alone a while

    enabled = True  # questions are kept (the page offers 👍/👎 and the report)

    # -- writing (the same calls as record.Record) ---------------------------------------------
    def question(self, text: str, state: str, missing=(), citation: str | None = None, documents=()) -> int | None:
        return self._numbered("questions", "(id, asked_at, question, state, missing, citation, documents) "
                              "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                              (now(), text[:MAX_TEXT], state, json.dumps(list(missing)), citation,
                               json.dumps(list(documents))))

    def answer(self, text: str, answer, documents: list[str]) -> int | None:
        first = answer.results[0].citation.label if answer.results else None
        return self.question(text, answer.confidence, answer.missing, first, documents)

    def feedback(self, question_id: int, rating: int, comment: str = "") -> int | None:
        if rating not in (-1, 1):
            raise ValueError("rating must be 1 or -1")
        return self._numbered("feedback", "(id, question_id, given_at, rating, comment) VALUES (%s, %s, %s, %s, %s)",
                              (question_id, now(), rating, comment.strip()[:MAX_TEXT]))

    def rerate(self, feedback_id: int, rating: int) -> None:
        if rating not in (-1, 1):
            raise ValueError("rating must be 1 or -1")
        self._run(lambda c: c.execute("UPDATE feedback SET rating = %s, given_at = %s WHERE id = %s",
                                      (rating, now(), feedback_id)))

    def comment(self, feedback_id: int, comment: str) -> None:
        self._run(lambda c: c.execute("UPDATE feedback SET comment = %s WHERE id = %s",
                                      (comment.strip()[:MAX_TEXT], feedback_id)))

    def change(self, action: str, document: str, role: str = "editor") -> int | None:
        return self._run(lambda c: c.execute(
            "INSERT INTO changes (changed_at, action, document, role) VALUES (%s, %s, %s, %s) RETURNING id",
            (now(), action, document, role)).fetchone()[0])

    def keep_vectors(self, model: str, vectors: dict[str, bytes]) -> None:
        if vectors:
            self._run(lambda c: c.cursor().executemany(
                "INSERT INTO question_vectors (model, question_sha256, question, vector) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT DO NOTHING", [(model, question_key(q), q, v) for q, v in vectors.items()]))

    # -- reading ------------------------------------------------------------------------------
    def vectors(self, model: str) -> dict[str, bytes]:
        return self._run(lambda c: {q: bytes(v) for q, v in c.execute(
            "SELECT question, vector FROM question_vectors WHERE model = %s", (model,)).fetchall()}, default={})

    def rows(self, table: str, since: str | None = None) -> list[dict]:
        column = _COLUMNS[table]

        def read(c):
            cursor = c.execute(f"SELECT * FROM {table} WHERE {column} >= %s ORDER BY id", (since or "",))
            names = [d.name for d in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]

        return self._run(read, default=[])

    def purge(self) -> int:
        cutoff = (datetime.now(timezone.utc) - timedelta(days=self.retention_days)).isoformat(timespec="seconds")

        def delete(c):
            gone = sum(c.execute(f"DELETE FROM {t} WHERE {col} < %s", (cutoff,)).rowcount
                       for t, col in (("feedback", "given_at"), ("questions", "asked_at"), ("changes", "changed_at")))
            c.execute(_VECTORS_OF_GONE_QUESTIONS)
            return gone

        return self._run(delete, default=0)

    # -- the database -------------------------------------------------------------------------
    def _numbered(self, table: str, columns_values: str, values: tuple) -> int | None:
        def insert(c):
            c.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCKS[table],))
            new_id = c.execute(f"SELECT greatest(%s, coalesce(max(id), 0) + 1) FROM {table}",
                               (_id_floor(),)).fetchone()[0]
            c.execute(f"INSERT INTO {table} {columns_values}", (new_id, *values))
            return int(new_id)

        row = self._run(insert)
        if row is not None:
            self._purge_daily()
        return row

    def _run(self, work, default=None):
        """``work(connection)`` in one transaction; on any failure of the database the default."""
        psycopg = self._psycopg
        if time.monotonic() < self._resting_until:
            return default  # a server that just failed is not waited for on every answer
        with self._lock:
            for attempt in (1, 2):  # a dropped connection is opened once more, a deadlock tried once more
                try:
                    db = self._connection()
                    with db.transaction():
                        value = work(db)
                    self._recovered()
                    return value
                except (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure) as exc:
                    # A deadlock or a serialisation failure (two servers at once): the transaction
                    # was rolled back and the connection is fine, so it is tried once more.
                    if attempt == 2:
                        self._say(exc)
                        return default
                except psycopg.OperationalError as exc:
                    if self._db is not None and not self._db.closed and not self._db.broken:
                        # A statement given up (a lock or statement timeout): the database is
                        # stuck, not gone; waiting 5 s on every answer would hold them all.
                        self._say(exc)
                        self._resting_until = time.monotonic() + REST_SECONDS
                        return default
                    self._drop()
                    if attempt == 2:
                        self._say(exc)
                        self._resting_until = time.monotonic() + REST_SECONDS
                except (psycopg.Error, OSError) as exc:
                    self._say(exc)
                    return default
        return default

    def _connection(self):
        if self._db is None or self._db.closed:
            # A statement or lock that hangs (another server stuck holding the id lock) is given
            # up in seconds: the record never holds an answer long.
            self._db = self._psycopg.connect(self.url, autocommit=True, connect_timeout=self._connect_timeout,
                                             options="-c statement_timeout=5000 -c lock_timeout=5000")
        if not self._migrated:
            try:
                self._migrate(self._db)
            except BaseException:
                self._drop()  # tried again on the next call, never skipped
                raise
            self._migrated = True
        return self._db

    def _migrate(self, db) -> None:
        with db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(720350)")  # two servers starting at once
            version = None
            if db.execute("SELECT to_regclass('record_schema')").fetchone()[0] is not None:
                version = db.execute("SELECT max(version) FROM record_schema").fetchone()[0]
            if version == SCHEMA_VERSION:
                return  # no DDL: even CREATE ... IF NOT EXISTS locks a table that another server is writing
            for statement in _SCHEMA:
                db.execute(statement)
            version = db.execute("SELECT max(version) FROM record_schema").fetchone()[0]
            if version is not None and version > SCHEMA_VERSION:
                raise self._psycopg.DataError(f"the record is of a newer schema ({version}) than this server knows")
            if version is None or version < SCHEMA_VERSION:  # the statements above brought it up to date
                db.execute("DELETE FROM record_schema")
                db.execute("INSERT INTO record_schema (version) VALUES (%s)", (SCHEMA_VERSION,))

    def _drop(self) -> None:
        try:
            if self._db is not None:
                self._db.close()
        except Exception:
            pass
        self._db = None

    def _purge_daily(self) -> None:
        if time.monotonic() - self._purged_at > 86_400 or not self._purged_at:
            self._purged_at = time.monotonic()
            self.purge()

    def _say(self, exc: BaseException) -> None:
        # The class and the cause at the end of libpq's first line only: the rest carries the
        # server's address (and a statement could carry a question).
        first = str(exc).splitlines()[0] if str(exc) else ""
        self._said(f"{exc.__class__.__name__}: {first.rsplit(': ', 1)[-1]}")
