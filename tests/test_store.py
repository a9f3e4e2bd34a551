"""Index persistence on the real model: reuse, staleness, damage, atomic publication."""

import json
import shutil

import faiss
import pytest

from conftest import CORPUS, CountingEmbedder
from retrieval.config import Settings
from retrieval.corpus import load_corpus
from retrieval.engine import Engine
from retrieval.store import MANIFEST, StaleIndexError, build_index, load_index, load_or_build


@pytest.fixture
def corpus_dir(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


@pytest.fixture
def built(tmp_path, corpus_dir, embedder):
    index_dir = tmp_path / "index"
    spy = CountingEmbedder(embedder)
    build_index(index_dir, load_corpus(corpus_dir), spy)
    return index_dir, corpus_dir, spy


def _generation(index_dir):
    return index_dir / json.loads((index_dir / MANIFEST).read_text())["generation"]


def test_manifest_records_what_the_index_was_built_from(built):
    index_dir, _, _ = built
    m = json.loads((index_dir / MANIFEST).read_text())
    for key in ("corpus_sha256", "model", "dimension", "passage_count", "splitter_version", "created_at", "files"):
        assert key in m
    assert m["dimension"] == 384 and m["passage_count"] == 17


def test_valid_index_loads_without_embedding_the_corpus_again(built, embedder):
    index_dir, corpus_dir, _ = built
    spy = CountingEmbedder(embedder)
    index, rebuilt = load_or_build(index_dir, load_corpus(corpus_dir), spy)
    assert not rebuilt and spy.encoded == 0 and len(index.passages) == 17


def test_changed_corpus_makes_the_index_stale_and_it_is_rebuilt(built, embedder):
    index_dir, corpus_dir, _ = built
    (corpus_dir / "extra.txt").write_text("Extra notes\n\nThe new annex talks about seasonal workers.\n")
    docs = load_corpus(corpus_dir)
    with pytest.raises(StaleIndexError, match="corpus"):
        load_index(index_dir, docs, embedder.name)
    index, rebuilt = load_or_build(index_dir, docs, embedder)
    assert rebuilt and {p.doc_id for p in index.passages} >= {"extra"}


def test_other_model_setting_makes_the_index_stale(built):
    index_dir, corpus_dir, _ = built
    with pytest.raises(StaleIndexError, match="model"):
        load_index(index_dir, load_corpus(corpus_dir), "another-model")


@pytest.mark.parametrize("damage", ["corrupt", "truncate", "delete", "manifest"])
def test_damaged_index_is_detected_and_rebuilt_without_a_traceback(built, embedder, damage, caplog):
    index_dir, corpus_dir, _ = built
    target = _generation(index_dir) / "passages.faiss"
    if damage == "corrupt":
        data = bytearray(target.read_bytes())
        data[len(data) // 2] ^= 0xFF
        target.write_bytes(bytes(data))
    elif damage == "truncate":
        target.write_bytes(target.read_bytes()[:100])
    elif damage == "delete":
        target.unlink()
    else:
        (index_dir / MANIFEST).write_text("{not json")
    docs = load_corpus(corpus_dir)
    with pytest.raises(StaleIndexError):
        load_index(index_dir, docs, embedder.name)
    with caplog.at_level("WARNING"):
        index, rebuilt = load_or_build(index_dir, docs, embedder)
    assert rebuilt and len(index.passages) == 17
    assert any("rebuilding the index" in r.message for r in caplog.records)
    load_index(index_dir, docs, embedder.name)  # the rebuilt index is valid


def test_crash_mid_build_leaves_the_previous_index_in_force(built, embedder, monkeypatch):
    index_dir, corpus_dir, _ = built
    before = (index_dir / MANIFEST).read_text()
    (corpus_dir / "extra.txt").write_text("Extra notes\n\nA second document.\n")

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(faiss, "write_index", crash)
    with pytest.raises(OSError):
        build_index(index_dir, load_corpus(corpus_dir), embedder)
    assert (index_dir / MANIFEST).read_text() == before
    assert not [p for p in index_dir.iterdir() if p.name.endswith(".tmp")]
    (corpus_dir / "extra.txt").unlink()
    load_index(index_dir, load_corpus(corpus_dir), embedder.name)


def test_missing_model_error_says_how_to_fix_it(tmp_path):
    from retrieval.model import Embedder, ModelNotFoundError

    with pytest.raises(ModelNotFoundError, match="RETRIEVAL_MODEL"):
        Embedder(str(tmp_path / "no-such-model"))


def test_engine_load_builds_a_missing_index(tmp_path, embedder):
    engine = Engine.load(Settings(corpus_dir=CORPUS, index_dir=tmp_path / "fresh"), embedder=embedder)
    assert engine.rebuilt and (tmp_path / "fresh" / MANIFEST).exists()
