"""The index in Milvus (#35): Milvus Lite, for real, against the FAISS files on the same library.

The library is the versions library of real UN PDFs (conftest). Its FAISS index is copied and
then moved to Milvus, so the vectors are the same ones and nothing is embedded again; what
differs is only where passage search and BM25 run.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import numpy as np
import pytest

from conftest import DATA, CountingEmbedder
from retrieval.dev.evaluation import evaluate, load_questions
from retrieval.index.backends import StoreUnavailable, backend_for
from retrieval.index.milvus_store import RETURNED
from retrieval.index.store import MANIFEST, StaleIndexError

pytest.importorskip("pymilvus")


@pytest.fixture(scope="module")
def milvus_pair(versions_settings, versions_engine, embedder, tmp_path_factory):
    """(engine on FAISS files, engine on Milvus Lite, the Milvus settings, counting embedders)."""
    from retrieval.answer.engine import Engine
    from retrieval.models.model import load_embedder

    index_dir = tmp_path_factory.mktemp("milvus-index")
    shutil.copytree(versions_settings.index_dir, index_dir, dirs_exist_ok=True)
    lite = tmp_path_factory.mktemp("milvus-lite") / "lite.db"
    settings = replace(versions_settings, index_dir=index_dir, store=f"milvus://{lite}")
    first = CountingEmbedder(embedder)
    second = CountingEmbedder(versions_engine.second[0])
    engine = Engine.load(settings, embedder=first, second_embedder=second)
    return versions_engine, engine, settings, (first, second)


def test_moving_an_index_to_milvus_embeds_nothing_again_and_publishes_collections(milvus_pair):
    files, milvus, settings, counters = milvus_pair
    assert milvus.rebuilt
    assert [c.encoded for c in counters] == [0, 0]  # every vector reused from the files' index
    manifest = json.loads((settings.index_dir / MANIFEST).read_text())
    record = manifest["store"]
    assert record["kind"] == "milvus" and record["exact"]
    client = backend_for(settings.store).client
    assert client.describe_alias(record["alias"])["collection_name"] == record["collection"]
    assert client.get_collection_stats(record["collection"])["row_count"] == len(files.passages)
    # The files' own passage index and BM25 are not kept beside a Milvus index.
    folder = settings.index_dir / manifest["generation"]
    assert not (folder / "passages.faiss").exists() and not (folder / "bm25").exists()


def test_milvus_bm25_and_passage_search_score_as_the_files_do(milvus_pair):
    files, milvus, _, _ = milvus_pair
    for question in ["the human right to safe drinking water and sanitation",
                     "violence against women migrant workers", "qwzx nonsense"]:
        # A search returns the best RETURNED rows (every row crosses the client): those score
        # exactly as bm25s scores them, and are bm25s's best.
        a, b = files.index.lexical.scores(question), milvus.index.lexical.scores(question)
        assert a.shape == b.shape
        returned = np.flatnonzero(b)
        assert len(returned) == min(RETURNED, int(np.count_nonzero(a))), question
        assert np.allclose(a[returned], b[returned], rtol=1e-4, atol=1e-4), question
        if len(returned):
            assert b[returned].min() >= np.sort(a)[::-1][len(returned) - 1] - 1e-4
        vector = files.embedder.encode_query(question)
        n = len(files.passages)
        fs, fi = files.index.passage_search.search(vector, n)
        every = np.empty(n, dtype=np.float32)
        every[fi] = fs
        ms, mi = milvus.index.passage_search.search(vector, n)
        # The nearest RETURNED, scored alike; the order of exact ties (a paragraph repeated word
        # for word in two versions) is each engine's own.
        assert len(mi) == min(n, RETURNED) and len(set(mi.tolist())) == len(mi)
        assert np.allclose(ms, every[mi], atol=1e-5)
        assert np.allclose(ms, fs[: len(ms)], atol=1e-5)


def _questions() -> list[dict]:
    rows = load_questions(DATA / "un_dev_heldout.jsonl") + load_questions(DATA / "paraphrase_questions.jsonl")
    return rows[:40] + rows[-20:]


def test_every_figure_and_citation_equals_the_files_engines(milvus_pair):
    files, milvus, _, _ = milvus_pair
    questions = _questions()
    a = evaluate(lambda q: files.ask(q, top_k=5), questions)
    b = evaluate(lambda q: milvus.ask(q, top_k=5), questions)
    figures_a, figures_b = a.figures(), b.figures()
    for key, value in figures_a.items():
        if isinstance(value, float):  # a share of the questions: at most one question apart
            assert abs(value - figures_b[key]) <= 1 / len(questions) + 1e-9, key
    differing = 0
    for q in questions[:20]:
        x, y = files.ask(q["question"], top_k=5), milvus.ask(q["question"], top_k=5)
        same = ([r.to_dict() for r in x.results] == [r.to_dict() for r in y.results]
                and x.confidence == y.confidence)
        differing += not same
    assert differing <= 1


def test_a_document_added_publishes_a_new_generation_and_keeps_the_one_before(milvus_pair, tmp_path):
    from retrieval.answer.engine import Engine

    _, milvus, settings, counters = milvus_pair
    client = backend_for(settings.store).client
    before = json.loads((settings.index_dir / MANIFEST).read_text())["store"]["collection"]
    added = settings.corpus_dir / "a-note-on-milvus.txt"
    added.write_text("# A note\n\nThe store keeps passage vectors in collections of Milvus Lite.\n")
    try:
        engine = Engine.load(settings, embedder=counters[0], second_embedder=counters[1])
        after = json.loads((settings.index_dir / MANIFEST).read_text())["store"]
        assert after["collection"] != before
        assert client.describe_alias(after["alias"])["collection_name"] == after["collection"]
        # Another server still answering from the generation before finds it in place.
        assert client.has_collection(before)
        assert milvus.ask("violence against women migrant workers").results
        assert engine.ask("Where does the store keep passage vectors?").results[0].text.startswith("The store")
    finally:
        added.unlink()


def test_a_collection_gone_from_the_store_is_rebuilt_and_a_store_that_cannot_be_reached_says_so(
        milvus_pair, embedder):
    from retrieval.answer.engine import Engine
    from retrieval.index.store import load_all

    files, _, settings, counters = milvus_pair
    engine = Engine.load(settings, embedder=counters[0], second_embedder=counters[1])
    record = json.loads((settings.index_dir / MANIFEST).read_text())["store"]
    backend = backend_for(settings.store)
    backend.client.drop_collection(record["collection"])
    from retrieval.ingest.corpus import load_corpus

    documents = load_corpus(settings.corpus_dir, settings.index_dir / "read-cache")
    with pytest.raises(StaleIndexError, match="store cannot serve"):
        load_all(settings.index_dir, documents, [e for e in engine.embedders], backend)
    rebuilt = Engine.load(settings, embedder=counters[0], second_embedder=counters[1])
    assert rebuilt.rebuilt and rebuilt.ask("violence against women migrant workers").results
    with pytest.raises(StoreUnavailable, match="cannot be reached.*unset RETRIEVAL_STORE"):
        Engine.load(replace(settings, store="milvus://127.0.0.1:1"), embedder=counters[0],
                    second_embedder=counters[1])
    with pytest.raises(ValueError, match="RETRIEVAL_STORE must be"):
        backend_for("postgres://x")
