"""Broken metadata costs only itself: sidecars and the index manifest read through one validating
reader (the second hostile battery, #23). Real files in a temporary corpus; no model."""

import json
import logging

import pytest

from retrieval.ingest.corpus import load_corpus, read_sidecar
from retrieval.index.library import is_protected
from retrieval.ingest.metadata import MAX_FIELD_CHARS
from retrieval.index.store import MANIFEST, StaleIndexError, read_manifest

TEXT = "Heading\n\nSeasonal workers were housed near the orchards and paid every month.\n"


@pytest.mark.parametrize("sidecar", [
    "[" * 200_000,                      # nesting far past the parser's recursion limit
    '{"title": true, "date": true, "place": true, "author": 7}',
    '{"title": "' + "T" * 2_000_000 + '"}',  # a 2 MB title: over the sidecar's size bound
    "[1, 2, 3]",
    "\xff\xfe not utf-8",
])
def test_a_broken_sidecar_costs_only_its_own_metadata(tmp_path, caplog, sidecar):
    (tmp_path / "notes.txt").write_text(TEXT)
    (tmp_path / "notes.meta.json").write_bytes(sidecar.encode("utf-8", "surrogateescape")
                                               if not sidecar.startswith("\xff") else b"\xff\xfe not utf-8")
    with caplog.at_level(logging.WARNING):
        [doc] = load_corpus(tmp_path)
    assert doc.title == "notes" and doc.date is None and doc.place is None and doc.author is None
    assert "metadata of notes.txt" in caplog.text and "Traceback" not in caplog.text
    assert not is_protected(tmp_path, "notes")


def test_sidecar_text_fields_are_folded_and_capped_and_only_true_protects(tmp_path):
    (tmp_path / "notes.txt").write_text(TEXT)
    (tmp_path / "notes.meta.json").write_text(json.dumps({"title": "A  title\n" + "x" * 1000, "date": "2024-01-02",
                                                          "protected": "yes"}))
    meta = read_sidecar(tmp_path / "notes.txt")
    assert meta["title"].startswith("A title x") and len(meta["title"]) == MAX_FIELD_CHARS
    assert meta["date"] == "2024-01-02" and "protected" not in meta
    assert not is_protected(tmp_path, "notes")


@pytest.mark.parametrize("manifest", [
    {"files": [1]}, {"files": {"a.npy": "x"}}, {"documents": [1]}, {"index": "flat"}, [1], "[" * 100_000,
])
def test_a_malformed_manifest_means_rebuild_not_a_traceback(tmp_path, manifest):
    text = manifest if isinstance(manifest, str) else json.dumps(manifest)
    (tmp_path / MANIFEST).write_text(text)
    with pytest.raises(StaleIndexError, match="unreadable manifest"):
        read_manifest(tmp_path)


@pytest.mark.slow
def test_the_library_keeps_answering_with_a_broken_sidecar_and_manifest(tmp_path):
    """As the battery found them: `{"title": true}` beside an added document and `"files": [1]` in
    the manifest. Every command recovers on its own: no traceback, the document indexed under its
    derived title, the index rebuilt."""
    import os
    import shutil
    import subprocess
    import sys

    from conftest import CORPUS, ROOT

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "harbour-notes.txt").write_text(TEXT.replace("Seasonal workers", "Harbour pilots"))
    (corpus / "harbour-notes.meta.json").write_text('{"title": true, "date": true, "place": true}')
    env = os.environ | {"RETRIEVAL_SECOND_MODEL": "none", "RETRIEVAL_CORPUS_DIR": str(corpus),
                        "RETRIEVAL_INDEX_DIR": str(tmp_path / "index")}

    def cli(*args):
        out = subprocess.run([sys.executable, "-m", "retrieval", *args], cwd=ROOT, env=env, text=True,
                             capture_output=True, timeout=300)
        assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
        return out

    answer = json.loads(cli("ask", "Where were the harbour pilots housed?", "--json").stdout)
    assert answer["results"][0]["citation"]["document"] == "harbour-notes"
    assert "harbour notes" in answer["results"][0]["citation"]["label"]
    manifest = tmp_path / "index" / MANIFEST
    manifest.write_text(json.dumps(json.loads(manifest.read_text()) | {"files": [1]}))
    again = cli("ask", "Who bears the costs of migration?", "--json")
    assert json.loads(again.stdout)["answered"] and "rebuilding the index" in again.stderr
