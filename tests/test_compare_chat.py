"""What changed between versions, as people meet it (#34): the chat's three question shapes, the
command line's ``compare``, and the Compare page in-process, on the real engine over a small
library of real UN versions (two drafts and the resolutions adopted from them, one resolution
with no other version, the shipped summary)."""

from __future__ import annotations

import html
import json
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from retrieval.chat import wording
from retrieval.chat.conversation import respond
from retrieval.chat.transcript import conversation_export

from conftest import ROOT

APP = str(ROOT / "app.py")


def _ask(engine, question, history=()):
    return respond(engine, question, list(history), 3)


def test_a_library_answers_with_the_library_calibration(versions_engine, engine):
    assert versions_engine.calibration.fitted_on.startswith("un_dev_fit.jsonl")
    assert engine.calibration.fitted_on.startswith("half 0")  # the shipped summary alone: one document's
    answer = versions_engine.ask("What does A/RES/80/190 say about the mental health of children?")
    assert answer.evidence.named_document == 1.0 and answer.named_documents == ("A_RES_80_190",)


def test_the_library_knows_its_families(versions_engine):
    assert sorted(versions_engine.versions.families) == [["A_C.3_80_L.20", "A_RES_80_190"],
                                                         ["A_C.3_80_L.47", "A_RES_80_216"]]


def test_what_changed_between_two_symbols_lists_the_changes_cited(versions_engine):
    ex = _ask(versions_engine, "What changed between A/C.3/80/L.20 and A/RES/80/190?")
    assert ex.kind == "comparison" and ex.answer.answered
    c = ex.answer.comparison.comparison
    assert (c.a, c.b) == ("A_C.3_80_L.20", "A_RES_80_190")
    assert ex.text.startswith("A/RES/80/190 against A/C.3/80/L.20: ")
    assert wording.comparison_summary(c.counts()) in ex.text
    # A draft adopted word for word (as made by hand from the PDFs: tests/data) says so.
    same = _ask(versions_engine, "What changed between A/C.3/80/L.47 and A/RES/80/216?")
    assert same.kind == "comparison" and same.text.startswith("A/RES/80/216 repeats A/C.3/80/L.47 word for word")
    # Each difference is a result cited to its own paragraph of its own document, the newer side
    # first and the older one under "also in"; the text is the document's own.
    assert ex.answer.results
    for r, row in zip(ex.answer.results, ex.answer.comparison.rows):
        shown = row.b or row.a
        assert r.text == shown.text and r.citation.document == shown.doc_id
        assert shown.label in r.citation.label and "A/" in r.citation.label
        if row.a is not None and row.b is not None:
            assert r.also_in and row.a.label in r.also_in[0].label
    texts = {p.text for p in versions_engine.passages}
    for row in ex.answer.comparison.rows:
        shown = row.b or row.a
        assert any(t in shown.text for t in texts)


def test_the_order_named_does_not_matter(versions_engine):
    one = _ask(versions_engine, "what are the differences between 80/216 and L.47")
    two = _ask(versions_engine, "Compare L.47 with resolution 80/216")
    assert one.kind == two.kind == "comparison"
    assert one.answer.comparison.comparison == two.answer.comparison.comparison


def test_what_is_new_in_a_resolution_named_by_year_and_subject(versions_engine):
    ex = _ask(versions_engine, "What is new in the 2025 resolution on drinking water and sanitation?")
    assert ex.kind == "comparison"
    t = ex.answer.comparison.targets
    assert (t.a, t.b) == ("A_C.3_80_L.47", "A_RES_80_216")


def test_was_a_paragraph_of_the_draft_kept(versions_engine):
    ex = _ask(versions_engine, "Was paragraph 3 of draft L.47 kept?")
    assert ex.kind == "comparison"
    [row] = ex.answer.comparison.rows
    assert row.a.label == "para. 3" and row.b is not None
    assert ex.text.startswith("Para. 3 of A/C.3/80/L.47 was kept in A/RES/80/216 as para. ")
    missing = _ask(versions_engine, "Was paragraph 99 of L.47 kept?")
    assert missing.text == "A/C.3/80/L.47 has no para. 99."


