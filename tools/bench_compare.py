"""Benchmark of #34's comparison: two real resolutions of 15 pages and more compared paragraph by
paragraph, printed beside the time to read them (the comparison works on passages already read
when a library is indexed). Run: ``make bench-compare``."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from retrieval.answer.compare import compare, paragraphs  # noqa: E402
from retrieval.ingest.corpus import corpus_passages, load_document  # noqa: E402

DEV = ROOT.parent / "shared" / "un-documents" / "dev"
PAIRS = [("A_RES_79_159.pdf", "A_RES_80_191.pdf"), ("A_RES_79_227.pdf", "A_RES_80_157.pdf"),
         ("A_RES_79_171.pdf", "A_RES_80_210.pdf"), ("A_C.3_80_L.20.pdf", "A_RES_80_190.pdf")]


def main() -> None:
    import pypdf

    print(f"{'pair':40} {'pages':>9} {'paras':>9} {'read s':>7} {'compare s':>10} {'differences':>11}")
    for a, b in PAIRS:
        t = time.perf_counter()
        pa = corpus_passages([load_document(DEV / a)])
        pb = corpus_passages([load_document(DEV / b)])
        read = time.perf_counter() - t
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            c = compare(pa, pb)
            runs.append(time.perf_counter() - t)
        pages = f"{len(pypdf.PdfReader(DEV / a).pages)}+{len(pypdf.PdfReader(DEV / b).pages)}"
        paras = f"{len(paragraphs(pa))}+{len(paragraphs(pb))}"
        print(f"{a + ' → ' + b:40} {pages:>9} {paras:>9} {read:7.2f} {statistics.median(runs):10.3f} "
              f"{len(c.by_substance()):11d}")


if __name__ == "__main__":
    main()
