"""Pure ranking functions: fusion, highlight choice, distinct results, refusal."""

import numpy as np

from retrieval.answer.ranking import (
    RankingParams,
    choose_highlight,
    distinct_order,
    fuse,
    is_answerable,
    late_interaction,
    max_per_owner,
    normalise_max,
    reciprocal_rank_fusion,
    text_key,
)


def test_rrf_rewards_items_ranked_well_by_both_lists():
    dense = np.array([0.9, 0.8, 0.1])
    lexical = np.array([0.0, 5.0, 4.0])
    fused = reciprocal_rank_fusion([dense, lexical], k=60)
    assert int(np.argmax(fused)) == 1


def test_hybrid_adds_weighted_normalised_bm25_and_token_scores():
    params = RankingParams(lexical_weight=0.5, token_weight=1.0)
    dense = np.array([0.5, 0.4])
    lexical = np.array([0.0, 10.0])
    token = np.array([0.1, 0.0])
    assert np.allclose(fuse(dense, lexical, params, token), [0.6, 0.9])
    assert np.allclose(fuse(dense, lexical, RankingParams(mode="dense")), dense)


def test_normalise_max_keeps_zero_vectors_zero():
    assert normalise_max(np.zeros(3)).tolist() == [0, 0, 0]
    assert normalise_max(np.array([1.0, 4.0])).tolist() == [0.25, 1.0]


def test_max_per_owner_takes_each_passages_best_sentence():
    best = max_per_owner(np.array([0.1, 0.7, 0.3, 0.2]), np.array([0, 0, 1, 2]), 4)
    assert np.allclose(best, [0.7, 0.3, 0.2, -1.0])


def test_highlight_prefers_term_overlap_when_similarity_is_close():
    params = RankingParams(highlight_lexical_weight=0.3, highlight_pair_margin=0.0)
    assert choose_highlight(np.array([0.50, 0.45]), np.array([0.0, 1.0]), params) == (1, 1)
    assert choose_highlight(np.array([0.90, 0.20]), np.array([0.0, 1.0]), params) == (0, 0)


def test_highlight_spans_two_sentences_only_when_the_neighbour_scores_almost_as_well():
    params = RankingParams(highlight_lexical_weight=0.0, highlight_pair_margin=0.08)
    sims = np.array([0.20, 0.60, 0.55, 0.10])
    assert choose_highlight(sims, np.zeros(4), params) == (1, 2)  # next sentence within the margin
    assert choose_highlight(np.array([0.58, 0.60, 0.30]), np.zeros(3), params) == (0, 1)  # or the one before
    assert choose_highlight(np.array([0.20, 0.60, 0.40]), np.zeros(3), params) == (1, 1)
    assert choose_highlight(np.array([0.60]), np.zeros(1), params) == (0, 0)


def test_distinct_order_drops_repeated_text_and_same_paragraph():
    texts = [text_key(t) for t in ["A b.", "a  B.", "C d.", "E f."]]
    spans = [("d", 1), ("d", 2), ("d", 1), ("d", 3)]
    assert distinct_order([0, 1, 2, 3], texts, spans) == [0, 3]
    assert distinct_order([0, 1, 2, 3], texts, spans, limit=1) == [0]


def test_late_interaction_is_mean_of_best_token_matches():
    q = np.array([[1.0, 0.0], [0.0, 1.0]])
    p = np.array([[1.0, 0.0], [0.6, 0.8]])
    assert abs(late_interaction(q, p) - (1.0 + 0.8) / 2) < 1e-9
    assert late_interaction(np.zeros((0, 2)), p) == 0.0


def test_refusal_threshold():
    params = RankingParams(refusal_threshold=0.3)
    assert is_answerable(0.31, params) and not is_answerable(0.29, params)


def test_best_first_is_a_stable_sort_by_score_read_lazily():
    import numpy as np

    from retrieval.answer.ranking import best_first

    rng = np.random.default_rng(7)
    for n in (5, 300, 5000):
        scores = rng.integers(0, 40, size=n).astype(np.float64)  # many ties, as versions of one text give
        scores[::9] = -np.inf  # filtered out
        assert list(best_first(scores, head=64)) == np.argsort(-scores, kind="stable").tolist()


def test_a_passages_cosine_read_off_its_sentences_equals_its_vectors():
    """A passage's vector is its sentences' normalised mean, so its cosine with a question is the
    sum of theirs over the norm of their sum (``store.passage_norms``): no passage search needed."""
    import numpy as np

    from retrieval.index.store import _mean_vectors, passage_norms

    rng = np.random.default_rng(3)
    counts = [1, 3, 2, 7, 1]
    sentences = rng.normal(size=(sum(counts), 16)).astype(np.float32)
    sentences /= np.linalg.norm(sentences, axis=1, keepdims=True)
    start = np.concatenate([[0], np.cumsum(counts)])
    question = sentences[4] + 0.5 * sentences[9]
    question /= np.linalg.norm(question)
    read_off = np.add.reduceat(sentences @ question, start[:-1]) / passage_norms(sentences, start, chunk=2)
    assert np.allclose(read_off, _mean_vectors(sentences, counts) @ question, atol=1e-6)
    assert passage_norms(sentences, np.array([0, 2, 2, 5])) is None  # a passage with no sentence
