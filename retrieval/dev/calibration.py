"""Fit the answer box's calibrator on one half of the question sets; report the other half.

    make calibrate        (python -m retrieval.dev.calibration --write)

For the pair of models and for the first model alone: every question of the project's sets is
asked with no calibration, and the box's signals (``selective.Evidence``) are kept with whether
the first result's highlighted sentence holds the answer. Questions the documents do not answer
(near-topic sets, and the second document's questions asked after it is removed) count as wrong
whenever they would get a box. A question refused, or "partial" for missing terms, never gets a
box whatever the calibrator says, so it is not fitted on (it is counted in the reports); nor does
one whose best two passages tie (``selective.TIE``).

Two calibrators for each set of models, each chosen by the same rule fixed in advance (the lowest
threshold at which the box's precision is at least MIN_PRECISION and at most MAX_UNCOVERED of the
uncovered questions get a box, on the questions it was fitted on):

- **One document** (the shipped summary): fitted on half 0 of the project's sets (halves fixed by a
  hash of each question's id, ``selective.half``); half 1 and the shared dev set are reported.
  ``--write --one-document`` keeps it; the kept one is an earlier fit (a refit with today's signals
  lowered the summary's coverage, docs/quality.md).
- **A library of several documents** (#31): its signals mean something else there (near-copies
  across versions, other documents' close paragraphs; Kamath et al. 2020 on domain shift), and the
  library signals (``named_document``, ``documents_competing``, ``answer_versions``) are constant
  over one document. Fitted on ``un_dev_fit.jsonl`` (70 answerable and 20 uncovered questions over
  the real UN documents of ``../shared/un-documents/dev``, written by a helper from the documents'
  text before any fit; fitted on, and tuned on after its first measurement); the library's tune and
  held-out sets (written before tuning) are reported, never fitted on. ``--write`` keeps it in
  ``retrieval/answer/box_calibration.json``, keyed with ``selective.LIBRARY_SUFFIX``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..answer.engine import Engine
from ..answer.selective import (
    CALIBRATION_FILE, FEATURES, LIBRARY_SUFFIX, BoxCalibration, calibration_key, choose_threshold, fit, half,
    risk_coverage, save_calibration, tied,
)
from ..config import PROJECT_ROOT as ROOT, Settings
from .evaluation import contains_gold, load_questions

DATA = ROOT / "tests" / "data"
DEV = ROOT.parent / "shared" / "eval" / "dev_questions.jsonl"
SETS = ("questions.jsonl", "paraphrase_questions.jsonl", "near_topic_questions.jsonl", "newcomer_questions.jsonl")
LIBRARY_DOCUMENT = DATA / "library" / "seasonal-worker-pilot-review.md"
# A library of real UN documents and its question sets: the fit set is fitted on; the tune and
# held-out sets (written before tuning) are only reported.
UN_DEV = ROOT.parent / "shared" / "un-documents" / "dev"
UN_DEV_SETS = ("un_dev_tune.jsonl", "un_dev_heldout.jsonl")
UN_DEV_FIT = DATA / "un_dev_fit.jsonl"
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
    parser.add_argument("--write", action="store_true", help="keep the library's fits in retrieval/box_calibration.json")
    parser.add_argument("--one-document", action="store_true",
                        help="with --write, keep the one document's half-0 fits too (today's are from an earlier fit)")
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
        un_fit = load_questions(UN_DEV_FIT) if UN_DEV_FIT.exists() else []
        fits = load_kept()
        for key, (engine, library_engine) in views.items():
            records = (observe(engine, rows) + observe(library_engine, library_rows)
                       + observe(engine, library_rows, uncovered=True))  # as if the second document were removed
            half0 = [r for r in records if r["half"] == 0]
            calibration = fit_and_choose(half0, f"half 0 of {', '.join(SETS)} and library_questions.jsonl")
            if args.one_document:
                fits[key] = calibration
            show(f"{key}, one document", calibration,
                 [("half 0 (fitted)", half0), ("half 1 (held out)", [r for r in records if r["half"] == 1]),
                  ("shared dev (unseen)", observe(engine, dev))])
            un_engine = un_views.get(key)
            if un_engine is None or not un_fit:
                continue
            # A library's: fitted on its fit set alone, reported on the sets written before tuning.
            fitted = _observe_set(un_engine, un_fit)
            library_calibration = fit_and_choose(fitted, f"{UN_DEV_FIT.name} over ../shared/un-documents/dev")
            fits[f"{key}{LIBRARY_SUFFIX}"] = library_calibration
            show(f"{key}, a library", library_calibration,
                 [("the library's fit set (fitted)", fitted)]
                 + [(f"UN dev library, {name} set (not fitted on)", _observe_set(un_engine, rows_))
                    for name, rows_ in (("tune", un_tune), ("held-out", un_heldout))])
    if args.write:
        save_calibration(fits)
        print("\nwritten: retrieval/box_calibration.json")


def load_kept() -> dict:
    """The calibrations kept today (the one document's stay unless ``--one-document``); one fitted
    on other signals than today's is left out (say so: the one document's is then refitted only
    with ``--one-document``)."""
    kept = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8")) if CALIBRATION_FILE.exists() else {}
    out = {}
    for key, entry in kept.items():
        try:
            out[key] = BoxCalibration.from_dict(entry)
        except ValueError as exc:
            print(f"kept calibration {key!r} left out ({exc}); refit it (--one-document for one document's)")
    return out


def fit_and_choose(records: list[dict], fitted_on: str):
    """The calibrator fitted on these records, with the threshold the rule fixed in advance chooses on them."""
    train = [r for r in records if r["possible"]]
    calibration = fit(np.array([r["x"] for r in train]), np.array([r["right"] for r in train]),
                      fitted_on=f"{fitted_on} ({len(train)} questions)")
    threshold = choose_threshold(report(records, calibration, THRESHOLDS), MIN_PRECISION, MAX_UNCOVERED)
    return replace(calibration, threshold=threshold)


def show(title: str, calibration, subsets: list[tuple[str, list[dict]]]) -> None:
    print(f"\n== {title}: threshold {calibration.threshold} (chosen on the fitted questions: the lowest with "
          f"precision ≥ {MIN_PRECISION} and uncovered boxed ≤ {MAX_UNCOVERED})")
    print("weights:", dict(zip(calibration.to_dict()["features"], np.round(calibration.weights, 2))))
    for name, subset in subsets:
        answerable, uncovered = sum(r["answerable"] for r in subset), sum(not r["answerable"] for r in subset)
        print(table(f"{name}: {answerable} answerable, {uncovered} uncovered", report(subset, calibration, THRESHOLDS)))
        before = report(subset, calibration, [-0.5])[0]
        print(f"  without the calibrator: coverage {before.coverage:.3f}, precision {before.precision:.3f}, "
              f"uncovered boxed {before.uncovered_boxed:.3f}")


if __name__ == "__main__":
    main()
