"""Start and stop the chat server as `make run` does (`python -m ui.server`, which is `streamlit run
app.py` loading the engine at start) on a free loopback port, for browser tests and the UI benchmark."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def in_one_browser_at_once(sessions: list, timeout: float | None = None) -> list:
    """Run async Playwright sessions at once in one headless Chromium and return their results in
    order (``sessions``: functions of the browser, each returning a coroutine). Playwright's async
    API runs in a thread of its own, away from the sync API's event loop in the caller's."""
    import asyncio
    import threading

    async def run_all() -> list:
        from playwright.async_api import async_playwright

        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                return await asyncio.gather(*(session(browser) for session in sessions))
            finally:
                await browser.close()

    out: list = []
    worker = threading.Thread(target=lambda: out.extend(asyncio.run(run_all())))
    worker.start()
    worker.join(timeout)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(env_extra: dict | None = None, log_path: Path | None = None, preexec_fn=None,
                     address: str = "127.0.0.1", wrapper: tuple[str, ...] = ()):
    """Yield the base URL of a running app; stop the process this started, by its PID.
    The server's output goes to ``log_path`` when given; ``preexec_fn`` runs in the child first
    (e.g. a resource limit); ``address``: what it binds (the page is always opened on 127.0.0.1);
    ``wrapper``: a command the server runs under (e.g. ``setpriv`` dropping a capability)."""
    port = free_port()
    log = open(log_path, "wb") if log_path else None
    proc = subprocess.Popen(
        [*wrapper, sys.executable, "-m", "ui.server", "--server.headless", "true",
         "--server.address", address, "--server.port", str(port), "--server.fileWatcherType", "none",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=os.environ | (env_extra or {}), stdin=subprocess.DEVNULL,
        stdout=log if log_path else subprocess.DEVNULL, stderr=subprocess.STDOUT, preexec_fn=preexec_fn)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if time.time() > deadline or proc.poll() is not None:
                raise RuntimeError("streamlit did not start")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log:
            log.close()


def add_then_remove(page, name: str, data: bytes, timeout_ms: int = 120_000) -> None:
    """On an open Library page with editing allowed: upload a file through the uploader, wait for
    "Added …", remove it with "Remove from the library", confirm, wait for "Removed …"."""
    import re

    from playwright.sync_api import expect

    upload = page.get_by_test_id("stFileUploaderDropzoneInput")
    expect(upload).to_be_attached(timeout=timeout_ms)
    upload.set_input_files({"name": name, "mimeType": "text/plain", "buffer": data})
    expect(page.get_by_text(re.compile(r"^Added .+\. It is searched from now on\.$"))).to_be_visible(
        timeout=timeout_ms)
    page.get_by_role("button", name="Remove from the library").click()
    page.get_by_role("button", name="Yes, remove it").click()
    expect(page.get_by_text(re.compile(r"^Removed .+\. It is no longer searched\.$"))).to_be_visible(
        timeout=timeout_ms)
