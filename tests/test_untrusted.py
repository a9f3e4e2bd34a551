"""Untrusted files on a shared server: each hostile or unlucky file is made here, refused (or read
right) with a one-line reason, and costs only itself; limits hold in time and memory."""

import json
import os
import resource
import shutil
import subprocess
import sys
import time
import zipfile

import docx
import pytest

from conftest import DOC_ID, ROOT
from retrieval.chat.conversation import Exchange, respond
from retrieval.config import MAX_QUESTION_CHARS
from retrieval.ingest.corpus import load_corpus, scan_corpus
from retrieval.ingest.formats import IngestError, read_document_text
from retrieval.index.library import add_document, remove_document, safe_document_name
from retrieval.ingest.limits import MIB, Limits
from test_ingest import make_pdf

TEXT = "Harbour pilots\n\nPilots guide large ships into the harbour at high tide, twice a day.\n"


def listing(folder):
    return sorted((p.name, p.stat().st_size) for p in folder.iterdir())


# Runs the CLI and reports this program's own peak memory on the way out, whatever the exit.
# VmHWM, not ru_maxrss: the latter keeps the forked parent's size from before exec.
_MEASURED = """
import runpy, sys
sys.argv = ["retrieval"] + sys.argv[1:]
try:
    runpy.run_module("retrieval", run_name="__main__")
finally:
    hwm = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    print(f"PEAK_KIB={hwm}", file=sys.stderr)
"""


def cli(args, env_extra, *, limit_file_bytes=None, timeout=300):
    """Run the CLI in a child process; returns (result, peak memory of that child in MiB, seconds)."""
    def preexec():
        if limit_file_bytes is not None:  # writes past this fail with EFBIG, as on a full disk
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_bytes, limit_file_bytes))

    start = time.monotonic()
    out = subprocess.run([sys.executable, "-c", _MEASURED, *args], cwd=ROOT, env=os.environ | env_extra,
                         capture_output=True, text=True, timeout=timeout, preexec_fn=preexec)
    seconds = time.monotonic() - start
    peak = [int(line.split("=")[1]) / 1024 for line in out.stderr.splitlines() if line.startswith("PEAK_KIB=")]
    return out, (peak[0] if peak else float("nan")), seconds


def one_line_error(out):
    lines = out.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("error:")]
    assert "Traceback" not in out.stderr and len(errors) == 1, out.stderr
    return errors[0]


# --- names -------------------------------------------------------------------------------
def test_long_and_odd_names_are_made_safe_and_every_derived_name_fits(tmp_path, corpus_dir):
    source = tmp_path / "a.txt"
    source.write_text(TEXT)
    long_name = "x" * 251 + ".txt"
    doc_id = add_document(source, corpus_dir, name=long_name)
    assert len(doc_id.encode()) <= Limits().max_name_bytes
    assert (corpus_dir / f"{doc_id}.txt").exists()
    assert doc_id in [d.id for d in load_corpus(corpus_dir)]
    assert safe_document_name("../../etc/passwd.txt") == "passwd.txt"
    assert safe_document_name("ünïcödé name ☃.MD") == "ünïcödé-name.md"
    assert safe_document_name(".hidden.txt") == "hidden.txt"
    assert safe_document_name("é" * 300 + ".txt").encode().__len__() <= 104


def test_a_long_file_name_dropped_into_the_corpus_costs_nothing(corpus_dir):
    (corpus_dir / ("y" * 250 + ".txt")).write_text(TEXT)  # its sidecar name would be over 255 bytes
    documents, skipped = scan_corpus(corpus_dir)
    assert DOC_ID in [d.id for d in documents] and skipped == []


# --- collisions --------------------------------------------------------------------------
def test_a_same_named_upload_never_replaces_a_document_unless_asked(tmp_path, corpus_dir):
    first, second = tmp_path / "one" / "notes.txt", tmp_path / "two" / "notes.txt"
    first.parent.mkdir()
    second.parent.mkdir()
    first.write_text(TEXT)
    second.write_text(TEXT.replace("twice", "three times"))
    add_document(first, corpus_dir)
    before = listing(corpus_dir)
    with pytest.raises(IngestError, match="already has a document named 'notes'"):
        add_document(second, corpus_dir)
    assert listing(corpus_dir) == before
    add_document(second, corpus_dir, replace=True)
    assert "three times" in (corpus_dir / "notes.txt").read_text()


