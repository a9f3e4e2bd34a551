"""Benchmarks of #33's two figures on a real server (prints figures, asserts nothing).

1. A visitor sending Streamlit's ``clear_cache`` message 100 times over the websocket while
   another session asks questions: that session's p95 answer time against a quiet run on the same
   server, and the server's RSS before and after (the engine and the wrong-key count must not live
   in anything the message clears).
2. 20 add/remove cycles from the Library page (Chromium through Playwright, the uploader and the
   "Remove from the library" button): the server's RSS after the first cycle and after the last.

Run: ``make bench-hostile`` (or ``.venv/bin/python tools/bench_hostile.py [--cycles N]
[--storm N]``). It works on a copy of the library (corpus and index) in a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import websockets  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402

from bench_sessions import Session, percentile  # noqa: E402
from streamlit_server import CHROMIUM, CHROMIUM_ARGS, add_then_remove, streamlit_server  # noqa: E402

QUESTIONS = ["Who bears the costs of migration?", "What did the panel say about remittances?",
             "How can recruitment costs be lowered?", "What is said about diaspora investment?",
             "What should Member States do about migrant workers' rights?"]


def server_pid(url: str) -> int:
    """The PID of the server listening on the URL's port (its command line names the port)."""
    port = url.rsplit(":", 1)[1]
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"ui.server" in args and port.encode() in args:
            return int(cmdline.parent.name)
    raise RuntimeError("the server's process was not found")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _asker(url: str, rounds: int) -> list[float]:
    host = url.split("//", 1)[1]
    async with websockets.connect(f"ws://{host}/_stcore/stream", subprotocols=["streamlit"], origin=url,
                                  max_size=None) as ws:
        session = Session(ws)
        await session.open()
        return [await session.ask(QUESTIONS[k % len(QUESTIONS)]) for k in range(rounds)]


async def _clearer(url: str, times: int, pause: float) -> int:
    """Send ``clear_cache`` ``times`` times (a page's own websocket, as any visitor can)."""
    host = url.split("//", 1)[1]
    async with websockets.connect(f"ws://{host}/_stcore/stream", subprotocols=["streamlit"], origin=url,
                                  max_size=None) as ws:
        session = Session(ws)
        await session.open()
        message = BackMsg()
        message.clear_cache = True
        for _ in range(times):
            await ws.send(message.SerializeToString())
            await asyncio.sleep(pause)
        return times


async def _storm(url: str, rounds: int, times: int, pause: float) -> list[float]:
    asking = asyncio.create_task(_asker(url, rounds))
    await _clearer(url, times, pause)
    return await asking


def clear_cache_storm(env: dict, rounds: int, times: int) -> None:
    with streamlit_server(env) as url:
        pid = server_pid(url)
        asyncio.run(_asker(url, 3))  # warm: the first answers load what a question needs
        started = time.perf_counter()
        quiet = asyncio.run(_asker(url, rounds))
        spread = (time.perf_counter() - started) / times  # the messages spread over the other's questions
        before = rss_mib(pid)
        stormy = asyncio.run(_storm(url, rounds, times, spread))
        after = rss_mib(pid)
    q95, s95 = percentile(quiet, 0.95), percentile(stormy, 0.95)
    print(f"clear_cache × {times} from one visitor while another session asks {rounds} questions:")
    print(f"  quiet:  p50 {statistics.median(quiet):6.0f} ms   p95 {q95:6.0f} ms")
    print(f"  storm:  p50 {statistics.median(stormy):6.0f} ms   p95 {s95:6.0f} ms   "
          f"ratio of p95 {s95 / q95:.2f} (target at most 1.5)")
    print(f"  server RSS before the storm {before:,.0f} MiB, after {after:,.0f} MiB")


def add_remove_cycles(env: dict, corpus: Path, cycles: int) -> None:
    from playwright.sync_api import sync_playwright

    text = ("Harbour tugs\n\nHarbour tugs push barges up the channel at dawn and keep the fairway clear "
            "of drifting timber.\n")
    with streamlit_server(env) as url, sync_playwright() as p:
        pid = server_pid(url)
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(url + "/library")
        rss, times = [], []
        for cycle in range(cycles):
            started = time.perf_counter()
            add_then_remove(page, "tugs.txt", (text + f"Cycle {cycle}.\n").encode(), timeout_ms=300_000)
            assert not (corpus / "tugs.txt").exists()
            times.append(time.perf_counter() - started)
            rss.append(rss_mib(pid))
            print(f"  cycle {cycle + 1:2d}: {times[-1]:5.1f} s, server RSS {rss[-1]:,.0f} MiB", flush=True)
        browser.close()
    print(f"{cycles} add/remove cycles from the Library page: server RSS after the first {rss[0]:,.0f} MiB, "
          f"after the last {rss[-1]:,.0f} MiB ({100 * (rss[-1] / rss[0] - 1):+.1f}%; target within 10%)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--storm", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=40, help="questions asked in each run of the storm test")
    args = parser.parse_args()
    from retrieval.config import Settings

    settings = Settings.from_env()
    with tempfile.TemporaryDirectory() as tmp:
        corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
        shutil.copytree(settings.corpus_dir, corpus)
        shutil.copytree(settings.index_dir, index, ignore=shutil.ignore_patterns("record.sqlite3*", ".build-progress"))
        env = {"RETRIEVAL_CORPUS_DIR": str(corpus), "RETRIEVAL_INDEX_DIR": str(index)}
        clear_cache_storm(env, args.rounds, args.storm)
        add_remove_cycles(env, corpus, args.cycles)


if __name__ == "__main__":
    main()
