"""Where an index's passage vectors and lexical index live: one interface for every backend.

The engine asks an index two things per question, whatever holds it: the passages nearest a
question vector (``PassageSearch``) and the BM25 score of every passage (``LexicalSearch``). A
build hands a backend the passage vectors and texts of a new generation; the backend keeps them
(``stage``), makes them the ones served (``publish``) or throws them away (``discard``), and
later opens them again (``open``). Everything else of a generation (the passages, the
documents' facts, sentence and token vectors) stays in its folder, where the engine reads it.

Two backends: ``FileBackend`` (FAISS and bm25s files in the generation folder; the default)
and ``retrieval.index.milvus_store.MilvusBackend`` (collections in a Milvus server or Milvus
Lite, chosen by ``RETRIEVAL_STORE``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import bm25s
import faiss
import numpy as np

from .lexical import bm25_scores, build_bm25
from .vector_index import build_vector_index, set_search_params


class StoreUnavailable(RuntimeError):
    """The configured store cannot be reached or used; the message says how to fix it."""


class PassageSearch(Protocol):
    """Nearest passages by inner product of unit vectors."""

    count: int
    exact: bool  # True: a search of ``count`` results scores every passage exactly
    # A store on a server (``remote = True``) is searched there. A local one is not searched for a
    # question at all: the engine reads every passage's exact cosine off its sentences' (a
    # passage's vector is their normalised sum, ``store.passage_norms``), which costs less.

    def search(self, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(similarities, passage ids) of the ``k`` nearest passages, best first; id -1 pads."""


class LexicalSearch(Protocol):
    """BM25 over the passages' texts, tokenised by ``lexical.tokenize``. One that sets ``remote =
    True`` (a store across the network) is asked in a thread beside the question's other work."""

    count: int

    def scores(self, question: str) -> np.ndarray:
        """The BM25 score of every passage for the question (0 where no term occurs)."""


class Backend(Protocol):
    name: str

    def stage(self, folder: Path, staging: Path, generation: str, passage_vectors: np.ndarray,
              texts: list[str] | None, spec: dict) -> dict:
        """Keep a new generation's passage vectors (and, with ``texts``, its lexical index)
        without serving them; returns what the manifest records under ``store``."""

    def publish(self, folder: Path, record: dict) -> None: ...

    def discard(self, record: dict) -> None: ...

    def open(self, folder: Path, generation_dir: Path, manifest: dict,
             lexical: bool) -> tuple[PassageSearch, LexicalSearch | None]: ...


class FaissPassages:
    def __init__(self, index: faiss.Index):
        self._index = index
        self.count = int(index.ntotal)
        self.exact = isinstance(index, faiss.IndexFlat)
        self.dimension = int(index.d)

    def search(self, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        sims, ids = self._index.search(np.ascontiguousarray(vector[None, :], dtype=np.float32), k)
        return sims[0], ids[0]


class Bm25sLexical:
    def __init__(self, retriever: bm25s.BM25):
        self._retriever = retriever
        self.count = int(retriever.scores["num_docs"])

    def scores(self, question: str) -> np.ndarray:
        return bm25_scores(self._retriever, question)


PASSAGES_FILE = "passages.faiss"
BM25_FOLDER = "bm25"


class FileBackend:
    """FAISS and bm25s files inside the generation folder: published with the folder's
    manifest, so publishing and discarding need nothing more."""

    name = "files"

    def stage(self, folder: Path, staging: Path, generation: str, passage_vectors: np.ndarray,
              texts: list[str] | None, spec: dict) -> dict:
        faiss.write_index(build_vector_index(passage_vectors, spec), str(staging / PASSAGES_FILE))
        if texts is not None:
            build_bm25(texts).save(str(staging / BM25_FOLDER), show_progress=False)
        return {"kind": self.name}

    def publish(self, folder: Path, record: dict) -> None:
        pass

    def discard(self, record: dict) -> None:
        pass

    def open(self, folder: Path, generation_dir: Path, manifest: dict,
             lexical: bool) -> tuple[PassageSearch, LexicalSearch | None]:
        # One thread is faster for one query at a time on this machine (see README, "Speed").
        faiss.omp_set_num_threads(1)
        index = faiss.read_index(str(generation_dir / PASSAGES_FILE))
        set_search_params(index, manifest.get("index") or {})
        words = Bm25sLexical(bm25s.BM25.load(str(generation_dir / BM25_FOLDER), show_progress=False)) if lexical else None
        return FaissPassages(index), words


def backend_for(store: str | None) -> Backend:
    """The backend a ``RETRIEVAL_STORE`` value names (unset or empty: the index files)."""
    if not store or store.strip().lower() in ("files", "faiss"):
        return FileBackend()
    if store.startswith("milvus://"):
        from .milvus_store import MilvusBackend  # pymilvus is needed only when chosen
        return MilvusBackend.from_url(store)
    raise ValueError(f"RETRIEVAL_STORE must be unset (the index files) or a milvus:// address, not {store!r}")
