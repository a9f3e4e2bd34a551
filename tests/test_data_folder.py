"""The library in one data folder outside the source tree (#32): made from the shipped documents
on first run, never from a folder the user named, and what editors add lands there, not in git."""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from retrieval.config import SHIPPED_DIR, Settings
from retrieval.index.library import install_shipped_documents


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RETRIEVAL_")}
    return env | {"RETRIEVAL_SECOND_MODEL": "none", "HF_HUB_OFFLINE": "1"} | extra


def test_settings_put_documents_and_index_in_the_data_folder(tmp_path, monkeypatch):
    for name in ("RETRIEVAL_CORPUS_DIR", "RETRIEVAL_INDEX_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RETRIEVAL_DATA_DIR", str(tmp_path / "data"))
    s = Settings.from_env()
    assert (s.corpus_dir, s.index_dir, s.install_shipped) == (tmp_path / "data" / "documents",
                                                              tmp_path / "data" / "index", True)
    monkeypatch.setenv("RETRIEVAL_CORPUS_DIR", str(tmp_path / "mine"))
    assert not Settings.from_env().install_shipped  # a folder the user named is theirs
    monkeypatch.delenv("RETRIEVAL_CORPUS_DIR")
    assert not Settings.from_env(corpus_dir=tmp_path / "flag").install_shipped
    assert (ROOT / ".gitignore").read_text().splitlines().count("/data/") == 1
    if (ROOT / ".git").exists():  # the library's folder is ignored, a test's data file never
        import subprocess

        ignored = lambda path: subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT).returncode == 0  # noqa: E731
        assert ignored("data/documents/report.pdf") and not ignored("tests/data/new_questions.jsonl")


def test_a_missing_documents_folder_gets_the_shipped_documents_once(tmp_path):
    target = tmp_path / "data" / "documents"
    assert install_shipped_documents(target, SHIPPED_DIR)
    shipped = sorted(p.name for p in SHIPPED_DIR.iterdir() if p.is_file())
    assert sorted(p.name for p in target.iterdir()) == shipped
    assert all(filecmp.cmp(SHIPPED_DIR / n, target / n, shallow=False) for n in shipped)
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")]  # no staging left
    # Once there, it is the library's: a document removed from it is not put back.
    (target / shipped[0]).unlink()
    assert not install_shipped_documents(target, SHIPPED_DIR)
    assert not (target / shipped[0]).exists()
    empty = tmp_path / "emptied"
    empty.mkdir()
    assert not install_shipped_documents(empty, SHIPPED_DIR) and not list(empty.iterdir())
    assert not install_shipped_documents(SHIPPED_DIR, SHIPPED_DIR)


def test_an_unwritable_data_folder_says_how_to_fix_it(tmp_path):
    import pytest

    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):  # root writes anywhere: a file where the folder should be
            blocker = tmp_path / "file"
            blocker.write_text("x")
            target = blocker / "documents"
        else:
            target = locked / "documents"
        with pytest.raises(OSError, match="RETRIEVAL_DATA_DIR"):
            install_shipped_documents(target, SHIPPED_DIR)
    finally:
        locked.chmod(0o700)


@pytest.mark.slow
def test_a_first_add_from_a_fresh_clone_keeps_the_shipped_summary_and_stays_out_of_git(tmp_path):
    data = tmp_path / "data"
    note = tmp_path / "fishing-note.txt"
    note.write_text("# Fishing fleets\n\nCrews on distant-water fleets need written contracts and rest hours.\n")
    env = _env(RETRIEVAL_DATA_DIR=str(data))
    added = subprocess.run([sys.executable, "-m", "retrieval", "add", str(note)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=600)
    assert added.returncode == 0, added.stderr
    listed = subprocess.run([sys.executable, "-m", "retrieval", "list"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    assert listed.returncode == 0, listed.stderr
    assert "fishing-note" in listed.stdout and "panel-discussion-international-migration" in listed.stdout
    assert (data / "documents" / "fishing-note.txt").is_file() and (data / "index" / "manifest.json").is_file()
    assert not (SHIPPED_DIR / "fishing-note.txt").exists()  # the checkout's tracked folder is untouched