def test_the_shipped_document_is_protected_unless_replaced_on_the_command_line(tmp_path, corpus_dir):
    junk = tmp_path / f"{DOC_ID}.txt"
    junk.write_text("88 bytes of junk " * 5)
    before = listing(corpus_dir)
    for replace in (False, True):
        with pytest.raises(IngestError, match="shipped with the project"):
            add_document(junk, corpus_dir, replace=replace)
    with pytest.raises(IngestError, match="shipped with the project"):
        remove_document(DOC_ID, corpus_dir)
    assert listing(corpus_dir) == before
    add_document(junk, corpus_dir, replace=True, replace_protected=True)  # what `add --replace` does
    assert (corpus_dir / f"{DOC_ID}.txt").read_text().startswith("88 bytes")


# --- size, pages, characters, time -------------------------------------------------------
def _zip_bomb_docx(path, inflated_mib):
    d = docx.Document()
    d.add_paragraph("A short report.")
    d.save(str(path))
    block = b"\0" * MIB
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z:
        with z.open("word/media/padding.bin", "w", force_zip64=True) as member:
            for _ in range(inflated_mib):
                member.write(block)
    return path


@pytest.mark.slow
def test_a_docx_that_inflates_past_the_limit_is_refused_before_it_is_inflated(tmp_path, corpus_dir):
    bomb = _zip_bomb_docx(tmp_path / "report.docx", inflated_mib=Limits().max_unpacked_bytes // MIB + 100)
    assert bomb.stat().st_size < 2 * MIB
    before = listing(corpus_dir)
    out, peak_mib, seconds = cli(["add", str(bomb)], {"RETRIEVAL_CORPUS_DIR": str(corpus_dir),
                                                      "RETRIEVAL_INDEX_DIR": str(tmp_path / "index")})
    assert out.returncode == 1 and "unpacks to" in one_line_error(out)
    assert listing(corpus_dir) == before
    print(f"\nzip bomb refused: child peak {peak_mib:.0f} MiB, {seconds:.1f} s")
    assert peak_mib < 200 and seconds < 60, (peak_mib, seconds)  # the file inflated would be 300 MiB


@pytest.mark.slow
def test_a_zip_bomb_dropped_into_the_corpus_is_skipped_cheaply(tmp_path, corpus_dir):
    _zip_bomb_docx(corpus_dir / "report.docx", inflated_mib=Limits().max_unpacked_bytes // MIB + 100)
    start = time.monotonic()
    documents, skipped = scan_corpus(corpus_dir)
    assert time.monotonic() - start < 5
    assert [name for name, _ in skipped] == ["report.docx"] and "unpacks to" in skipped[0][1]


def test_pdf_pages_and_text_length_have_limits(tmp_path, monkeypatch):
    # Each page its own text: a line the same on most pages would be a running header, and dropped.
    topics = ["harbours", "fleets", "crews", "nets", "ports", "quotas", "wages"]
    pdf = make_pdf(tmp_path / "long.pdf", [f"Page {i} of a long report on {topics[i % 7]}." for i in range(30)])
    with pytest.raises(IngestError, match="30 pages"):
        read_document_text(pdf, Limits(max_pages=20))
    assert read_document_text(pdf, Limits(max_pages=30)).text.count("\f") == 29
    text = tmp_path / "long.txt"
    text.write_text("Words and more words. " * 100)
    with pytest.raises(IngestError, match="too much text"):
        read_document_text(text, Limits(max_characters=1000))
    monkeypatch.setenv("RETRIEVAL_MAX_PAGES", "20")
    assert Limits.from_env().max_pages == 20


def test_a_document_with_no_passage_is_not_added(tmp_path, corpus_dir):
    empty = tmp_path / "headings.md"
    empty.write_text("# Only a heading\n")
    with pytest.raises(IngestError, match="no passage"):
        add_document(empty, corpus_dir)


# --- encodings ---------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "latin-1", "cp1252"])
def test_text_in_other_encodings_is_read_right(tmp_path, encoding):
    path = tmp_path / "cafe.txt"
    path.write_bytes("Café owners in Zürich hired seasonal staff — “many” of them.\n".encode(encoding, "replace"))
    text = read_document_text(path).text
    assert text.startswith("Café owners in Zürich") and "\x00" not in text and "\ufffd" not in text


def test_binary_data_named_txt_is_refused_not_indexed_as_garbage(tmp_path):
    path = tmp_path / "data.txt"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(IngestError, match="UTF-8"):
        read_document_text(path)


# --- one bad file costs only itself ------------------------------------------------------
@pytest.mark.parametrize("sidecar", [b"{not json", b"[]", b"\xff\xfe\x00bad bytes", b'{"title": 5}'])
def test_a_broken_sidecar_costs_only_its_metadata(corpus_dir, sidecar):
    (corpus_dir / "notes.txt").write_text(TEXT)
    (corpus_dir / "notes.meta.json").write_bytes(sidecar)
    documents = {d.id: d for d in load_corpus(corpus_dir)}
    assert documents["notes"].title == "notes" and DOC_ID in documents


def test_a_link_out_of_the_corpus_is_skipped_and_listed(tmp_path, corpus_dir, settings, engine):
    secret = tmp_path / "secret.txt"
    secret.write_text("Password: hunter2. The vault code is 1234.")
    (corpus_dir / "secret.txt").symlink_to(secret)
    documents, skipped = scan_corpus(corpus_dir)
    assert "secret" not in [d.id for d in documents]
    assert skipped == [("secret.txt", "not a regular file (links are not followed)")]
    index = tmp_path / "index"
    shutil.copytree(settings.index_dir, index)
    out, _, _ = cli(["list"], {"RETRIEVAL_CORPUS_DIR": str(corpus_dir), "RETRIEVAL_INDEX_DIR": str(index)})
    assert out.returncode == 0 and "skipped\tsecret.txt\tnot a regular file" in out.stdout


def test_added_files_and_the_manifest_are_readable_by_others(tmp_path, corpus_dir, settings, engine):
    source = tmp_path / "notes.txt"
    source.write_text(TEXT)
    add_document(source, corpus_dir)
    assert (corpus_dir / "notes.txt").stat().st_mode & 0o777 == 0o644
    assert (settings.index_dir / "manifest.json").stat().st_mode & 0o777 == 0o644


# --- a failed build leaves the previous index serving --------------------------------------
def test_when_the_index_cannot_be_written_add_takes_the_file_out_and_the_old_index_serves(
        tmp_path, corpus_dir, settings, engine):
    index = tmp_path / "index"
    shutil.copytree(settings.index_dir, index)
    manifest = (index / "manifest.json").read_bytes()
    env = {"RETRIEVAL_CORPUS_DIR": str(corpus_dir), "RETRIEVAL_INDEX_DIR": str(index)}
    source = tmp_path / "harbour.txt"
    source.write_text(TEXT * 3)
    before = listing(corpus_dir)
    out, _, _ = cli(["add", str(source)], env, limit_file_bytes=64 * 1024)  # index files are larger
    assert out.returncode == 1 and "the index could not be updated" in one_line_error(out)
    assert listing(corpus_dir) == before and (index / "manifest.json").read_bytes() == manifest
    out, _, _ = cli(["ask", "--json", "Who bears the costs of migration?"], env)
    assert out.returncode == 0 and json.loads(out.stdout)["answered"]


# --- every CLI error is one line ---------------------------------------------------------
@pytest.mark.slow
def test_cli_errors_are_one_line_with_an_exit_code(tmp_path, settings):
    empty = tmp_path / "empty"
    empty.mkdir()
    cases = [
        (["list"], {"RETRIEVAL_CORPUS_DIR": str(tmp_path / "missing")}, "does not exist"),
        (["ask", "What about remittances?"], {"RETRIEVAL_CORPUS_DIR": str(empty)}, "no readable document"),
        (["ask", "What about remittances?"], {"RETRIEVAL_TOP_K": "abc"}, "RETRIEVAL_TOP_K must be a whole number"),
    ]
    only = tmp_path / "only"
    only.mkdir()
    (only / "notes.txt").write_text(TEXT)
    cases.append((["remove", "notes"], {"RETRIEVAL_CORPUS_DIR": str(only)}, "the only document"))
    for args, env, message in cases:
        env = {"RETRIEVAL_INDEX_DIR": str(tmp_path / "index")} | env
        out, _, _ = cli(args, env)
        assert out.returncode == 1 and message in one_line_error(out), (args, out.stderr)
    assert (only / "notes.txt").exists()


# --- caps on every text that reaches the engine ------------------------------------------
def test_chained_follow_ups_stay_within_the_question_cap(engine):
    history: list[Exchange] = []
    question = "What did panellists say about remittances?"
    for _ in range(4):
        reply = respond(engine, question, history, 3)
        assert reply.searched_as is None or len(reply.searched_as) <= MAX_QUESTION_CHARS
        history.append(reply)
        question = "What about " + "x" * 600 + "?"  # few words, so it reads as a follow-up
    reply = respond(engine, "What about " + "x" * 50_000 + "?", history, 3)  # no room left for context
    assert reply.searched_as is None or len(reply.searched_as) <= MAX_QUESTION_CHARS
    assert all(len(t.searched_as) <= MAX_QUESTION_CHARS for t in history)
    assert all(t.searched_as.startswith("What did panellists") for t in history)  # they were follow-ups
