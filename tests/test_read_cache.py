"""The read cache (#32): a start hashes only the document files whose ``stat`` changed, and
``build --verify`` hashes every one again. Real files, the real reader."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from retrieval.files import sha256_file
from retrieval.ingest import read_cache
from retrieval.ingest.corpus import load_corpus


def _write_settled(path, text):
    """Write ``text`` and date the file older than the settling time, as a file added yesterday."""
    path.write_text(text, encoding="utf-8")
    old = time.time_ns() - 3_600 * 10**9
    os.utime(path, ns=(old, old))


def _texts(corpus, cache, **kw):
    return {d.id: d.text for d in load_corpus(corpus, cache, **kw)}


@pytest.mark.slow
def test_an_unchanged_stat_is_trusted_and_verify_hashes_again(tmp_path, monkeypatch):
    corpus, cache = tmp_path / "corpus", tmp_path / "read-cache"
    corpus.mkdir()
    note = corpus / "note.txt"
    _write_settled(note, "# Note\n\nRemittances fell in the second quarter.\n")
    _write_settled(corpus / "other.txt", "# Other\n\nA second document about water.\n")
    # The change time cannot be set back; it settles once the test waits out SETTLE_SECONDS.
    time.sleep(read_cache.SETTLE_SECONDS + 0.1)
    first = _texts(corpus, cache)
    kept = json.loads((cache / read_cache.HASHES_FILE).read_text())
    assert {os.path.basename(k): v[4] for k, v in kept.items()} == {
        "note.txt": sha256_file(note), "other.txt": sha256_file(corpus / "other.txt")}

    hashed = []  # which files the real hash function is asked for (it still does the hashing)
    monkeypatch.setattr(read_cache, "sha256_file", lambda path: hashed.append(path.name) or sha256_file(path))
    assert _texts(corpus, cache) == first and hashed == []  # a start: nothing hashed, the same documents
    assert _texts(corpus, cache, verify=True) == first and sorted(hashed) == ["note.txt", "other.txt"]

    hashed.clear()
    note.write_text("# Note\n\nRemittances rose in the second quarter.\n", encoding="utf-8")
    assert "rose" in _texts(corpus, cache)["note"] and hashed == ["note.txt"]  # only the changed file


@pytest.mark.slow
def test_a_modified_file_is_hashed_again_and_a_removed_one_forgotten(tmp_path):
    corpus, cache = tmp_path / "corpus", tmp_path / "read-cache"
    corpus.mkdir()
    _write_settled(corpus / "a.txt", "# A\n\nThe first text.\n")
    _write_settled(corpus / "b.txt", "# B\n\nThe second text.\n")
    time.sleep(read_cache.SETTLE_SECONDS + 0.1)
    _texts(corpus, cache)
    (corpus / "a.txt").write_text("# A\n\nThe first text, longer now.\n", encoding="utf-8")
    (corpus / "b.txt").unlink()
    assert _texts(corpus, cache) == {"a": _texts(corpus, None)["a"]}
    assert "longer now" in _texts(corpus, cache)["a"]
    kept = json.loads((cache / read_cache.HASHES_FILE).read_text())
    assert {os.path.basename(k) for k in kept} == {"a.txt"}  # b forgotten; a just written: not kept yet


def test_a_damaged_hash_file_costs_only_a_hashing(tmp_path, caplog):
    corpus, cache = tmp_path / "corpus", tmp_path / "read-cache"
    corpus.mkdir()
    _write_settled(corpus / "a.txt", "# A\n\nThe first text.\n")
    cache.mkdir()
    (cache / read_cache.HASHES_FILE).write_text("{not json", encoding="utf-8")
    assert "first text" in _texts(corpus, cache)["a"]
    assert "hashing every file" in caplog.text


def test_build_verify_is_a_command(tmp_path):
    out = subprocess.run([sys.executable, "-m", "retrieval", "build", "--help"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0 and "--verify" in out.stdout
