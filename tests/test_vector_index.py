"""Index type by corpus size, and the engine on an approximate index."""

import shutil

import numpy as np
import pytest

from conftest import CORPUS, CountingEmbedder
from retrieval.index import vector_index
from retrieval.dev.bench import _clustered
from retrieval.config import Settings
from retrieval.ingest.corpus import load_corpus
from retrieval.answer.engine import Engine
from retrieval.index.vector_index import EXACT_LIMIT, build_vector_index, index_spec




def test_small_corpora_get_exact_search_and_large_ones_an_ivf_index():
    assert index_spec(100)["type"] == "IndexFlatIP"
    assert index_spec(EXACT_LIMIT)["type"] == "IndexFlatIP"
    big = index_spec(1_000_000)
    assert big["type"] == "IVF,SQ8" and big["nlist"] >= 1000 and big["nprobe"] >= 8


@pytest.mark.slow
def test_ivf_index_keeps_recall_at_10_above_095():
    rng = np.random.default_rng(0)
    data = _clustered(50_000, 384, rng)  # the generator `bench --scale` uses
    queries = data[:200] + 0.1 * rng.standard_normal((200, 384), dtype=np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    exact = build_vector_index(data, {"type": "IndexFlatIP"}).search(queries, 10)[1]
    approx = build_vector_index(data).search(queries, 10)[1]
    recall = np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact)])
    assert recall >= 0.95


def test_engine_answers_and_reuses_vectors_on_an_approximate_index(tmp_path, embedder, monkeypatch):
    monkeypatch.setattr(vector_index, "EXACT_LIMIT", 5)
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    engine = Engine.load(settings, embedder=embedder)
    assert engine.index.manifest["index"]["type"] == "IVF,SQ8"
    top = engine.ask("Do migrants take jobs from native workers?").results[0]
    assert "did not compete for jobs" in top.highlight
    # A reload reuses it, and a changed corpus reuses the stored vectors of unchanged documents.
    spy = CountingEmbedder(embedder)
    assert not Engine.load(settings, embedder=spy).rebuilt and spy.encoded == 0
    (corpus / "note.txt").write_text("Extra note\n\nSeasonal workers need housing.\n")
    engine = Engine.load(settings, embedder=spy)
    assert engine.rebuilt and spy.encoded == 1  # the new document's one sentence
    assert {d.id for d in load_corpus(corpus)} == set(engine.index.manifest["documents"])
    assert "did not compete for jobs" in engine.ask("Do migrants take jobs from native workers?").results[0].highlight
