"""Benchmarks (print figures, assert nothing).

``bench``: cold start and warm latency beside bare encoding; ``bench --throughput``: build
embedding speed beside bare ``model.encode``; ``bench --runtimes``: PyTorch and OpenVINO, each with
MiniLM alone and the pair, in one run; ``bench --scale``: FAISS at 10k/100k/1M vectors.


* cold start: a new ``python -m retrieval ask`` process to its first answer, beside a bare
  script that only imports sentence-transformers, loads the same model(s) and encodes one query;
* warm: ``engine.ask`` p50/p95 over N questions, beside bare ``model.encode`` of the same
  questions with the same (one) thread, by each model the engine uses.
"""

from __future__ import annotations

import itertools
import os
import statistics
import subprocess
import sys
import time

import numpy as np

from ..config import PROJECT_ROOT

BARE_SCRIPT = """
import sys, torch
torch.set_num_threads(1)
from sentence_transformers import SentenceTransformer
for path in sys.argv[1:]:
    model = SentenceTransformer(path, device="cpu")
    model.encode(["Do migrants take jobs from native workers?"], normalize_embeddings=True)
"""


def _bare_encode(embedder, texts: list[str]) -> None:
    """The model alone: sentence-transformers' ``encode`` on PyTorch; on OpenVINO the runtime's
    tokenizer, forward pass and pooling (there is no sentence-transformers in that process)."""
    if embedder.model is not None:
        embedder.model.encode(texts, normalize_embeddings=True, batch_size=32)
    else:
        embedder.encode(texts)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _time_process(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=PROJECT_ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    return time.perf_counter() - start


def _questions() -> list[str]:
    from .evaluation import load_questions

    paths = [PROJECT_ROOT / "tests" / "data" / "questions.jsonl",
             PROJECT_ROOT.parent / "shared" / "eval" / "dev_questions.jsonl"]
    return [q["question"] for p in paths if p.exists() for q in load_questions(p)]


def run_bench(args, load_engine) -> int:
    """``load_engine()``: the engine for the command's settings (the CLI passes it in)."""
    if getattr(args, "library", None):
        from ..config import Settings
        from .library_bench import print_figures, run_library_bench

        settings = Settings.from_env(**({"second_model": args.second_model} if args.second_model else {}))
        data = PROJECT_ROOT / "tests" / "data"
        print_figures(run_library_bench(args.library, settings.second_model, args.keep,
                                        [data / "un_dev_heldout.jsonl", data / "paraphrase_questions.jsonl"]))
        return 0
    if args.scale:
        run_scale_bench([int(n) for n in args.sizes.split(",")],
                        sweep=[int(x) for x in args.nprobe_sweep.split(",")] if args.nprobe_sweep else None)
        return 0
    engine = load_engine()  # builds the index first if needed, so cold runs only load it
    if getattr(args, "runtime_probe", False):
        import json

        print(json.dumps(run_runtime_probe(engine, args.questions)))
        return 0
    if getattr(args, "runtimes", False):
        run_runtime_bench(engine, args.questions)
        return 0
    if args.throughput:
        run_throughput_bench(engine)
        return 0
    env = os.environ | {"RETRIEVAL_INDEX_DIR": str(engine.settings.index_dir), "HF_HUB_OFFLINE": "1"}
    ask = [sys.executable, "-m", "retrieval", "ask", "Do migrants take jobs from native workers?", "--json"]
    from ..models.model import resolve_model

    models = engine.embedders
    bare = [sys.executable, "-c", BARE_SCRIPT] + [resolve_model(m.name) for m in models]
    cold, cold_bare = [], []
    for _ in range(args.cold_runs):  # interleaved so both see the same machine load
        cold_bare.append(_time_process(bare, env))
        cold.append(_time_process(ask, env))
    c, cb = statistics.median(cold), statistics.median(cold_bare)
    print(f"cold start (median of {args.cold_runs}): ask {c:.2f} s, bare {cb:.2f} s, ratio {c / cb:.2f}")

    questions = list(itertools.islice(itertools.cycle(_questions()), args.questions))
    for q in questions[:10]:  # warm-up
        engine.ask(q)
        for m in models:
            _bare_encode(m, [q])
    full, enc = [], []
    for q in questions:
        t = time.perf_counter()
        for m in models:
            _bare_encode(m, [q])
        enc.append((time.perf_counter() - t) * 1000)
        engine.forget_scores()  # the questions repeat: time each one as new, not from the cache
        t = time.perf_counter()
        engine.ask(q)
        full.append((time.perf_counter() - t) * 1000)
    p50, p95 = _percentile(full, 0.5), _percentile(full, 0.95)
    b50, b95 = _percentile(enc, 0.5), _percentile(enc, 0.95)
    print(f"models: {', '.join(m.name for m in models)}")
    print(f"warm over {len(questions)} questions: ask p50 {p50:.1f} ms p95 {p95:.1f} ms; "
          f"bare encode p50 {b50:.1f} ms p95 {b95:.1f} ms; ratio p50 {p50 / b50:.2f} p95 {p95 / b95:.2f}")
    return 0


def _clustered(n: int, d: int, rng, clusters: int = 1000) -> np.ndarray:
    """Unit vectors around random centres: closer to real embeddings than uniform noise."""
    centres = rng.standard_normal((clusters, d), dtype=np.float32)
    x = centres[rng.integers(0, clusters, n)]
    x += 0.5 * rng.standard_normal((n, d), dtype=np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def _rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _one_at_a_time(index, queries: np.ndarray, k: int = 10) -> tuple[np.ndarray, list[float]]:
    """Top-k ids of each query searched alone, and each search's time in ms."""
    ids = np.empty((len(queries), k), dtype=np.int64)
    latencies = []
    for i in range(len(queries)):
        t = time.perf_counter()
        ids[i] = index.search(queries[i : i + 1], k)[1][0]
        latencies.append((time.perf_counter() - t) * 1000)
    return ids, latencies


def run_scale_bench(sizes: list[int], d: int = 384, queries: int = 200, sweep: list[int] | None = None) -> None:
    """Build time, memory, one-query latency and recall@10 of the index type chosen for each size;
    ``sweep``: also each of these nprobe values on the same IVF index (how nprobe was chosen)."""
    from ..index.vector_index import (build_vector_index, index_bytes, index_spec, one_search_thread,
                                      set_probes)

    one_search_thread()
    rng = np.random.default_rng(0)
    print(f"{'N':>9} {'index':>22} {'build s':>8} {'index MiB':>10} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'recall@10':>9} {'flat p50 ms':>11}")
    for n in sizes:
        data = _clustered(n, d, rng)
        q = data[rng.choice(n, queries, replace=False)] + 0.1 * rng.standard_normal((queries, d), dtype=np.float32)
        q /= np.linalg.norm(q, axis=1, keepdims=True)
        spec = index_spec(n)
        before = _rss_mib()
        t = time.perf_counter()
        index = build_vector_index(data, spec)
        build = time.perf_counter() - t
        size_mib = index_bytes(index) / 2**20
        approx, latencies = _one_at_a_time(index, q)
        flat = build_vector_index(data, {"type": "IndexFlatIP"})
        exact, flat_lat = _one_at_a_time(flat, q)
        recall = float(np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact)]))
        name = spec["type"] + (f" nlist {spec['nlist']} nprobe {spec['nprobe']}" if "nlist" in spec else "")
        print(f"{n:>9} {name:>22} {build:>8.1f} {size_mib:>10.0f} {_percentile(latencies, .5):>7.2f} "
              f"{_percentile(latencies, .95):>7.2f} {recall:>9.3f} {_percentile(flat_lat, .5):>11.2f}"
              f"   (process RSS +{_rss_mib() - before:.0f} MiB)", flush=True)
        if sweep and "nlist" in spec:
            for nprobe in sweep:
                set_probes(index, nprobe)
                approx, latencies = _one_at_a_time(index, q)
                recall = float(np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact)]))
                print(f"{'':>9} {'nprobe ' + str(nprobe):>22} {'':>8} {'':>10} {_percentile(latencies, .5):>7.2f} "
                      f"{_percentile(latencies, .95):>7.2f} {recall:>9.3f}", flush=True)
        del data, index, flat


