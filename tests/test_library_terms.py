"""The library's words kept beside the index: read back they are exactly what the passages make,
a document whose passages changed is made again, and a bad or unwritable file costs nothing."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from conftest import CORPUS
from retrieval.answer.coverage import Vocabulary
from retrieval.answer.library_terms import TERM_CACHE, library_terms
from retrieval.answer.spelling import corpus_words
from retrieval.index.lexical import inverse_document_frequencies
from retrieval.ingest.corpus import corpus_passages, load_corpus

SECOND = """# Financing for development

1. Welcomes the work of the International Labour Organization on decent work for migrant workers.

2. Calls upon Member States to reduce the costs of remittances to less than 3 per cent by 2030,
and to eliminate corridors with costs higher than 5 per cent.

# Follow-up

3. Decides to include in the provisional agenda of its eighty-first session the sub-item entitled
“International migration and development”; requests the Secretary-General's report.
"""


def made_from_passages(passages) -> tuple[dict, dict, set]:
    """The terms as the engine made them at every start before they were kept."""
    texts = [p.text for p in passages]
    by_document: dict[str, list[str]] = {}
    for p in passages:
        by_document.setdefault(p.doc_id, []).append(p.text)
    return (inverse_document_frequencies(texts),
            {d: Vocabulary.from_texts(ts) for d, ts in by_document.items()},
            corpus_words(texts))


@pytest.fixture
def library(tmp_path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "financing.md").write_text(SECOND, encoding="utf-8")
    return corpus


def passages_of(corpus: Path):
    return corpus_passages(load_corpus(corpus))


def assert_same(terms, passages) -> None:
    idf, vocabularies, words = made_from_passages(passages)
    assert terms.idf == idf
    assert terms.vocabularies == vocabularies
    assert terms.spelling_words == words


def test_kept_terms_read_back_equal_what_the_passages_make(library, tmp_path):
    passages = passages_of(library)
    index = tmp_path / "index"
    index.mkdir()
    made = library_terms(passages, index)
    assert_same(made, passages)
    kept = index / TERM_CACHE
    assert kept.exists()
    stamp = kept.stat().st_mtime_ns
    again = library_terms(passages, index)
    assert_same(again, passages)
    assert kept.stat().st_mtime_ns == stamp  # nothing made, nothing written
    assert len(json.loads(kept.read_bytes())["documents"]) == 2


def test_a_changed_document_is_made_again_and_a_removed_one_dropped(library, tmp_path):
    index = tmp_path / "index"
    index.mkdir()
    library_terms(passages_of(library), index)
    (library / "financing.md").write_text(SECOND.replace("remittances", "transfers by migrants"), encoding="utf-8")
    changed = passages_of(library)
    terms = library_terms(changed, index)
    assert_same(terms, changed)
    assert "transfers" in terms.spelling_words and "remittances" not in terms.vocabularies["financing"].words
    (library / "financing.md").unlink()
    alone = passages_of(library)
    assert_same(library_terms(alone, index), alone)
    assert list(json.loads((index / TERM_CACHE).read_bytes())["documents"]) == [alone[0].doc_id]


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"version": 1, "strings": [], "documents": {"x": 3}}',
                                     b'{"version": 1, "strings": [], "documents": []}', b"[1, 2]"])
def test_an_unreadable_file_is_made_again(library, tmp_path, content, caplog):
    passages = passages_of(library)
    index = tmp_path / "index"
    index.mkdir()
    library_terms(passages, index)
    data = json.loads((index / TERM_CACHE).read_bytes())
    (index / TERM_CACHE).write_bytes(content)
    with caplog.at_level(logging.WARNING):
        assert_same(library_terms(passages, index), passages)
    assert json.loads((index / TERM_CACHE).read_bytes()) == data  # written again, whole


def test_kept_strings_out_of_range_are_made_again(library, tmp_path):
    passages = passages_of(library)
    index = tmp_path / "index"
    index.mkdir()
    library_terms(passages, index)
    data = json.loads((index / TERM_CACHE).read_bytes())
    data["strings"] = data["strings"][:3]
    (index / TERM_CACHE).write_text(json.dumps(data), encoding="utf-8")
    assert_same(library_terms(passages, index), passages)


def test_a_file_that_cannot_be_written_costs_nothing(library, tmp_path):
    """The kept file's name taken by a folder (root writes anywhere, so no permission to take away)."""
    index = tmp_path / "index"
    (index / TERM_CACHE).mkdir(parents=True)
    passages = passages_of(library)
    assert_same(library_terms(passages, index), passages)
    assert (index / TERM_CACHE).is_dir() and not [p for p in index.iterdir() if p.name.endswith(".tmp")]


def test_a_missing_folder_costs_nothing(library, tmp_path):
    passages = passages_of(library)
    assert_same(library_terms(passages, tmp_path / "no such folder"), passages)
    assert_same(library_terms(passages, None), passages)


def test_the_engine_on_real_pdfs_has_the_terms_its_passages_make(versions_engine):
    """A library of real UN PDFs (a resolution's versions and its draft): read back at start."""
    assert (versions_engine.settings.index_dir / TERM_CACHE).exists()
    passages = versions_engine.index.passages
    idf, vocabularies, words = made_from_passages(passages)
    assert versions_engine.idf == idf
    assert versions_engine._vocabularies == {d: vocabularies[d] for d in versions_engine._vocabularies}
    assert versions_engine.speller._corpus_words == words
    view = versions_engine.with_params()
    assert view.idf is versions_engine.idf
