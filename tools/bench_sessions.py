"""Sessions at once without browsers (prints figures, asserts nothing): the server's own answer time.

Run: `make bench-sessions` (or `.venv/bin/python tools/bench_sessions.py [--rounds N]`).

`make bench-ui` drives 20 Chromium pages on the same two cores as the server: measured here, the
machine is 100% busy during that run and the server uses ~8% of it, so its figure is mostly the
browsers'. This speaks Streamlit's own websocket protocol instead (the messages a page sends:
a rerun with the chat input's value; a 👍/👎 is a rerun of the answer's fragment with the rating),
so the client costs next to nothing and the time is the server's: from sending the question to
receiving the answer's citation (or refusal). 20 sessions × 5 questions at once, with the record
off, then on with a rating after every answer, alternated, each on a new server warmed by one
question; then whether every row is in the record.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import websockets  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from retrieval.dev.evaluation import load_questions  # noqa: E402
from streamlit_server import ROOT, streamlit_server  # noqa: E402

SESSIONS, PER_SESSION = 20, 5
ANSWER_MARKS = ('class="cite"', 'class="refusal"')
KEPT = "your rating is kept"


class Session:
    """One visitor's page, as messages: the chat input's id and the feedback widgets drawn so far."""

    def __init__(self, ws):
        self.ws = ws
        self.chat_id: str | None = None
        self.feedback: list[tuple[str, str]] = []  # (widget id, fragment id) of each answer's 👍/👎

    async def run(self, message: BackMsg, done) -> float:
        """Send a rerun; read messages until ``done(element)`` holds for one; the time it took (ms)."""
        started = time.perf_counter()
        await self.ws.send(message.SerializeToString())
        found = None
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await self.ws.recv())
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                which = element.WhichOneof("type")
                if which == "chat_input":
                    self.chat_id = element.chat_input.id
                elif which == "feedback" and element.feedback.id not in {i for i, _ in self.feedback}:
                    self.feedback.append((element.feedback.id, msg.delta.fragment_id))
                if found is None and done is not None and done(element):
                    found = (time.perf_counter() - started) * 1000
            if kind == "script_finished":
                if found is not None or done is None:
                    return found if found is not None else (time.perf_counter() - started) * 1000
                raise RuntimeError("the run finished without what was waited for")

    async def open(self) -> None:
        message = BackMsg()
        message.rerun_script.query_string = ""
        await self.run(message, None)

    async def ask(self, question: str) -> float:
        message = BackMsg()
        state = message.rerun_script.widget_states.widgets.add()
        state.id = self.chat_id
        state.chat_input_value.data = question
        return await self.run(message, lambda e: e.WhichOneof("type") == "markdown"
                              and any(mark in e.markdown.body for mark in ANSWER_MARKS))

    async def rate(self, thumbs_up: bool) -> float:
        widget, fragment = self.feedback[-1]
        message = BackMsg()
        message.rerun_script.fragment_id = fragment
        state = message.rerun_script.widget_states.widgets.add()
        state.id = widget
        state.string_value = "1" if thumbs_up else "0"
        return await self.run(message, lambda e: e.WhichOneof("type") == "markdown" and KEPT in e.markdown.body)


async def sessions_at_once(url: str, questions: list[str], feedback: bool, sessions: int = SESSIONS,
                           per_session: int = PER_SESSION) -> list[float]:
    host = url.split("//", 1)[1]

    async def one(mine: list[str]) -> list[float]:
        async with websockets.connect(f"ws://{host}/_stcore/stream", subprotocols=["streamlit"], origin=url,
                                      max_size=None) as ws:
            session = Session(ws)
            await session.open()
            times = []
            for k, question in enumerate(mine):
                times.append(await session.ask(question))
                if feedback:
                    await session.rate(thumbs_up=k % 2 == 1)
            return times

    shares = [[questions[(s * per_session + k) % len(questions)] for k in range(per_session)]
              for s in range(sessions)]
    results = await asyncio.gather(*(one(mine) for mine in shares))
    return [t for r in results for t in r]


def percentile(times: list[float], q: float) -> float:
    times = sorted(times)
    return times[min(len(times) - 1, round(q * (len(times) - 1)))]


def record_rounds(rounds: int, measure: Callable[[str, list[str], bool], list[float]]) -> None:
    """The record off, then on with a rating after every answer, alternated ``rounds`` times, each
    on a new server: ``measure(url, questions, rate)`` runs the sessions and returns every answer's
    time (ms); then the figures of each round, whether every row is in the record, and the pooled
    ratio."""
    from retrieval.server.record import Record

    questions = [q["question"] for q in load_questions(ROOT / "tests" / "data" / "questions.jsonl") if q["gold"]]
    pooled: dict[str, list[float]] = {"off": [], "on": []}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            for mode in ("off", "on"):
                db = Path(tmp) / f"record-{r}.sqlite3"
                with streamlit_server({"RETRIEVAL_RECORD": "off" if mode == "off" else str(db)}) as url:
                    times = measure(url, questions, mode == "on")
                pooled[mode] += times
                print(f"record {mode}{' with a rating after every answer' if mode == 'on' else ''}, round {r + 1}, "
                      f"{SESSIONS} sessions × {PER_SESSION}: p50 {statistics.median(times):.0f} ms, "
                      f"p95 {percentile(times, 0.95):.0f} ms", flush=True)
                if mode == "on":
                    record = Record(db)
                    print(f"  rows kept: {len(record.rows('questions'))} questions (of {SESSIONS * PER_SESSION} "
                          f"asked, +1 warm-up), {len(record.rows('feedback'))} ratings "
                          f"(of {SESSIONS * PER_SESSION})", flush=True)
    p50 = {m: statistics.median(t) for m, t in pooled.items()}
    p95 = {m: percentile(t, 0.95) for m, t in pooled.items()}
    print(f"pooled over {rounds} rounds: record off p50 {p50['off']:.0f} / p95 {p95['off']:.0f} ms; record on with "
          f"ratings p50 {p50['on']:.0f} / p95 {p95['on']:.0f} ms; ratio p50 {p50['on'] / p50['off']:.2f}, "
          f"p95 {p95['on'] / p95['off']:.2f}")


def measure_by_protocol(url: str, questions: list[str], rate: bool) -> list[float]:
    asyncio.run(sessions_at_once(url, questions, False, 1, 1))  # the server warmed by one question
    return asyncio.run(sessions_at_once(url, questions, feedback=rate))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    record_rounds(parser.parse_args().rounds, measure_by_protocol)
