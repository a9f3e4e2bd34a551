"""UI benchmark (prints figures, asserts nothing): Enter to answer rendered in Chromium.

Run: `make bench-ui` (or `.venv/bin/python tests/bench_ui.py`). p50 and p95 over 20 questions
after a warm-up, against a real `streamlit run app.py`.
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from retrieval.evaluation import load_questions  # noqa: E402
from streamlit_server import CHROMIUM, CHROMIUM_ARGS, ROOT, streamlit_server  # noqa: E402


def main(n: int = 20) -> None:
    questions = [q["question"] for q in load_questions(ROOT / "tests" / "data" / "questions.jsonl") if q["gold"]]
    with streamlit_server() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url)
        box = page.get_by_test_id("stChatInputTextArea")
        expect(box).to_be_visible(timeout=180_000)
        times = []
        for i, q in enumerate(questions[: n + 3]):
            messages = page.get_by_test_id("stChatMessage")
            expected = messages.count() + 2
            box.fill(q)
            start = time.perf_counter()
            box.press("Enter")
            # wait_for reacts to DOM changes; expect() polls at growing intervals (up to 1 s), too coarse here
            messages.nth(expected - 1).locator(".cite, p:has-text(\"doesn't cover this\")").first.wait_for(
                timeout=60_000)
            elapsed = (time.perf_counter() - start) * 1000
            if i >= 3:  # the first answers warm up the page
                times.append(elapsed)
        browser.close()
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"Enter to answer rendered, {len(times)} questions: p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms")


if __name__ == "__main__":
    main()
