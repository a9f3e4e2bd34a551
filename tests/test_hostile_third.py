"""The third hostile battery (#33), the parts mended so far: state that guards security (the
wrong-key count, the engine, the record) survives a visitor's ``clear_cache``; no cache at module
level keeps a replaced engine alive; pages of any size are rendered and read by OCR within a
pixel budget decided before decoding; CSV cells cannot start a formula; what the CLI prints
carries no terminal control sequences; document titles are shown as text, isolated and capped."""

from __future__ import annotations

import csv
import gc
import io
import shutil
import subprocess
import sys
import weakref
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import CORPUS, ROOT

APP = str(ROOT / "app.py")


# --- pixel budgets -------------------------------------------------------------------------------
def test_the_resolution_is_lowered_for_a_huge_page_before_it_is_decoded():
    from retrieval.ingest.pdf_layout import OCR_DPI, OCR_PIXELS, budgeted_dpi

    assert budgeted_dpi(595, 842, OCR_DPI, OCR_PIXELS) == OCR_DPI  # an A4 page as asked
    dpi = budgeted_dpi(14_400, 14_400, OCR_DPI, OCR_PIXELS)
    assert (14_400 / 72 * dpi) ** 2 <= OCR_PIXELS * 1.0001


def test_a_huge_pdf_page_is_shown_within_the_pixel_budget(tmp_path):
    from fpdf import FPDF
    from PIL import Image

    from retrieval.ingest.page_view import PAGE_PIXELS, page_image

    pdf = FPDF(unit="pt", format=(14_400, 14_400))
    pdf.add_page()
    pdf.set_font("Helvetica", size=400)
    pdf.text(1000, 2000, "Remittances increase access to health care.")
    path = tmp_path / "huge.pdf"
    pdf.output(str(path))
    view = page_image(path, 1, "Remittances increase access to health care.")
    width, height = Image.open(io.BytesIO(view.png)).size
    assert width * height <= PAGE_PIXELS and width > 500
    assert view.marked  # still the page, with the sentence found on it


# --- CSV cells and the CLI's output --------------------------------------------------------------
@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_csv_cells_that_would_start_a_formula_are_neutralised(cell):
    from retrieval.server.report import csv_cell

    out = csv_cell(cell)
    assert out.startswith("'") and out[1:] == cell
    assert csv_cell("What do remittances cost?") == "What do remittances cost?"
    assert csv_cell(3) == 3


