"""Selective answering: whether the answer box is shown, as a calibrated prediction that may abstain.

The box (the highlighted sentence with its speaker and citation) is what people read and paste, so
it is shown only when the engine is likely right. As in selective question answering (Kamath, Jia
and Liang, ACL 2020), a small calibrator reads the engine's own signals for the first result — how
close the best sentence is, how far the first passage leads the second, whether the two models and
BM25 pick the same passage and sentence, whether the sentence carries the kind of answer asked for
— and gives the probability that the box's sentence is the answer. Below the threshold the answer
is ``partial`` with reason ``uncertain``: the closest passages, no box.

The calibrator is a logistic regression (scikit-learn) fitted by ``python -m retrieval.dev.calibration``
on one half of the project's question sets; its coefficients and threshold are kept in
``box_calibration.json`` beside this module, one entry for each set of models it was fitted with,
keyed by their names (the pair, and the first model alone). Scoring is a dot product here, so answering needs no scikit-learn.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

log = logging.getLogger(__name__)
CALIBRATION_FILE = Path(__file__).with_name("box_calibration.json")
TIE = 0.005  # the first passage leads the second by less than this: a tie, never a box (``shows_box``)
TIE_SCALE = 0.03  # a lead of the first passage over the second below this is near a tie (see ``passage_tie``)

# The signals, in the order the calibrator reads them (see ``Evidence``).
FEATURES = ("best_similarity", "top_score", "passage_margin", "passage_tie", "sentence_margin", "highlight_gap",
            "models_agree_passage", "models_agree_sentence", "bm25_agrees", "term_coverage",
            "type_asked", "type_met", "weakest_token", "mean_token",
            "named_document", "documents_competing", "answer_versions")


@dataclass(frozen=True)
class Evidence:
    """What the engine knows about its first result, for one question.

    best_similarity: the best (mixed) cosine of a sentence or passage with the question.
    top_score: the first passage's fused ranking score.
    passage_margin: the first passage's score minus the second's (0 with one result).
    sentence_margin: in the first passage, the best sentence's similarity minus the next best's.
    highlight_gap: the highlighted sentence's similarity minus the best sentence anywhere (≤ 0).
    models_agree_passage: share of the models whose own best passage is the first result.
    models_agree_sentence: share of the models whose own best sentence in it is the highlighted one.
    bm25_agrees: the first passage's BM25 score over the best BM25 score (0..1).
    term_coverage: idf-weighted share of the question's terms found in the first passage.
    type_asked: the question asks for a kind of answer (a date, someone, a name, a number, …).
    type_met: the highlighted sentence carries that kind of answer (1 when none is asked for).
    weakest_token: the question's least matched content token: its best cosine with a token of the
        closest passages (first model; a question about something absent has one word matched badly).
    mean_token: the mean of those best cosines over the question's content tokens.

    What the library adds (constant over one document, so fitted on libraries' questions, #31):
    named_document: the question named the document(s) it was searched in.
    documents_competing: how many other documents than the first result's are among the first
        three results (0–2, over 2): texts of several documents saying nearly the same.
    answer_versions: the first result's text is in other documents too (versions of one text).
    """

    best_similarity: float
    top_score: float
    passage_margin: float
    sentence_margin: float
    highlight_gap: float
    models_agree_passage: float
    models_agree_sentence: float
    bm25_agrees: float
    term_coverage: float
    type_asked: float
    type_met: float
    weakest_token: float
    mean_token: float
    named_document: float = 0.0
    documents_competing: float = 0.0
    answer_versions: float = 0.0

    @property
    def passage_tie(self) -> float:
        """1 when the best two passages tie, falling to 0 at a lead of TIE_SCALE: most questions
        the documents do not answer but that would get a box lead by less than that, so the
        calibrator is given the steep part of the margin apart from its long tail."""
        return 1.0 - min(max(self.passage_margin, 0.0) / TIE_SCALE, 1.0)

    def vector(self) -> np.ndarray:
        return np.array([getattr(self, name) for name in FEATURES], dtype=np.float64)

    def to_dict(self) -> dict:
        return {k: round(float(v), 4) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class BoxCalibration:
    """A fitted logistic model over standardised ``FEATURES`` and the threshold of the box."""

    weights: tuple[float, ...]
    bias: float
    means: tuple[float, ...]
    scales: tuple[float, ...]
    threshold: float
    fitted_on: str = ""  # which questions, for the README and for a reader of the file

    def probability(self, evidence: Evidence) -> float:
        """The calibrated probability (0–1) that the box's sentence answers the question."""
        return self.probability_of(evidence.vector())

    def probability_of(self, vector: np.ndarray) -> float:
        """``probability`` of a signal vector in ``FEATURES`` order."""
        x = (np.asarray(vector, dtype=np.float64) - np.asarray(self.means)) / np.asarray(self.scales)
        z = float(np.dot(np.asarray(self.weights), x) + self.bias)
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def shows_box(self, probability: float, passage_margin: float = 1.0) -> bool:
        """Whether the box is shown: the probability reaches the threshold and the first passage is
        not tied with the second (then the engine cannot say which of the two answers)."""
        return probability >= self.threshold and not tied(passage_margin)

    def to_dict(self) -> dict:
        return {"features": list(FEATURES)} | {k: (list(v) if isinstance(v, tuple) else v)
                                              for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, d: dict) -> "BoxCalibration":
        if list(d.get("features", [])) != list(FEATURES):
            raise ValueError("the calibration was fitted on other signals: run python -m retrieval.dev.calibration")
        return cls(tuple(map(float, d["weights"])), float(d["bias"]), tuple(map(float, d["means"])),
                   tuple(map(float, d["scales"])), float(d["threshold"]), str(d.get("fitted_on", "")))


def tied(passage_margin: float) -> bool:
    """Whether the first two passages tie (the engine cannot say which of them answers): never a box."""
    return passage_margin < TIE


# The key's suffix of a calibration fitted on libraries of several documents: there the same signals
# mean something else (near-copies, other documents' close paragraphs), so one fit does not serve both.
LIBRARY_SUFFIX = " | library"


def calibration_key(models: Sequence[str], library: bool = False) -> str:
    """A calibration's key: the names of the models it was fitted with, in order (a calibration
    means something only for the models whose scores it saw), and whether it is a library's."""
    return " + ".join(models) + (LIBRARY_SUFFIX if library else "")


@functools.lru_cache(maxsize=8)  # every engine view asks; the file is read once per process
def load_calibration(models: tuple[str, ...], path: Path = CALIBRATION_FILE, library: bool = False
                     ) -> BoxCalibration | None:
    """The kept calibration for these models, for one document or (``library``) for a library of
    several: a library without its own falls back to the one document's. None when there is none
    for them, or it is unreadable (logged either way): the box is then shown whenever nothing the
    question names is missing (the rule before calibration, #10)."""
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        if library:
            try:
                return BoxCalibration.from_dict(kept[calibration_key(models, library)])
            except (KeyError, ValueError, TypeError, AttributeError) as exc:  # none, or fitted on other signals
                log.warning("no answer box calibration for a library with %s (%s): the one document's is "
                            "used; run make calibrate", calibration_key(models), exc)
        entry = kept.get(calibration_key(models))
        if not entry:
            log.warning("no answer box calibration for %s: the box is shown whenever nothing the question "
                        "names is missing; run make calibrate", calibration_key(models))
            return None
        return BoxCalibration.from_dict(entry)
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        log.warning("answer box calibration not used (%s): run make calibrate", exc)
        return None


def save_calibration(calibrations: dict[str, BoxCalibration], path: Path = CALIBRATION_FILE) -> None:
    from ..files import write_atomic

    write_atomic(path, (json.dumps({k: c.to_dict() for k, c in calibrations.items()}, indent=1) + "\n").encode())


def fit(vectors: np.ndarray, labels: np.ndarray, threshold: float = 0.5, fitted_on: str = "") -> BoxCalibration:
    """Fit the logistic calibrator (scikit-learn, L2, C=1) on standardised signals."""
    from sklearn.linear_model import LogisticRegression

    vectors = np.asarray(vectors, dtype=np.float64)
    means = vectors.mean(axis=0)
    scales = vectors.std(axis=0)
    scales[scales < 1e-9] = 1.0  # a constant signal (e.g. model agreement with one model) weighs nothing
    model = LogisticRegression(C=1.0, max_iter=1000).fit((vectors - means) / scales, np.asarray(labels, dtype=int))
    return BoxCalibration(tuple(model.coef_[0].tolist()), float(model.intercept_[0]), tuple(means.tolist()),
                          tuple(scales.tolist()), threshold, fitted_on)


@dataclass(frozen=True)
class RiskCoverage:
    """The box at one threshold: on answerable questions, how often it is shown and right; on
    questions the documents do not answer, how often it is shown."""

    threshold: float
    coverage: float  # answerable questions shown with the box
    precision: float  # of those, the box's sentence is the answer
    uncovered_boxed: float  # questions the documents do not answer, shown with the box


def risk_coverage(probabilities: np.ndarray, right: np.ndarray, answerable: np.ndarray,
                  thresholds: list[float]) -> list[RiskCoverage]:
    """``probabilities`` of the questions that reach the box; ``right``: the box's sentence is the
    answer; ``answerable``: the documents answer the question (the others are uncovered)."""
    p, right, answerable = (np.asarray(a) for a in (probabilities, right, answerable))
    rows = []
    for t in thresholds:
        shown = p >= t
        a_shown = shown & answerable
        rows.append(RiskCoverage(
            t, float(a_shown.sum() / max(answerable.sum(), 1)),
            float((a_shown & right).sum() / max(a_shown.sum(), 1)),
            float((shown & ~answerable).sum() / max((~answerable).sum(), 1))))
    return rows


def choose_threshold(rows: list[RiskCoverage], min_precision: float, max_uncovered: float) -> float:
    """The lowest threshold (most coverage) whose box precision and uncovered share meet the
    limits; the highest tried when none does."""
    fitting = [r for r in rows if r.precision >= min_precision and r.uncovered_boxed <= max_uncovered]
    return min(fitting, key=lambda r: r.threshold).threshold if fitting else max(r.threshold for r in rows)


def half(question_id: str) -> int:
    """Which fixed half a question belongs to (SHA-1 of its id): 0 fits, 1 is held out."""
    return int(hashlib.sha1(question_id.encode()).hexdigest(), 16) % 2
