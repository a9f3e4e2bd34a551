"""The passages' token vectors for late interaction, kept small (#32).

Late interaction re-scores a pool of candidates with every content token of each passage: some 36
tokens a passage, 384 + 768 dimensions for the pair of models. Kept as float16 that was ~82 KB a
passage, nearly all of an index. Here they are product-quantisation codes (FAISS's
``ProductQuantizer``, as ColBERT's PLAID and FAISS's IVFPQ keep vectors): each token's vector is
cut into sub-vectors of ``DIMS_PER_CODE`` dimensions and each sub-vector stored as the one byte
naming its nearest of 256 centroids, trained on the library's own tokens. The pair then costs
144 bytes a token, ~5 KB a passage; a question's pool is decoded on demand (a few thousand
tokens), and the codes are memory-mapped, so a served library does not hold them in RAM.

A library too small to train 256 centroids a sub-space well (fewer than ``TRAIN_TOKENS`` tokens,
some 900 passages) keeps float16 vectors, as before: a few MB, and exact. Once a build reaches
that many tokens the codebook is trained on the first ``TRAIN_TOKENS`` and kept: later builds of
the same model reuse it and copy unchanged documents' codes, so adding one document encodes only
its own tokens and never re-encodes the rest.

``TokenWriter`` takes tokens as they are embedded (bounded memory: at most the training sample
is held as vectors); ``TokenVectors`` is what search reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

# 8 dimensions a byte. Measured (tools/bench_token_codes.py, MiniLM, 326 resolutions, 46 questions,
# a pool of the 100 passages closest by exact max-sim): the same best passage 36/46 at 8 (48 bytes a
# token), 37/46 at 4 (96 bytes); in the engine, where late interaction is one score of the fused
# three, every eval set stayed within one question of float16 at 8 (docs/performance.md).
DIMS_PER_CODE = 8
TRAIN_TOKENS = 32_768  # a codebook is trained once a library has this many tokens (~900 passages)
CENTROIDS = 256  # one byte a code
_TRAINING_SEED = 1234  # the codebook is a pure function of the tokens it is trained on

RAW_FILE = "tokens.npy"  # float16 vectors (a small library)
CODES_FILE = "token_codes.npy"  # uint8 codes, one row a token
CODEBOOK_FILE = "token_codebook.npy"  # float32 centroids (sub-spaces, 256, dims per code)
OFFSETS_FILE = "token_offsets.npy"  # passage i owns rows offsets[i]:offsets[i+1]


@dataclass(frozen=True)
class Codebook:
    """Centroids of a product quantiser: ``centroids[m]`` are sub-space m's 256 centroids."""

    centroids: np.ndarray  # float32 (subspaces, 256, dims per code)

    @property
    def dimension(self) -> int:
        return int(self.centroids.shape[0] * self.centroids.shape[2])

    def _quantiser(self) -> faiss.ProductQuantizer:
        m, k, dsub = self.centroids.shape
        pq = faiss.ProductQuantizer(m * dsub, m, 8)
        faiss.copy_array_to_vector(np.ascontiguousarray(self.centroids, dtype=np.float32).ravel(), pq.centroids)
        return pq

    def encode(self, vectors: np.ndarray) -> np.ndarray:
        """uint8 codes (n, subspaces) of float vectors (n, dimension)."""
        if not len(vectors):
            return np.zeros((0, self.centroids.shape[0]), dtype=np.uint8)
        return self._quantiser().compute_codes(np.ascontiguousarray(vectors, dtype=np.float32))

    def decode(self, codes: np.ndarray) -> np.ndarray:
        """The approximate float32 vectors (n, dimension) that ``codes`` name."""
        m = self.centroids.shape[0]
        codes = np.asarray(codes)
        # centroids[m, codes[:, m]] for every sub-space at once, laid side by side.
        parts = self.centroids[np.arange(m)[None, :], codes.astype(np.intp)]  # (n, m, dsub)
        return parts.reshape(len(codes), -1)


