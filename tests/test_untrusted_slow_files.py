"""Files inside the size limits that used to never finish (the second hostile battery, #23): each
is made here, refused by the CLI within 90 s in one line, below 1 GiB of memory, nothing left in
the corpus; and what the page and the JSON-lines mode show is the person's own words."""

import errno
import zipfile

import docx
import pytest

from retrieval.ingest.formats import IngestError
from retrieval.index.library import check_addition
from retrieval.ingest.limits import MIB, Limits
from retrieval.chat.wording import failure_reason
from test_untrusted import cli, listing, one_line_error

pytestmark = pytest.mark.slow  # files made big, read in child processes: not the fast tier

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


_GATE = """
import sys, time
from pathlib import Path
from retrieval.ingest.formats import IngestError
from retrieval.index.library import check_addition
try:
    print("accepted", check_addition(Path(sys.argv[1]), Path(sys.argv[2]))[0])
except IngestError as exc:
    print("refused", exc)
hwm = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(f"PEAK_KIB={hwm}", file=sys.stderr)
"""


def gate_in_child(path, corpus_dir):
    import subprocess
    import sys
    import time

    from conftest import ROOT

    start = time.monotonic()
    out = subprocess.run([sys.executable, "-c", _GATE, str(path), str(corpus_dir)], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    peak = [int(line.split("=")[1]) / 1024 for line in out.stderr.splitlines() if line.startswith("PEAK_KIB=")]
    return out, (peak[0] if peak else float("nan")), time.monotonic() - start


def _docx_with_body(path, write_body):
    """A real .docx (python-docx) whose document.xml is replaced by a stream written by ``write_body``."""
    base = docx.Document()
    base.add_paragraph("placeholder")
    base.save(str(path.with_suffix(".base.docx")))
    with zipfile.ZipFile(path.with_suffix(".base.docx")) as src, \
            zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            if item.filename != "word/document.xml":
                out.writestr(item, src.read(item.filename))
        with out.open("word/document.xml", "w", force_zip64=True) as body:
            body.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>'.encode())
            write_body(body)
            body.write(b"</w:body></w:document>")
    return path


def test_a_docx_inflating_to_just_under_the_limit_is_refused_in_time_and_memory(tmp_path, corpus_dir):
    target = Limits().max_unpacked_bytes - 6 * MIB  # 194 MiB, just under the gate
    chunk = b"<w:r><w:t></w:t></w:r>" * 4096

    def body(f):
        f.write(b"<w:p>")
        for _ in range(target // len(chunk)):
            f.write(chunk)
        f.write(b"<w:r><w:t>The end.</w:t></w:r></w:p>")

    heavy = _docx_with_body(tmp_path / "heavy.docx", body)
    assert heavy.stat().st_size < 5 * MIB
    with zipfile.ZipFile(heavy) as z:
        assert sum(i.file_size for i in z.infolist()) < Limits().max_unpacked_bytes
    # The gate alone, in a child process as the CLI and the page run it: a verdict in time and memory.
    out, peak_mib, seconds = gate_in_child(heavy, corpus_dir)
    print(f"\n194 MiB docx read: {seconds:.1f} s, child peak {peak_mib:.0f} MiB: {out.stdout.strip()}")
    assert out.returncode == 0 and out.stdout.strip() in ("accepted heavy", "refused heavy.docx: reading the text "
                                                          "took over 60 s; the document is too complex")
    assert seconds <= 90 and peak_mib <= 1024, (seconds, peak_mib)


def test_a_docx_of_fifty_thousand_short_paragraphs_is_refused_quickly(tmp_path, corpus_dir):
    def body(f):
        for i in range(50_000):
            f.write(f"<w:p><w:r><w:t>Line {i}.</w:t></w:r></w:p>".encode())

    many = _docx_with_body(tmp_path / "many.docx", body)
    assert many.stat().st_size < MIB
    before = listing(corpus_dir)
    out, peak_mib, seconds = cli(["add", str(many)], {"RETRIEVAL_CORPUS_DIR": str(corpus_dir),
                                                      "RETRIEVAL_INDEX_DIR": str(tmp_path / "index")})
    print(f"\n50,000 paragraphs: {seconds:.1f} s, child peak {peak_mib:.0f} MiB")
    assert out.returncode == 1 and "over 10,000 paragraphs" in one_line_error(out)
    assert listing(corpus_dir) == before and seconds <= 90 and peak_mib <= 1024


def test_the_paragraph_limit_holds_for_every_format(tmp_path, corpus_dir):
    text = tmp_path / "lines.txt"
    text.write_text("\n\n".join(f"Line {i}." for i in range(60)))
    try:
        check_addition(text, corpus_dir, limits=Limits(max_paragraphs=50))
        raise AssertionError("not refused")
    except IngestError as exc:
        assert str(exc).startswith("lines.txt: over 50 paragraphs")


def test_a_docx_that_declares_entities_is_refused(tmp_path):
    bomb = tmp_path / "entities.docx"
    with zipfile.ZipFile(bomb, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
                                        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                                        f'<w:document {W}><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p>'
                                        '</w:body></w:document>')
    try:
        check_addition(bomb, tmp_path)
        raise AssertionError("not refused")
    except IngestError as exc:
        assert "declares XML entities" in str(exc)


def test_refusals_name_the_persons_own_file_not_the_servers_copy(tmp_path, corpus_dir):
    upload = tmp_path / "upload.pdf"  # how the page stores an upload before checking it
    upload.write_bytes(b"%PDF-1.4 not really a pdf")
    try:
        check_addition(upload, corpus_dir, name="Quarterly report (final).pdf")
        raise AssertionError("not refused")
    except IngestError as exc:
        assert str(exc).startswith("Quarterly report (final).pdf: ") and "upload.pdf" not in str(exc)


def test_what_the_page_shows_of_a_failure_has_no_server_path():
    denied = PermissionError(errno.EPERM, "Operation not permitted", "/srv/chat/index/.g-20261130-1.tmp")
    assert failure_reason(denied) == "the server could not write the library (operation not permitted)"
    full = OSError(errno.ENOSPC, "No space left on device", "/srv/chat/index/g-1/tokens.npy")
    assert "/" not in failure_reason(full) and "no space left" in failure_reason(full)
    assert failure_reason(KeyError("files")) == "the index could not be built"
    assert "/srv" not in failure_reason(IngestError("notes.txt: cannot read /srv/chat/corpus/notes.txt"))
