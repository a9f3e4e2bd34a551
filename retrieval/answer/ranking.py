"""Ranking: fusing dense and lexical scores, choosing the highlight, keeping results distinct,
and deciding when to refuse. Pure functions over arrays, testable without a model."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RankingParams:
    """Settings of the ranking, chosen on question sets (see README, "Quality").

    mode: "hybrid" (dense + late interaction + weighted BM25), "rrf", "dense" or "bm25".
    passage_weight: share of the passage vector in the dense score; the rest is the
        best-matching sentence of the passage (max-sim over sentences).
    token_weight: weight of the late-interaction score (mean over the question's content
        tokens of their best cosine with the passage's tokens, same model).
    lexical_weight: weight of the max-normalised BM25 score added to the dense score.
    highlight_lexical_weight: weight of idf-weighted term overlap when choosing the sentence.
    highlight_pair_margin: the best sentence's neighbour joins the highlight when it scores
        within this of it (0: one sentence always).
    refusal_threshold: the best dense similarity a question must reach to be answered (with two
        models, their mixed similarity; see ``default_params`` for one model).
    follow_up_weight: share of the follow-up's own scores when mixed with the scores of the
        follow-up joined to the previous question.
    second_model_weight: share of the second model's scores (all of them: ranking, highlight
        and refusal) when the engine searches with two models.
    filter_margin: with a who-said-it or document filter, the best sentence it allows must be
        within this of the best sentence without it, or the answer is "none" (not said there).
    highlight_type_weight: bonus to a sentence's highlight score when it carries the kind of answer
        the question asks for (``answer_types``: a date, a number, a cause, a call for action).
    rare_zipf: a question word rarer than this in general English (wordfreq's Zipf scale) is
        salient: if the document lacks it, the answer is "partial" (see ``coverage``).
    meaning_match_threshold: a salient common word counts as mentioned when its tokens' best
        cosine with the searched passages' tokens reaches this (first model).
    """

    mode: str = "hybrid"
    passage_weight: float = 0.2
    token_weight: float = 0.6
    lexical_weight: float = 0.05
    highlight_lexical_weight: float = 0.3
    refusal_threshold: float = 0.19
    rrf_k: int = 60
    follow_up_weight: float = 0.4
    second_model_weight: float = 0.5
    highlight_pair_margin: float = 0.08
    highlight_type_weight: float = 0.08
    filter_margin: float = 0.1
    rare_zipf: float = 5.0
    meaning_match_threshold: float = 0.30


SINGLE_MODEL_REFUSAL_THRESHOLD = 0.205  # calibrated for all-MiniLM-L6-v2 alone


def default_params(two_models: bool) -> RankingParams:
    """The calibrated settings for searching with two models (the default) or one."""
    return RankingParams() if two_models else RankingParams(refusal_threshold=SINGLE_MODEL_REFUSAL_THRESHOLD)


def max_per_owner(scores: np.ndarray, owners: np.ndarray, n_owners: int) -> np.ndarray:
    """For each owner (passage), the maximum score of its items (sentences); -1 if none."""
    best = np.full(n_owners, -1.0, dtype=np.float32)
    np.maximum.at(best, owners, scores.astype(np.float32))
    return best


def normalise_max(scores: np.ndarray) -> np.ndarray:
    """Scale non-negative scores so the best is 1 (all zeros stay zeros)."""
    top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 0 else np.zeros_like(scores)


def reciprocal_rank_fusion(score_lists: list[np.ndarray], k: int = 60) -> np.ndarray:
    """RRF: sum over rankings of 1 / (k + rank), rank starting at 1."""
    fused = np.zeros_like(score_lists[0], dtype=np.float64)
    for scores in score_lists:
        ranks = np.empty(len(scores), dtype=np.int64)
        ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
        fused += 1.0 / (k + ranks)
    return fused


def dense_scores(passage_sim: np.ndarray, best_sentence_sim: np.ndarray, params: RankingParams) -> np.ndarray:
    return params.passage_weight * passage_sim + (1 - params.passage_weight) * best_sentence_sim


def token_best_matches(question_tokens: np.ndarray, passage_tokens: np.ndarray) -> np.ndarray:
    """For each question token, its best cosine with a token of the passage (0 if none)."""
    if not len(question_tokens) or not len(passage_tokens):
        return np.zeros(len(question_tokens), dtype=np.float32)
    return (question_tokens @ passage_tokens.T).max(axis=1)


def late_interaction(question_tokens: np.ndarray, passage_tokens: np.ndarray) -> float:
    """ColBERT-style MaxSim: mean over question tokens of the best cosine with a passage token."""
    if not len(question_tokens) or not len(passage_tokens):
        return 0.0
    return float(token_best_matches(question_tokens, passage_tokens).mean())


def fuse(dense: np.ndarray, lexical: np.ndarray, params: RankingParams,
         token: np.ndarray | None = None) -> np.ndarray:
    """One score per passage according to the ranking mode."""
    if params.mode == "dense":
        return dense.astype(np.float64)
    if params.mode == "bm25":
        return lexical.astype(np.float64)
    if params.mode == "rrf":
        return reciprocal_rank_fusion([dense, lexical], params.rrf_k)
    if params.mode == "hybrid":
        fused = dense + params.lexical_weight * normalise_max(lexical)
        if token is not None and params.token_weight:
            fused = fused + params.token_weight * token
        return fused
    raise ValueError(f"unknown ranking mode {params.mode!r}")


def choose_highlight(sentence_sim: np.ndarray, sentence_overlap: np.ndarray, params: RankingParams,
                     typed: np.ndarray | None = None) -> tuple[int, int]:
    """The sentences that best answer, as (first, last) indices: the best by semantic similarity
    plus term overlap (plus ``highlight_type_weight`` for a sentence that carries the kind of
    answer asked for, ``typed``: a date for "when", a cause for "why"), and its better neighbour
    too when that scores within ``highlight_pair_margin`` of it (the answer then spans two
    sentences, e.g. a cause and its effect)."""
    score = sentence_sim + params.highlight_lexical_weight * sentence_overlap
    if typed is not None:
        score = score + params.highlight_type_weight * typed
    best = int(np.argmax(score))
    neighbours = [i for i in (best - 1, best + 1) if 0 <= i < len(score)]
    if not neighbours or params.highlight_pair_margin <= 0:
        return best, best
    other = max(neighbours, key=lambda i: score[i])
    if score[other] >= score[best] - params.highlight_pair_margin:
        return min(best, other), max(best, other)
    return best, best


def best_first(scores: np.ndarray, head: int = 256) -> Iterator[int]:
    """Indices by score, best first, ties in index order: what a stable ``argsort(-scores)``
    gives, but lazily, sorting only the ``head`` best (and any tied with the last of them) until a
    caller asks for more. A question reads a few dozen of a library's tens of thousands."""
    n = len(scores)
    if n <= head:
        yield from np.argsort(-scores, kind="stable").tolist()
        return
    threshold = np.partition(scores, n - head)[n - head]
    top = np.flatnonzero(scores >= threshold)
    yield from top[np.argsort(-scores[top], kind="stable")].tolist()
    rest = np.flatnonzero(~(scores >= threshold))
    yield from rest[np.argsort(-scores[rest], kind="stable")].tolist()


def distinct_order(order: list[int], text_keys: list[str], spans: list[tuple[str, int]],
                   limit: int | None = None) -> list[int]:
    """Drop results whose text repeats an earlier one or that come from a paragraph
    (span key: document and paragraph) already shown; stop once ``limit`` are kept."""
    seen_text: set[str] = set()
    seen_span: set[tuple[str, int]] = set()
    kept = []
    for i in order:
        if text_keys[i] in seen_text or spans[i] in seen_span:
            continue
        seen_text.add(text_keys[i])
        seen_span.add(spans[i])
        kept.append(i)
        if limit is not None and len(kept) >= limit:
            break
    return kept


def text_key(text: str) -> str:
    """What makes two passage texts the same result: case and spacing ignored."""
    return " ".join(text.lower().split())


def is_answerable(best_similarity: float, params: RankingParams) -> bool:
    """Refuse when even the closest sentence or passage is not similar enough."""
    return best_similarity >= params.refusal_threshold
