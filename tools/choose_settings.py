"""Choose the honest-answer settings on one half of the question sets, report the other.

    python tools/choose_settings.py      (RETRIEVAL_SECOND_MODEL=none: MiniLM alone)

Halves are fixed by a hash of each question's id. For each setting it prints, per half, what the
README's "Honest answers" table reports: near-topic questions answered honestly, answerable
questions not answered "answer", highlight@1 and the mean highlight length. The rule used to
choose: on half 0, at most 5 % of answerable questions flagged, then the most near-topic
questions caught, then the fewest flagged, then the highest threshold; the highlight's answer-type bonus is reported over a
grid because it changes no highlight on either half (see README).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval.config import Settings  # noqa: E402
from retrieval.answer.engine import Engine  # noqa: E402
from retrieval.dev.evaluation import evaluate, load_questions  # noqa: E402
from retrieval.answer.selective import half  # noqa: E402

DATA = ROOT / "tests" / "data"
DEV = ROOT.parent / "shared" / "eval" / "dev_questions.jsonl"


def main() -> None:
    engine = Engine.load(Settings.from_env())
    sets = [q for name in ("questions.jsonl", "paraphrase_questions.jsonl", "near_topic_questions.jsonl")
            for q in load_questions(DATA / name)]
    halves = [[q for q in sets if half(q["id"]) == h] for h in (0, 1)]
    dev = load_questions(DEV) if DEV.exists() else []

    def row(view, questions):
        f = evaluate(lambda text: view.ask(text, top_k=5), questions).figures()
        return f"near {f.get('near_topic_honest', '-')}, flagged {f['not_answer']}, " \
               f"highlight@1 {f['highlight@1']:.3f} ({f['highlight_length']})"

    print("meaning_match_threshold (partial rule):")
    for threshold in (0.25, 0.28, 0.30, 0.32, 0.35, 0.37, 0.40):
        view = engine.with_params(meaning_match_threshold=threshold)
        print(f"  {threshold:.2f}  half 0: {row(view, halves[0])} | half 1: {row(view, halves[1])}", flush=True)
    print("rare_zipf (what counts as a rare word), meaning match 0.30:")
    for rare in (4.5, 5.0, 5.3, 5.6):
        view = engine.with_params(rare_zipf=rare)
        print(f"  {rare:.1f}  half 0: {row(view, halves[0])} | half 1: {row(view, halves[1])}", flush=True)
    print("highlight_type_weight (answer-type bonus):")
    for weight in (0.0, 0.04, 0.08, 0.12):
        view = engine.with_params(highlight_type_weight=weight)
        print(f"  {weight:.2f}  half 0: {row(view, halves[0])} | half 1: {row(view, halves[1])}"
              + (f" | dev: {row(view, dev)}" if dev else ""), flush=True)


if __name__ == "__main__":
    main()
