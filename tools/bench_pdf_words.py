"""Seconds per page of the two readers of a PDF page's words, on the dev UN documents.

pdfplumber: ``pdf_layout._text_page`` as the ingestion runs it (its ruled-table search
included), and its ``extract_words`` alone; PDFium: ``pdf_words.page_words``, with
``page_kind`` (what the caller needs to choose between them). Each document is opened and read
whole, as ingestion does, so opening costs count too.

    .venv/bin/python tools/bench_pdf_words.py [folder or PDFs...]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402
import pypdfium2  # noqa: E402

from retrieval.ingest.pdf_layout import _text_page  # noqa: E402
from retrieval.ingest.pdf_words import page_kind, page_words  # noqa: E402

DEV = ROOT.parent / "shared" / "un-documents" / "dev"


def plumber_text_page(path: Path) -> int:
    with pdfplumber.open(str(path)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            _text_page(page, number)
            page.flush_cache()
        return len(pdf.pages)


def plumber_words(path: Path) -> int:
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False)
            page.flush_cache()
        return len(pdf.pages)


def pdfium_words(path: Path) -> int:
    document = pypdfium2.PdfDocument(str(path))
    try:
        for page in document:
            page_kind(page)
            page_words(page)
            page.close()
        return len(document)
    finally:
        document.close()


def main(argv: list[str]) -> None:
    paths = [Path(a) for a in argv] or [DEV]
    files = sorted(f for p in paths for f in (p.glob("*.pdf") if p.is_dir() else [p]))
    if not files:
        sys.exit(f"no PDFs in {', '.join(map(str, paths))}")
    readers = (("pdfplumber _text_page", plumber_text_page), ("pdfplumber extract_words", plumber_words),
               ("pdfium page_kind+page_words", pdfium_words))
    totals = {name: 0.0 for name, _ in readers}
    pages = 0
    print(f"{'file':24s} {'pages':>5s} " + " ".join(f"{name:>28s}" for name, _ in readers) + "   (s/page)")
    for f in files:
        row = []
        for name, read in readers:
            start = time.perf_counter()
            n = read(f)
            spent = time.perf_counter() - start
            totals[name] += spent
            row.append(spent / max(n, 1))
        pages += n
        print(f"{f.name:24s} {n:5d} " + " ".join(f"{v:28.4f}" for v in row))
    print(f"{'all':24s} {pages:5d} " + " ".join(f"{totals[name] / pages:28.4f}" for name, _ in readers))
    base = totals[readers[0][0]]
    fast = totals[readers[-1][0]]
    print(f"pdfium is {base / fast:.1f}x faster per page than _text_page "
          f"({totals[readers[1][0]] / fast:.1f}x than extract_words alone)")


if __name__ == "__main__":
    main(sys.argv[1:])
