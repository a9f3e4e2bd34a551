"""The one place that owns the index files.

Layout of the index folder::

    index/manifest.json      what was built, from what, and every file's size and sha256
    index/<generation>/      passages.json, passages.faiss, sentences.npy, bm25/, and the token
                             vectors (token_codes.npy + token_codebook.npy, or tokens.npy: token_codes.py)
    index/second-model/      the same layout for the engine's second model, if any

A build writes a new generation folder, then replaces ``manifest.json``
atomically (write to a temporary name, fsync, rename): the manifest is the
commit point, so a crash mid-build leaves the previous index in force and never
a half-index. Loading checks the manifest against the corpus and the model and
every file against its recorded size and hash; any mismatch is a
``StaleIndexError`` and the caller rebuilds.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from ..ingest.metadata import MAX_MANIFEST_BYTES, MetadataError, check_manifest, read_json_object
from ..ingest.corpus import Document, corpus_hash, corpus_passages
from ..files import sha256_file, write_atomic
from .backends import Backend, FileBackend, LexicalSearch, PassageSearch, StoreUnavailable
from ..ingest.passages import SPLITTER_VERSION, Passage
from . import build_progress
from .near_copies import version_groups
from .token_codes import TokenVectors, TokenWriter
from .vector_index import index_spec

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
SENTENCES_FILE = "sentences.npy"  # float16, one row a sentence, in passage order
# float32, one a passage: ``passage_norms`` of the stored sentences, made at build so that a start
# of a large library does not sum every sentence again (0.17 s a model on 326 resolutions).
NORMS_FILE = "passage-norms.npy"
SECOND_INDEX = "second-model"  # sub-folder of the index folder for a second model's index
FORMAT_VERSION = 3  # 2: passage vectors are the mean of their sentence vectors; 3: float16 sentences, token codes


class StaleIndexError(Exception):
    """The index on disk is missing, out of date or damaged; the message says which."""


@dataclass
class Index:
    """Everything search needs, loaded in memory."""

    passages: list[Passage]
    passage_search: PassageSearch  # the passage vectors, in the backend's store
    sentence_owner: np.ndarray  # passage id of each sentence vector
    sentence_vectors: np.ndarray
    sentence_start: np.ndarray  # row of each passage's first sentence (sentences are stored in order)
    tokens: TokenVectors  # each passage's content-token vectors, for late interaction
    lexical: LexicalSearch
    manifest: dict
    documents: list[dict]
    version_groups: list[int] | None = None  # each passage's group of near copies (near_copies.py)
    # |sum of each passage's sentence vectors|: a passage's vector is that sum normalised, so its
    # cosine with a question is the sum of its sentences' cosines over this (``passage_norms``).
    sentence_sum_norms: np.ndarray | None = None


def _file_records(folder: Path) -> dict[str, dict]:
    # The modification time lets a start trust a file without reading it (``load_index``).
    return {
        str(p.relative_to(folder)): {"size": p.stat().st_size, "sha256": sha256_file(p),
                                     "mtime_ns": p.stat().st_mtime_ns}
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _write_json_atomic(path: Path, data: dict) -> None:
    write_atomic(path, json.dumps(data, indent=1, ensure_ascii=False).encode("utf-8"))


def expected_identity(documents: list[Document], model_name: str) -> dict:
    """The fields a manifest must match for the index to serve this corpus and model."""
    return {
        "format": FORMAT_VERSION,
        "corpus_sha256": corpus_hash(documents),
        "model": model_name,
        "splitter_version": SPLITTER_VERSION,
    }


def _reusable_documents(index: Index | None) -> dict[str, tuple[str, list[int]]]:
    """Per document of a built index: its hash and its passages' ids there, in order."""
    if index is None:
        return {}
    hashes = index.manifest.get("documents") or {}
    out: dict[str, tuple[str, list[int]]] = {}
    for p in index.passages:
        out.setdefault(p.doc_id, (hashes.get(p.doc_id, ""), []))[1].append(p.id)
    return out


