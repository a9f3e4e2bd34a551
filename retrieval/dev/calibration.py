"""Fit the answer box's calibrator on one half of the question sets; report the other half.

    make calibrate        (python -m retrieval.dev.calibration --write)

For the pair of models and for the first model alone: every question of the project's sets is
asked with no calibration, and the box's signals (``selective.Evidence``) are kept with whether
the first result's highlighted sentence holds the answer. Questions the documents do not answer
(near-topic sets, and the second document's questions asked after it is removed) count as wrong
whenever they would get a box. A question refused, or "partial" for missing terms, never gets a
box whatever the calibrator says, so it is not fitted on (it is counted in the reports); nor does
one whose best two passages tie (``selective.TIE``).

Halves are fixed by a hash of each question's id (``selective.half``). The logistic model is
fitted on half 0 and the threshold chosen there: the lowest threshold at which the box's precision
is at least MIN_PRECISION and at most MAX_UNCOVERED of the uncovered questions get a box. Half 1
and the shared dev set (never used to choose) are reported with that threshold. ``--write`` keeps
the half-0 fit in ``retrieval/answer/box_calibration.json``.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..answer.engine import Engine
from ..answer.selective import (
    FEATURES, calibration_key, choose_threshold, fit, half, risk_coverage, save_calibration, tied,
)
from ..config import PROJECT_ROOT as ROOT, Settings
from .evaluation import contains_gold, load_questions

DATA = ROOT / "tests" / "data"
DEV = ROOT.parent / "shared" / "eval" / "dev_questions.jsonl"
SETS = ("questions.jsonl", "paraphrase_questions.jsonl", "near_topic_questions.jsonl", "newcomer_questions.jsonl")
LIBRARY_DOCUMENT = DATA / "library" / "seasonal-worker-pilot-review.md"
# A library of real UN documents (versions of one resolution, drafts, reports, an old scan) and
# its own questions, written before tuning: both sets are reported beside the fit, never fitted on.
# Fitting on the tune set's half 0 as well was tried (2026-12-07, the pair): the threshold rose to
# 0.75, the summary's held-out half fell to coverage 0.564, and the library's held-out set still
# boxed 4 of its 6 uncovered questions: today's signals do not tell a library's uncovered
# questions apart (docs/quality.md).
UN_DEV = ROOT.parent / "shared" / "un-documents" / "dev"
UN_DEV_SETS = ("un_dev_tune.jsonl", "un_dev_heldout.jsonl")
MIN_PRECISION = 0.92
MAX_UNCOVERED = 0.10
THRESHOLDS = [round(t, 2) for t in np.arange(0.30, 0.96, 0.05)]


def observe(engine: Engine, rows: list[dict], uncovered: bool = False) -> list[dict]:
    """One record per question: its half, whether the documents answer it, the box's signals and
    whether the box would be right; ``gets_box_possible`` false when refused or missing terms."""
    view = engine.with_calibration(None)
    out = []
    for q in rows:
        gold = [] if uncovered else (q.get("gold") or [])
        if not gold and "missing" not in q and not uncovered:
            continue  # far off-topic: refused by the similarity floor (reported by `eval`)
        answer = view.ask(q["question"], top_k=5)
        possible = answer.answered and not answer.missing and answer.evidence is not None
        right = bool(gold) and bool(answer.results) and contains_gold(answer.results[0].highlight, gold)
        out.append({"id": q["id"], "half": half(q["id"]), "answerable": bool(gold), "possible": possible,
                    "right": right, "x": answer.evidence.vector() if answer.evidence is not None else None})
    return out


def _observe_set(engine: Engine, rows: list[dict]) -> list[dict]:
    """A set that mixes answerable questions and ones its library does not answer (gold [])."""
    return observe(engine, [q for q in rows if q.get("gold")]) + observe(engine, [q for q in rows if not q.get("gold")],
                                                                         uncovered=True)


def report(records: list[dict], calibration, thresholds) -> list:
    """Risk–coverage over all records: those that cannot get a box count as not shown."""
    margin = FEATURES.index("passage_margin")
    p = np.array([calibration.probability_of(r["x"]) if r["possible"] and not tied(r["x"][margin]) else -1.0
                  for r in records])
    return risk_coverage(p, np.array([r["right"] for r in records]), np.array([r["answerable"] for r in records]),
                         thresholds)


def table(title: str, rows) -> str:
    lines = [title, "  threshold  coverage  precision  uncovered-boxed"]
    lines += [f"  {r.threshold:9.2f}  {r.coverage:8.3f}  {r.precision:9.3f}  {r.uncovered_boxed:15.3f}" for r in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="keep the half-0 fits in retrieval/box_calibration.json")
    args = parser.parse_args()
    settings = Settings.from_env()
    pair = Engine.load(settings)
    rows = [q for name in SETS for q in load_questions(DATA / name)]
    library_rows = load_questions(DATA / "library_questions.jsonl")
    dev = load_questions(DEV) if DEV.exists() else []
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(settings.corpus_dir, corpus)
        shutil.copy(LIBRARY_DOCUMENT, corpus / LIBRARY_DOCUMENT.name)
        library = Engine.load(Settings.from_env(corpus_dir=corpus, index_dir=Path(tmp) / "index"),
                              embedder=pair.embedder, second_embedder=pair.second[0] if pair.second else None)
        views = {calibration_key([e.name for e in pair.embedders]): (pair, library)} if pair.second else {}
        views[calibration_key([pair.embedder.name])] = (pair.single_model(), library.single_model())
        un_views = {}
        if UN_DEV.is_dir():
            un_corpus = Path(tmp) / "un-dev"
            shutil.copytree(UN_DEV, un_corpus)  # a copy: a library's folder is written to (sidecars, shipped files)
            un_library = Engine.load(Settings.from_env(corpus_dir=un_corpus, index_dir=Path(tmp) / "un-dev-index"),
                                     embedder=pair.embedder, second_embedder=pair.second[0] if pair.second else None)
            if pair.second:
                un_views[calibration_key([e.name for e in pair.embedders])] = un_library
            un_views[calibration_key([pair.embedder.name])] = un_library.single_model()
        un_tune, un_heldout = (load_questions(DATA / name) for name in UN_DEV_SETS)
        fits = {}
        for key, (engine, library_engine) in views.items():
            records = (observe(engine, rows) + observe(library_engine, library_rows)
                       + observe(engine, library_rows, uncovered=True))  # as if the second document were removed
            dev_records = observe(engine, dev)
            un_engine = un_views.get(key)
            un_records = ({name: _observe_set(un_engine, rows_) for name, rows_ in
                           (("tune", un_tune), ("held-out", un_heldout))} if un_engine is not None else {})
            train = [r for r in records if r["half"] == 0 and r["possible"]]
            calibration = fit(np.array([r["x"] for r in train]), np.array([r["right"] for r in train]),
                              fitted_on=f"half 0 of {', '.join(SETS)} and library_questions.jsonl "
                                        f"({len(train)} questions)")
            grid0 = report([r for r in records if r["half"] == 0], calibration, THRESHOLDS)
            threshold = choose_threshold(grid0, MIN_PRECISION, MAX_UNCOVERED)
            calibration = replace(calibration, threshold=threshold)
            fits[key] = calibration
            n = lambda rs: (sum(r["answerable"] for r in rs), sum(not r["answerable"] for r in rs))  # noqa: E731
            print(f"\n== {key}: threshold {threshold} (chosen on half 0: lowest with precision ≥ {MIN_PRECISION} "
                  f"and uncovered boxed ≤ {MAX_UNCOVERED})")
            print("weights:", dict(zip(calibration.to_dict()["features"], np.round(calibration.weights, 2))))
            shown = [("half 0 (fitted)", [r for r in records if r["half"] == 0]),
                     ("half 1 (held out)", [r for r in records if r["half"] == 1]),
                     ("shared dev (unseen)", dev_records)]
            shown += [(f"UN dev library, {name} set (not fitted on)", subset) for name, subset in un_records.items()]
            for name, subset in shown:
                answerable, uncovered = n(subset)
                print(table(f"{name}: {answerable} answerable, {uncovered} uncovered",
                            report(subset, calibration, THRESHOLDS)))
                before = report(subset, calibration, [-0.5])[0]
                print(f"  without the calibrator: coverage {before.coverage:.3f}, precision {before.precision:.3f}, "
                      f"uncovered boxed {before.uncovered_boxed:.3f}")
    if args.write:
        save_calibration(fits)
        print("\nwritten: retrieval/box_calibration.json")


if __name__ == "__main__":
    main()