def train_codebook(vectors: np.ndarray) -> Codebook:
    """A codebook trained on ``vectors`` (float, (n, dimension); dimension a multiple of
    DIMS_PER_CODE). Deterministic for the same vectors."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n, d = vectors.shape
    if d % DIMS_PER_CODE:
        raise ValueError(f"a token dimension of {d} is not a multiple of {DIMS_PER_CODE}")
    if n < CENTROIDS:
        raise ValueError(f"a codebook needs at least {CENTROIDS} tokens, not {n}")
    m = d // DIMS_PER_CODE
    pq = faiss.ProductQuantizer(d, m, 8)
    pq.cp.seed = _TRAINING_SEED
    pq.cp.min_points_per_centroid = 1  # small samples are expected (TRAIN_TOKENS / 256 = 128 a centroid)
    pq.train(vectors)
    return Codebook(faiss.vector_to_array(pq.centroids).reshape(m, CENTROIDS, DIMS_PER_CODE).copy())


class TokenVectors:
    """Every passage's token vectors, read one passage at a time (float16 rows or codes)."""

    def __init__(self, offsets: np.ndarray, raw: np.ndarray | None = None, codes: np.ndarray | None = None,
                 codebook: Codebook | None = None):
        if (raw is None) == (codes is None) or (codes is not None and codebook is None):
            raise ValueError("token vectors are either float16 rows or codes with their codebook")
        self.offsets = offsets
        self.raw = raw
        self.codes = codes
        self.codebook = codebook

    @property
    def rows(self) -> int:
        return len(self.raw if self.raw is not None else self.codes)

    @property
    def stored_bytes(self) -> int:
        data = self.raw if self.raw is not None else self.codes
        return int(data.nbytes + (self.codebook.centroids.nbytes if self.codebook else 0))

    def passage(self, i: int) -> np.ndarray:
        """Passage ``i``'s token vectors, float32."""
        a, b = int(self.offsets[i]), int(self.offsets[i + 1])
        if self.raw is not None:
            return np.asarray(self.raw[a:b], dtype=np.float32)
        return self.codebook.decode(self.codes[a:b])

    def stored_rows(self, i: int) -> np.ndarray:
        """Passage ``i``'s rows as stored (float16 vectors or codes), to copy into a new index."""
        a, b = int(self.offsets[i]), int(self.offsets[i + 1])
        return np.asarray((self.raw if self.raw is not None else self.codes)[a:b])

    @classmethod
    def load(cls, folder: Path) -> "TokenVectors":
        """Memory-mapped: the OS pages in only the passages a question's pool reads."""
        offsets = np.load(folder / OFFSETS_FILE, allow_pickle=False)
        if (folder / CODES_FILE).exists():
            return cls(offsets, codes=np.load(folder / CODES_FILE, mmap_mode="r", allow_pickle=False),
                       codebook=Codebook(np.load(folder / CODEBOOK_FILE, allow_pickle=False)))
        return cls(offsets, raw=np.load(folder / RAW_FILE, mmap_mode="r", allow_pickle=False))


class TokenWriter:
    """Collects passages' token vectors as a build makes them, then writes them to a folder.

    Without a codebook it holds float16 vectors until it has ``train_tokens``, then trains one
    and keeps codes from then on; given a codebook (the previous index's, same model) it encodes
    at once and takes unchanged passages' codes as they are."""

    def __init__(self, codebook: Codebook | None = None, train_tokens: int = TRAIN_TOKENS):
        self.codebook = codebook
        self.train_tokens = train_tokens
        self._raw: list[np.ndarray] = []  # float16, before a codebook exists
        self._raw_count = 0
        self._codes: list[np.ndarray] = []
        self._lengths: list[int] = []

    def add(self, vectors: np.ndarray) -> None:
        """One passage's token vectors (float, (tokens, dimension))."""
        self._lengths.append(len(vectors))
        if self.codebook is not None:
            self._codes.append(self.codebook.encode(vectors))
            return
        self._raw.append(np.asarray(vectors, dtype=np.float16))
        self._raw_count += len(vectors)
        if self._raw_count >= self.train_tokens and vectors.shape[1] % DIMS_PER_CODE == 0:
            sample = np.concatenate(self._raw).astype(np.float32)
            self.codebook = train_codebook(sample[: self.train_tokens])
            self._codes = [self.codebook.encode(sample)]
            self._raw, self._raw_count = [], 0

    def add_stored(self, rows: np.ndarray, codebook: Codebook | None) -> None:
        """One passage's rows as another index stored them: its codes under ``codebook`` (copied
        when it is this writer's own) or float16 vectors."""
        if codebook is not None and self.codebook is not None and codebook is self.codebook:
            self._lengths.append(len(rows))
            self._codes.append(np.asarray(rows, dtype=np.uint8))
        elif codebook is not None:
            self.add(codebook.decode(rows))
        else:
            self.add(np.asarray(rows, dtype=np.float32))

    @property
    def offsets(self) -> np.ndarray:
        return np.cumsum([0] + self._lengths).astype(np.int64)

    def write(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / OFFSETS_FILE, self.offsets)
        if self.codebook is None:
            dim = self._raw[0].shape[1] if self._raw else 0
            np.save(folder / RAW_FILE, np.concatenate(self._raw) if self._raw else np.zeros((0, dim), np.float16))
            return
        np.save(folder / CODEBOOK_FILE, self.codebook.centroids)
        m = self.codebook.centroids.shape[0]
        np.save(folder / CODES_FILE, np.concatenate(self._codes) if self._codes else np.zeros((0, m), np.uint8))
