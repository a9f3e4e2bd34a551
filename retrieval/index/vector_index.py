"""The FAISS index type for a corpus size, chosen from measurements (README, "Scale").

Up to EXACT_LIMIT vectors an exact ``IndexFlatIP`` answers a query in about 2-3 ms on one
thread, so there is no reason to approximate. Past it, an inverted file with 8-bit scalar
quantisation (``IVF{nlist},SQ8``) keeps recall@10 above 0.95 at a fraction of the time and a
quarter of the memory, and trains in seconds (HNSW took minutes to build at 1M).
"""

from __future__ import annotations

import math

import faiss
import numpy as np

EXACT_LIMIT = 20_000


def index_spec(n: int) -> dict:
    """The index type and parameters for n vectors (recorded in the manifest)."""
    if n <= EXACT_LIMIT:
        return {"type": "IndexFlatIP"}
    # About 4·sqrt(n) lists, at least 39 training points a list (FAISS's floor), at most 4096.
    nlist = max(1, int(min(4 * math.sqrt(n), n // 39, 4096)))
    return {"type": "IVF,SQ8", "nlist": nlist, "nprobe": max(8, nlist // 64)}


def build_vector_index(vectors: np.ndarray, spec: dict | None = None) -> faiss.Index:
    """An inner-product index over unit vectors (cosine similarity) of the given spec."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n, d = vectors.shape
    spec = spec or index_spec(n)
    if spec["type"] == "IndexFlatIP":
        index = faiss.IndexFlatIP(d)
    elif spec["type"] == "IVF,SQ8":
        index = faiss.index_factory(d, f"IVF{spec['nlist']},SQ8", faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(0)
        sample = vectors[rng.choice(n, size=min(n, spec["nlist"] * 40), replace=False)]
        index.train(sample)
        index.nprobe = spec["nprobe"]
    else:
        raise ValueError(f"unknown index type {spec['type']!r}")
    index.add(vectors)
    return index


def set_search_params(index: faiss.Index, spec: dict) -> None:
    """Search-time parameters are not stored by every index type: set them after loading."""
    if spec.get("type") == "IVF,SQ8":
        faiss.extract_index_ivf(index).nprobe = spec["nprobe"]


def index_bytes(index: faiss.Index) -> int:
    """What the index costs written out (and, near enough, in memory)."""
    return int(faiss.serialize_index(index).nbytes)


def set_probes(index: faiss.Index, nprobe: int) -> None:
    """How many inverted lists an IVF index visits a query (for a benchmark's sweep)."""
    faiss.extract_index_ivf(index).nprobe = nprobe


def one_search_thread() -> None:
    """FAISS on one OpenMP thread: a one-query latency measured as a server sees it."""
    faiss.omp_set_num_threads(1)
