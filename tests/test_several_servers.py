"""Several app servers on one library (#35): shared corpus and index folders, one store, one record.

First two live engines in one process (the FAISS files), then the whole deployment for real: a
Milvus server (Milvus Lite's own gRPC server, which a Milvus cluster's clients talk to alike), a
PostgreSQL record, two `make run` servers, and Chromium sessions spread over both.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from streamlit_server import CHROMIUM, CHROMIUM_ARGS, ROOT, free_port, streamlit_server

TUGS = b"Tugs\n\nTugs push barges up the channel at dawn, and the harbour master logs each of them."
TUGS_QUESTION = "What do tugs push up the channel?"


def _live(settings, engine):
    from retrieval.answer.engine import Engine
    from retrieval.server.live import LiveEngine

    return LiveEngine(lambda report=None: Engine.load(settings, embedder=engine.embedder, report=report,
                                                      second_embedder=engine.second[0] if engine.second else None))


def test_a_document_added_through_one_server_is_searched_by_the_other(tmp_path, settings, engine):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(settings.corpus_dir, corpus)
    shutil.copytree(settings.index_dir, index, ignore=shutil.ignore_patterns("record.sqlite3*"))
    mine = replace(settings, corpus_dir=corpus, index_dir=index)
    first, second = _live(mine, engine), _live(mine, engine)
    before = second.current
    (tmp_path / "tugs.txt").write_bytes(TUGS)
    job = first.add(tmp_path / "tugs.txt", "tugs.txt")
    while job.state == "indexing":
        time.sleep(0.1)
    assert job.state == "ready", job.reason
    published = time.monotonic()
    while "tugs" not in {d["id"] for d in second.current.documents} and time.monotonic() - published < 10:
        time.sleep(0.2)
    assert "tugs" in {d["id"] for d in second.current.documents}, "not followed within 10 s"
    assert second.current is not before
    answer = second.current.ask(TUGS_QUESTION)
    assert "Tugs push barges" in answer.results[0].text
    # Its own build is not loaded again, nor an unchanged manifest.
    engine_now = first.current
    time.sleep(2.5)
    assert first.current is engine_now and second.current is second.current


def _milvus_server(data_dir: Path, log_path: Path):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data_dir),
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=open(log_path, "wb"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.time() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError(f"the Milvus Lite server did not start: {log_path.read_text()[-2000:]}")
            time.sleep(0.3)


@pytest.fixture
def chromium():
    if not Path(CHROMIUM).exists():
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(f"{CHROMIUM} is missing and E2E_REQUIRED=1 (apt-get install chromium)", pytrace=False)
        pytest.skip(f"{CHROMIUM} not installed")
    return CHROMIUM


def test_two_servers_on_one_milvus_and_one_postgresql_follow_each_other_and_lose_no_record_row(
        tmp_path, settings, engine, postgres_database, chromium):
    pytest.importorskip("pymilvus")
    from playwright.async_api import async_playwright

    from retrieval.answer.engine import Engine
    from retrieval.server.record_postgres import PostgresRecord

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(settings.corpus_dir, corpus)
    shutil.copytree(settings.index_dir, index, ignore=shutil.ignore_patterns("record.sqlite3*"))
    milvus, port = _milvus_server(tmp_path / "milvus", tmp_path / "milvus.log")
    try:
        store = f"milvus://127.0.0.1:{port}?prefix=shared"
        # The files' index moved to the shared Milvus once (nothing embedded again), as an operator would.
        Engine.load(replace(settings, corpus_dir=corpus, index_dir=index, store=store), embedder=engine.embedder,
                    second_embedder=engine.second[0] if engine.second else None)
        env = {"RETRIEVAL_CORPUS_DIR": str(corpus), "RETRIEVAL_INDEX_DIR": str(index), "RETRIEVAL_STORE": store,
               "RETRIEVAL_RECORD": postgres_database, "RETRIEVAL_EDITOR_KEY": "shared-key"}
        with streamlit_server(env, tmp_path / "a.log") as a, streamlit_server(env, tmp_path / "b.log") as b:
            outcome = asyncio.run(_drive(async_playwright, a, b, PostgresRecord(postgres_database)))
    finally:
        milvus.terminate()
        milvus.wait(20)
    followed, answers, kept = outcome
    assert followed is not None and followed <= 10, f"server B searched the new document after {followed} s"
    print(f"server B searched the document added through A after {followed} s")
    assert answers == [True] * 100
    # Every question of every session kept once, whichever server answered it.
    assert sorted(q["question"] for q in kept) == sorted(QUESTIONS * 20)
    assert len({q["id"] for q in kept}) == 100
    record = PostgresRecord(postgres_database)
    assert [(c["action"], c["document"]) for c in record.rows("changes")] == [("add", "tugs")]
    for name in ("a.log", "b.log"):
        text = (tmp_path / name).read_text(errors="replace")
        assert "Traceback" not in text and "shared-key" not in text, text[-3000:]
    assert "now serving the index another server published" in (tmp_path / "b.log").read_text()


QUESTIONS = ["Who bears the costs of migration?", "Which ILO convention should be ratified?",
             "Do migrants become entrepreneurs?", "What did panellists say about remittances?", TUGS_QUESTION]


async def _drive(async_playwright, a: str, b: str, record):
    """Add the tugs document through A, time until B answers from it, then 20 sessions of 5
    questions, half on each server. Returns (seconds until B followed, each answer seen, the
    record's rows of the sessions' questions)."""
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            editor = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()
            await editor.goto(a + "/library", wait_until="commit", timeout=120_000)
            await editor.get_by_label("Editor key").fill("shared-key", timeout=180_000)
            await editor.get_by_role("button", name="Unlock editing").click()
            await editor.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
                {"name": "tugs.txt", "mimeType": "text/plain", "buffer": TUGS}, timeout=30_000)
            await editor.get_by_text(re.compile(r"^Added .+\. It is searched from now on\.$")).wait_for(timeout=180_000)
            published = time.monotonic()
            followed = None
            reader = await (await browser.new_context()).new_page()
            await reader.goto(b, wait_until="commit", timeout=120_000)
            while time.monotonic() - published < 30:
                if "Tugs push barges" in await _ask(reader, TUGS_QUESTION):
                    followed = round(time.monotonic() - published, 1)
                    break
                await reader.wait_for_timeout(500)

            async def session(n: int) -> list[bool]:
                page = await (await browser.new_context()).new_page()
                await page.goto(a if n % 2 else b, wait_until="commit", timeout=120_000)
                seen = []
                for k, question in enumerate(QUESTIONS):
                    text = await _ask(page, question)
                    seen.append(bool(text) and ("Tugs push barges" in text) == (question == TUGS_QUESTION))
                await page.context.close()
                return seen

            kept = len(record.rows("questions"))
            answers = await asyncio.gather(*(session(n) for n in range(20)))
            return followed, [x for s in answers for x in s], record.rows("questions")[kept:]
        finally:
            await browser.close()


async def _ask(page, question: str) -> str:
    """Ask in the page's chat; the text of the answer to it (the newest assistant message)."""
    box = page.get_by_test_id("stChatInputTextArea")
    await box.wait_for(timeout=120_000)
    messages = page.get_by_test_id("stChatMessage")
    before = await messages.count()
    await box.fill(question)
    await box.press("Enter")
    answer = messages.nth(before + 1).get_by_test_id("stChatMessageContent")
    await answer.locator(".cite, .refusal").first.wait_for(timeout=120_000)  # an answer or a refusal
    return await answer.inner_text()
