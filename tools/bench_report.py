"""Benchmark of #33's report: the unanswered-questions report of a record of 10,000 questions
(refused or partial, most of them wordings no other question shares), as the Library page draws
it on each rerun: the first time (every question embedded), again with nothing new, and again
after one more question. Run: ``make bench-report``."""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from retrieval.config import DEFAULT_MODEL  # noqa: E402
from retrieval.models.model import load_embedder  # noqa: E402
from retrieval.server.record import Record  # noqa: E402
from retrieval.server.report import unanswered  # noqa: E402

SUBJECTS = """fisheries tariffs glaciers vaccines satellites railways coral elections pensions drought
tourism copper wheat refugees broadband forests shipping diabetes literacy mangroves""".split()
ASKS = ["What does it say about {} in {}?", "Is there anything on {} and {}?", "How many {} were reported in {}?",
        "Who is responsible for {} in {}?", "When will the {} plan for {} start?"]
PLACES = """Chad Peru Fiji Laos Oman Mali Chile Nepal Kenya Haiti Samoa Tonga Benin Niger Qatar Yemen Togo Cuba""".split()


class _Engine:
    """What the page hands the report: an engine (here only its embedder)."""

    def __init__(self, embedder):
        self.embedder = embedder


def main(n: int = 10_000) -> None:
    from ui.record_view import question_vectors

    rng = random.Random(7)
    embedder = load_embedder(DEFAULT_MODEL)
    with tempfile.TemporaryDirectory() as tmp:
        record = Record(Path(tmp) / "record.sqlite3")
        for i in range(n):
            text = rng.choice(ASKS).format(rng.choice(SUBJECTS), rng.choice(PLACES)) + f" ({i % 997})"
            record.question(text, "none" if i % 3 else "partial")
        engine = _Engine(embedder)

        def draw() -> tuple[float, int]:
            t = time.perf_counter()
            gaps = unanswered(record, embed=lambda texts: question_vectors(engine, texts))
            return time.perf_counter() - t, len(gaps)

        cold, groups = draw()
        warm, _ = draw()
        record.question("What does it say about lighthouses in Palau?", "none")
        one_more, _ = draw()
    print(f"{n:,} recorded questions, {groups:,} groups")
    print(f"first draw (every question embedded): {cold:6.2f} s")
    print(f"again, nothing new:                   {warm:6.2f} s")
    print(f"again, one question more:             {one_more:6.2f} s   (target: at most 2 s)")


if __name__ == "__main__":
    main()
