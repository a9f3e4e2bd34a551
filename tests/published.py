"""The panel summary as published (a typeset PDF) against its text file: the same questions asked
of each alone, and what differs in what makes an answer citable. Prints figures; the test in
test_published_pdf.py holds the targets.

Run: `.venv/bin/python tests/published.py` (builds two small indexes in a temporary folder).
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from retrieval.dev.evaluation import contains_gold, load_questions  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TEXT = ROOT / "corpus" / "panel-discussion-international-migration-and-development-2013-06-25.txt"
RUNNING_HEADER = "Panel discussion on international migration and development — Summary"


@dataclass
class Comparison:
    questions: int
    same_section: int
    who_text: int
    who_pdf: int
    hit1_text: float
    hit1_pdf: float
    running_words_in_passages: int
    pages_right: int  # answers whose cited page holds the quoted sentence in the PDF


def engine_for(folder: Path, document: Path, engine):
    from retrieval.config import Settings
    from retrieval.answer.engine import Engine

    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    shutil.copy(document, corpus / document.name)
    return Engine.load(Settings(corpus_dir=corpus, index_dir=folder / "index"), embedder=engine.embedder,
                       second_embedder=engine.second[0] if engine.second else None)


def stated(attribution: dict | None) -> bool:
    from retrieval.ingest.attribution import NOT_STATED

    return bool(attribution) and attribution.get("speaker") != NOT_STATED


def compare(text_engine, pdf_engine, pdf_path: Path, questions: list[dict]) -> Comparison:
    """``pdf_path``: the typeset PDF whose pages the citations must name (a scan's are its own)."""
    import pdfplumber

    with pdfplumber.open(str(pdf_path)) as pdf:
        page_texts = [" ".join((p.extract_text() or "").split()) for p in pdf.pages]
    asked = [q for q in questions if q.get("gold")]
    same = who_t = who_p = hit_t = hit_p = pages_right = 0
    for q in asked:
        a, b = text_engine.ask(q["question"]), pdf_engine.ask(q["question"])
        if not (a.results and b.results):
            continue
        ta, tb = a.results[0], b.results[0]
        same += ta.citation.section == tb.citation.section
        who_t += stated(ta.citation.attribution)
        who_p += stated(tb.citation.attribution)
        hit_t += contains_gold(ta.text, q["gold"])
        hit_p += contains_gold(tb.text, q["gold"])
        page = tb.citation.page
        first_words = " ".join(tb.highlight.split()[:6])
        pages_right += page is not None and first_words in page_texts[page - 1]
    running = sum(1 for p in pdf_engine.index.passages if RUNNING_HEADER in p.text or re.search(r"\b\d+/\d+\b", p.text))
    n = len(asked)
    return Comparison(n, same, who_t, who_p, hit_t / n, hit_p / n, running, pages_right)


def main() -> None:
    from retrieval.answer.engine import Engine
    from typeset import image_only_copy, panel_summary_pdf

    text_engine = Engine.load()
    with tempfile.TemporaryDirectory() as tmp:
        pdf = panel_summary_pdf(TEXT, Path(tmp) / "panel-summary.pdf")
        pdf_engine = engine_for(Path(tmp) / "pdf", pdf, text_engine)
        scan = image_only_copy(pdf, Path(tmp) / "panel-summary-scan.pdf")
        started = time.monotonic()
        scan_engine = engine_for(Path(tmp) / "scan", scan, text_engine)
        print(f"the scan (200 dpi, {len(scan_engine.index.passages)} passages) read with OCR and indexed in "
              f"{time.monotonic() - started:.1f} s")
        for label, engine in (("typeset PDF", pdf_engine), ("its scan, after OCR", scan_engine)):
            for name in ("questions.jsonl", "paraphrase_questions.jsonl"):
                c = compare(text_engine, engine, pdf, load_questions(ROOT / "tests" / "data" / name))
                print(f"{label}, {name}: {c.questions} questions; first answer's section as with the text: "
                      f"{c.same_section}; 'who said it' stated: text {c.who_text}, PDF {c.who_pdf}; hit@1 text "
                      f"{c.hit1_text:.3f}, PDF {c.hit1_pdf:.3f}; passages with running-header or page-number "
                      f"text: {c.running_words_in_passages}; cited page holds the quote: {c.pages_right}")


if __name__ == "__main__" and "--thirty-pages" not in sys.argv:
    main()


def thirty_pages() -> None:
    """From a new process to a 30-page typeset PDF searchable (`python -m retrieval add`, the
    library's own index already built), with the pair and with MiniLM alone."""
    import os
    import subprocess

    import pdfplumber

    from typeset import long_report_pdf

    with tempfile.TemporaryDirectory() as tmp:
        pdf = long_report_pdf(TEXT, Path(tmp) / "compilation.pdf", parts=12)
        with pdfplumber.open(str(pdf)) as opened:
            pages = len(opened.pages)
        from retrieval.ingest.formats import read_document_text

        started = time.monotonic()
        read_document_text(pdf)
        print(f"{pages}-page typeset PDF: read from its layout in {time.monotonic() - started:.1f} s")
        for label, second in (("the pair", None), ("MiniLM alone", "none")):
            corpus, index = Path(tmp) / f"corpus-{label}", Path(tmp) / f"index-{label}"
            shutil.copytree(ROOT / "corpus", corpus)
            shutil.copytree(ROOT / "index", index, ignore=shutil.ignore_patterns("record.sqlite3*", "*.lock"))
            env = os.environ | {"RETRIEVAL_CORPUS_DIR": str(corpus), "RETRIEVAL_INDEX_DIR": str(index)}
            if second:
                env["RETRIEVAL_SECOND_MODEL"] = second
            started = time.monotonic()
            out = subprocess.run([sys.executable, "-m", "retrieval", "add", str(pdf)], cwd=ROOT, env=env,
                                 capture_output=True, text=True, timeout=900)
            took = time.monotonic() - started
            added = [line for line in out.stdout.splitlines() if line.startswith("added")]
            print(f"  with {label}: new process to searchable {took:.1f} s ({added[0] if added else out.stderr[-300:]})")


if __name__ == "__main__" and "--thirty-pages" in sys.argv:
    thirty_pages()
    sys.exit(0)
