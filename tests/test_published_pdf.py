"""The panel summary as published, a typeset PDF (bold headings with no blank line, justified
text, a running header, an "n/N" footer), indexed alone: its answers cite as the text file's do."""

from __future__ import annotations

from conftest import DATA
from published import TEXT, compare, engine_for
from retrieval.dev.evaluation import load_questions
from typeset import image_only_copy, panel_summary_pdf


def test_the_typeset_panel_summary_answers_and_cites_as_its_text_file_does(engine, tmp_path):
    pdf = panel_summary_pdf(TEXT, tmp_path / "panel-summary.pdf")
    pdf_engine = engine_for(tmp_path / "pdf", pdf, engine)
    c = compare(engine, pdf_engine, pdf, load_questions(DATA / "questions.jsonl"))
    assert c.questions == 50
    assert c.same_section >= 48  # the headings are read from the fonts
    assert c.who_pdf == c.who_text  # "who said it" as with the text
    assert abs(c.hit1_pdf - c.hit1_text) <= 0.02
    assert c.running_words_in_passages == 0  # no running header or page footer in any passage
    assert c.pages_right == c.questions  # every citation names the page its quote is on


def test_its_scan_is_read_with_ocr_and_every_citation_names_the_right_page(engine, tmp_path):
    pdf = panel_summary_pdf(TEXT, tmp_path / "panel-summary.pdf")
    scan = image_only_copy(pdf, tmp_path / "panel-summary-scan.pdf", dpi=200)  # no text layer at all
    scan_engine = engine_for(tmp_path / "scan", scan, engine)
    c = compare(engine, scan_engine, pdf, load_questions(DATA / "questions.jsonl"))
    assert abs(c.hit1_pdf - c.hit1_text) <= 0.05
    assert c.pages_right == c.questions
