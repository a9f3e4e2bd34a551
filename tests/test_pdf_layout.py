"""Documents as they are published: a typeset PDF read from its layout (pdfplumber on the real
files, made here with fpdf2), and the pure functions that read lines."""

from __future__ import annotations

import pytest

from retrieval.ingest.corpus import load_document
from retrieval.ingest.pdf_layout import Line, Page, Word, group_lines, layout_text, running_lines, table_rows
from retrieval.ingest.passages import split_passages
from retrieval.answer.citation import cite
from typeset import (BRIEF_MAIN, BRIEF_SIDEBAR, BRIEF_TITLE, UN_FOOTNOTE, UN_HEADINGS, UN_SYMBOL, UN_TABLE, UN_TITLE,
                     image_only_copy, policy_brief_pdf, un_style_pdf)


@pytest.fixture(scope="module")
def un_report(tmp_path_factory):
    path = un_style_pdf(tmp_path_factory.mktemp("published") / "coastal-fisheries.pdf")
    document = load_document(path)
    passages = split_passages(document.text, document.id, document.title, paged=True, space_page_breaks=False)
    return document, passages


def passage_with(passages, words: str):
    return next(p for p in passages if words in p.text)


def test_every_heading_of_a_typeset_report_is_found(un_report):
    _, passages = un_report
    assert [s for s in dict.fromkeys(p.section for p in passages) if s] == UN_HEADINGS


def test_running_headers_page_numbers_and_the_symbol_line_stay_out_of_passages(un_report):
    document, passages = un_report
    assert "- 1 -" not in document.text and "- 2 -" not in document.text
    assert not any(UN_SYMBOL in p.text for p in passages if p.section)  # page 1's masthead is the title block


def test_the_symbol_author_and_date_of_a_report_go_into_its_title_and_citation(un_report):
    document, passages = un_report
    assert document.title == f"{UN_TITLE} ({UN_SYMBOL})" and document.author == "Secretary-General"
    assert document.date == "2026-03-12"  # the masthead's date (the PDF's properties are not read for it)
    label = cite(passage_with(passages, "Onshore processing"), document.metadata(), None).label
    assert label.startswith(f"{UN_TITLE} ({UN_SYMBOL}, 12 March 2026)")


def test_numbered_paragraphs_are_cited_by_their_own_numbers(un_report):
    document, passages = un_report
    for words, number in (("Onshore processing plants", "4"), ("Recruitment fees should be borne", "8"),
                          ("Coastal fisheries employ", "2")):
        label = cite(passage_with(passages, words), document.metadata(), None).label
        assert f"para. {number}," in label, label


def test_a_footnote_is_kept_out_of_its_paragraph_and_placed_after_it(un_report):
    _, passages = un_report
    first = passage_with(passages, "The present report is submitted")
    assert first.text.endswith("It draws on replies from thirty-one Member States.")  # no mark, no note
    note = passages[passages.index(first) + 1]
    assert note.text == UN_FOOTNOTE and note.section == "I. Introduction"


def test_a_two_column_page_is_read_column_by_column(un_report):
    _, passages = un_report
    crews = passage_with(passages, "Crews recruited through agencies")
    assert crews.text == ("3. Crews recruited through agencies often pay recruitment fees that take months of wages "
                          "to repay, and a majority of the replying States reported cases of withheld identity "
                          "documents.")
    order = [(p.number, p.section) for p in passages if p.number]
    assert order == [(str(n), UN_HEADINGS[0 if n <= 2 else 1 if n <= 6 else 2]) for n in range(1, 9)]


def test_a_policy_briefs_sidebar_is_read_apart_from_its_main_column(tmp_path):
    """A brief's page 1: a wide main column beside a narrower sidebar of recommendations. Read
    straight across, a sentence of the main text runs into a bullet ("… of which 72 • Integrate
    education-in-emergencies data into"); read by its columns, each paragraph is whole."""
    document = load_document(policy_brief_pdf(tmp_path / "brief.pdf"))
    passages = split_passages(document.text, document.id, document.title, paged=True, space_page_breaks=False)
    texts = [" ".join(p.text.split()) for p in passages]
    for paragraph in BRIEF_MAIN:
        assert paragraph in texts, paragraph
    for bullet in BRIEF_SIDEBAR:
        assert any(t.endswith(bullet) and len(t) < len(bullet) + 20 for t in texts), bullet
    assert not any("•" in t and "children" in t for t in texts)  # no line of the main text with a bullet
    assert document.title == BRIEF_TITLE


