"""More documents and formats: PDF and DOCX made here, incremental indexing, bad files."""

import datetime
import os
import subprocess
import sys

import docx
import pytest
from fpdf import FPDF

from conftest import CORPUS, ROOT, CountingEmbedder
from retrieval.config import Settings
from retrieval.ingest.corpus import load_corpus
from retrieval.answer.engine import Engine
from retrieval.ingest.formats import MAX_FILE_BYTES, IngestError, read_document_text
from retrieval.index.library import add_document, remove_document


def make_pdf(path, pages, created=datetime.datetime(2024, 5, 2, 12, 0, tzinfo=datetime.timezone.utc)):
    pdf = FPDF()
    pdf.set_creation_date(created)  # the document's date, as a published PDF's properties give it
    pdf.set_font("helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    pdf.output(str(path))
    return path


def make_docx(path):
    d = docx.Document()
    d.add_heading("Annual review of seasonal labour", level=0)
    d.add_heading("Housing conditions", level=1)
    d.add_paragraph("Seasonal farm workers often live in crowded caravans supplied by the farm owner.")
    d.add_heading("Pay", level=1)
    d.add_paragraph("Fruit pickers were paid by the crate, and many earned less than the minimum wage.")
    d.core_properties.author = "Farm Labour Unit"
    d.core_properties.created = datetime.datetime(2025, 3, 3, 9, 0)
    d.save(str(path))
    return path


PDF_PAGES = [
    "Fishing fleet report\n\nCrew safety\n\nDeckhands on trawlers rarely receive survival training before their first voyage.",
    "Recommendations\n\nEvery vessel should carry enough life rafts for the whole crew, inspected each winter.",
]


def test_pdf_pages_and_docx_headings_become_cited_passages(tmp_path, corpus_dir, embedder):
    add_document(make_pdf(tmp_path / "fishing-fleet.pdf", PDF_PAGES), corpus_dir)
    add_document(make_docx(tmp_path / "seasonal-labour.docx"), corpus_dir)
    engine = Engine.load(Settings(corpus_dir=corpus_dir, index_dir=tmp_path / "index"), embedder=embedder)

    rafts = engine.ask("How many life rafts should a boat carry?").results[0]
    assert rafts.citation.document == "fishing-fleet"
    assert rafts.citation.page == 2 and rafts.citation.section == "Recommendations"
    training = engine.ask("Do trawler deckhands get survival training?").results[0]
    assert (training.citation.document, training.citation.page) == ("fishing-fleet", 1)

    pay = engine.ask("Were fruit pickers paid the minimum wage?").results[0]
    assert pay.citation.document == "seasonal-labour" and pay.citation.section == "Pay"
    assert pay.citation.page is None and "para. 1" in pay.citation.label

    # The bundled document still answers, cited as itself.
    assert engine.ask("Who bears the costs of migration?").results[0].citation.document.startswith("panel-")


def test_search_can_be_limited_to_chosen_documents(tmp_path, corpus_dir, embedder):
    add_document(make_pdf(tmp_path / "fishing-fleet.pdf", PDF_PAGES), corpus_dir)
    engine = Engine.load(Settings(corpus_dir=corpus_dir, index_dir=tmp_path / "index"), embedder=embedder)
    answer = engine.ask("Is training needed before working at sea?", documents={"fishing-fleet"})
    assert answer.results and {r.citation.document for r in answer.results} == {"fishing-fleet"}


def test_only_new_or_changed_documents_are_embedded(tmp_path, corpus_dir, embedder):
    settings = Settings(corpus_dir=corpus_dir, index_dir=tmp_path / "index")
    spy = CountingEmbedder(embedder)
    Engine.load(settings, embedder=spy)
    full = spy.encoded
    add_document(make_pdf(tmp_path / "fishing-fleet.pdf", PDF_PAGES), corpus_dir)
    spy.encoded = 0
    engine = Engine.load(settings, embedder=spy)
    pdf_passages = [p for p in engine.passages if p.doc_id == "fishing-fleet"]
    assert 0 < spy.encoded == sum(len(p.sentences) for p in pdf_passages) < full  # sentences are what is embedded
    assert engine.index.manifest["embedded_documents"] == ["fishing-fleet"]
    assert set(engine.index.manifest["documents"]) == {d.id for d in load_corpus(corpus_dir)}

    remove_document("fishing-fleet", corpus_dir)
    spy.encoded = 0
    engine = Engine.load(settings, embedder=spy)
    assert spy.encoded == 0
    assert {p.doc_id for p in engine.passages} == {d.id for d in load_corpus(corpus_dir)}
    assert engine.ask("Who bears the costs of migration?").results[0].text.startswith("Panellists concurred")


def _encrypted_pdf(path):
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "Confidential text")
    pdf.output(str(path))
    return path