def _mean_vectors(sentence_vectors: np.ndarray, counts: list[int]) -> np.ndarray:
    """Each passage's vector: the normalised mean of its ``counts[i]`` sentence vectors, in order."""
    out, k = [], 0
    for m in counts:
        v = sentence_vectors[k : k + m].mean(axis=0, dtype=np.float32)
        out.append(v / max(float(np.linalg.norm(v)), 1e-12))
        k += m
    return np.array(out, dtype=np.float32).reshape(len(counts), sentence_vectors.shape[1])


# Called as passages are embedded: (model name, passages embedded, of how many).
ProgressReport = Callable[[str, int, int], None]
REPORT_EVERY = 256  # sentences a step: a few seconds of work at most, and batches at the model's speed


def embed_stream(embedder, passages: list[Passage], *, progress: bool = False,
                 report: ProgressReport | None = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Each passage's (sentence vectors, token vectors), in order, from one forward pass over its
    sentences, made a step of ``REPORT_EVERY`` sentences at a time (an embedder may ask for larger
    steps: ``stream_sentences``), so a build holds one step's vectors, never the library's (#32).
    A passage's vector is the normalised mean of its sentences' (``_mean_vectors``): embedding the
    passages as well would double the cost for no gain in the eval figures (docs/quality.md)."""
    step = max(1, int(getattr(embedder, "stream_sentences", REPORT_EVERY)))
    if report is not None:
        report(embedder.name, 0, len(passages))
    done = 0
    while done < len(passages):
        stop, count = done, 0
        while stop < len(passages) and (count == 0 or count + len(passages[stop].sentences) <= step):
            count += len(passages[stop].sentences)
            stop += 1
        texts = [s.text for p in passages[done:stop] for s in p.sentences]
        vectors, tokens = embedder.encode_with_tokens(texts, progress=progress)
        if report is not None:  # embedded now, whether or not the caller takes them all
            report(embedder.name, stop, len(passages))
        k = 0
        for p in passages[done:stop]:
            m = len(p.sentences)
            yield vectors[k : k + m], np.concatenate(tokens[k : k + m])
            k += m
        done = stop


def embed_passages(embedder, passages: list[Passage], *, progress: bool = False,
                   report: ProgressReport | None = None) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Passage vectors, sentence vectors and passage token vectors of ``passages``, all at once
    (for benchmarks; a build uses ``embed_stream``)."""
    sentences, tokens = [], []
    for s, t in embed_stream(embedder, passages, progress=progress, report=report):
        sentences.append(s)
        tokens.append(t)
    sentence_vectors = (np.concatenate(sentences) if sentences
                        else np.zeros((0, embedder.dimension), np.float32))
    return _mean_vectors(sentence_vectors, [len(p.sentences) for p in passages]), sentence_vectors, tokens


@dataclass(frozen=True)
class StagedIndex:
    """An index written in full under its own generation folder but not yet published: its
    manifest is not written, so readers still see the previous one (``publish`` makes it current,
    ``discard`` takes it away)."""

    index_dir: Path
    generation: str
    manifest: dict
    backend: Backend
    near_copies: list[int] | None = None


def publish(staged: StagedIndex) -> None:
    """Make a staged index the current one (the backend's switch, then one atomic manifest
    write), then free the old ones."""
    staged.backend.publish(staged.index_dir, staged.manifest["store"])
    _write_json_atomic(staged.index_dir / MANIFEST, staged.manifest)
    build_progress.clear(staged.index_dir)  # published: nothing left to continue
    _remove_old_generations(staged.index_dir, keep=staged.generation)
    log.info("built index %s: %d passages in %.1f s", staged.generation, staged.manifest["passage_count"],
             staged.manifest["build_seconds"])


def discard(staged: StagedIndex) -> None:
    staged.backend.discard(staged.manifest["store"])
    shutil.rmtree(staged.index_dir / staged.generation, ignore_errors=True)


def build_index(index_dir: Path, documents: list[Document], embedder, *, progress: bool = False,
                previous: Index | None = None, report: ProgressReport | None = None,
                backend: Backend | None = None) -> Index:
    """Split, embed and index the corpus, then publish it atomically.

    With ``previous`` (an index built with the same model and splitter), documents whose
    content hash is unchanged reuse its vectors: only new or changed documents are embedded.
    """
    staged = stage_index(index_dir, documents, embedder, progress=progress, previous=previous, report=report,
                         backend=backend)
    publish(staged)
    return load_index(index_dir, documents, embedder.name, backend=backend)


def stage_index(index_dir: Path, documents: list[Document], embedder, *, progress: bool = False,
                previous: Index | None = None, report: ProgressReport | None = None,
                backend: Backend | None = None, near_copies: list[int] | None = None) -> StagedIndex:
    """Split, embed and write the corpus's index under a new generation folder (and its passage
    vectors and lexical index into the backend), unpublished. ``near_copies``: the passages'
    groups of near copies when another model's index of the same corpus has just found them."""
    backend = backend or FileBackend()
    started = time.perf_counter()
    passages = corpus_passages(documents)
    if not passages:
        raise ValueError("the corpus has no text to index")
    reusable = _reusable_documents(previous)
    by_doc: dict[str, list[Passage]] = {}
    for p in passages:
        by_doc.setdefault(p.doc_id, []).append(p)
    fresh = [d.id for d in documents if d.id in by_doc and reusable.get(d.id, ("",))[0] != d.sha256]
    sha = {d.id: d.sha256 for d in documents}
    fresh_set = set(fresh)
    # A build interrupted before had embedded some of them: those are read back, not embedded.
    kept = {doc_id: build_progress.load(index_dir, embedder.name, sha[doc_id], by_doc[doc_id]) for doc_id in fresh}
    kept = {k: v for k, v in kept.items() if v is not None}
    if kept:
        log.info("continuing an interrupted build: %d of %d documents to embed were embedded already",
                 len(kept), len(fresh))
    # Documents in the corpus's order: a new or changed one's passages embedded as a stream, an
    # unchanged one's vectors and token codes copied from the previous index.
    embedded = embed_stream(embedder, [p for doc_id in fresh if doc_id not in kept for p in by_doc[doc_id]],
                            progress=progress, report=report)
    tokens = TokenWriter(previous.tokens.codebook if previous is not None else None)
    sentence_parts: list[np.ndarray] = []
    for d in documents:
        if d.id in kept:
            for s_vectors, t_vectors in zip(*kept[d.id]):
                sentence_parts.append(s_vectors)
                tokens.add(t_vectors)
        elif d.id in fresh_set:
            mine_s, mine_t = [], []
            for _ in by_doc[d.id]:
                s_vectors, t_vectors = next(embedded)
                mine_s.append(np.asarray(s_vectors, dtype=np.float32))
                mine_t.append(t_vectors)
                tokens.add(t_vectors)
            sentence_parts.extend(mine_s)
            if len(fresh) > 1:  # worth keeping only when there is more than this one to embed
                build_progress.save(index_dir, embedder.name, d.sha256, mine_s, mine_t)
        elif d.id in by_doc:
            for old in reusable[d.id][1]:
                first = previous.sentence_start[old]
                sentence_parts.append(previous.sentence_vectors[first : first + len(previous.passages[old].sentences)])
                tokens.add_stored(previous.tokens.stored_rows(old), previous.tokens.codebook)
    # One copy, in the float16 that is stored: passage vectors are the mean of these stored values,
    # so a fresh build, a rebuild reusing vectors and an index moved to another store agree exactly.
    sentence_vectors = np.concatenate(sentence_parts, dtype=np.float16)
    del sentence_parts
    passage_vectors = _mean_vectors(sentence_vectors, [len(p.sentences) for p in passages])
    sentence_owner = np.array([p.id for p in passages for _ in p.sentences], dtype=np.int64)

    groups = (near_copies if near_copies is not None and len(near_copies) == len(passages)
              else version_groups([p.text for p in passages], [p.doc_id for p in passages]) if len(by_doc) > 1
              else list(range(len(passages))))
    index_dir.mkdir(parents=True, exist_ok=True)
    generation = f"g-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    staging = index_dir / f".{generation}.tmp"
    staging.mkdir()
    try:
        with (staging / "passages.json").open("w", encoding="utf-8") as f:
            json.dump(
                {
                    "passages": [p.to_dict() for p in passages],
                    "sentence_owner": sentence_owner.tolist(),
                    "documents": [d.metadata() | {"sha256": d.sha256} for d in documents],
                    # Near copies across documents, found once here rather than at each start.
                    "version_groups": groups,
                },
                f,
                ensure_ascii=False,
            )
        spec = index_spec(len(passage_vectors))
        store_record = backend.stage(index_dir, staging, generation, passage_vectors, [p.text for p in passages], spec)
        # Sentence vectors in float16 (highlights and max-sim read them; 1e-3 of a cosine at most).
        np.save(staging / SENTENCES_FILE, sentence_vectors)
        norms = passage_norms(sentence_vectors, _sentence_starts(passages))
        if norms is not None:
            np.save(staging / NORMS_FILE, norms)
        tokens.write(staging)
        files = _file_records(staging)
        os.replace(staging, index_dir / generation)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if "store_record" in locals():
            backend.discard(store_record)
        raise
    manifest = expected_identity(documents, embedder.name) | {
        "generation": generation,
        "dimension": int(passage_vectors.shape[1]),
        "passage_count": len(passages),
        "sentence_count": len(sentence_owner),
        "documents": {d.id: d.sha256 for d in documents},
        "embedded_documents": fresh,
        "index": spec,
        "store": store_record,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - started, 2),
        "files": files,
    }
    return StagedIndex(index_dir, generation, manifest, backend, groups)


def release_freed_memory() -> None:
    """Collect what a finished stage or a replaced engine held and ask the C allocator to return
    its free pages (glibc's ``malloc_trim``). Without it, freed heap stays in the process: each add
    or remove left a server some 50-100 MiB larger (#33), and the first model's stage sat under the
    second's in a build's peak (#32). Elsewhere than glibc, only the collection."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _remove_old_generations(index_dir: Path, keep: str) -> None:
    for child in index_dir.iterdir():
        if child.is_dir() and child.name != keep and (child.name.startswith("g-") or child.name.startswith(".g-")):
            shutil.rmtree(child, ignore_errors=True)


def _reason(exc: BaseException) -> str:
    """Why a file failed, without its path: the reason reaches the server log, which holds none."""
    if isinstance(exc, OSError):
        return f"{exc.__class__.__name__}: {exc.strerror or 'cannot be read'}"
    if isinstance(exc, MetadataError):
        return str(exc)
    return exc.__class__.__name__  # faiss's and numpy's messages name the file


def read_manifest(index_dir: Path) -> dict:
    path = index_dir / MANIFEST
    if not path.exists():
        raise StaleIndexError("no index built yet")
    try:
        manifest = read_json_object(path, MAX_MANIFEST_BYTES)
        check_manifest(manifest)
    except (OSError, MetadataError) as exc:
        raise StaleIndexError(f"unreadable manifest: {_reason(exc)}") from exc
    return manifest


def published_generations(index_dir: Path, models: int = 1) -> tuple[str | None, ...]:
    """The generation each model's manifest names now (None where none is readable): what the
    last build published, by this process or another server on the same library (#35)."""
    found: list[str | None] = []
    for folder in [Path(index_dir), Path(index_dir) / SECOND_INDEX][:models]:
        try:
            found.append(str(read_manifest(folder).get("generation")))
        except StaleIndexError:
            found.append(None)
    return tuple(found)


def index_generation(index: Index) -> str:
    """The generation an index in memory was loaded from."""
    return str(index.manifest.get("generation"))


def load_index(index_dir: Path, documents: list[Document], model_name: str, *, any_corpus: bool = False,
               backend: Backend | None = None, verify: bool = False, same_passages_as: Index | None = None) -> Index:
    """Load a valid index, or raise StaleIndexError saying why it cannot serve.
    ``any_corpus`` accepts an index of another corpus, of any store, without opening its store:
    only its passages and vectors, to reuse them in a rebuild (an index in files moved to Milvus
    embeds nothing again). A file whose size and modification time are as written is trusted
    without being read; one changed since, or every file with ``verify``, is hashed (#32: a start
    of a library of hundreds does not read its hundreds of MB of index to check them). ``same_passages_as``: another model's index of the
    same corpus; when its ``passages.json`` has the same checksum, its passages are shared rather
    than read and held a second time."""
    backend = backend or FileBackend()
    manifest = read_manifest(index_dir)
    if not any_corpus and (manifest.get("store") or {"kind": "files"}).get("kind") != backend.name:
        raise StaleIndexError(f"index was built for another store than {backend.name}")
    for key, value in expected_identity(documents, model_name).items():
        if any_corpus and key == "corpus_sha256":
            continue
        if manifest.get(key) != value:
            raise StaleIndexError(f"index was built for another {key.replace('_', ' ')}")
    folder = index_dir / str(manifest.get("generation"))
    files = manifest.get("files") or {}
    for name, record in files.items():
        path = folder / name
        if not path.is_file():
            raise StaleIndexError(f"index file missing: {name}")
        st = path.stat()
        if st.st_size != record["size"] or (
                (verify or st.st_mtime_ns != record.get("mtime_ns")) and sha256_file(path) != record["sha256"]):
            raise StaleIndexError(f"index file damaged (size or checksum differs): {name}")
    twin = same_passages_as
    shared = twin is not None and bool(files.get("passages.json")) and (
        files["passages.json"].get("sha256") == (twin.manifest.get("files") or {}).get("passages.json", {}).get("sha256"))
    try:
        if shared:
            passages, sentence_owner = twin.passages, twin.sentence_owner
            data = {"documents": twin.documents, "version_groups": twin.version_groups}
        else:
            data = json.loads((folder / "passages.json").read_text(encoding="utf-8"))
            passages = [Passage.from_dict(d) for d in data["passages"]]
            sentence_owner = np.asarray(data["sentence_owner"], dtype=np.int64)
        sentence_vectors = np.load(folder / SENTENCES_FILE, allow_pickle=False).astype(np.float32)
        tokens = TokenVectors.load(folder)
    except Exception as exc:  # a damaged file can fail in many ways; all mean "rebuild"
        raise StaleIndexError(f"index files unreadable: {_reason(exc)}") from exc
    try:
        if any_corpus:  # vectors to reuse, not an index to search
            passage_search = lexical = _NotOpened(len(passages))
        else:
            passage_search, lexical = backend.open(index_dir, folder, manifest, lexical=True)
    except StoreUnavailable:
        raise  # not a stale index: rebuilding would not help, and the message says what would
    except Exception as exc:
        raise StaleIndexError(f"the {backend.name} store cannot serve this index: {_reason(exc)}") from exc
    sizes = {len(passages), passage_search.count, lexical.count, manifest.get("passage_count")}
    if (len(sizes) != 1 or len(sentence_vectors) != len(sentence_owner)
            or len(tokens.offsets) != len(passages) + 1 or tokens.offsets[-1] != tokens.rows):
        raise StaleIndexError("index parts disagree on the number of passages")
    if getattr(passage_search, "dimension", manifest.get("dimension")) != manifest.get("dimension"):
        raise StaleIndexError("index dimension differs from the manifest")
    sentence_start = _sentence_starts(passages)
    norms = _kept_norms(folder, files, len(passages))
    return Index(
        passages=passages,
        passage_search=passage_search,
        sentence_owner=sentence_owner,
        sentence_vectors=sentence_vectors,
        sentence_start=sentence_start,
        tokens=tokens,
        lexical=lexical,
        manifest=manifest,
        documents=data.get("documents", []),
        version_groups=_groups(data.get("version_groups"), len(passages)),
        sentence_sum_norms=norms if norms is not None else passage_norms(sentence_vectors, sentence_start),
    )


def _sentence_starts(passages: list[Passage]) -> np.ndarray:
    """Where each passage's sentences begin among the sentence rows, and the end of the last."""
    return np.concatenate([[0], np.cumsum([len(p.sentences) for p in passages])]).astype(np.int64)


def _kept_norms(folder: Path, files: dict, passages: int) -> np.ndarray | None:
    """The passage norms made at build, when this generation has them (older ones do not)."""
    if NORMS_FILE not in files:
        return None
    try:
        norms = np.load(folder / NORMS_FILE, allow_pickle=False)
    except (OSError, ValueError):
        return None
    return norms if norms.dtype == np.float32 and norms.shape == (passages,) else None


def passage_norms(sentence_vectors: np.ndarray, sentence_start: np.ndarray, chunk: int = 4096) -> np.ndarray | None:
    """The norm of each passage's sum of sentence vectors (None when a passage has no sentence:
    then its cosine cannot be read off its sentences'). Chunked, so it holds ``chunk`` sums at once."""
    counts = np.diff(sentence_start)
    if len(counts) == 0 or counts.min() < 1:
        return None
    norms = np.empty(len(counts), dtype=np.float32)
    for first in range(0, len(counts), chunk):
        last = min(first + chunk, len(counts))
        # As float32 a chunk at a time: the same sums whether the rows are held as stored or widened.
        rows = np.asarray(sentence_vectors[sentence_start[first] : sentence_start[last]], dtype=np.float32)
        sums = np.add.reduceat(rows, sentence_start[first:last] - sentence_start[first], axis=0)
        norms[first:last] = np.maximum(np.linalg.norm(sums, axis=1), 1e-12)
    return norms


def _groups(value, n: int) -> list[int] | None:
    """The stored groups of near copies, if they fit the passages (else None: made again)."""
    if isinstance(value, list) and len(value) == n and all(isinstance(g, int) and 0 <= g < n for g in value):
        return value
    return None


@dataclass(frozen=True)
class _NotOpened:
    """The searches of an index loaded only for its vectors: never asked anything."""

    count: int
    exact: bool = True


def load_or_build(index_dir: Path, documents: list[Document], embedder, *, progress: bool = False,
                  force: bool = False, report: ProgressReport | None = None,
                  backend: Backend | None = None) -> tuple[Index, bool]:
    """The index for this corpus and model: loaded if valid, else rebuilt (reusing the vectors of
    unchanged documents when the old index is intact). Returns (index, rebuilt)."""
    current, previous = _current_or_previous(index_dir, documents, embedder, force, backend)
    if current is not None:
        return current, False
    return build_index(index_dir, documents, embedder, progress=progress, previous=previous, report=report,
                       backend=backend), True


def _current_or_previous(index_dir: Path, documents: list[Document], embedder, force: bool,
                         backend: Backend | None = None, verify: bool = False) -> tuple[Index | None, Index | None]:
    """(the valid index of this corpus, None) or (None, an intact older one whose vectors of
    unchanged documents can be reused, or None)."""
    if force:
        return None, None
    try:
        return load_index(index_dir, documents, embedder.name, backend=backend, verify=verify), None
    except StaleIndexError as exc:
        log.warning("rebuilding the index: %s", exc)
    try:
        # With ``verify``, vectors to reuse are checked too: a damaged file is never copied on.
        return None, load_index(index_dir, documents, embedder.name, any_corpus=True, backend=backend,
                                verify=verify)
    except StaleIndexError:
        return None, None


def load_or_build_all(index_dir: Path, documents: list[Document], embedders: list, *, progress: bool = False,
                      force: bool = False, report: ProgressReport | None = None,
                      backend: Backend | None = None, verify: bool = False) -> tuple[list[Index], bool]:
    """One index per model, of the same passages: the first model's in ``index_dir``, the second's
    in ``index_dir/second-model``. Returns (indexes, whether any was rebuilt).

    Every model's new index is written in full before any is published, so a change that fails
    part-way (a full disk while the second model's index is written) publishes neither: the
    previous indexes, untouched, keep serving and a start finds them (#33)."""
    folders = [index_dir, index_dir / SECOND_INDEX][: len(embedders)]
    current: list[Index | None] = []
    previous: list[Index | None] = []
    for folder, embedder in zip(folders, embedders):
        index, prior = _current_or_previous(folder, documents, embedder, force, backend, verify)
        current.append(index)
        previous.append(prior)
    if current[0] is not None:
        # Both are built from the same corpus; a mismatch means one is from an older splitter or
        # corpus state, so it is made again from this corpus.
        for k in range(1, len(current)):
            if current[k] is not None and _passage_keys(current[k]) != _passage_keys(current[0]):
                log.info("the second model's index does not match the passages; rebuilding it")
                current[k] = None
    if all(i is not None for i in current):
        return _share_passages(current), False  # type: ignore[arg-type]
    staged: list[StagedIndex] = []
    try:
        for k, (folder, embedder) in enumerate(zip(folders, embedders)):
            if current[k] is None:
                found = staged[0].near_copies if staged else (current[0].version_groups if current[0] else None)
                staged.append(stage_index(folder, documents, embedder, progress=progress, previous=previous[k],
                                          report=report, backend=backend, near_copies=found))
                release_freed_memory()  # the stage's own arrays, before the next model's
    except BaseException:
        for s in staged:
            discard(s)
        raise
    for s in staged:
        publish(s)
    indexes = _load_each(folders, documents, embedders, backend)
    if any(_passage_keys(i) != _passage_keys(indexes[0]) for i in indexes[1:]):
        # A first index kept from an older splitter while the second was made anew: make all again.
        if not force:
            return load_or_build_all(index_dir, documents, embedders, progress=progress, force=True, report=report,
                                     backend=backend)
        raise StaleIndexError("the two models' indexes do not match after a rebuild")
    return _share_passages(indexes), True


def _load_each(folders: list[Path], documents: list[Document], embedders: list, backend: Backend | None,
               verify: bool = False) -> list[Index]:
    """Each model's index; the second shares the first's passages when its file is the same."""
    indexes: list[Index] = []
    for folder, embedder in zip(folders, embedders):
        indexes.append(load_index(folder, documents, embedder.name, backend=backend, verify=verify,
                                  same_passages_as=indexes[0] if indexes else None))
    return indexes


def _share_passages(indexes: list[Index]) -> list[Index]:
    """The models' indexes hold the same passages (checked by the callers): one list of them in
    memory, not one a model (some 100 MB for the 326 resolutions)."""
    for other in indexes[1:]:
        other.passages = indexes[0].passages
    return indexes


def load_all(index_dir: Path, documents: list[Document], embedders: list,
             backend: Backend | None = None, verify: bool = False) -> list[Index]:
    """The valid indexes of ``load_or_build_all`` without building anything (a reader's path);
    raises StaleIndexError when any is missing, stale or does not match the first."""
    folders = [index_dir, index_dir / SECOND_INDEX][: len(embedders)]
    indexes = _load_each(folders, documents, embedders, backend, verify)
    if any(_passage_keys(i) != _passage_keys(indexes[0]) for i in indexes[1:]):
        raise StaleIndexError("the two models' indexes do not match")
    return _share_passages(indexes)


def _passage_keys(index: Index) -> list[tuple[str, str]]:
    return [(p.doc_id, p.text) for p in index.passages]