def test_a_table_is_kept_row_by_row(un_report):
    _, passages = un_report
    header = UN_TABLE[0]
    for row in UN_TABLE[1:]:
        expected = "; ".join(f"{h}: {c}" for h, c in zip(header, row)) + "."
        assert any(p.text == expected for p in passages), expected


def test_pages_are_cited_from_the_pdf(un_report):
    _, passages = un_report
    assert passage_with(passages, "Coastal fisheries employ").page_start == 1
    assert passage_with(passages, "Recruitment fees").page_start == 2


# -- the pure functions, on lines made here ------------------------------------------------------
def word(text, x0, top, size=10.0, bold=False):
    return Word(text, x0, x0 + 6 * len(text), top, top + size, size, bold)


def test_two_columns_are_separated_by_their_gutter_and_a_full_width_title_keeps_its_place():
    words = [word("Title across both columns of the page", 60, 40, 14, True)]
    for k in range(6):
        words += [word(f"left{k}", 60, 80 + 14 * k), word(f"right{k}", 330, 80 + 14 * k)]
    lines = [ln.text for ln in group_lines(words, 595)]
    assert lines == ["Title across both columns of the page"] + [f"left{k}" for k in range(6)] + [
        f"right{k}" for k in range(6)]


def test_a_line_repeated_in_the_page_margin_is_a_running_header_and_page_numbers_go():
    def page(n, body):
        lines = (Line("Annual report 2026", 60, 300, 20, 30, 8, False), Line(body, 60, 500, 200, 210, 10, False),
                 Line(f"Page {n} of 3", 250, 320, 810, 818, 8, False))
        return Page(n, 595, 842, lines)

    pages = [page(n, f"Body text of page {n} that says something.") for n in (1, 2, 3)]
    assert running_lines(pages) == {(n, i) for n in (1, 2, 3) for i in (0, 2)}
    assert layout_text(pages).split("\n\n") == [f"{chr(12) * (n > 1)}Body text of page {n} that says something."
                                                for n in (1, 2, 3)]


def test_table_rows_say_what_each_cell_is():
    assert table_rows((("Year", "Arrivals"), ("2024", "1 200"), ("", ""))) == ["Year: 2024; Arrivals: 1 200."]


def test_a_scan_without_tesseract_is_refused_in_one_line_naming_what_to_install(tmp_path, monkeypatch):
    from retrieval.ingest.formats import IngestError, read_document_text

    scan = image_only_copy(un_style_pdf(tmp_path / "report.pdf"), tmp_path / "report-scan.pdf", dpi=100)
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine where the tesseract program is not found
    with pytest.raises(IngestError) as refused:
        read_document_text(scan)
    message = str(refused.value)
    assert "\n" not in message and "apt-get install tesseract-ocr" in message and message.startswith("report-scan.pdf")


def test_an_old_scans_poor_text_layer_without_tesseract_is_read_but_said(tmp_path, monkeypatch, caplog):
    """The 1984 scan carries an old OCR layer ("fndonesian"); without Tesseract to read its images
    again, its pages are read as they are and the log says which, and what to install."""
    import logging

    import pdfplumber

    from retrieval.config import PROJECT_ROOT
    from retrieval.ingest.pdf_layout import read_pages

    monkeypatch.setenv("PATH", str(tmp_path))  # a machine where the tesseract program is not found
    with caplog.at_level(logging.WARNING, logger="retrieval.ingest.pdf_layout"), \
            pdfplumber.open(PROJECT_ROOT.parent / "shared" / "un-documents" / "dev" / "A_39_361.en.pdf") as pdf:
        pages = read_pages(pdf, ocr=True)
    assert len(pages) == 4 and all(p.lines for p in pages)
    said = [r.getMessage() for r in caplog.records if "reads poorly" in r.getMessage()]
    assert said and all("apt-get install tesseract-ocr" in m for m in said)


