"""What a build has embedded so far, kept so that a build interrupted (killed, a crash, a power cut)
and started again continues where it stopped (#32).

As a build finishes embedding each new or changed document, it writes that document's sentence
and token vectors (float16) to ``<index dir>/.build-progress/<key>.npz``, the key a hash of the
model, the splitter version and the document's content hash. A later build of the same document
with the same model reads them instead of embedding it again (the readings themselves are kept by
the read cache). Publishing an index clears the folder. A file that is unreadable or does not fit
the document's passages is ignored and embedded again: progress is an optimisation, never a source
of truth, and failing to write it (a full disk) never fails the build.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from pathlib import Path

import numpy as np

from ..ingest.passages import SPLITTER_VERSION, Passage

log = logging.getLogger(__name__)

FOLDER = ".build-progress"


def _path(index_dir: Path, model: str, doc_sha256: str) -> Path:
    key = hashlib.sha256(f"{model}\0{SPLITTER_VERSION}\0{doc_sha256}".encode()).hexdigest()[:40]
    return Path(index_dir) / FOLDER / f"{key}.npz"


def save(index_dir: Path, model: str, doc_sha256: str, sentences: list[np.ndarray], tokens: list[np.ndarray]) -> None:
    """Keep one document's vectors: each passage's sentence vectors and token vectors."""
    path = _path(index_dir, model, doc_sha256)
    temporary = path.with_name(f".{path.stem}.{os.getpid()}.npz")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as f:
            np.savez(f, sentences=np.concatenate(sentences).astype(np.float16),
                     sentence_counts=np.array([len(s) for s in sentences], np.int64),
                     tokens=np.concatenate(tokens).astype(np.float16),
                     token_counts=np.array([len(t) for t in tokens], np.int64))
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        log.warning("could not keep the build's progress (%s); an interrupted build would embed this "
                    "document again", exc.strerror or exc.__class__.__name__)


def load(index_dir: Path, model: str, doc_sha256: str,
         passages: list[Passage]) -> tuple[list[np.ndarray], list[np.ndarray]] | None:
    """The kept vectors of a document's ``passages`` (per passage: sentence vectors, token
    vectors, float32), or None when none were kept or they do not fit."""
    path = _path(index_dir, model, doc_sha256)
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            s_counts, t_counts = data["sentence_counts"], data["token_counts"]
            if list(s_counts) != [len(p.sentences) for p in passages] or len(t_counts) != len(passages):
                return None
            sentences = np.split(data["sentences"].astype(np.float32), np.cumsum(s_counts)[:-1])
            tokens = np.split(data["tokens"].astype(np.float32), np.cumsum(t_counts)[:-1])
    except Exception as exc:  # a damaged file can fail in many ways: embed again
        log.warning("ignoring a damaged progress file of an interrupted build (%s)", exc.__class__.__name__)
        return None
    return sentences, tokens


def clear(index_dir: Path) -> None:
    shutil.rmtree(Path(index_dir) / FOLDER, ignore_errors=True)
