"""``python -m retrieval bench --library DIR``: what a library of hundreds of documents costs (#32).

Prints figures and asserts nothing. Each step runs as its own child process, as a user runs it, so
each one's peak memory is its own (``getrusage(RUSAGE_CHILDREN)`` after it ends):

1. reading: every document read once (the read cache filled), seconds a page;
2. build: the index of the whole library, with the models asked for (the pair, or MiniLM alone
   with ``--second-model none``): seconds, passages a second, peak RSS;
3. the index's bytes a passage (every file of the published generations, both models);
4. start to first answer: a new ``python -m retrieval ask`` process; the chat server (``make run``'s
   ``python -m ui.server``) from start to "the search engine is ready", and its RSS then;
5. 100 questions in one process: p50/p95 a question and its RSS after them, and the same on the
   shipped summary alone, for the ratio;
6. adding one document to the built library (``python -m retrieval add``);

then the same extrapolated, on paper, to 10,000 and 1,000,000 documents from the measured bytes a
passage, passages a document and passages a second.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..config import PROJECT_ROOT

_ASK_MANY = r"""
import json, resource, statistics, sys, time
from pathlib import Path
from retrieval.config import Settings
from retrieval.answer.engine import Engine
from retrieval.dev.evaluation import load_questions
settings = Settings.from_env()
engine = Engine.load(settings)
questions = [q["question"] for f in sys.argv[1:] for q in load_questions(Path(f))][:100]
engine.ask(questions[0])  # the first question loads what is loaded lazily
times = []
for q in questions:
    engine.forget_scores()
    t = time.perf_counter(); engine.ask(q); times.append(time.perf_counter() - t)
