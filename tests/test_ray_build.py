"""The index built on Ray (#35): a local Ray instance, for real, against the single-process build.

A small library of the shipped summary, two real resolutions and a file that is not a PDF is
built both ways; the Ray build runs as a user runs it (``python -m retrieval build --ray``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import replace

import numpy as np
import pytest

from conftest import ROOT
from retrieval.index.token_codes import TokenVectors
from retrieval.ingest.read_cache import HASHES_FILE

pytest.importorskip("ray")

RESOLUTIONS = ROOT.parent / "shared" / "un-documents" / "resolutions-78"


def _generation(index_dir):
    manifest = json.loads((index_dir / "manifest.json").read_text())
    return index_dir / manifest["generation"], manifest


def _vectors(folder):
    tokens = TokenVectors.load(folder)
    return (np.load(folder / "sentences.npy").astype(np.float32),
            np.concatenate([tokens.passage(i) for i in range(len(tokens.offsets) - 1)]),
            json.loads((folder / "passages.json").read_text()))


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("ray-corpus")
    for f in (ROOT / "corpus").iterdir():
        shutil.copy(f, corpus)
    for name in ("A_RES_78_1.pdf", "A_RES_78_10.pdf"):
        shutil.copy(RESOLUTIONS / name, corpus)
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.7 not really" + bytes(range(256)) * 8)
    return corpus


@pytest.fixture(scope="module")
def single_process(library, settings, engine, tmp_path_factory):
    from retrieval.answer.engine import Engine

    index = tmp_path_factory.mktemp("single-index")
    mine = replace(settings, corpus_dir=library, index_dir=index)
    Engine.load(mine, embedder=engine.embedder, second_embedder=engine.second[0] if engine.second else None)
    return index


def _ray_build(library, index, *extra, env=None):
    return subprocess.Popen([sys.executable, "-m", "retrieval", "build", "--ray", "--workers", "2", *extra],
                            cwd=ROOT, env=os.environ | {"RETRIEVAL_CORPUS_DIR": str(library),
                                                        "RETRIEVAL_INDEX_DIR": str(index)} | (env or {}),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _same_vectors(single, ray_index):
    for sub in ("", "second-model"):
        (a_folder, a_manifest), (b_folder, b_manifest) = _generation(single / sub), _generation(ray_index / sub)
        (a_sent, a_tok, a_pass), (b_sent, b_tok, b_pass) = _vectors(a_folder), _vectors(b_folder)
        assert a_pass == b_pass and a_manifest["documents"] == b_manifest["documents"]
        assert a_sent.shape == b_sent.shape and float(np.abs(a_sent - b_sent).max()) <= 1e-3  # float16 rows
        # Token vectors are kept in float16: equal to its rounding.
        assert a_tok.shape == b_tok.shape and float(np.abs(a_tok - b_tok).max()) <= 2e-3


def test_the_ray_build_has_the_vectors_of_the_single_process_build_and_reports_an_unreadable_file(
        library, single_process, tmp_path):
    index = tmp_path / "ray-index"
    build = _ray_build(library, index)
    out, err = build.communicate(timeout=600)
    assert build.returncode == 0, err[-3000:]
    assert "index built on Ray (2 workers)" in out
    assert "skipped broken.pdf: broken.pdf: not a readable PDF" in err
    _same_vectors(single_process, index)
    # The readings Ray's tasks made are the ones the build used: kept in the index's read cache.
    readings = [p for p in (index / "read-cache").iterdir() if p.name != HASHES_FILE]  # not the hash memo
    assert len(readings) == 3


def test_an_encoder_worker_killed_mid_build_is_restarted_and_the_vectors_are_the_same(
        library, single_process, tmp_path):
    index = tmp_path / "ray-index"
    build = _ray_build(library, index)
    killed = []

    def kill_one_encoder():
        deadline = time.monotonic() + 300
        while build.poll() is None and time.monotonic() < deadline and not killed:
            ps = subprocess.run(["pgrep", "-f", "MapBatches\\(_EncoderActor\\)"], capture_output=True, text=True)
            pids = [int(p) for p in ps.stdout.split()]
            if pids:
                time.sleep(1.0)  # inside its first batches, not its start
                subprocess.run(["kill", "-9", str(pids[0])])
                killed.append(pids[0])
            time.sleep(0.2)

    killer = threading.Thread(target=kill_one_encoder)
    killer.start()
    out, err = build.communicate(timeout=900)
    killer.join()
    assert killed, "no encoder worker was seen to kill"
    assert build.returncode == 0, err[-3000:]
    _same_vectors(single_process, index)


@pytest.mark.slow
def test_an_unreachable_cluster_is_said_with_how_to_fix_it(library, tmp_path):
    failed = subprocess.run([sys.executable, "-m", "retrieval", "build", "--ray", "127.0.0.1:1"], cwd=ROOT,
                            env=os.environ | {"RETRIEVAL_CORPUS_DIR": str(library),
                                              "RETRIEVAL_INDEX_DIR": str(tmp_path / "index")},
                            capture_output=True, text=True, timeout=120)
    assert failed.returncode == 3
    assert "cannot be reached" in failed.stderr and "ray start --head" in failed.stderr
    assert not (tmp_path / "index" / "manifest.json").exists()
