"""Token vectors kept as product-quantisation codes (#32): pure functions, no model."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.answer.ranking import token_best_matches
from retrieval.index.token_codes import (CODES_FILE, RAW_FILE, Codebook, TokenVectors, TokenWriter,
                                         train_codebook)


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _tokens(n: int, dim: int = 64, topics: int = 40, seed: int = 0) -> np.ndarray:
    """Unit vectors gathered around a few topics, as a text's token vectors are."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(topics, dim))
    return _unit(centres[rng.integers(0, topics, n)] + 0.35 * rng.normal(size=(n, dim)))


def test_codes_keep_each_vector_close_and_are_one_byte_per_eight_dimensions():
    x = _tokens(6000)
    book = train_codebook(x)
    codes = book.encode(x)
    assert codes.dtype == np.uint8 and codes.shape == (6000, 8)
    back = book.decode(codes)
    cosine = np.sum(back * x, axis=1) / np.linalg.norm(back, axis=1)
    assert np.median(cosine) > 0.9
    # Decoding is the sub-spaces' centroids side by side.
    i = 17
    assert np.array_equal(back[i], np.concatenate([book.centroids[m, codes[i, m]] for m in range(8)]))


def test_the_codebook_is_the_same_for_the_same_tokens():
    x = _tokens(3000, seed=3)
    assert np.array_equal(train_codebook(x).centroids, train_codebook(x).centroids)


@pytest.mark.slow
def test_max_sim_from_codes_orders_passages_as_the_vectors_do():
    rng = np.random.default_rng(5)
    x = _tokens(20000, seed=5)
    book = train_codebook(x[:8000])
    passages = [x[a : a + 30] for a in range(8000, 20000, 30)]
    questions = [_unit(p[rng.choice(30, 6, replace=False)] + 0.1 * rng.normal(size=(6, 64))) for p in passages[:40]]
    agree = 0
    for q, own in zip(questions, range(40)):
        exact = [token_best_matches(q, p).mean() for p in passages]
        coded = [token_best_matches(q, book.decode(book.encode(p))).mean() for p in passages]
        agree += int(np.argmax(exact) == np.argmax(coded) == own)
    # 400 passages drawn from the same 40 topics: codes of 8 random dimensions lose more than
    # real token vectors do (tools/bench_token_codes.py), and still find most questions' passage.
    assert agree >= 30


def test_a_small_library_keeps_float16_vectors_exactly(tmp_path):
    writer = TokenWriter(train_tokens=1000)
    passages = [_tokens(n, seed=n) for n in (5, 9, 1, 30)]
    for p in passages:
        writer.add(p)
    writer.write(tmp_path)
    assert (tmp_path / RAW_FILE).exists() and not (tmp_path / CODES_FILE).exists()
    loaded = TokenVectors.load(tmp_path)
    assert loaded.codebook is None and list(loaded.offsets) == [0, 5, 14, 15, 45]
    for i, p in enumerate(passages):
        assert np.array_equal(loaded.passage(i), p.astype(np.float16).astype(np.float32))


def test_a_library_past_the_training_size_keeps_codes_memory_mapped(tmp_path):
    writer = TokenWriter(train_tokens=2000)
    every = _tokens(4000, seed=1)
    passages = [every[a : a + 40] for a in range(0, 4000, 40)]  # trained at the 50th passage
    for p in passages:
        writer.add(p)
    writer.write(tmp_path)
    assert not (tmp_path / RAW_FILE).exists()
    loaded = TokenVectors.load(tmp_path)
    assert isinstance(loaded.codes, np.memmap) and loaded.rows == 4000
    # One byte for every 8 dimensions: a sixteenth of float16 (and one codebook for the library).
    assert loaded.codes.nbytes * 16 == sum(p.astype(np.float16).nbytes for p in passages)
    # Every passage decodes to its own tokens, those before the codebook existed too.
    for i in (0, 49, 50, 99):
        got = loaded.passage(i)
        assert got.shape == passages[i].shape
        assert np.median(np.sum(got * passages[i], axis=1)) > 0.85


def test_unchanged_passages_keep_their_codes_and_new_ones_use_the_same_codebook(tmp_path):
    first = TokenWriter(train_tokens=2000)
    every = _tokens(2425, seed=2)
    passages = [every[a : a + 40] for a in range(0, 2400, 40)]
    for p in passages:
        first.add(p)
    first.write(tmp_path / "a")
    old = TokenVectors.load(tmp_path / "a")
    # The next build: the previous codebook, old passages copied, one new one encoded.
    again = TokenWriter(old.codebook)
    for i in range(len(passages)):
        again.add_stored(old.stored_rows(i), old.codebook)
    new = every[2400:]
    again.add(new)
    again.write(tmp_path / "b")
    after = TokenVectors.load(tmp_path / "b")
    assert np.array_equal(after.codebook.centroids, old.codebook.centroids)
    assert np.array_equal(np.asarray(after.codes[: old.rows]), np.asarray(old.codes))
    assert np.array_equal(after.passage(60), old.codebook.decode(old.codebook.encode(new)))


def test_rows_from_a_float16_index_are_encoded_when_the_library_grows_past_the_training_size(tmp_path):
    small = TokenWriter(train_tokens=10_000)
    every = _tokens(2400, seed=4)
    passages = [every[a : a + 40] for a in range(0, 2400, 40)]
    for p in passages[:30]:
        small.add(p)
    small.write(tmp_path / "a")
    old = TokenVectors.load(tmp_path / "a")
    assert old.codebook is None
    grown = TokenWriter(None, train_tokens=2000)
    for i in range(30):
        grown.add_stored(old.stored_rows(i), None)
    for p in passages[30:]:
        grown.add(p)
    grown.write(tmp_path / "b")
    after = TokenVectors.load(tmp_path / "b")
    assert after.codebook is not None and after.rows == 2400
    assert np.median(np.sum(after.passage(3) * passages[3], axis=1)) > 0.85


def test_bad_inputs_say_what_is_wrong():
    with pytest.raises(ValueError, match="multiple of 8"):
        train_codebook(_tokens(500, dim=60))
    with pytest.raises(ValueError, match="at least 256"):
        train_codebook(_tokens(100))
    with pytest.raises(ValueError, match="either"):
        TokenVectors(np.array([0, 1]))
    assert Codebook(np.zeros((4, 256, 8), np.float32)).encode(np.zeros((0, 32))).shape == (0, 4)
