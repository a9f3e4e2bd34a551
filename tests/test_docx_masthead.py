"""A UN document saved as Word: the masthead its PDF has, read from the Word file's first
paragraphs (with their bold and size) by the same masthead reader (no model).

No Word file of a UN document is among the shared documents, so the test writes one of its own
with python-docx in the layout the Organization uses (the masthead as a table, then session,
agenda item and its title, "Resolution adopted by …", the committee report, the numbered title),
from the lines A/RES/80/216 prints, and compares its facts with those read from the real PDF.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document as WordDocument
from docx.shared import Pt

from retrieval.ingest.corpus import load_document
from retrieval.ingest.passages import split_passages

PDF = Path(__file__).resolve().parents[2] / "shared" / "un-documents" / "dev" / "A_RES_80_216.pdf"
SUBJECT = ("Promotion and protection of human rights: human rights questions, including alternative approaches "
           "for improving the effective enjoyment of human rights and fundamental freedoms")


def _paragraph(doc, text: str, bold: bool = False, size: float = 10) -> None:
    run = doc.add_paragraph().add_run(text)
    run.bold, run.font.size = bold, Pt(size)


def _un_resolution_docx(path: Path) -> Path:
    doc = WordDocument()
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).paragraphs[0].add_run("United Nations").font.size = Pt(14)
    table.cell(0, 1).paragraphs[0].add_run("A/RES/80/216").font.size = Pt(14)
    organ = table.cell(1, 0).paragraphs[0].add_run("General Assembly")
    organ.bold, organ.font.size = True, Pt(20)
    table.cell(1, 1).paragraphs[0].add_run("Distr.: General").font.size = Pt(10)
    for line in ("22 December 2025", "Original: English"):
        table.cell(1, 1).add_paragraph().add_run(line).font.size = Pt(10)
    _paragraph(doc, "Eightieth session", bold=True)
    _paragraph(doc, "Agenda item 71 (b)")
    _paragraph(doc, SUBJECT, bold=True)
    _paragraph(doc, "Resolution adopted by the General Assembly on 18 December 2025", bold=True, size=12)
    _paragraph(doc, "[on the report of the Third Committee (A/80/545, para. 5)]")
    _paragraph(doc, "80/216. The human rights to safe drinking water and sanitation", bold=True, size=14)
    _paragraph(doc, "The General Assembly,")
    _paragraph(doc, "Recalling all its previous resolutions on the human rights to safe drinking water and sanitation, "
                    "including resolution 78/206 (A/RES/78/206),")  # a symbol cited in the text stays text
    _paragraph(doc, "Deeply concerned that billions of people still lack access to safely managed drinking water,")
    _paragraph(doc, "1. Calls upon States to ensure the progressive realization of the human rights to safe drinking "
                    "water and sanitation for all;")
    _paragraph(doc, "2. Requests the Special Rapporteur to continue to report annually;")
    _paragraph(doc, "69th plenary meeting")
    _paragraph(doc, "18 December 2025")
    doc.core_properties.author = "Heather Jarvis"  # who typed the file: never the document's author
    doc.save(path)
    return path


def test_a_un_resolution_saved_as_word_has_its_mastheads_facts(tmp_path):
    document = load_document(_un_resolution_docx(tmp_path / "A_RES_80_216.docx"))
    facts = document.facts
    assert document.title == "The human rights to safe drinking water and sanitation (A/RES/80/216)"
    assert document.author == "General Assembly" and document.date == "2025-12-18"
    assert facts["kind"] == "resolution" and facts["session"] == 80 and facts["agenda_item"] == "Agenda item 71 (b)"
    assert facts["agenda_subject"] == SUBJECT and facts["committee_report"] == "A/80/545"
    assert facts["distribution_date"] == "2025-12-22" and facts["meeting"] == "69th plenary meeting"
    assert document.resolution
    # The masthead, the opening formula and the closing meeting are facts, not text.
    for line in ("Distr.", "Agenda item", "Resolution adopted", "on the report of", "80/216.", "The General Assembly,",
                 "plenary meeting", "18 December 2025", "Heather"):
        assert line not in document.text, line
    passages = split_passages(document.text, document.id, document.title, paged=False, resolution=True)
    assert [(p.preambular, p.number) for p in passages] == [(1, None), (2, None), (None, "1"), (None, "2")]


@pytest.mark.slow
def test_the_word_files_facts_are_those_read_from_the_real_pdf(tmp_path):
    if not PDF.is_file():
        pytest.skip("../shared/un-documents/dev/A_RES_80_216.pdf not present (the real UN PDFs are not shipped)")
    word = load_document(_un_resolution_docx(tmp_path / "A_RES_80_216.docx")).facts
    pdf = load_document(PDF).facts
    for key in ("symbol", "title", "kind", "organ", "session", "agenda_item", "agenda_subject", "distribution",
                "distribution_date", "adoption_date", "committee_report", "committee", "author", "meeting"):
        assert word.get(key) == pdf.get(key), key


def test_a_word_file_that_cites_a_symbol_near_its_start_is_no_un_document(tmp_path):
    doc = WordDocument()
    _paragraph(doc, "Minutes of the board meeting, 3 March 2021", size=11)
    _paragraph(doc, "The board discussed its alignment with A/RES/70/1 and the 2030 Agenda.", size=11)
    for k in range(10):
        _paragraph(doc, f"Paragraph {k} of the minutes, on the budget.", size=11)
    _paragraph(doc, "Budget review", bold=True, size=14)
    _paragraph(doc, "The budget was approved.", size=11)
    doc.core_properties.title = "Board minutes"
    doc.save(tmp_path / "minutes.docx")
    document = load_document(tmp_path / "minutes.docx")
    assert document.facts is None and document.title == "Board minutes"
    assert "alignment with A/RES/70/1" in document.text and "Paragraph 9 of the minutes" in document.text


def test_a_word_file_that_is_no_un_document_is_read_as_before(tmp_path):
    doc = WordDocument()
    doc.add_heading("Seasonal workers", level=1)
    _paragraph(doc, "The pilot placed 40 workers on farms in 2024.")
    doc.core_properties.author = "A. Writer"
    doc.save(tmp_path / "note.docx")
    document = load_document(tmp_path / "note.docx")
    assert document.facts is None and document.author == "A. Writer"
    assert document.text == "# Seasonal workers\n\nThe pilot placed 40 workers on farms in 2024."


def test_nothing_after_the_title_or_opening_formula_is_masthead_though_it_cites_a_symbol():
    from retrieval.ingest.un_document import read_paragraph_masthead

    paragraphs = [("A/RES/80/216", False, 10), ("General Assembly", True, 10), ("Distr.: General", False, 10),
                  ("22 December 2025", False, 10), ("Eightieth session", True, 10), ("Agenda item 71 (b)", False, 10),
                  ("Resolution adopted by the General Assembly on 18 December 2025", True, 10),
                  ("[on the report of the Third Committee (A/80/545, para. 5)]", False, 10),
                  ("80/216. The human rights to safe drinking water and sanitation", True, 12),
                  ("The General Assembly,", False, 10),
                  ("Recalling its resolution 70/169 (A/RES/70/169),", False, 10),
                  ("Recalling also Human Rights Council resolution A/HRC/RES/54/3,", False, 10),
                  ("1. Calls upon States to act;", False, 10)]
    facts, used = read_paragraph_masthead(paragraphs)
    assert facts.title == "The human rights to safe drinking water and sanitation"
    assert used == set(range(10))  # the masthead, the title and "The General Assembly,"; no preambular paragraph