def test_the_draft_meant_is_asked_for_then_taken_from_the_conversation(versions_engine):
    alone = _ask(versions_engine, "Was paragraph 3 of the draft kept?")
    assert alone.kind == "comparison" and not alone.answer.answered
    assert "A/C.3/80/L.20" in alone.text and "A/C.3/80/L.47" in alone.text
    first = _ask(versions_engine, "What changed between L.20 and 80/190?")
    after = _ask(versions_engine, "Was paragraph 3 of the draft kept?", [first])
    assert after.answer.comparison.targets.a == "A_C.3_80_L.20"


def test_a_document_with_no_other_version_is_said_so(versions_engine):
    ex = _ask(versions_engine, "What changed in A/RES/80/188?")
    assert ex.kind == "comparison" and not ex.answer.answered
    assert ex.text.startswith("A/RES/80/188 has no other version in these documents")
    gone = _ask(versions_engine, "What changed between A/RES/70/1 and A/RES/80/216?")
    assert "A/RES/70/1 is not in these documents" in gone.text


def test_other_questions_are_searched_as_before(versions_engine):
    ex = _ask(versions_engine, "What does resolution 80/216 say about sanitation?")
    assert ex.kind in ("answer", "refusal") and ex.answer.comparison is None


def test_a_comparison_exports_with_its_changes_marked(versions_engine):
    ex = _ask(versions_engine, "What changed between L.20 and 80/190?")
    md = conversation_export([ex], markdown=True)
    text = conversation_export([ex], markdown=False)
    first = ex.answer.comparison.rows[0]
    assert wording.change_heading(first, "A/C.3/80/L.20", "A/RES/80/190") in text
    assert "[+" in text or "[-" in text
    assert "**" in md or "~~" in md


def test_cli_compare_prints_the_alignment_as_json_and_as_text(versions_settings, versions_engine):
    env = {"RETRIEVAL_CORPUS_DIR": str(versions_settings.corpus_dir),
           "RETRIEVAL_INDEX_DIR": str(versions_settings.index_dir), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "retrieval", "compare", *a], cwd=ROOT, env=env,
                                    capture_output=True, text=True, timeout=300)
    out = run("A/RES/80/216", "A_C.3_80_L.47", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert (data["a"], data["b"]) == ("A_C.3_80_L.47", "A_RES_80_216")
    own = {p.paragraph_label for p in versions_engine.passages if p.doc_id == "A_RES_80_216" and p.paragraph_label}
    assert {r["b"]["label"] for r in data["pairs"] if r["b"]} == own
    text = run("L.20", "80/190")
    assert text.returncode == 0 and text.stdout.startswith("A/RES/80/190 against A/C.3/80/L.20: ")
    bad = run("L.47", "A/RES/12/345")
    assert bad.returncode == 2 and "no document 'A/RES/12/345'" in bad.stderr and "Traceback" not in bad.stderr


@pytest.fixture
def compare_page(versions_engine, versions_settings, monkeypatch):
    monkeypatch.setenv("RETRIEVAL_CORPUS_DIR", str(versions_settings.corpus_dir))
    monkeypatch.setenv("RETRIEVAL_INDEX_DIR", str(versions_settings.index_dir))
    app = AppTest.from_file(APP, default_timeout=120)
    return app


def _page_text(app) -> str:
    return html.unescape(" ".join(m.value for m in app.markdown))


def test_compare_page_opens_the_comparison_its_address_names(compare_page):
    app = compare_page
    app.query_params["a"] = "A_RES_80_190"
    app.query_params["b"] = "A_C.3_80_L.20"  # given newer first: shown older first all the same
    app.switch_page("app_pages/compare.py").run()
    assert not app.exception
    assert [s.value for s in app.selectbox][:2] == ["A_C.3_80_L.20", "A_RES_80_190"]
    text = _page_text(app)
    assert "A/RES/80/190 against A/C.3/80/L.20: " in text
    assert 'class="change' in " ".join(m.value for m in app.markdown)
    assert app.query_params["a"] == "A_C.3_80_L.20" and app.query_params["b"] == "A_RES_80_190"
    labels = [b.label for b in app.get("download_button")]
    assert labels == ["Download as Markdown", "Download as text"]


def test_compare_page_says_when_an_address_names_no_document(compare_page):
    app = compare_page
    app.query_params["a"] = "<b>A/RES/1/1</b>"
    app.query_params["b"] = "A_RES_80_216"
    app.switch_page("app_pages/compare.py").run()
    assert not app.exception
    warning = app.warning[0].value
    assert "Not in this library" in warning and "<b>" not in warning
