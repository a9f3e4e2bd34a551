"""Benchmark of #33's report: the unanswered-questions report of a record of 10,000 questions
(refused or partial, most of them wordings no other question shares), as the Library page draws
it on each rerun: the first time after a start (the vectors read from the record, where the chat
page kept each one as the question was recorded), again with nothing new, and again after one more
question. Also what keeping a question's vector costs the page. Run: ``make bench-report``."""

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
from retrieval.server.report import keep_question_vector, recorded_vectors, unanswered  # noqa: E402

SUBJECTS = """fisheries tariffs glaciers vaccines satellites railways coral elections pensions drought
tourism copper wheat refugees broadband forests shipping diabetes literacy mangroves""".split()
ASKS = ["What does it say about {} in {}?", "Is there anything on {} and {}?", "How many {} were reported in {}?",
        "Who is responsible for {} in {}?", "When will the {} plan for {} start?"]
PLACES = """Chad Peru Fiji Laos Oman Mali Chile Nepal Kenya Haiti Samoa Tonga Benin Niger Qatar Yemen Togo Cuba""".split()


def main(n: int = 10_000) -> None:
    rng = random.Random(7)
    embedder = load_embedder(DEFAULT_MODEL)
    with tempfile.TemporaryDirectory() as tmp:
        record = Record(Path(tmp) / "record.sqlite3")
        kept = 0.0
        for i in range(n):  # as the chat page records a refused or partial question
            text = rng.choice(ASKS).format(rng.choice(SUBJECTS), rng.choice(PLACES)) + f" ({i % 997})"
            state = "none" if i % 3 else "partial"
            record.question(text, state)
            t = time.perf_counter()
            keep_question_vector(record, embedder.name, embedder.encode, text, state)
            kept += time.perf_counter() - t
        memo: dict = {}  # a new process: nothing in memory yet

        def draw() -> tuple[float, int]:
            t = time.perf_counter()
            gaps = unanswered(record, embed=lambda texts: recorded_vectors(record, embedder.name, embedder.encode,
                                                                           texts, memo))
            return time.perf_counter() - t, len(gaps)

        cold, groups = draw()
        warm, _ = draw()
        record.question("What does it say about lighthouses in Palau?", "none")
        one_more, _ = draw()
    print(f"{n:,} recorded questions, {groups:,} groups")
    print(f"keeping a question's vector as it is recorded: {1000 * kept / n:5.1f} ms a question")
    print(f"first draw after a start (vectors from the record): {cold:6.2f} s   (target: at most 2 s)")
    print(f"again, nothing new:                                 {warm:6.2f} s")
    print(f"again, one question more (embedded at the draw):    {one_more:6.2f} s   (target: at most 2 s)")


if __name__ == "__main__":
    main()