def run_throughput_bench(engine, repeat: int = 20) -> None:
    """Passages per second when building, beside a bare model.encode over the same passages,
    for each model the engine uses."""
    from ..index.store import embed_passages

    passages = engine.passages * repeat
    for embedder in engine.embedders:
        _bare_encode(embedder, [p.text for p in passages[:32]])  # warm-up
        t = time.perf_counter()
        _bare_encode(embedder, [p.text for p in passages])
        bare = len(passages) / (time.perf_counter() - t)
        t = time.perf_counter()
        embed_passages(embedder, passages)
        ours = len(passages) / (time.perf_counter() - t)
        print(f"{embedder.name}: embedding {len(passages)} passages: build path (passage, sentence and token "
              f"vectors) {ours:.1f}/s, bare model.encode of the passages {bare:.1f}/s, ratio {ours / bare:.2f}")


RUNTIME_CONFIGS = [("torch", "none"), ("openvino", "none"), ("torch", None), ("openvino", None)]


def run_runtime_probe(engine, questions: int) -> dict:
    """One configuration, in its own process (``bench --runtime-probe``): warm p50/p95 per
    question, build passages/s (passage, sentence and token vectors, every model), RSS."""
    from ..index.store import embed_passages

    qs = list(itertools.islice(itertools.cycle(_questions()), questions))
    for q in qs[:10]:
        engine.ask(q)
    times = []
    for q in qs:
        engine.forget_scores()
        t = time.perf_counter()
        engine.ask(q)
        times.append((time.perf_counter() - t) * 1000)
    rss_after = _rss_mib()
    passages = engine.passages * 5
    t = time.perf_counter()
    for embedder in engine.embedders:
        embed_passages(embedder, passages)
    build = len(passages) / (time.perf_counter() - t)
    with open("/proc/self/status") as f:
        peak = next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmHWM:"))
    return {"p50": _percentile(times, 0.5), "p95": _percentile(times, 0.95), "build": build,
            "rss_after": rss_after, "peak": peak}