times.sort()
rss = int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) / 1024
print(json.dumps({"n": len(times), "p50": times[len(times) // 2], "p95": times[int(0.95 * (len(times) - 1))],
                  "rss_mib": rss}))
"""


def _child(args: list[str], env: dict, *, capture: bool = False) -> tuple[float, float, str]:
    """(wall seconds, this child's peak RSS in MiB, its stdout): ``os.wait4`` gives the child's
    own resource use, whatever ran before it."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen(args, cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL, text=True,
                                 stdout=out if capture else subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise RuntimeError(f"{' '.join(args[1:4])} failed ({child.returncode}): {err.read()[-2000:]}")
        return wall, usage.ru_maxrss / 1024, out.read() if capture else ""


def server_ready(env: dict, *, timeout: float = 600) -> dict:
    """Start the chat server as ``make run`` does (``python -m ui.server``) on a free port and time
    it until its log says the search engine is ready; its RSS then. The server is stopped after."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = [sys.executable, "-m", "ui.server", "--server.address", "127.0.0.1", "--server.port", str(port),
            "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    started = time.perf_counter()
    child = subprocess.Popen(args, cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    try:
        for line in child.stderr:  # the engine's log goes to the server's stderr
            if "the search engine is ready" in line:
                seconds = time.perf_counter() - started
                rss = int(Path(f"/proc/{child.pid}/status").read_text().split("VmRSS:")[1].split()[0]) / 1024
                return {"seconds": round(seconds, 2), "rss_mib": round(rss)}
            if "could not start" in line or time.perf_counter() - started > timeout:
                raise RuntimeError(f"the server did not get ready: {line.strip()}")
        raise RuntimeError(f"the server ended before it was ready ({child.wait()})")
    finally:
        child.terminate()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()


def _pages(folder: Path) -> int:
    import pypdfium2

    total = 0
    for path in sorted(folder.glob("*.pdf")):
        try:
            doc = pypdfium2.PdfDocument(str(path))
            total += len(doc)
            doc.close()
        except Exception:  # an unreadable file is skipped by the reader too
            pass
    return total


def _index_bytes(index_dir: Path) -> tuple[int, int, dict[str, int]]:
    """(bytes of the published generations of every model, passages, bytes by file name)."""
    total, passages, by_file = 0, 0, {}
    for folder in [index_dir, index_dir / "second-model"]:
        manifest_path = folder / "manifest.json"
        if not manifest_path.exists():
            continue
        manifest = json.loads(manifest_path.read_text())
        passages = passages or int(manifest["passage_count"])
        for name, record in manifest["files"].items():
            total += int(record["size"])
            key = name.split("/")[0]
            by_file[key] = by_file.get(key, 0) + int(record["size"])
    return total, passages, by_file


def run_library_bench(library: Path, second_model: str | None, work: Path | None, questions: list[Path]) -> dict:
    library = Path(library).resolve()
    documents = sorted(p for p in library.iterdir() if p.is_file() and not p.name.startswith("."))
    if len(documents) < 2:
        raise SystemExit(f"{library} needs at least two documents")
    keep = work is not None
    work = Path(work or tempfile.mkdtemp(prefix="bench-library-"))
    corpus, index, extra = work / "corpus", work / "index", work / "to-add"
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir(parents=True)
    extra.mkdir(exist_ok=True)
    # The last document is kept back to measure adding one to the built library.
    for p in documents[:-1]:
        os.link(p, corpus / p.name) if _same_device(p, corpus) else shutil.copy2(p, corpus / p.name)
    shutil.copy2(documents[-1], extra / documents[-1].name)
    env = dict(os.environ, RETRIEVAL_CORPUS_DIR=str(corpus), RETRIEVAL_INDEX_DIR=str(index),
               RETRIEVAL_RECORD="off", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env["RETRIEVAL_SECOND_MODEL"] = second_model or "none"
    py = [sys.executable, "-m", "retrieval"]
    figures: dict = {"documents": len(documents) - 1, "models": "pair" if second_model else "MiniLM alone"}
    pages = _pages(corpus)
    figures["pages"] = pages
    reading_code = ("import sys; from pathlib import Path; from retrieval.ingest.corpus import load_corpus; "
                    "load_corpus(Path(sys.argv[1]), Path(sys.argv[2]))")
    cache = index / "read-cache"
    warm = cache.exists() and any(cache.iterdir())
    wall, peak, _ = _child([sys.executable, "-c", reading_code, str(corpus), str(cache)], env)
    figures["reading"] = {"seconds": round(wall, 1), "seconds_a_page": round(wall / max(1, pages), 3),
                          "peak_rss_mib": round(peak), "read_cache_was_warm": warm}
    for folder in [index, index / "second-model"]:  # the build, from the read documents, all of it
        for child in (folder.iterdir() if folder.exists() else []):
            if child.name.startswith("g-") or child.name in ("manifest.json", ".build-progress"):
                shutil.rmtree(child) if child.is_dir() else child.unlink()
    wall, peak, _ = _child(py + ["build"], env)
    size, passages, by_file = _index_bytes(index)
    figures["build"] = {"seconds": round(wall, 1), "passages": passages, "passages_a_second": round(passages / wall, 1),
                        "peak_rss_mib": round(peak)}
    figures["index"] = {"bytes": size, "bytes_a_passage": round(size / max(1, passages)),
                        "bytes_a_passage_by_file": {k: round(v / max(1, passages)) for k, v in sorted(by_file.items())}}
    starts = [_child(py + ["ask", "What does the resolution say about the rights of women?"], env)[0] for _ in range(2)]
    figures["start_to_first_answer_seconds"] = round(min(starts), 2)
    figures["server_ready"] = server_ready(env)
    _, _, out = _child([sys.executable, "-c", _ASK_MANY, *map(str, questions)], env, capture=True)
    figures["questions"] = {k: round(v, 3) for k, v in json.loads(out.strip().splitlines()[-1]).items()}
    summary_env = dict(env, RETRIEVAL_CORPUS_DIR=str(PROJECT_ROOT / "corpus"), RETRIEVAL_INDEX_DIR=str(work / "summary-index"))
    _, _, out = _child([sys.executable, "-c", _ASK_MANY, *map(str, questions)], summary_env, capture=True)
    summary = json.loads(out.strip().splitlines()[-1])
    figures["questions_on_the_shipped_summary"] = {k: round(v, 3) for k, v in summary.items()}
    figures["p50_ratio_to_the_summary"] = round(figures["questions"]["p50"] / summary["p50"], 2)
    wall, _, _ = _child(py + ["add", str(extra / documents[-1].name)], env)
    figures["add_one_document_seconds"] = round(wall, 1)
    per_doc = passages / max(1, len(documents) - 1)
    figures["on_paper"] = {
        str(n): {"passages": round(n * per_doc), "index_gb": round(n * per_doc * size / max(1, passages) / 1e9, 2),
                 "build_hours_here": round(n * per_doc / figures["build"]["passages_a_second"] / 3600, 1)}
        for n in (10_000, 1_000_000)}
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    return figures


def _same_device(a: Path, folder: Path) -> bool:
    try:
        return a.stat().st_dev == folder.stat().st_dev
    except OSError:
        return False


def print_figures(figures: dict) -> None:
    print(json.dumps(figures, indent=1))
