"""The server's record in SQLite: what it keeps, for how long, and that its faults never cost an
answer (no model: the real sqlite3 on real files)."""

from __future__ import annotations

import logging
import sqlite3
import threading

import pytest

from retrieval.server.record import SCHEMA_VERSION, Record, RecordSettings


@pytest.fixture
def record(tmp_path):
    return Record(tmp_path / "index" / "record.sqlite3")


def test_questions_feedback_and_changes_are_kept_and_read_back(record):
    asked = record.question("Who pays for migration?", "answer", citation="Panel, para. 5", documents=["panel"])
    record.question("What about Qatar?", "partial", missing=["Qatar"], documents=["panel"])
    record.feedback(asked, -1, "  Wrong paragraph.  ")
    record.change("remove", "fishing-fleet")
    questions = record.rows("questions")
    assert [(q["question"], q["state"], q["missing"]) for q in questions] == [
        ("Who pays for migration?", "answer", "[]"), ("What about Qatar?", "partial", '["Qatar"]')]
    assert [(f["question_id"], f["rating"], f["comment"]) for f in record.rows("feedback")] == [(asked, -1, "Wrong paragraph.")]
    assert [(c["action"], c["document"], c["role"]) for c in record.rows("changes")] == [("remove", "fishing-fleet", "editor")]
    with sqlite3.connect(record.path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_rows_older_than_the_retention_period_are_purged(tmp_path):
    record = Record(tmp_path / "r.sqlite3", retention_days=90)
    record.question("recent", "none")
    with sqlite3.connect(record.path) as db:
        db.execute("INSERT INTO questions (asked_at, question, state) VALUES ('2020-01-01T00:00:00+00:00', 'old', 'none')")
    assert record.purge() == 1
    assert [q["question"] for q in record.rows("questions")] == ["recent"]


def test_no_identity_is_kept_and_long_text_is_capped(record):
    record.question("x" * 5000, "none")
    row = record.rows("questions")[0]
    assert len(row["question"]) == 1000
    assert set(row) == {"id", "asked_at", "question", "state", "missing", "citation", "documents"}


def test_a_corrupt_file_costs_only_the_record_said_once_then_it_starts_afresh(record, caplog):
    record.question("before", "answer")
    record.path.write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (record.path.parent / (record.path.name + suffix)).unlink(missing_ok=True)
    with caplog.at_level(logging.INFO, logger="retrieval.server.record"):
        assert record.question("during", "answer") is None
        assert record.question("after", "answer") is not None  # resumed in a fresh file
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "answers go on without it" in warnings[0].getMessage()
    assert list(record.path.parent.glob("record.sqlite3.corrupt-*"))  # kept aside, not deleted
    assert [q["question"] for q in record.rows("questions")] == ["after"]


def test_a_deleted_file_is_made_again_and_a_locked_one_is_skipped_then_resumed(tmp_path, caplog):
    record = Record(tmp_path / "r.sqlite3", busy_timeout=0.2)
    record.question("first", "answer")
    for f in tmp_path.glob("r.sqlite3*"):
        f.unlink()
    with caplog.at_level(logging.INFO, logger="retrieval.server.record"):
        assert record.question("second", "answer") is not None
        assert record.question("second and a half", "answer") is not None
    assert [r.getMessage() for r in caplog.records] == ["the record's file is gone (deleted?); a new one is started"]
    caplog.clear()
    holder = sqlite3.connect(record.path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another writer holds the file
    with caplog.at_level(logging.INFO, logger="retrieval.server.record"):
        assert record.question("while locked", "answer") is None
        holder.execute("ROLLBACK")
        holder.close()
        assert record.question("third", "answer") is not None
    assert [q["question"] for q in record.rows("questions")] == ["second", "second and a half", "third"]
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "locked" in messages and "written again" in messages
    assert str(tmp_path) not in messages and "while locked" not in messages  # no path, no question text


def test_twenty_sessions_writing_at_once_lose_no_row(record):
    def session(n):
        for k in range(5):
            asked = record.question(f"session {n} question {k}", "answer")
            record.feedback(asked, 1 if k % 2 else -1)

    threads = [threading.Thread(target=session, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(record.rows("questions")) == 100 and len(record.rows("feedback")) == 100


def test_recording_can_be_turned_off_and_placed_elsewhere(tmp_path, monkeypatch):
    monkeypatch.setenv("RETRIEVAL_RECORD", "off")
    assert RecordSettings.from_env(tmp_path).path is None
    assert Record(None).question("anything", "none") is None
    monkeypatch.setenv("RETRIEVAL_RECORD", str(tmp_path / "elsewhere.db"))
    monkeypatch.setenv("RETRIEVAL_RECORD_DAYS", "30")
    assert RecordSettings.from_env(tmp_path) == RecordSettings(tmp_path / "elsewhere.db", 30)
    monkeypatch.delenv("RETRIEVAL_RECORD")
    assert RecordSettings.from_env(tmp_path).path == tmp_path / "record.sqlite3"


def test_row_ids_are_not_reused_when_the_file_is_replaced(tmp_path):
    # The page keeps an answer's id for its 👍/👎: after a deleted file is made again, feedback on
    # an earlier answer must not land on a new question that took the same number.
    record = Record(tmp_path / "r.sqlite3")
    before = [record.question(f"q{k}", "answer") for k in range(3)]
    given = record.feedback(before[0], 1)
    for f in tmp_path.glob("r.sqlite3*"):
        f.unlink()
    after = [record.question(f"again {k}", "answer") for k in range(3)]
    assert len(set(before + after)) == 6 and min(after) > max(before)
    assert record.feedback(after[0], -1) != given


def test_the_reports_vectors_are_kept_across_starts_and_go_with_their_last_question(tmp_path):
    """#33: the report's vector of each wording is kept in the record, so a start does not embed
    every recorded question again; when the last question using a wording is purged, so is it."""
    import sqlite3

    import numpy as np

    from retrieval.server.report import recorded_vectors

    path = tmp_path / "record.sqlite3"
    record = Record(path)
    record.question("Who pays for the boats?", "none")
    record.question("What of the glaciers?", "partial")
    calls: list[list[str]] = []

    def encode(texts):  # a distinct unit vector for each wording
        calls.append(list(texts))
        return np.stack([np.roll(np.array([0.6, 0.8, 0.0, 0.0], dtype=np.float32), len(t) % 4) for t in texts])

    texts = ["Who pays for the boats?", "What of the glaciers?", "Who pays for the boats?"]
    first = recorded_vectors(record, "m", encode, texts)
    assert calls == [["What of the glaciers?", "Who pays for the boats?"]]  # each wording once
    again = recorded_vectors(Record(path), "m", encode, texts, memo={})  # a new process
    assert calls == [["What of the glaciers?", "Who pays for the boats?"]]
    assert not np.allclose(first[0], first[1]) and np.array_equal(again, first)  # each its own, as kept
    assert recorded_vectors(Record(path), "other model", encode, texts[:1]).shape == (1, 4)
    assert len(calls) == 2  # another model's vectors are its own
    with sqlite3.connect(path) as db:
        db.execute("UPDATE questions SET asked_at = '2000-01-01' WHERE question = 'What of the glaciers?'")
    record.purge()
    assert set(record.vectors("m")) == {"Who pays for the boats?"}


def test_a_record_of_the_first_schema_is_brought_up_to_date_with_its_rows(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:  # the first schema, as a server of before kept it
        db.execute("CREATE TABLE questions (id INTEGER PRIMARY KEY, asked_at TEXT NOT NULL, question TEXT NOT NULL, "
                   "state TEXT NOT NULL, missing TEXT NOT NULL DEFAULT '[]', citation TEXT, "
                   "documents TEXT NOT NULL DEFAULT '[]')")
        db.execute("INSERT INTO questions (id, asked_at, question, state) VALUES (1, '2099-01-01', 'kept?', 'none')")
        db.execute("PRAGMA user_version = 1")
    record = Record(path)
    record.keep_vectors("m", {"kept?": b"\x00\x3c" * 4})
    assert [r["question"] for r in record.rows("questions")] == ["kept?"]
    assert record.vectors("m") == {"kept?": b"\x00\x3c" * 4}
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