def run_runtime_bench(engine, questions: int) -> None:
    """{PyTorch, OpenVINO} × {MiniLM alone, the pair} in one run, each in a new process: cold
    start to the first answer, warm p50/p95, build passages/s, RSS after the questions, peak RSS."""
    import json

    rows = []
    for backend, second in RUNTIME_CONFIGS:
        env = os.environ | {"RETRIEVAL_INDEX_DIR": str(engine.settings.index_dir), "HF_HUB_OFFLINE": "1",
                            "RETRIEVAL_BACKEND": backend}
        if second:
            env["RETRIEVAL_SECOND_MODEL"] = second
        else:
            env.pop("RETRIEVAL_SECOND_MODEL", None)
        cold = _time_process([sys.executable, "-m", "retrieval", "ask", "Do migrants take jobs from native workers?",
                              "--json"], env)
        out = subprocess.run([sys.executable, "-m", "retrieval", "bench", "--runtime-probe",
                              "--questions", str(questions)], cwd=PROJECT_ROOT, env=env, check=True,
                             capture_output=True, text=True, stdin=subprocess.DEVNULL).stdout
        figures = json.loads(out.strip().splitlines()[-1])
        rows.append((backend, "MiniLM alone" if second else "pair", cold, figures))
    base = rows[0][3]
    print("| runtime | models | cold start | warm p50 / p95 | vs PyTorch MiniLM p50 | build passages/s | RSS after "
          f"{questions} questions | peak RSS |")
    print("|---|---|---|---|---|---|---|---|")
    for backend, models, cold, f in rows:
        print(f"| {backend} | {models} | {cold:.2f} s | {f['p50']:.1f} / {f['p95']:.1f} ms | "
              f"{f['p50'] / base['p50']:.2f}× | {f['build']:.1f} | {f['rss_after']:.0f} MiB | {f['peak']:.0f} MiB |")
