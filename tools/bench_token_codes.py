"""How much of late interaction survives product quantisation of the token vectors (#32).

Reads the float16 token vectors of a built index (an index of format 2 or a small library's
``tokens.npy``), trains codebooks of 8 and 4 dimensions a byte on the first TRAIN_TOKENS tokens,
and for each question of a set scores a pool of passages by max-sim exactly and from codes:
the share of questions whose best passage is the same, and of top-5 overlap.

    python tools/bench_token_codes.py INDEX_GENERATION_FOLDER QUESTIONS.jsonl [--model NAME]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from retrieval.answer.ranking import token_best_matches  # noqa: E402
from retrieval.index import token_codes  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path)
    ap.add_argument("questions", type=Path)
    ap.add_argument("--model", default="packaged:all-MiniLM-L6-v2")
    ap.add_argument("--pool", type=int, default=100)
    args = ap.parse_args()
    from retrieval.models.model import Embedder

    raw = np.load(args.folder / "tokens.npy", mmap_mode="r")
    offsets = np.load(args.folder / "token_offsets.npy")
    n = len(offsets) - 1
    embedder = Embedder(args.model)
    questions = [json.loads(line)["question"] for line in args.questions.read_text().splitlines() if line.strip()]
    q_tokens = [embedder.encode_question(q)[1] for q in questions]
    rng = np.random.default_rng(0)
    print(f"{n} passages, {len(raw)} tokens of {raw.shape[1]} dims, {len(questions)} questions")
    for dims in (8, 4):
        token_codes.DIMS_PER_CODE = dims
        started = time.perf_counter()
        book = token_codes.train_codebook(np.asarray(raw[: token_codes.TRAIN_TOKENS], dtype=np.float32))
        trained = time.perf_counter() - started
        same_top, overlap, cos = 0, 0.0, []
        for q in q_tokens:
            ids = rng.choice(n, min(n, 3000), replace=False)
            exact = np.array([token_best_matches(q, np.asarray(raw[offsets[i]:offsets[i + 1]], np.float32)).mean()
                              for i in ids])
            pool = ids[np.argsort(-exact)[: args.pool]]  # the pool the cheaper scores would choose
            e = np.array([token_best_matches(q, np.asarray(raw[offsets[i]:offsets[i + 1]], np.float32)).mean()
                          for i in pool])
            c = []
            for i in pool:
                v = np.asarray(raw[offsets[i]:offsets[i + 1]], np.float32)
                d = book.decode(book.encode(v))
                cos.extend(np.sum(d * v, axis=1) / np.maximum(np.linalg.norm(d, axis=1), 1e-9))
                c.append(token_best_matches(q, d).mean())
            c = np.array(c)
            same_top += int(np.argmax(e) == np.argmax(c))
            overlap += len(set(np.argsort(-e)[:5]) & set(np.argsort(-c)[:5])) / 5
        m = len(q_tokens)
        print(f"{dims} dims a byte: {raw.shape[1] // dims} bytes a token; codebook trained in {trained:.1f} s; "
              f"same best {same_top}/{m}, top-5 overlap {overlap / m:.2f}, median token cosine {np.median(cos):.3f}")


if __name__ == "__main__":
    main()
