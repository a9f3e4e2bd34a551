"""The answer box's calibrator on fixed signals: bounded, monotone, its threshold honoured, the
kept calibrations loadable; risk–coverage and the threshold rule. No model."""

import json

import numpy as np
import pytest

from retrieval.config import DEFAULT_MODEL, DEFAULT_SECOND_MODEL

from retrieval.answer.selective import (
    CALIBRATION_FILE, FEATURES, BoxCalibration, Evidence, choose_threshold, fit, half, load_calibration,
    risk_coverage,
)


def evidence(**changes) -> Evidence:
    base = dict(best_similarity=0.5, top_score=0.9, passage_margin=0.05, sentence_margin=0.05, highlight_gap=0.0,
                models_agree_passage=1.0, models_agree_sentence=1.0, bm25_agrees=0.8, term_coverage=0.6,
                type_asked=0.0, type_met=1.0, weakest_token=0.5, mean_token=0.7)
    return Evidence(**(base | changes))


def calibration(threshold=0.5) -> BoxCalibration:
    n = len(FEATURES)
    weights = [0.0] * n
    weights[FEATURES.index("passage_margin")] = 2.0
    return BoxCalibration(tuple(weights), 0.0, tuple([0.0] * n), tuple([0.05] * n), threshold)


def test_the_probability_is_bounded_even_for_extreme_signals():
    c = calibration()
    for margin in (-1e9, -1.0, 0.0, 1.0, 1e9):
        assert 0.0 <= c.probability(evidence(passage_margin=margin)) <= 1.0


def test_the_probability_rises_with_a_signal_of_positive_weight():
    c = calibration()
    probabilities = [c.probability(evidence(passage_margin=m)) for m in (-0.1, 0.0, 0.02, 0.05, 0.2)]
    assert probabilities == sorted(probabilities) and probabilities[0] < probabilities[-1]


def test_the_box_is_shown_only_at_or_above_the_threshold():
    c = calibration(threshold=0.7)
    assert c.shows_box(0.7) and c.shows_box(0.95)
    assert not c.shows_box(0.69)
    tie = c.probability(evidence(passage_margin=0.0))  # a tie of the best two passages
    assert tie == pytest.approx(0.5) and not c.shows_box(tie)


@pytest.mark.slow
def test_a_fit_separates_right_boxes_from_wrong_ones_and_orders_them():
    rng = np.random.default_rng(0)
    right = rng.normal(1.0, 0.3, size=(60, len(FEATURES)))
    wrong = rng.normal(0.0, 0.3, size=(60, len(FEATURES)))
    c = fit(np.vstack([right, wrong]), np.array([1] * 60 + [0] * 60))
    p_right = [c.probability_of(v) for v in right]
    p_wrong = [c.probability_of(v) for v in wrong]
    assert np.mean(p_right) > 0.8 > 0.2 > np.mean(p_wrong)


def test_a_constant_signal_does_not_break_the_fit():
    x = np.zeros((20, len(FEATURES)))
    x[:, 0] = np.r_[np.ones(10), np.zeros(10)]
    c = fit(x, np.r_[np.ones(10), np.zeros(10)])
    assert all(np.isfinite(c.weights)) and c.probability_of(x[0]) > c.probability_of(x[-1])


def test_risk_coverage_counts_answerable_and_uncovered_questions_apart():
    p = np.array([0.9, 0.8, 0.4, 0.85, 0.2])
    right = np.array([True, False, True, False, False])
    answerable = np.array([True, True, True, False, False])
    low, high = risk_coverage(p, right, answerable, [0.3, 0.85])
    assert (low.coverage, low.precision, low.uncovered_boxed) == (1.0, pytest.approx(2 / 3), 0.5)
    assert (high.coverage, high.precision, high.uncovered_boxed) == (pytest.approx(1 / 3), 1.0, 0.5)


def test_the_threshold_rule_takes_the_most_coverage_within_both_limits():
    p = np.array([0.9, 0.8, 0.6, 0.4, 0.7, 0.3])
    right = np.array([True, True, True, False, False, False])
    answerable = np.array([True, True, True, True, False, False])
    rows = risk_coverage(p, right, answerable, [0.35, 0.5, 0.65, 0.75])
    assert choose_threshold(rows, min_precision=0.9, max_uncovered=0.1) == 0.75
    assert choose_threshold(rows, min_precision=0.9, max_uncovered=0.5) == 0.5
    assert choose_threshold(rows, min_precision=1.1, max_uncovered=1.0) == 0.75  # none fits: the highest


def test_the_kept_calibrations_load_for_the_pair_and_the_first_model_alone():
    for models in [(DEFAULT_MODEL, DEFAULT_SECOND_MODEL), (DEFAULT_MODEL,)]:
        c = load_calibration(models)
        assert c is not None and 0.0 < c.threshold < 1.0 and len(c.weights) == len(FEATURES)
        assert c.fitted_on.startswith("half 0")


def test_a_library_has_its_own_calibration_and_falls_back_to_the_one_documents(tmp_path, caplog):
    for models in [(DEFAULT_MODEL, DEFAULT_SECOND_MODEL), (DEFAULT_MODEL,)]:
        one, library = load_calibration(models), load_calibration(models, library=True)
        assert library is not None and library != one and len(library.weights) == len(FEATURES)
        assert library.fitted_on.startswith("un_dev_fit.jsonl")
        # The library's signals are constant over one document: the one document's fit gives them no weight.
        assert all(one.weights[FEATURES.index(f)] == 0.0
                   for f in ("named_document", "documents_competing", "answer_versions"))
    only_one = tmp_path / "calibration.json"
    kept = json.loads(CALIBRATION_FILE.read_text())
    only_one.write_text(json.dumps({f"{DEFAULT_MODEL}": kept[f"{DEFAULT_MODEL}"]}))
    assert load_calibration((DEFAULT_MODEL,), only_one, library=True) == load_calibration((DEFAULT_MODEL,), only_one)
    assert "no answer box calibration for a library" in caplog.text
    # A library's fitted on other signals than today's is not used either: the one document's is.
    stale = tmp_path / "stale.json"
    library_entry = dict(kept[f"{DEFAULT_MODEL} | library"], features=list(FEATURES[:-1]))
    stale.write_text(json.dumps({f"{DEFAULT_MODEL}": kept[f"{DEFAULT_MODEL}"], f"{DEFAULT_MODEL} | library": library_entry}))
    assert load_calibration((DEFAULT_MODEL,), stale, library=True) == load_calibration((DEFAULT_MODEL,), stale)


def test_models_with_no_calibration_fall_back_to_the_rule_and_say_so(caplog):
    # The second model alone was never calibrated: its scores mean something else.
    assert load_calibration((DEFAULT_SECOND_MODEL,)) is None
    assert "no answer box calibration for packaged:all-mpnet-base-v2" in caplog.text
    assert "make calibrate" in caplog.text


def test_a_calibration_fitted_on_other_signals_is_refused(tmp_path):
    entry = json.loads(CALIBRATION_FILE.read_text())[f"{DEFAULT_MODEL} + {DEFAULT_SECOND_MODEL}"]
    entry["features"] = entry["features"][:-1]
    with pytest.raises(ValueError, match="retrieval.dev.calibration"):
        BoxCalibration.from_dict(entry)
    broken = tmp_path / "calibration.json"
    broken.write_text("{not json")
    assert load_calibration((DEFAULT_MODEL,), broken) is None


def test_halves_are_fixed_by_the_question_id():
    assert half("q01") == half("q01") and {half(f"q{i:02d}") for i in range(20)} == {0, 1}