def test_a_reading_of_an_old_scan_without_tesseract_is_not_kept_and_is_replaced_once_it_is_installed(
        tmp_path, monkeypatch):
    """The warning says to install Tesseract; installing it must be enough: the poor reading is not
    kept on disk or in memory, so the next load reads the scan's images again and keeps that."""
    import shutil

    from retrieval.config import PROJECT_ROOT
    from retrieval.ingest import pdf_reader
    from retrieval.ingest.corpus import load_document
    from retrieval.ingest.read_cache import READER_VERSION, ReadCache
    from retrieval.ingest.recent import Recent

    scan = tmp_path / "A_39_361.en.pdf"
    shutil.copy(PROJECT_ROOT.parent / "shared" / "un-documents" / "dev" / "A_39_361.en.pdf", scan)
    kept = tmp_path / "read-cache"
    monkeypatch.setattr(pdf_reader, "_PDF_READ", Recent(16))  # as in a new process: nothing read yet
    with monkeypatch.context() as without:
        without.setenv("PATH", str(tmp_path))  # a machine where the tesseract program is not found
        poor = load_document(scan, ReadCache(kept))
    assert not list(kept.glob(f"*-{READER_VERSION}.json"))
    better = load_document(scan, ReadCache(kept))  # Tesseract installed (the suite's machine has it)
    assert len(list(kept.glob(f"*-{READER_VERSION}.json"))) == 1
    # The old layer's "fndonesian" is read as "Indonesian" from the page images.
    assert poor.text.count("fndonesian") >= 3 and "fndonesian" not in better.text
    assert better.text.count("Indonesian") > poor.text.count("Indonesian")


@pytest.mark.slow
def test_ocr_reads_a_scanned_report_and_says_how_many_pages_it_has_read(tmp_path):
    from retrieval.ingest.formats import read_document_text

    scan = image_only_copy(un_style_pdf(tmp_path / "report.pdf"), tmp_path / "report-scan.pdf", dpi=200)
    heard = []
    text = read_document_text(scan, progress=lambda done, total: heard.append((done, total))).text
    assert heard == [(1, 2), (2, 2)]
    assert "Onshore processing plants rely on" in " ".join(text.split())
    assert text.count("\f") == 1


def test_a_scan_added_to_the_live_library_is_read_in_the_background_with_pages_read_shown(
        tmp_path, engine, settings):
    import shutil
    import time

    from retrieval.config import Settings
    from retrieval.answer.engine import Engine
    from retrieval.server.live import LiveEngine

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(settings.corpus_dir, corpus)
    shutil.copytree(settings.index_dir, index, ignore=shutil.ignore_patterns("record.sqlite3*"))
    mine = Settings(corpus_dir=corpus, index_dir=index)
    live = LiveEngine(lambda report=None: Engine.load(mine, embedder=engine.embedder, report=report,
                                                      second_embedder=engine.second[0] if engine.second else None))
    scan = image_only_copy(un_style_pdf(tmp_path / "report.pdf"), tmp_path / "report-scan.pdf", dpi=200)
    started = time.monotonic()
    job = live.add(scan, "report-scan.pdf")
    seen = set()
    while job.state == "indexing" and time.monotonic() - started < 300:
        if job.pages_read:
            seen.add(job.pages_read)
        time.sleep(0.05)
    assert job.state == "ready", job.reason
    assert (2, 2) in seen or job.pages_read == (2, 2)
    answer = live.current.ask("Who should bear recruitment fees?", documents={"report-scan"})
    assert "borne by employers" in answer.results[0].text and answer.results[0].citation.page == 2


def test_the_quick_check_of_an_upload_leaves_a_scan_unread(tmp_path):
    from retrieval.ingest import pdf_layout
    from retrieval.index.library import check_addition

    scan = image_only_copy(un_style_pdf(tmp_path / "report.pdf"), tmp_path / "quick-scan.pdf", dpi=100)
    before = len(pdf_layout._OCR_CACHE)
    (tmp_path / "corpus").mkdir()
    assert check_addition(scan, tmp_path / "corpus", ocr=False)[0] == "quick-scan"  # accepted for now
    assert len(pdf_layout._OCR_CACHE) == before  # Tesseract did not run: no page is held for it
