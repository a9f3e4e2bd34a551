"""UI benchmark (prints figures, asserts nothing): Enter to answer rendered in Chromium.

Run: `make bench-ui` (or `.venv/bin/python tools/bench_ui.py`); `make bench-record` (`--record`):
the record's cost with 20 sessions at once, off against on with feedback, alternated. Against the server as `make run`
starts it (`python -m ui.server`): the time from its start to its address answering, and from
then to the first answer shown to a visitor who opens the page at once; then p50 and p95 over 20
questions after a warm-up.
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from retrieval.dev.evaluation import load_questions  # noqa: E402
from streamlit_server import CHROMIUM, CHROMIUM_ARGS, ROOT, in_one_browser_at_once, streamlit_server  # noqa: E402


LATENCY_PROBE = """(question) => {
  let start = null;
  document.addEventListener("keydown", (e) => { if (e.key === "Enter" && start === null) start = performance.now(); },
                            {capture: true, once: true});
  window.__latency = new Promise((resolve) => {
    const check = () => {
      // Done when the message showing this question is followed by its answer (or refusal).
      const messages = [...document.querySelectorAll('[data-testid="stChatMessage"]')];
      const asked = messages.findIndex((m) => {
        const body = m.querySelector('[data-testid="stChatMessageContent"]');
        return body !== null && body.innerText.trim() === question;
      });
      if (start !== null && asked >= 0 && messages[asked + 1] && messages[asked + 1].querySelector(".cite, .refusal")) {
        observer.disconnect();
        resolve(performance.now() - start);
      }
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, {subtree: true, childList: true, characterData: true});
  });
}"""


def main(n: int = 20) -> None:
    questions = [q["question"] for q in load_questions(ROOT / "tests" / "data" / "questions.jsonl") if q["gold"]]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        started = time.monotonic()
        with streamlit_server() as url:
            listening = time.monotonic()
            page, box = first_answer(browser, url, questions[0])
            first = time.monotonic()
            print(f"server start to its address answering: {listening - started:.1f} s; "
                  f"then to the first answer in a page opened at once: {first - listening:.1f} s")
            times = bench_questions(page, box, questions, n)
            browser.close()
            report(times)
            print(f"server RSS after {n + 4} questions: {server_rss_mib(url):.0f} MiB")
            concurrent = sessions_at_once(url, questions)
            print(f"server RSS after {SESSIONS * PER_SESSION} more, {SESSIONS} sessions at once: "
                  f"{server_rss_mib(url):.0f} MiB")
    report(concurrent, f"{SESSIONS} sessions at once, {PER_SESSION} questions each")


def server_rss_mib(url: str) -> float:
    """The resident memory of the server answering at ``url`` (found by its port in /proc)."""
    port = url.rsplit(":", 1)[1]
    for proc in Path("/proc").iterdir():
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
            if b"ui.server" in args and port.encode() in args:
                status = (proc / "status").read_text()
                return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")) / 1024
        except (OSError, ValueError):
            continue
    return float("nan")


SESSIONS, PER_SESSION = 20, 5


def first_answer(browser, url: str, question: str):
    """Open the page, ask ``question`` and wait for its answer; returns the page and its box."""
    page = browser.new_page()
    page.goto(url)
    box = page.get_by_test_id("stChatInputTextArea")
    expect(box).to_be_visible(timeout=180_000)
    box.fill(question)
    box.press("Enter")
    expect(page.locator(".cite, .refusal").first).to_be_visible(timeout=180_000)
    return page, box


def sessions_at_once(url: str, questions: list[str], feedback: bool = False) -> list[float]:
    """``SESSIONS`` browser sessions asking ``PER_SESSION`` questions each, all at once: every
    question's Enter-to-answer time, timed inside its page. With ``feedback``, each answer then
    gets a 👍 or 👎 (alternately) and the session waits for it to be kept before asking again."""
    async def session(browser, mine: list[str]) -> list[float]:
        context = await browser.new_context()
        page = await context.new_page()
        await page.goto(url)
        box = page.get_by_test_id("stChatInputTextArea")
        await box.wait_for(timeout=180_000)
        times = []
        for k, q in enumerate(mine):
            await box.fill(q)
            await page.evaluate(LATENCY_PROBE, q)
            await box.press("Enter")
            times.append(await page.evaluate("window.__latency"))
            if feedback:
                message = page.get_by_test_id("stChatMessage").nth(2 * k + 1)
                await message.get_by_label("Thumbs up" if k % 2 else "Thumbs down").click()
                await message.get_by_text("Thank you: your rating is kept.").wait_for(timeout=180_000)
        await context.close()
        return times

    shares = [[questions[(s * PER_SESSION + k) % len(questions)] for k in range(PER_SESSION)] for s in range(SESSIONS)]
    results = in_one_browser_at_once([lambda browser, mine=mine: session(browser, mine) for mine in shares])
    return [t for r in results for t in r]


def bench_questions(page, box, questions: list[str], n: int) -> list[float]:
    times = []
    for i, q in enumerate(questions[: n + 3]):
        box.fill(q)
        # Timed inside the page: from the Enter keydown to the new answer (or refusal) in the DOM.
        # Playwright's own waits poll at growing intervals and would blur the figure.
        page.evaluate(LATENCY_PROBE, q)
        box.press("Enter")
        elapsed = page.evaluate("window.__latency")
        if i >= 3:  # the first answers warm up the page
            times.append(elapsed)
    return times


def report(times: list[float], what: str = "one conversation") -> None:
    print("in order (ms):", " ".join(f"{t:.0f}" for t in times))
    p95 = percentile(times, 0.95)
    print(f"Enter to answer rendered, {what}, {len(times)} questions: p50 {statistics.median(times):.0f} ms, "
          f"p95 {p95:.0f} ms")


def measure_in_browsers(url: str, questions: list[str], rate: bool) -> list[float]:
    """``SESSIONS`` Chromium pages at once (see ``bench_sessions.record_rounds``, which runs the
    rounds), the server warmed by one question."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        first_answer(browser, url, questions[0])
        browser.close()
    return sessions_at_once(url, questions, feedback=rate)


def percentile(times: list[float], q: float) -> float:
    times = sorted(times)
    return times[min(len(times) - 1, round(q * (len(times) - 1)))]


if __name__ == "__main__":
    if "--record" in sys.argv:
        from bench_sessions import record_rounds

        record_rounds(2, measure_in_browsers)
    else:
        main()
