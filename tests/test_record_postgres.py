"""The server's record in PostgreSQL (#35): the same rows as SQLite's, from several servers at once,
and a server gone costs no answer. Runs on a real PostgreSQL (``.ci/run`` installs Debian's and
starts it on a local socket); the address is RETRIEVAL_TEST_POSTGRES, by default the local socket.
Each test gets a database of its own, dropped afterwards."""

from __future__ import annotations

import logging
import multiprocessing

import pytest

psycopg = pytest.importorskip("psycopg")

from retrieval.server.record import SCHEMA_VERSION, Record, RecordSettings, open_record  # noqa: E402
from retrieval.server.record_postgres import PostgresRecord  # noqa: E402

from conftest import POSTGRES_ADMIN as ADMIN  # noqa: E402

pytestmark = pytest.mark.slow  # a real PostgreSQL server: not the fast tier


def test_the_same_calls_keep_the_same_rows_as_sqlite(postgres_database, tmp_path):
    def use(record):
        asked = record.question("Who pays for migration?", "answer", citation="Panel, para. 5", documents=["panel"])
        record.question("x" * 5000, "partial", missing=["Qatar"], documents=["panel"])
        given = record.feedback(asked, -1, "  Wrong paragraph.  ")
        record.rerate(given, 1)
        record.comment(given, " Right after all ")
        record.change("remove", "fishing-fleet")
        return asked

    postgres, sqlite = PostgresRecord(postgres_database), Record(tmp_path / "r.sqlite3")
    use(postgres), use(sqlite)
    for record in (postgres, sqlite):  # the report's vectors (#33): kept once, read back as bytes
        record.keep_vectors("m", {"Who pays for migration?": b"\x00\x3c" * 3})
        record.keep_vectors("m", {"Who pays for migration?": b"\xff" * 6})
    assert postgres.vectors("m") == sqlite.vectors("m") == {"Who pays for migration?": b"\x00\x3c" * 3}
    for table in ("questions", "feedback", "changes"):
        ours = postgres.rows(table)
        theirs = sqlite.rows(table)
        assert [set(r) for r in ours] == [set(r) for r in theirs]
        drop = {"id", "asked_at", "given_at", "changed_at", "question_id"}
        assert [{k: v for k, v in r.items() if k not in drop} for r in ours] == \
               [{k: v for k, v in r.items() if k not in drop} for r in theirs]
    (feedback,) = postgres.rows("feedback")
    assert feedback["question_id"] == postgres.rows("questions")[0]["id"] and feedback["rating"] == 1
    with psycopg.connect(postgres_database) as db:
        assert db.execute("SELECT max(version) FROM record_schema").fetchone()[0] == SCHEMA_VERSION


def test_it_is_chosen_by_its_address_and_purges_old_rows(postgres_database, monkeypatch, tmp_path):
    monkeypatch.setenv("RETRIEVAL_RECORD", postgres_database)
    where = RecordSettings.from_env(tmp_path)
    assert where.url == postgres_database and where.path is None and not where.off
    record = open_record(where)
    assert isinstance(record, PostgresRecord)
    # The page offers 👍/👎 and the report for it, as for an SQLite file (not for RETRIEVAL_RECORD=off).
    assert record.enabled and Record(tmp_path / "r.sqlite3").enabled and not Record(None).enabled
    record.question("recent", "none")
    with psycopg.connect(postgres_database) as db:
        db.execute("INSERT INTO questions (id, asked_at, question, state) "
                   "VALUES (1, '2020-01-01T00:00:00+00:00', 'old', 'none')")
    record.keep_vectors("m", {"recent": b"\x00" * 2, "old": b"\x01" * 2})
    assert record.purge() == 1
    assert [q["question"] for q in record.rows("questions")] == ["recent"]
    assert set(record.vectors("m")) == {"recent"}  # a wording's vector goes with its last question


def _server(url: str, n: int, queue) -> None:
    """One app server's worth of sessions: its own record object, its own connection."""
    record = PostgresRecord(url)
    ids = []
    for k in range(25):
        asked = record.question(f"server {n} question {k}", "answer")
        ids.append(asked)
        record.feedback(asked, 1 if k % 2 else -1)
    queue.put(ids)


def test_four_servers_writing_at_once_lose_no_row_and_share_no_id(postgres_database):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    servers = [context.Process(target=_server, args=(postgres_database, n, queue)) for n in range(4)]
    for s in servers:
        s.start()
    ids = [i for _ in servers for i in queue.get(timeout=120)]
    for s in servers:
        s.join(timeout=60)
    record = PostgresRecord(postgres_database)
    questions, feedback = record.rows("questions"), record.rows("feedback")
    assert len(questions) == 100 and len(feedback) == 100
    assert None not in ids and len(set(ids)) == 100
    assert sorted(f["question_id"] for f in feedback) == sorted(ids)


def test_a_server_gone_costs_only_the_record_said_once_then_it_resumes(postgres_database, caplog):
    record = PostgresRecord(postgres_database)
    assert record.question("before", "answer") is not None
    with psycopg.connect(ADMIN, autocommit=True) as admin:  # the server ends every session to it
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                      (postgres_database.rsplit("/", 1)[1].split("?")[0],))
    assert record.question("after a dropped connection", "answer") is not None  # reconnected once
    unreachable = PostgresRecord("postgresql://127.0.0.1:1/none", connect_timeout=1)
    with caplog.at_level(logging.INFO, logger="retrieval.server.record_postgres"):
        assert unreachable.question("while down", "answer") is None
        assert unreachable.question("still down", "answer") is None
        assert unreachable.rows("questions") == []
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "answers go on without it" in warnings[0]
    assert "while down" not in warnings[0] and "127.0.0.1" not in warnings[0]
    assert [q["question"] for q in record.rows("questions")] == ["before", "after a dropped connection"]


def test_a_lock_held_too_long_costs_one_answer_its_row_then_the_record_rests(postgres_database, caplog):
    """Another server stuck holding the id lock: the statement is given up after its timeout
    (5 s), said once, and the next answers do not wait on it again while the record rests."""
    from retrieval.server import record_postgres

    record = PostgresRecord(postgres_database)
    assert record.question("before", "answer") is not None
    with psycopg.connect(postgres_database) as stuck, caplog.at_level(logging.INFO, logger="retrieval.server"):
        stuck.execute("SELECT pg_advisory_xact_lock(%s)", (record_postgres._LOCKS["questions"],))
        assert record.question("while the lock is held", "answer") is None
        stuck.rollback()  # the lock is free again, but the record rests (REST_SECONDS) before trying
        assert record.question("while resting", "answer") is None
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and ("LockNotAvailable" in warnings[0] or "QueryCanceled" in warnings[0])
    assert [q["question"] for q in PostgresRecord(postgres_database).rows("questions")] == ["before"]
