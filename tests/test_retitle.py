"""Correcting a document's title (#30): written into its sidecar with its other fields kept, the
symbol still added, no vector embedded again; from the command line and from the Library page."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import CORPUS, ROOT
from retrieval.chat.catalogue import own_title
from retrieval.ingest.formats import IngestError
from retrieval.index.library import retitle_document
from retrieval.index.writer import library_change

SUMMARY = "panel-discussion-international-migration-and-development-2013-06-25"
RESOLUTION = ROOT.parent / "shared" / "un-documents" / "dev" / "A_RES_80_216.pdf"


@pytest.fixture
def two_documents(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "fishing-fleet.txt").write_text(
        "# Fishing fleet\n\nThe fleet landed twelve tonnes of cod in its first season. The harbour office "
        "counted every crate at the quay.\n\nThe crews were paid by the tonne landed.\n", encoding="utf-8")
    return corpus


def test_the_title_goes_into_the_sidecar_and_its_other_fields_stay(two_documents, tmp_path):
    corpus = two_documents
    (corpus / "fishing-fleet.meta.json").write_text(json.dumps({"author": "Harbour Office", "date": "2024-05-01"}))
    kept = retitle_document("fishing-fleet", "  Fishing fleet\u202e report\x1b[31m,\n 2024 ", corpus)
    assert kept == "Fishing fleet report[31m, 2024"  # one line, no control or bidi character
    assert json.loads((corpus / "fishing-fleet.meta.json").read_text()) == {
        "author": "Harbour Office", "date": "2024-05-01", "title": kept}
    # A sidecar it cannot read, or a link, is said, never overwritten: its other fields would be lost.
    (corpus / "fishing-fleet.meta.json").write_text('{"author": "Harbour Office",}')
    with pytest.raises(IngestError, match="cannot be read"):
        retitle_document("fishing-fleet", "Fishing fleet", corpus)
    assert (corpus / "fishing-fleet.meta.json").read_text() == '{"author": "Harbour Office",}'
    outside = tmp_path / "outside.json"
    outside.write_text('{"title": "Outside"}')
    (corpus / "fishing-fleet.meta.json").unlink()
    (corpus / "fishing-fleet.meta.json").symlink_to(outside)
    with pytest.raises(IngestError, match="is a link"):
        retitle_document("fishing-fleet", "Fishing fleet", corpus)
    assert (corpus / "fishing-fleet.meta.json").is_symlink() and outside.read_text() == '{"title": "Outside"}'


@pytest.mark.parametrize("doc_id, title, says", [
    ("fishing-fleet", " \n\t ", "needs at least one word"),
    ("no-such-document", "A title", "no document"),
    (SUMMARY, "A title", "shipped with the project"),
])
def test_a_title_that_cannot_be_kept_is_refused_and_nothing_is_written(two_documents, doc_id, title, says):
    before = {p.name: p.read_bytes() for p in two_documents.iterdir()}
    with pytest.raises(IngestError, match=says):
        retitle_document(doc_id, title, two_documents)
    assert {p.name: p.read_bytes() for p in two_documents.iterdir()} == before


def test_a_change_that_fails_after_the_title_was_written_puts_the_old_sidecar_back(two_documents, tmp_path):
    sidecar = two_documents / "fishing-fleet.meta.json"
    sidecar.write_text(json.dumps({"title": "Old title", "author": "Harbour Office"}))
    before = sidecar.read_bytes()
    with pytest.raises(RuntimeError), library_change(tmp_path / "index", two_documents) as change:
        retitle_document("fishing-fleet", "New title", two_documents, change=change)
        assert json.loads(sidecar.read_text())["title"] == "New title"
        raise RuntimeError("the index could not be loaded")
    assert sidecar.read_bytes() == before
    bare = two_documents / "fishing-fleet.txt"
    sidecar.unlink()
    with pytest.raises(RuntimeError), library_change(tmp_path / "index", two_documents) as change:
        retitle_document("fishing-fleet", "New title", two_documents, change=change)
        raise RuntimeError("killed")
    assert not sidecar.exists() and bare.exists()  # a sidecar the change made goes, the document stays


def test_the_title_an_editor_starts_from_has_no_symbol_the_library_added():
    facts = {"symbol": "A/RES/80/216"}
    assert own_title({"title": "Water and sanitation (A/RES/80/216)", "facts": facts}) == "Water and sanitation"
    assert own_title({"title": "A/RES/80/216 and after", "facts": facts}) == "A/RES/80/216 and after"
    assert own_title({"title": "Panel summary"}) == "Panel summary"


@pytest.mark.model
def test_the_command_line_retitles_without_embedding_again(two_documents, tmp_path):
    env = os.environ | {"RETRIEVAL_CORPUS_DIR": str(two_documents), "RETRIEVAL_INDEX_DIR": str(tmp_path / "index"),
                        "RETRIEVAL_RECORD": str(tmp_path / "record.sqlite3")}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "retrieval", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=600)

    assert run("build").returncode == 0
    out = run("retitle", "fishing-fleet", "Cod landings of the fishing fleet")
    assert out.returncode == 0, out.stderr
    assert "fishing-fleet is now listed and cited as: Cod landings of the fishing fleet" in out.stdout
    manifest = json.loads((tmp_path / "index" / "manifest.json").read_text())
    assert manifest["embedded_documents"] == []  # every vector reused: a title is never embedded
    answer = json.loads(run("ask", "--json", "How much cod did the fleet land?").stdout)
    assert answer["results"][0]["citation"]["label"].startswith("Cod landings of the fishing fleet")
    assert run("retitle", "no-such-document", "x").returncode == 1