@pytest.mark.slow
def test_the_cli_prints_no_terminal_control_sequences_from_a_title(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "evil.md").write_text("# Title \x1b]0;owned\x07\x1b[2J with \u202eRTL\n\nA paragraph about fishing boats "
                                    "and the life rafts they carry at sea.\n", encoding="utf-8")
    env = {"RETRIEVAL_CORPUS_DIR": str(corpus), "RETRIEVAL_INDEX_DIR": str(tmp_path / "index"),
           "RETRIEVAL_SECOND_MODEL": "none", "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "retrieval", "list"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert "evil" in out.stdout
    assert "\x1b" not in out.stdout and "\x07" not in out.stdout and "\u202e" not in out.stdout
    out = subprocess.run([sys.executable, "-m", "retrieval", "ask", "How many life rafts do fishing boats carry?"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0 and "Title" in out.stdout, out.stderr  # cited by that title
    assert "\x1b" not in out.stdout and "\x07" not in out.stdout and "\u202e" not in out.stdout


@pytest.mark.slow
def test_the_report_on_the_command_line_writes_no_formula_and_no_control_sequence(tmp_path):
    """#33: questions and 👎 comments are anyone's words: ``report --csv`` neutralises cells a
    spreadsheet would run as formulas, and the text report prints no terminal control sequence."""
    from retrieval.server.record import Record

    record = Record(tmp_path / "record.sqlite3")
    record.question('=HYPERLINK("http://x.example","click")', "none", missing=["HYPERLINK"])
    asked = record.question("Who pays for the boats?", "answer", citation="Panel, para. 5")
    record.feedback(asked, -1, "@SUM(1+1) \x1b]0;owned\x07\x1b[2J wrong \u202epara")
    env = {"RETRIEVAL_INDEX_DIR": str(tmp_path), "RETRIEVAL_RECORD": str(tmp_path / "record.sqlite3"),
           "PATH": "/usr/bin:/bin"}
    run = lambda *extra: subprocess.run([sys.executable, "-m", "retrieval", "report", *extra], cwd=ROOT,  # noqa: E731
                                        env=env, capture_output=True, text=True, timeout=300)
    out = run("--csv")
    assert out.returncode == 0, out.stderr
    cells = [cell for row in csv.reader(io.StringIO(out.stdout)) for cell in row]
    assert "'=HYPERLINK(\"http://x.example\",\"click\")" in cells
    assert any(c.startswith("'@SUM(1+1)") for c in cells)
    assert not any(c.startswith(("=", "+", "@", "-")) for c in cells if c)
    for shown in (out.stdout, run().stdout):
        assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
        assert "wrong" in shown


# --- state a visitor cannot clear ----------------------------------------------------------------
def test_clear_cache_neither_reloads_the_engine_nor_resets_the_wrong_key_count(engine, settings, monkeypatch):
    """Streamlit's ``clear_cache`` message (any browser can send it) runs ``st.cache_data.clear()``
    and ``st.cache_resource.clear()`` for the whole server: the same calls are made here."""
    import streamlit as st

    from ui import live_engine, roles

    monkeypatch.setenv("RETRIEVAL_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setenv("RETRIEVAL_EDITOR_KEY", "third-battery-key")
    app = AppTest.from_file(APP, default_timeout=120).run()
    assert not app.exception
    live = live_engine.get_live()
    for _ in range(roles.MAX_WRONG):
        roles.wrong_keys().add()
    st.cache_data.clear()
    st.cache_resource.clear()
    assert live_engine.get_live() is live and live.current is live_engine.get_live().current
    assert roles.wrong_keys().wait_left() > 0  # still locked out
    app.switch_page("app_pages/library.py").run()
    app.text_input(key="typed_key").input("third-battery-key")
    app.button[0].click().run()
    assert any("Too many wrong keys" in e.value for e in app.error)


def test_no_drawing_cache_keeps_a_replaced_engine_alive(engine):
    from retrieval.answer.engine import Engine
    from ui.documents import document_facts
    from ui.html import section_html

    view = engine.with_params()  # another engine object over the same index, as a reload makes
    doc = engine.documents[0]["id"]
    section = engine.sections(doc)[0]
    assert section_html(view, doc, section) == section_html(engine, doc, section)
    assert document_facts(view, doc)
    gone = weakref.ref(view)
    del view
    gc.collect()
    assert gone() is None
    assert isinstance(engine, Engine)


def test_the_server_accepts_only_loopback_names_when_bound_to_loopback():
    from ui.server import allowed_hosts

    local = ["--server.address", "127.0.0.1", "--server.port", "8501"]
    assert allowed_hosts(local, {}) == ["localhost", "127.0.0.1", "::1"]
    assert allowed_hosts(["--server.address=localhost"], {}) == ["localhost", "127.0.0.1", "::1"]
    # A network server lists the names it is reached by, or takes any (editing needs the key there).
    assert allowed_hosts(["--server.address", "0.0.0.0"], {}) == []
    assert allowed_hosts(local, {"RETRIEVAL_ALLOWED_HOSTS": "chat.un.example, *.un.example"}) == [
        "chat.un.example", "*.un.example"]
    assert allowed_hosts([*local, "--server.allowedHosts", "x"], {}) == []  # the operator's own wins


def test_a_full_disk_while_the_second_model_is_written_publishes_neither_and_the_old_index_serves(
        tmp_path, settings, engine):
    """Disk full mid-add (#33): the first model's new index written, the second's failing. Neither
    is published, the old ones stay and serve, the document is taken out again, nothing is left."""
    import json

    from retrieval.index.store import SECOND_INDEX
    from test_untrusted import TEXT, cli, listing, one_line_error

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = tmp_path / "index"
    shutil.copytree(settings.index_dir, index, ignore=shutil.ignore_patterns("record.sqlite3*"))
    assert (index / SECOND_INDEX / "manifest.json").exists(), "the suite builds both models' indexes"
    largest = {name: max(f.stat().st_size for f in (index / sub).glob("g-*/*") if f.is_file())
               for name, sub in (("first", "."), ("second", SECOND_INDEX))}
    # Per-file limit between the two: the first model's files fit (with room for one more short
    # document), the second's larger vectors do not, as when the disk fills between the two.
    assert largest["second"] > 1.5 * largest["first"], largest
    limit = int(1.25 * largest["first"])
    manifests = [(index / "manifest.json").read_bytes(), (index / SECOND_INDEX / "manifest.json").read_bytes()]
    generations = sorted(p.name for p in index.rglob("g-*"))
    env = {"RETRIEVAL_CORPUS_DIR": str(corpus), "RETRIEVAL_INDEX_DIR": str(index)}
    source = tmp_path / "harbour.txt"
    source.write_text(TEXT * 3)
    before = listing(corpus)
    out, _, _ = cli(["add", str(source)], env, limit_file_bytes=limit)
    assert out.returncode == 1 and "the index could not be updated" in one_line_error(out)
    assert listing(corpus) == before
    assert [(index / "manifest.json").read_bytes(), (index / SECOND_INDEX / "manifest.json").read_bytes()] == manifests
    assert sorted(p.name for p in index.rglob("g-*")) == generations  # the staged one taken away, no old one lost
    assert not list(index.rglob(".g-*"))
    # A start on the still-full disk serves the last good index, built by neither model again.
    out, _, _ = cli(["ask", "--json", "Who bears the costs of migration?"], env, limit_file_bytes=limit)
    assert out.returncode == 0 and json.loads(out.stdout)["answered"], out.stderr
    assert "rebuilding" not in out.stderr


def test_grouping_recorded_questions_by_blocks_is_the_one_by_one_grouping():
    """The report groups 10,000 questions by matrix blocks (#33); the groups are the ones a
    question-by-question comparison with every earlier leader gives."""
    import numpy as np

    from retrieval.server.report import group_by_similarity

    rng = np.random.default_rng(3)
    centres = rng.normal(size=(40, 16))
    vectors = centres[rng.integers(0, 40, 700)] + 0.25 * rng.normal(size=(700, 16))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    leaders: list[int] = []
    want = []
    for i, v in enumerate(vectors):
        j = next((j for j in leaders if float(v @ vectors[j]) >= 0.9), None)
        if j is None:
            leaders.append(i)
        want.append(i if j is None else j)
    got = group_by_similarity(vectors, 0.9, block=64)  # blocks smaller than the set: crossing them counts
    assert got == want and 40 <= len(set(got)) < 700


def test_text_from_documents_is_text_in_labels_and_html_with_no_bidi_or_control_characters():
    from retrieval.ingest.metadata import MAX_FIELD_CHARS, display_text
    from ui.html import esc, label

    title = "Water \u202egnirts\u202c ![x](http://e.example/a.png) :red[loud] $x^2$ [link](http://e.example) \x1b[31m"
    shown = label(title)
    # Streamlit's Markdown labels: no image, link, colour directive or LaTeX is left to render.
    import re

    for live in (r"!\[x", r"\]\(http", r":red\[", r"\$x"):  # each one unescaped
        assert not re.search(r"(?<!\\)" + live, shown), live
    assert "\u202e" not in shown and "\x1b" not in shown
    assert label("Migration and development: drivers and impacts") == "Migration and development: drivers and impacts"
    # Nor a list, a rule, an entity or a bare web address turned into one.
    assert label("- item") == "\\- item" and label("1. First") == "1\\. First" and label("---") == "\\---"
    assert label("Tom &amp; Jerry") == "Tom \\&amp; Jerry" and label("www.example.org") == "www\\.example.org"
    assert label("Rights of the child (A/RES/80/190, 2025)") == "Rights of the child (A/RES/80/190, 2025)"
    html = esc(title)
    assert "<" not in html.replace("&#60;", "") and "\u202e" not in html and "\x1b" not in html
    long = display_text("A" * 10_000, MAX_FIELD_CHARS)
    assert len(long) == MAX_FIELD_CHARS and long.endswith("…")


# --- a scan at a busy start, and a server killed during OCR --------------------------------------
@pytest.mark.model
def test_a_busy_start_never_drops_a_scan_the_library_accepted_while_the_gate_still_times_out(tmp_path):
    """#33: a scan the library read once is read again at a start (after an upgrade its kept
    reading is an older reader's) on a machine so busy that the reading takes longer than the gate
    allows: it is still listed and searched. A scan never read before (copied in by hand) is held
    to the gate's time, and the same file offered to ``add`` is refused for it."""
    import json

    from retrieval.ingest.read_cache import READ_CACHE, READER_VERSION
    from test_untrusted import cli, one_line_error
    from typeset import image_only_copy, un_style_pdf

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    image_only_copy(un_style_pdf(tmp_path / "report.pdf"), corpus / "report-scan.pdf", dpi=200)
    index = tmp_path / "index"
    quiet = {"RETRIEVAL_CORPUS_DIR": str(corpus), "RETRIEVAL_INDEX_DIR": str(index),
             "RETRIEVAL_SECOND_MODEL": "none", "RETRIEVAL_RECORD": "off"}
    out, _, _ = cli(["list"], quiet, timeout=600)
    assert out.returncode == 0 and "report-scan" in out.stdout, out.stderr
    kept = list((index / READ_CACHE).glob(f"*-{READER_VERSION}.json"))
    assert kept
    for reading in kept:  # an upgrade: the kept readings are an earlier reader's
        reading.rename(reading.with_name(reading.name.replace(f"-{READER_VERSION}.json", "-0.json")))
    (tmp_path / "other").mkdir()
    image_only_copy(un_style_pdf(tmp_path / "other" / "report.pdf"), corpus / "copied-in.pdf", dpi=150)
    busy = quiet | {"RETRIEVAL_MAX_READ_SECONDS": "0.01"}
    out, _, _ = cli(["ask", "--json", "Who should bear recruitment fees?"], busy, timeout=600)
    assert out.returncode == 0, out.stderr
    first = json.loads(out.stdout)["results"][0]
    assert "borne by employers" in first["text"] and first["citation"]["document"] == "report-scan"
    assert "skipping copied-in.pdf" in out.stderr and "skipping report-scan" not in out.stderr
    offered = image_only_copy(un_style_pdf(tmp_path / "other" / "report.pdf"), tmp_path / "fees.pdf", dpi=200)
    out, _, _ = cli(["add", str(offered)], busy, timeout=600)
    assert out.returncode == 1 and "took over 0.01 s" in one_line_error(out)


_OCR_CHILD = """
import sys, time
from pathlib import Path
from retrieval.files import scratch_folder
from retrieval.ingest.formats import read_document_text
with scratch_folder(Path(sys.argv[1])) as tmp:
    copy = tmp / "upload.pdf"
    copy.write_bytes(Path(sys.argv[2]).read_bytes())
    print(tmp, flush=True)
    read_document_text(copy)
"""


@pytest.mark.skipif(not shutil.which("tesseract"), reason="Tesseract is not installed (apt-get install tesseract-ocr)")
@pytest.mark.slow
def test_a_server_killed_during_ocr_leaves_no_file_and_no_tesseract_behind(tmp_path):
    """#33: kill -9 of the process reading a scan (as a server adding an upload): Tesseract stops
    with it, nothing was written to the system's temporary folder, and the upload's copy is
    removed by the next start or add of this machine (``sweep_scratch``)."""
    import os
    import signal
    import time

    from retrieval.files import SCRATCH, scratch_folder, sweep_scratch
    from typeset import image_only_copy, un_style_pdf

    scan = image_only_copy(un_style_pdf(tmp_path / "report.pdf"), tmp_path / "scan.pdf", dpi=300)
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    index = tmp_path / "index"
    child = subprocess.Popen([sys.executable, "-c", _OCR_CHILD, str(index), str(scan)], cwd=ROOT,
                             env={**os.environ, "TMPDIR": str(system_tmp), "PYTHONPATH": str(ROOT)},
                             stdout=subprocess.PIPE, text=True)
    folder = Path(child.stdout.readline().strip())
    assert folder.parent == index / SCRATCH and (folder / "upload.pdf").exists()

    def tesseracts() -> list[int]:
        found = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
            except OSError:
                continue
            if fields.get("Name", "").strip() == "tesseract" and fields.get("PPid", "").strip() == str(child.pid):
                found.append(int(status.parent.name))
        return found

    deadline = time.monotonic() + 120
    while not tesseracts() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    reading = tesseracts()
    assert reading, "the child never started Tesseract"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)
    def running(pid: int) -> bool:
        try:
            return "zombie" not in Path(f"/proc/{pid}/status").read_text()
        except OSError:  # gone
            return False

    deadline = time.monotonic() + 10
    while any(running(pid) for pid in reading) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(running(pid) for pid in reading), "Tesseract read on for a process that is gone"
    assert list(system_tmp.iterdir()) == []  # nothing in the system's temporary folder
    assert folder.exists()  # the copy a killed process leaves ...
    with scratch_folder(index) as mine:  # ... is gone at the next add (a start sweeps the same way)
        assert not folder.exists() and mine.exists()
    assert sweep_scratch(index) == [] and list((index / SCRATCH).iterdir()) == []


def test_a_scratch_folder_of_a_live_process_or_another_machine_is_left_alone(tmp_path):
    """Only this machine's folders that no live process holds are swept: a restarted server may
    get the PID of the one killed (in a container, always), so the PID is not what decides."""
    import os
    import socket

    from retrieval.files import OWNER, SCRATCH, scratch_folder, sweep_scratch

    root = tmp_path / SCRATCH
    dead = root / f"{socket.gethostname()}-{os.getpid()}-dead"  # this very PID, but nobody holds it
    other_host = root / "elsewhere.example-1-abc"
    for folder in (dead, other_host):
        folder.mkdir(parents=True)
        (folder / OWNER).touch()
    being_made = root / f"{socket.gethostname()}-{os.getpid()}-new"  # its lock file not made yet
    being_made.mkdir()
    with scratch_folder(tmp_path) as mine:
        assert not dead.exists()  # making one sweeps first
        assert sweep_scratch(tmp_path) == [] and mine.exists() and other_host.exists() and being_made.exists()
    assert not mine.exists()


def test_the_markdown_export_of_an_answer_from_a_hostile_title_renders_no_image_link_or_html(
        tmp_path, engine, settings, monkeypatch):
    """#33: a document's title and heading carry an image, a link and HTML; the conversation's
    Markdown download quotes them as text (a Markdown renderer loads nothing, runs nothing)."""
    import re

    import streamlit as st

    from retrieval.chat.transcript import conversation_export

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "pilots.md").write_text(
        "# Pilots ![t](http://e.example/t.png) [site](http://e.example) <img src=x onerror=alert(1)>\n\n"
        "## Boarding ![h](http://e.example/h.png)\n\n"
        "Harbour pilots board incoming ships at the outer buoy and bring them through the channel.\n",
        encoding="utf-8")
    index = tmp_path / "index"
    shutil.copytree(settings.index_dir, index, ignore=shutil.ignore_patterns("record.sqlite3*"))
    monkeypatch.setenv("RETRIEVAL_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("RETRIEVAL_INDEX_DIR", str(index))
    monkeypatch.setenv("RETRIEVAL_RECORD", "off")
    st.cache_resource.clear()
    try:
        app = AppTest.from_file(APP, default_timeout=300).run()
        app.chat_input[0].set_value("Where do harbour pilots board incoming ships?").run()
        assert not app.exception
        md = conversation_export(app.session_state.exchanges, markdown=True, passages=True)
    finally:
        st.cache_resource.clear()
    assert "Pilots" in md and "Boarding" in md  # the citation names the document and its section
    assert not re.search(r"(?<!\\)!(?<!\\)\[", md)  # no image: every "![" escaped
    assert not re.search(r"(?<!\\)\]\(http", md)  # no link
    assert not re.search(r"(?<!\\)<img", md)  # no HTML: "<" escaped


@pytest.mark.model
def test_adding_a_scan_of_one_7200_point_page_reads_it_within_the_ocr_pixel_budget(tmp_path):
    """#33: a scanned page of 7,200 × 7,200 pt offered to ``add``: read by OCR at a resolution
    lowered before the page is rasterised (at 200 dpi it would be 400 megapixels: 3.2 GiB for
    that page alone before), so the whole ``add`` process stays well under that."""
    from fpdf import FPDF

    from test_untrusted import cli
    from typeset import image_only_copy

    pdf = FPDF(unit="pt", format=(7_200, 7_200))
    pdf.add_page()
    pdf.set_font("Helvetica", size=260)
    for k, line in enumerate(["Harbour pilots board ships", "at the outer buoy before", "they enter the channel."]):
        pdf.text(400, 1500 + 400 * k, line)
    pdf.output(str(tmp_path / "big.pdf"))
    scan = image_only_copy(tmp_path / "big.pdf", tmp_path / "big-scan.pdf", dpi=20)  # a 2,000-px image
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    env = {"RETRIEVAL_CORPUS_DIR": str(corpus), "RETRIEVAL_INDEX_DIR": str(tmp_path / "index"),
           "RETRIEVAL_SECOND_MODEL": "none", "RETRIEVAL_RECORD": "off"}
    out, peak_mib, _ = cli(["add", str(scan)], env, timeout=900)
    assert out.returncode == 0, out.stderr
    assert peak_mib < 1500, peak_mib  # measured here: 431 MiB for the whole process
    listed = subprocess.run([sys.executable, "-m", "retrieval", "ask", "--json", "Where do harbour pilots board ships?"],
                            cwd=ROOT, env={**__import__("os").environ, **env}, capture_output=True, text=True,
                            timeout=600)
    assert "outer buoy" in listed.stdout, listed.stderr
