"""A build killed part-way and started again continues where it stopped (#32): a real
``python -m retrieval build`` on real resolutions, killed with SIGKILL once it has embedded some
documents, then run again."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from conftest import CORPUS, ROOT
from retrieval.index import build_progress

pytestmark = pytest.mark.model

RESOLUTIONS = ROOT.parent / "shared" / "un-documents" / "resolutions-78"
NAMES = [f"A_RES_78_{n}.pdf" for n in (1, 10, 11, 12, 13, 14, 15, 16)]


def _build(corpus, index, **kw):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RETRIEVAL_")}
    env |= {"RETRIEVAL_CORPUS_DIR": str(corpus), "RETRIEVAL_INDEX_DIR": str(index), "RETRIEVAL_SECOND_MODEL": "none",
            "RETRIEVAL_RECORD": "off", "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen([sys.executable, "-m", "retrieval", "build"], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def _kept(progress) -> int:
    """Documents whose vectors are kept: a kill during a write can leave its hidden temporary file."""
    return len([p for p in progress.glob("*.npz") if not p.name.startswith(".")])


def _generation(index):
    manifest = json.loads((index / "manifest.json").read_text())
    folder = index / manifest["generation"]
    return manifest, json.loads((folder / "passages.json").read_text()), np.load(folder / "sentences.npy")


def test_a_killed_build_continues_where_it_stopped(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    for name in NAMES:
        shutil.copy(RESOLUTIONS / name, corpus)
    index = tmp_path / "index"
    progress = index / build_progress.FOLDER
    # Read once (the read cache keeps the readings), so the build below is all embedding.
    first = _build(corpus, index)
    deadline = time.monotonic() + 600
    while not (progress.is_dir() and _kept(progress) >= 2):
        assert first.poll() is None, "the build ended before it could be killed: " + first.stderr.read()[-500:]
        assert time.monotonic() < deadline
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait()
    kept = _kept(progress)
    assert not (index / "manifest.json").exists() and 2 <= kept < len(NAMES) + 1
    again = _build(corpus, index)
    _, err = again.communicate(timeout=900)
    assert again.returncode == 0, err[-2000:]
    assert f"continuing an interrupted build: {kept} of {len(NAMES) + 1} documents to embed were embedded already" in err
    assert not progress.exists()  # published: the progress is gone
    # The same index as a build that was never interrupted (float16 rows kept for the first part).
    clean_index = tmp_path / "clean"
    clean = _build(corpus, clean_index)
    _, err = clean.communicate(timeout=900)
    assert clean.returncode == 0, err[-2000:]
    m1, p1, s1 = _generation(index)
    m2, p2, s2 = _generation(clean_index)
    assert p1["passages"] == p2["passages"] and m1["corpus_sha256"] == m2["corpus_sha256"]
    assert s1.shape == s2.shape and float(np.abs(s1.astype(np.float32) - s2.astype(np.float32)).max()) <= 2e-3
