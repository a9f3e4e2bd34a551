"""The CPU runtime (OpenVINO) against PyTorch: the same vectors, so an index built with one
serves the other; a missing or damaged export named with its fix."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from retrieval.models.model import Embedder, ModelNotFoundError
from retrieval.models.packaged_models import MINILM, MPNET, packaged_model_path

from conftest import CORPUS

TOLERANCE = 1e-5  # measured: at most ~3e-7 apart


def _texts() -> list[str]:
    text = next(CORPUS.glob("*.txt")).read_text()
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    # A text longer than either model's max_seq_length (cut the same way), edges of whitespace,
    # accents and a character outside the vocabulary ([UNK]), beside the document's paragraphs.
    odd = [" ".join(paragraphs) [:6000], "  Côte d'Ivoire's migrants\n\t", "remittances 🌍 cost"]
    return paragraphs[:40] + odd + ["Who bears the costs of migration?", "remitances", "x"]


@pytest.mark.model
@pytest.mark.parametrize("name", [MINILM, MPNET], ids=["minilm", "mpnet"])
def test_openvino_gives_pytorchs_vectors_for_passages_questions_and_tokens(name, monkeypatch):
    texts = _texts()
    monkeypatch.setenv("RETRIEVAL_BACKEND", "torch")
    torch_model = Embedder(name)
    monkeypatch.setenv("RETRIEVAL_BACKEND", "openvino")
    ov_model = Embedder(name)
    assert (torch_model.backend, ov_model.backend) == ("torch", "openvino")
    assert np.abs(torch_model.encode(texts) - ov_model.encode(texts)).max() < TOLERANCE
    (tv, tt), (ov, ot) = torch_model.encode_with_tokens(texts), ov_model.encode_with_tokens(texts)
    assert np.abs(tv - ov).max() < TOLERANCE
    assert all(a.shape == b.shape and np.abs(a - b).max() < TOLERANCE for a, b in zip(tt, ot))
    q_torch, q_ov = torch_model.encode_question(texts[-3]), ov_model.encode_question(texts[-3])
    assert np.abs(q_torch[0] - q_ov[0]).max() < TOLERANCE and (q_torch[2] == q_ov[2]).all()


@pytest.mark.model
def test_the_runtime_answers_without_pytorch_in_the_process(engine, settings):
    """On OpenVINO neither torch nor sentence-transformers is imported: most of the memory the
    pair used to cost (measured here: importing them alone is ~470 MiB)."""
    import subprocess
    import sys

    from conftest import ROOT

    script = ("import sys; from retrieval.answer.engine import Engine; from retrieval.config import Settings; "
              "e = Engine.load(Settings.from_env()); r = e.ask('Who bears the costs of migration?'); "
              "print(r.confidence, [m.backend for m in e.embedders], "
              "sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "RETRIEVAL_BACKEND": "openvino", "RETRIEVAL_INDEX_DIR": str(settings.index_dir),
                               "RETRIEVAL_CORPUS_DIR": str(settings.corpus_dir)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[-2] == "answer ['openvino', 'openvino'] []"


@pytest.mark.model
def test_an_index_built_on_pytorch_serves_openvino_unchanged(tmp_path, monkeypatch):
    from retrieval.config import Settings
    from retrieval.answer.engine import Engine

    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", second_model=None)
    monkeypatch.setenv("RETRIEVAL_BACKEND", "torch")
    built = Engine.load(settings, embedder=Embedder(MINILM))
    files = {p: p.stat().st_mtime_ns for p in (tmp_path / "index").rglob("*") if p.is_file()}
    monkeypatch.setenv("RETRIEVAL_BACKEND", "openvino")
    served = Engine.load(settings, embedder=Embedder(MINILM))
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "index").rglob("*") if p.is_file()} == files  # reused
    for question in ["Who bears the costs of migration?", "What did panellists say about remittances?",
                     "What is the capital of France?", "Which ILO convention should be ratified?"]:
        a, b = built.ask(question).to_dict(), served.ask(question).to_dict()
        assert a["confidence"] == b["confidence"]
        assert [r["citation"]["label"] for r in a["results"]] == [r["citation"]["label"] for r in b["results"]]
        assert [r["highlight"] for r in a["results"]] == [r["highlight"] for r in b["results"]]
        assert all(abs(x["score"] - y["score"]) < 1e-4 for x, y in zip(a["results"], b["results"]))


def _copy_of_minilm(tmp_path: Path) -> Path:
    folder = tmp_path / "minilm-copy"
    shutil.copytree(packaged_model_path(MINILM), folder)
    return folder


@pytest.mark.model
def test_a_damaged_export_is_refused_naming_the_fix(tmp_path, monkeypatch):
    folder = _copy_of_minilm(tmp_path)
    with open(folder / "openvino" / "model.bin", "r+b") as f:
        f.seek(1000)
        f.write(b"\xff" * 16)
    monkeypatch.setenv("RETRIEVAL_BACKEND", "openvino")
    with pytest.raises(ModelNotFoundError) as caught:
        Embedder(str(folder))
    message = str(caught.value)
    assert "damaged (model.bin)" in message and "--export" in message and "RETRIEVAL_BACKEND=torch" in message


@pytest.mark.model
def test_a_model_of_ones_own_without_an_export_runs_on_pytorch(tmp_path, monkeypatch):
    folder = _copy_of_minilm(tmp_path)
    shutil.rmtree(folder / "openvino")
    monkeypatch.setenv("RETRIEVAL_BACKEND", "openvino")
    assert Embedder(str(folder)).backend == "torch"  # a model of one's own: no export, PyTorch, logged


def test_an_unknown_backend_is_refused(monkeypatch):
    from retrieval.models.runtime import chosen_backend

    monkeypatch.setenv("RETRIEVAL_BACKEND", "onnx")
    with pytest.raises(ValueError, match="RETRIEVAL_BACKEND must be one of openvino, torch"):
        chosen_backend()


@pytest.mark.model
def test_a_missing_openvino_is_named_with_its_install_command(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "openvino", None)  # as if the package were not installed
    monkeypatch.setenv("RETRIEVAL_BACKEND", "openvino")
    with pytest.raises(ModelNotFoundError, match=r"OpenVINO is not installed: `pip install openvino==2026\.4\.1`.*"
                                                 r"RETRIEVAL_BACKEND=torch"):
        Embedder(MINILM)


@pytest.mark.model
def test_a_missing_tokenizers_is_named_with_its_install_command(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "tokenizers", None)
    monkeypatch.setenv("RETRIEVAL_BACKEND", "openvino")
    with pytest.raises(ModelNotFoundError, match=r"tokenizers is not installed: `pip install tokenizers==0\.23\.3`"):
        Embedder(MINILM)


def test_forward_passes_group_texts_of_similar_length_within_the_token_budget():
    from retrieval.models.runtime import token_batches

    lengths = [10, 300, 12, 40, 500, 11, 41]
    batches = token_batches(lengths, 100)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))  # every text once
    assert batches[0] == [4] and batches[1] == [1]  # longer than the budget: alone, longest first
    for rows in batches:
        assert len(rows) == 1 or max(lengths[i] for i in rows) * len(rows) <= 100  # padded size
    assert [lengths[i] for b in batches for i in b] == sorted(lengths, reverse=True)
