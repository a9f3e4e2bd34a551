"""Benchmarks of #35, past one machine, printed as figures measured in one run (docs/scale.md).

``make bench-ray``: the Ray build (``build --ray``) of the first 100 resolutions of session 78 on
one worker and on two (one CPU each), from cold (every PDF read, every sentence embedded); the
ratio is the target (>= 1.6x).

``make bench-store``: the index of the 326 resolutions in FAISS files and in Milvus Lite (moved, not
embedded again): per-question p50 and p95 of the whole answer, recall@10 of each store's passage
search against exact search, and the bytes a passage costs on disk.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SESSION_78 = ROOT.parent / "shared" / "un-documents" / "resolutions-78"


def _library(folder: Path, count: int | None) -> Path:
    corpus = folder / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    names = sorted(p.name for p in SESSION_78.glob("*.pdf"))
    for name in names[:count] if count else names:
        shutil.copy(SESSION_78 / name, corpus / name)
    return corpus


def bench_ray(count: int, workers: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = _library(Path(tmp), count)
        rows = []
        for w in workers:
            index = Path(tmp) / f"index-{w}"
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "retrieval", "build", "--ray", "--workers", str(w)], cwd=ROOT,
                                  env=os.environ | {"RETRIEVAL_CORPUS_DIR": str(corpus), "RETRIEVAL_INDEX_DIR": str(index)},
                                  capture_output=True, text=True)
            wall = time.perf_counter() - started
            if done.returncode:
                raise SystemExit(done.stderr[-3000:])
            manifest = json.loads((index / "manifest.json").read_text())
            rows.append((w, wall, manifest["passage_count"], manifest["sentence_count"]))
        print(f"Ray build of {count} resolutions of session 78 (both models, from cold), local instance:")
        print("| workers | wall | passages | sentences | passages/s |")
        print("|---|---|---|---|---|")
        for w, wall, passages, sentences in rows:
            print(f"| {w} | {wall:.0f} s | {passages:,} | {sentences:,} | {passages / wall:.1f} |")
        base = rows[0][1]
        for w, wall, _, _ in rows[1:]:
            print(f"speed-up with {w} workers against {rows[0][0]}: {base / wall:.2f}x")


def _questions(engine, n: int) -> list[str]:
    """Plain questions on the library's own subjects: a newcomer asking about a resolution by its
    subject, not its words (the titles' subjects, asked)."""
    titles = sorted({d["title"].split(" (")[0] for d in engine.documents})
    step = max(1, len(titles) // n)
    return [f"What did the General Assembly decide on {t.lower()}?" for t in titles[::step][:n]]


def _passage_vectors(index):
    """Every passage's vector as the index keeps it (the mean of its sentences', as a build makes it)."""
    import numpy as np

    from retrieval.index.store import _mean_vectors

    counts = np.bincount(index.sentence_owner, minlength=len(index.passages))
    return _mean_vectors(index.sentence_vectors, [int(c) for c in counts])


def _approximate(exact, asked_vectors, tmp: str) -> list[tuple]:
    """Both stores' approximate index over the same vectors (what a library past 20,000 passages
    gets): recall@10 against exact search, and the p50 of one search."""
    import numpy as np

    from retrieval.index.backends import FileBackend
    from retrieval.index.milvus_store import MilvusBackend
    from retrieval.index.vector_index import index_spec

    spec = index_spec(max(len(exact), 20_001)) | {"nlist": max(8, int(4 * len(exact) ** 0.5))}
    spec["nprobe"] = max(8, spec["nlist"] // 64)
    rows = []
    for backend in (FileBackend(), MilvusBackend(f"{tmp}/ivf.db", "ivf")):
        folder = Path(tmp) / f"ivf-{backend.name}"
        staging = folder / "g-ivf"
        staging.mkdir(parents=True, exist_ok=True)
        record = backend.stage(folder, staging, "g-ivf", exact, None, spec)
        search, _ = backend.open(folder, staging, {"store": record, "index": spec, "dimension": exact.shape[1]}, False)
        hits, times = 0, []
        for v in asked_vectors:
            truth = set(np.argsort(-(exact @ v))[:10].tolist())
            t = time.perf_counter()
            _, found = search.search(v, 10)
            times.append(time.perf_counter() - t)
            hits += len(truth & {int(i) for i in found})
        rows.append((backend.name, spec, hits / (10 * len(asked_vectors)), statistics.median(times)))
    return rows


def bench_store(count: int | None, questions: int, second_model: str | None, keep: Path | None = None) -> None:
    import numpy as np

    from retrieval.answer.engine import Engine
    from retrieval.config import Settings

    with tempfile.TemporaryDirectory() as tmp:
        if keep:
            tmp = str(keep)
            Path(tmp).mkdir(parents=True, exist_ok=True)
            shutil.rmtree(Path(tmp) / "index-milvus", ignore_errors=True)
            for f in [*Path(tmp).glob("lite.db*"), *Path(tmp).glob("ivf*")]:
                shutil.rmtree(f) if f.is_dir() else f.unlink()
        corpus = _library(Path(tmp), count)
        env_model = {} if second_model is None else {"second_model": second_model}
        files = Settings.from_env(corpus_dir=corpus, index_dir=Path(tmp) / "index", **env_model)
        files = replace(files, store="")
        started = time.perf_counter()
        on_files = Engine.load(files)
        build = time.perf_counter() - started
        milvus_dir = Path(tmp) / "index-milvus"
        shutil.copytree(files.index_dir, milvus_dir)
        on_milvus = Engine.load(replace(files, index_dir=milvus_dir, store=f"milvus://{tmp}/lite.db"),
                                embedder=on_files.embedder, second_embedder=on_files.second[0] if on_files.second else None)
        asked = _questions(on_files, questions)
        exact = _passage_vectors(on_files.index)
        figures = {}
        for name, engine in (("FAISS files", on_files), ("Milvus Lite", on_milvus)):
            for q in asked[:3]:
                engine.ask(q)  # warm
            times = []
            for q in asked:
                engine.forget_scores()
                t = time.perf_counter()
                engine.ask(q)
                times.append(time.perf_counter() - t)
            index = engine.index
            hits = 0
            for q in asked:
                v = engine.embedder.encode_query(q)
                truth = set(np.argsort(-(exact @ v))[:10].tolist())
                _, found = index.passage_search.search(v, 10)
                hits += len(truth & {int(i) for i in found})
            figures[name] = (statistics.median(times), sorted(times)[int(0.95 * (len(times) - 1))],
                             hits / (10 * len(asked)), index.manifest.get("index", {}))
        manifest = on_files.index.manifest
        size = sum(f.stat().st_size for f in files.index_dir.rglob("*") if f.is_file() and "read-cache" not in f.parts)
        passages = manifest["passage_count"]
        print(f"{len(on_files.documents)} resolutions, {passages:,} passages, {manifest['sentence_count']:,} sentences, "
              f"models: {', '.join(e.name for e in on_files.embedders)}; build {build:.0f} s; "
              f"{len(asked)} questions")
        print("| store | p50 | p95 | recall@10 vs exact | passage index |")
        print("|---|---|---|---|---|")
        for name, (p50, p95, recall, spec) in figures.items():
            print(f"| {name} | {p50 * 1000:.0f} ms | {p95 * 1000:.0f} ms | {recall:.3f} | {spec.get('type')} |")
        ratio = figures["Milvus Lite"][0] / figures["FAISS files"][0]
        print(f"Milvus Lite p50 / FAISS p50: {ratio:.2f}x")
        vectors = [on_files.embedder.encode_query(q) for q in asked]
        print("| approximate index, same vectors | recall@10 vs exact | p50 of one search |")
        print("|---|---|---|")
        for name, spec, recall, p50 in _approximate(exact, vectors, tmp):
            kind = "FAISS IVF-SQ8" if name == "files" else "Milvus IVF_FLAT"
            print(f"| {kind} (nlist {spec['nlist']}, nprobe {spec['nprobe']}) | {recall:.3f} | {p50 * 1000:.2f} ms |")
        print(f"index folder (files store, read cache excluded): {size / 1e6:.0f} MB, {size / passages / 1e3:.1f} KB a passage")
        kinds: dict[str, int] = {}
        for f in files.index_dir.rglob("*"):
            if f.is_file() and "read-cache" not in f.parts:
                kind = ("second model " if "second-model" in f.parts else "") + (f.parent.name if f.parent.name == "bm25" else f.name)
                kinds[kind] = kinds.get(kind, 0) + f.stat().st_size
        print("| file | bytes a passage |")
        print("|---|---|")
        for kind, total in sorted(kinds.items(), key=lambda kv: -kv[1]):
            if total / passages >= 10:
                print(f"| {kind} | {total / passages:,.0f} |")
        lite = sum(f.stat().st_size for f in Path(tmp).glob("lite.db*") for f in ([f] if f.is_file() else f.rglob("*")) if f.is_file())
        print(f"Milvus Lite's files: {lite / passages:,.0f} bytes a passage (both models' passage vectors and BM25)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    ray = sub.add_parser("ray")
    ray.add_argument("--resolutions", type=int, default=100)
    ray.add_argument("--workers", default="1,2")
    store = sub.add_parser("store")
    store.add_argument("--resolutions", type=int, default=None, help="default: all 326")
    store.add_argument("--questions", type=int, default=60)
    store.add_argument("--second-model", default=None, help="none: the first model alone (a quicker build)")
    store.add_argument("--keep", type=Path, default=None, help="a folder kept for the library and its index (built once)")
    args = parser.parse_args()
    if args.what == "ray":
        bench_ray(args.resolutions, [int(w) for w in args.workers.split(",")])
    else:
        bench_store(args.resolutions, args.questions, args.second_model, args.keep)


if __name__ == "__main__":
    main()