def _scanned_pdf(path, tmp_path):
    from PIL import Image

    image = tmp_path / "scan.png"
    Image.new("RGB", (200, 100), "white").save(image)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(image), x=10, y=10, w=100)
    pdf.output(str(path))
    return path


@pytest.mark.parametrize("kind, message", [
    ("empty", "empty"), ("extension", "unsupported"), ("large", "too large"), ("garbage", "not a readable PDF"),
    ("encrypted", "encrypted"), ("scanned", "read with OCR and hold no words"), ("bad-docx", "not a readable Word"),
])
def test_bad_files_get_a_clear_message_and_leave_the_corpus_untouched(tmp_path, corpus_dir, kind, message):
    path = {
        "empty": tmp_path / "empty.txt", "extension": tmp_path / "tool.exe", "large": tmp_path / "big.txt",
        "garbage": tmp_path / "fake.pdf", "encrypted": tmp_path / "locked.pdf", "scanned": tmp_path / "scan.pdf",
        "bad-docx": tmp_path / "broken.docx",
    }[kind]
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "extension":
        path.write_bytes(b"MZ binary")
    elif kind == "large":
        with path.open("wb") as f:
            f.truncate(MAX_FILE_BYTES + 1)
    elif kind in ("garbage", "bad-docx"):
        path.write_bytes(b"this is not what the extension says")
    elif kind == "encrypted":
        _encrypted_pdf(path)
    else:
        _scanned_pdf(path, tmp_path)
    before = sorted(p.name for p in corpus_dir.iterdir())
    with pytest.raises(IngestError, match=message):
        add_document(path, corpus_dir)
    assert sorted(p.name for p in corpus_dir.iterdir()) == before


def test_a_bad_file_dropped_into_the_corpus_is_skipped_not_fatal(tmp_path, corpus_dir):
    (corpus_dir / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    assert [d.id for d in load_corpus(corpus_dir)] == [d.id for d in load_corpus(CORPUS)]


def test_read_document_text_marks_pages_for_pdf_only(tmp_path):
    pdf = read_document_text(make_pdf(tmp_path / "a.pdf", ["One.", "Two."]))
    assert pdf.paged and pdf.text.count("\f") == 1
    assert not read_document_text(make_docx(tmp_path / "b.docx")).paged


@pytest.mark.slow
def test_cli_add_list_remove(tmp_path, corpus_dir, settings):
    env = os.environ | {"RETRIEVAL_CORPUS_DIR": str(corpus_dir), "RETRIEVAL_INDEX_DIR": str(tmp_path / "index")}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "retrieval", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300)

    pdf = make_pdf(tmp_path / "fishing-fleet.pdf", PDF_PAGES)
    bad = tmp_path / "notes.exe"
    bad.write_text("x")
    out = run("add", str(pdf), str(bad))
    assert out.returncode == 1 and "unsupported file type" in out.stderr
    assert "added fishing-fleet: 2 passages" in out.stdout
    listing = run("list").stdout
    assert "fishing-fleet\t2 passages" in listing and "panel-discussion" in listing
    out = run("remove", "fishing-fleet")
    assert out.returncode == 0 and "fishing-fleet.pdf" in out.stdout
    assert "fishing-fleet" not in run("list").stdout
    assert run("remove", "no-such-doc").returncode == 1


