"""Building the index on Ray (#35): documents read and sentences embedded as Ray Data tasks.

``python -m retrieval build --ray [ADDRESS]``: with no address a local Ray instance of
``--workers`` CPUs, else the cluster at ADDRESS (``ray://host:10001`` or ``auto``); the same code
runs on both. Everything else about a build is unchanged: the passages are split, the index is
staged and published by ``store`` under the writer lock, into whatever store RETRIEVAL_STORE
names. What Ray does is the costly part:

- reading: each document is read in a task (OCR included) and its reading kept in the read cache
  beside the index, where the build then finds it (a cluster's workers need the corpus and index
  folders on shared storage); a document that cannot be read is reported and skipped, as always;
- embedding: ``RayEmbedder.encode_with_tokens`` sends the sentences through ``map_batches`` to
  actors that each hold the model on OpenVINO with as many threads as the CPUs Ray gave them
  (not pinned to cores: each worker's threads are a share of the machine).

Ray restarts an actor whose process dies and retries its batch (``max_restarts``,
``max_task_retries``; Ray Data's defaults for actors); rows come back numbered, so the vectors are
those of a single-process build in the same order.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

# Sentences per batch (one block each): small enough that no worker is left with a long last
# batch while the others wait, large enough that Ray's cost per batch is nothing beside the model's.
RAY_BATCH = 256
CPUS_PER_WORKER = 1  # one encoder actor per CPU: OpenVINO's threads are the CPUs Ray gave it


class RayUnavailable(RuntimeError):
    """Ray is not installed or the cluster cannot be reached; the message says how to fix it."""


def start_ray(address: str | None, workers: int | None):
    """Connect to the cluster at ``address``, or start a local instance of ``workers`` CPUs."""
    try:
        import ray
    except ImportError as exc:
        raise RayUnavailable("build --ray needs Ray: pip install -r requirements.txt (ray[data])") from exc
    if ray.is_initialized():
        return ray
    if address and not _reachable(address):
        raise RayUnavailable(f"the Ray cluster at {address!r} cannot be reached (nothing answers there); "
                             "start it (`ray start --head`) or leave out the address for a local one")
    try:
        if address:
            ray.init(address=address, log_to_driver=False)
        else:
            ray.init(num_cpus=workers or os.cpu_count() or 1, include_dashboard=False, log_to_driver=False)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise RayUnavailable(f"the Ray cluster at {address!r} cannot be reached ({exc.__class__.__name__}); "
                             "start it (`ray start --head`) or leave out the address for a local one") from exc
    _quiet_progress()
    return ray


def _reachable(address: str, timeout: float = 5.0) -> bool:
    """Whether something listens at a ``host:port`` or ``ray://host:port`` address (Ray itself
    retries an unreachable one for minutes); ``auto`` and other forms are left to Ray."""
    import socket

    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return True
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
        return True
    except OSError:
        return False


def _quiet_progress() -> None:
    from ray.data import DataContext

    DataContext.get_current().enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # a line per dataset says nothing to whoever builds


def stop_ray() -> None:
    import ray

    if ray.is_initialized():
        ray.shutdown()


def _read_one(row: dict) -> dict:
    """Read one document into the read cache; its name and, if it cannot be read, why."""
    from ..ingest.corpus import load_document
    from ..ingest.formats import IngestError
    from ..ingest.read_cache import ReadCache

    path = Path(row["path"])
    try:
        load_document(path, ReadCache(Path(row["cache"])))
        return {"name": path.name, "reason": ""}
    except OSError as exc:
        return {"name": path.name, "reason": exc.strerror or "cannot be read"}
    except IngestError as exc:
        return {"name": path.name, "reason": str(exc)}


def read_on_ray(folder: Path, cache_dir: Path) -> list[tuple[str, str]]:
    """Read every document of ``folder`` as a Ray task, keeping each reading in ``cache_dir``;
    the (file, reason) of each that could not be read (the build skips them, as ever)."""
    import ray

    from ..ingest.formats import SUPPORTED_SUFFIXES

    paths = sorted(p for p in Path(folder).iterdir()
                   if p.suffix.lower() in SUPPORTED_SUFFIXES and p.is_file() and not p.is_symlink())
    if not paths:
        return []
    rows = [{"path": str(p.resolve()), "cache": str(Path(cache_dir).resolve())} for p in paths]
    done = ray.data.from_items(rows, override_num_blocks=len(rows)).map(_read_one, num_cpus=1).take_all()
    return sorted((r["name"], r["reason"]) for r in done if r["reason"])


class _EncoderActor:
    """One model on OpenVINO in one Ray worker; encodes batches of numbered sentences."""

    def __init__(self, model: str, threads: int):
        from .model import Embedder

        self.embedder = Embedder(model, runtime_threads=threads)

    def __call__(self, batch: dict) -> dict:
        vectors, tokens = self.embedder.encode_with_tokens([str(t) for t in batch["text"]])
        return {"row": np.asarray(batch["row"]), "vector": vectors,
                "tokens": np.array([t.astype(np.float32).tobytes() for t in tokens], dtype=object)}


class RayEmbedder:
    """An embedder whose bulk encoding (``encode_with_tokens``, what a build calls) runs on Ray;
    everything else (a question's vector, the name, the dimension) is the local embedder's."""

    def __init__(self, local, workers: int):
        self._local = local
        self.name = local.name
        self.dimension = local.dimension
        self.workers = max(1, int(workers))
        # A build streams its sentences a step at a time (store.embed_stream); a step this large keeps
        # every worker busy with several blocks, at the cost of one step's vectors in memory.
        self.stream_sentences = RAY_BATCH * self.workers * 8

    def __getattr__(self, attr):
        return getattr(self._local, attr)

    def encode_with_tokens(self, texts: list[str], *, batch_size: int = 32,
                           progress: bool = False) -> tuple[np.ndarray, list[np.ndarray]]:
        import ray

        if not texts:
            return np.zeros((0, self.dimension), np.float32), []
        items = [{"row": i, "text": t} for i, t in enumerate(texts)]
        blocks = max(self.workers, -(-len(items) // RAY_BATCH))
        out = ray.data.from_items(items, override_num_blocks=blocks).map_batches(
            _EncoderActor, fn_constructor_kwargs={"model": self.name, "threads": CPUS_PER_WORKER},
            batch_size=None, compute=ray.data.ActorPoolStrategy(size=self.workers), num_cpus=CPUS_PER_WORKER,
            batch_format="numpy")
        vectors = np.zeros((len(texts), self.dimension), np.float32)
        tokens: list[np.ndarray | None] = [None] * len(texts)
        for batch in out.iter_batches(batch_size=None, batch_format="numpy"):
            for row, vector, raw in zip(batch["row"], batch["vector"], batch["tokens"]):
                vectors[int(row)] = vector
                tokens[int(row)] = np.frombuffer(raw, dtype=np.float32).reshape(-1, self.dimension)
        missing = [i for i, t in enumerate(tokens) if t is None]
        if missing:  # Ray returned fewer rows than it was given: never index a part of the library
            raise RuntimeError(f"the Ray build lost {len(missing)} of {len(texts)} sentences")
        return vectors, tokens