def test_titles_and_headings_come_from_each_formats_own_structure(tmp_path):
    from retrieval.ingest.corpus import load_document
    from retrieval.ingest.passages import split_passages

    md = tmp_path / "port-logistics-briefing.md"
    md.write_text("# Port Logistics Briefing\n\n## Costs\nThe pilot cost four million euros in its first year.\n"
                  "## Staffing\nTwo crane operators were hired for the night shift.\n")
    doc = load_document(md)
    assert doc.title == "Port Logistics Briefing"
    passages = split_passages(doc.text, doc.id, doc.title, paged=doc.paged, space_page_breaks=doc.space_page_breaks)
    assert [(p.section, p.text) for p in passages] == [
        ("Costs", "The pilot cost four million euros in its first year."),
        ("Staffing", "Two crane operators were hired for the night shift.")]
    docx_doc = load_document(make_docx(tmp_path / "seasonal.docx"))
    assert docx_doc.title == "Annual review of seasonal labour"
    assert "Annual review" not in docx_doc.text  # the title block is not a section
    pdf = FPDF()
    pdf.set_title("Fishing Fleet Report 2024")
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, "Crew safety\n\nDeckhands rarely receive survival training.")
    pdf.output(str(tmp_path / "fleet.pdf"))
    assert load_document(tmp_path / "fleet.pdf").title == "Fishing Fleet Report 2024"


def test_pdf_outline_entries_become_headings(tmp_path):
    from retrieval.ingest.corpus import load_document
    from retrieval.ingest.passages import split_passages

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    heading = "why crew safety, survival training and drills at sea matter to every owner of a fishing vessel."
    pdf.start_section(heading)  # too long and too sentence-like to pass for a heading by its shape
    pdf.multi_cell(0, 8, heading + "\n\nDeckhands rarely receive survival training before their first voyage.")
    pdf.add_page()
    pdf.start_section("Life rafts")
    pdf.multi_cell(0, 8, "Life rafts\n\nEvery vessel should carry enough life rafts for the whole crew.")
    pdf.output(str(tmp_path / "fleet.pdf"))
    doc = load_document(tmp_path / "fleet.pdf")
    passages = split_passages(doc.text, doc.id, doc.title, paged=doc.paged, space_page_breaks=doc.space_page_breaks)
    assert [(p.section, p.page_start) for p in passages] == [(heading, 1), ("Life rafts", 2)]


def test_a_word_documents_author_and_date_come_from_its_core_properties_into_library_and_citation(tmp_path):
    import datetime

    from retrieval.answer.citation import cite
    from retrieval.ingest.corpus import load_document
    from retrieval.ingest.passages import split_passages

    path = tmp_path / "seasonal-labour.docx"
    d = docx.Document()
    d.add_heading("Annual review of seasonal labour", level=0)
    d.add_heading("Pay", level=1)
    d.add_paragraph("Fruit pickers were paid by the crate, and many earned less than the minimum wage.")
    d.core_properties.author = "Labour Inspectorate"
    d.core_properties.created = datetime.datetime(2025, 9, 14, 10, 30)
    d.save(str(path))
    document = load_document(path)
    assert (document.title, document.author, document.date) == (
        "Annual review of seasonal labour", "Labour Inspectorate", "2025-09-14")
    assert document.metadata()["author"] == "Labour Inspectorate"  # what the Library page lists
    passage = split_passages(document.text, document.id, document.title, paged=False)[0]
    assert cite(passage, document.metadata(), None).label == (
        'Annual review of seasonal labour (14 September 2025), "Pay", para. 1')


def test_a_name_already_in_the_library_is_its_own_error_the_page_offers_to_replace(tmp_path):
    from retrieval.index.library import AlreadyInLibrary, check_addition

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.txt").write_text("# Note\n\nThe first text about remittances.\n", encoding="utf-8")
    upload = tmp_path / "note.txt"
    upload.write_text("# Note\n\nA second text about remittances.\n", encoding="utf-8")
    with pytest.raises(AlreadyInLibrary, match="replacing it must be asked for"):
        check_addition(upload, corpus)
    assert check_addition(upload, corpus, replace=True)[0] == "note"  # asked for: allowed
