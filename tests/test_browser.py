"""End to end in a real browser: Debian's Chromium driven by Playwright against `streamlit run app.py`."""

import os
import re
from pathlib import Path

import pytest

from streamlit_server import CHROMIUM, CHROMIUM_ARGS, ROOT, add_then_remove, in_one_browser_at_once, streamlit_server
from retrieval.config import DEFAULT_MODEL, DEFAULT_SECOND_MODEL

ARTEFACTS = ROOT / "artefacts"

if not Path(CHROMIUM).exists():
    if os.environ.get("E2E_REQUIRED") == "1":
        pytest.fail(f"{CHROMIUM} is missing and E2E_REQUIRED=1 (install: apt-get install chromium)",
                    pytrace=False)
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium); browser tests skipped",
                allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def server_log(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("server") / "streamlit.log"


@pytest.fixture(scope="module")
def server(engine, settings, server_log):
    with streamlit_server({"RETRIEVAL_INDEX_DIR": str(settings.index_dir)}, server_log) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        # rebound.example: a foreign name resolving to this machine, as DNS rebinding makes one.
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP rebound.example 127.0.0.1"])
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server)
    # The model loads on the first session: allow a long first wait.
    expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=120_000)
    yield page
    context.close()


def send(page, question: str) -> None:
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")


def ask(page, question: str):
    send(page, question)
    answer = page.get_by_test_id("stChatMessage").nth(1).get_by_test_id("stChatMessageContent")
    expect(answer.locator(".cite").first).to_be_visible(timeout=60_000)
    return answer


def switch_on(scope, name: str) -> None:
    """Turn a toggle on and see it on: a click that lands while its expander is still opening (or
    the app is rerunning) is not taken, so it is clicked again."""
    switch = scope.get_by_role("switch", name=name)
    for _ in range(3):
        scope.get_by_text(name).click()
        try:
            expect(switch).to_be_checked(timeout=10_000)
            return
        except AssertionError:
            continue
    expect(switch).to_be_checked()


def test_typed_question_shows_answer_and_citation(page):
    answer = ask(page, "Do migrants take jobs from native workers?")
    expect(answer.locator(".answer")).to_contain_text("did not compete for jobs with the native-born population")
    expect(answer.locator(".cite").first).to_contain_text(
        '"Migration and development: drivers and impacts", para. 3, p. 1')
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "answer.png"), full_page=True, animations="disabled")


def test_second_question_is_answered_below_the_first(page):
    ask(page, "Who bears the costs of migration?")
    send(page, "What did panellists say about remittances?")
    contents = page.get_by_test_id("stChatMessageContent")
    expect(contents).to_have_count(4, timeout=60_000)
    expect(contents.nth(3).locator(".cite").first).to_be_visible(timeout=60_000)
    expect(contents.nth(0)).to_have_text("Who bears the costs of migration?")
    expect(contents.nth(1).locator(".answer")).to_contain_text("costs of migration")
    expect(contents.nth(2)).to_have_text("What did panellists say about remittances?")
    expect(contents.nth(3).locator(".answer").first).to_contain_text("Remittances")


RECORD_MESSAGES = """() => {
  window.__states = [];
  const record = () => window.__states.push(
    [...document.querySelectorAll('[data-testid="stChatMessageContent"]')].map((m) => m.innerText.trim()));
  new MutationObserver(record).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def test_earlier_answers_stay_in_place_while_a_new_one_arrives(page):
    ask(page, "Who bears the costs of migration?")
    contents = page.get_by_test_id("stChatMessageContent")
    expect(contents.nth(1).get_by_label("Thumbs down")).to_be_visible(timeout=10_000)  # drawn to its end
    before = [contents.nth(i).inner_text().strip() for i in range(2)]
    page.evaluate(RECORD_MESSAGES)
    send(page, "What did panellists say about remittances?")
    expect(contents.nth(3).locator(".cite").first).to_be_visible(timeout=60_000)
    states = page.evaluate("window.__states")
    assert states and all(state[:2] == before for state in states)


def test_suggested_question_click_answers_it(page):
    page.get_by_role("button", name="What did panellists say about remittances?").click()
    answer = page.get_by_test_id("stChatMessage").nth(1).get_by_test_id("stChatMessageContent")
    expect(answer.locator(".answer").first).to_contain_text("Remittances were found", timeout=60_000)


def test_show_in_document_marks_the_cited_paragraph(page):
    answer = ask(page, "Which ILO convention should be ratified?")
    answer.get_by_text("Show in document").click()
    cited = answer.locator(".docpara.cited")
    expect(cited).to_be_visible()  # hidden until the expander opens
    cited.scroll_into_view_if_needed()
    expect(cited).to_be_in_viewport(ratio=0.3)
    expect(cited).to_contain_text("Convention concerning Decent Work for Domestic Workers")
    expect(cited).to_contain_text("p. 3")
    assert answer.locator(".docpara").count() == 5  # the whole section, one paragraph marked
    page.screenshot(path=str(ARTEFACTS / "show-in-document.png"), full_page=True, animations="disabled")


def test_typed_html_is_shown_as_text(page):
    text = "<script>alert(1)</script> **bold** ![x](http://example.com/a.png)"
    send(page, text)
    user = page.get_by_test_id("stChatMessage").nth(0).get_by_test_id("stChatMessageContent")
    expect(user).to_have_text(text, timeout=60_000)
    assert page.locator("img[src='http://example.com/a.png']").count() == 0


def test_twenty_sessions_at_once_get_their_own_answers_from_one_model_and_lose_no_feedback(
        server, server_log, settings):
    from retrieval.server.record import Record

    questions = {
        "Who bears the costs of migration?": "disproportionately born",
        "Which ILO convention should be ratified?": "Domestic Workers",
        "Do migrants become entrepreneurs?": "entrepreneurs",
        "What did panellists say about remittances?": "Remittances",
        "Is migration a solution to poverty?": "panacea",
    }
    jobs = [(n, q, e) for n, (q, e) in enumerate(list(questions.items()) * 4)]
    record = Record(settings.index_dir / "record.sqlite3")  # the server's, by default under its index
    before = {table: len(record.rows(table)) for table in ("questions", "feedback")}

    async def session(browser, n, question, expected):
        context = await browser.new_context()
        page = await context.new_page()
        # Twenty pages opening at once on two cores: the first bytes are the point, not "load"
        # within Playwright's default 30 s; the chat box below is waited for on its own.
        await page.goto(server, wait_until="commit", timeout=120_000)
        box = page.get_by_test_id("stChatInputTextArea")
        await box.wait_for(timeout=120_000)
        await box.fill(question)
        await box.press("Enter")
        message = page.get_by_test_id("stChatMessage").nth(1)
        answer = message.get_by_test_id("stChatMessageContent")
        await answer.locator(".cite").first.wait_for(timeout=120_000)  # a box, or the closest passages
        text = await answer.inner_text()
        # The rating buttons come with the rest of the message, which twenty sessions on two cores
        # may draw well after its first citation: waited for as long as the answer is.
        if n % 2:
            await message.get_by_label("Thumbs up").click(timeout=120_000)
            said = "Thank you: your rating is kept."
        else:
            await message.get_by_label("Thumbs down").click(timeout=120_000)
            comment = message.get_by_label("What was wrong?")
            await comment.fill(f"comment {n}", timeout=120_000)
            await comment.press("Enter")
            said = "Thank you: your rating and note are kept."
        await message.get_by_text(said).wait_for(timeout=120_000)
        await context.close()
        return expected in text

    outcome = in_one_browser_at_once([lambda browser, job=job: session(browser, *job) for job in jobs], timeout=400)
    assert outcome == [True] * len(jobs)
    questions_kept = record.rows("questions")[before["questions"]:]
    feedback = record.rows("feedback")[before["feedback"]:]
    assert sorted(q["question"] for q in questions_kept) == sorted(q for _, q, _ in jobs)
    assert sorted(f["rating"] for f in feedback) == [-1] * 10 + [1] * 10
    assert {f["question_id"] for f in feedback} == {q["id"] for q in questions_kept}  # each on its own answer
    assert sorted(f["comment"] for f in feedback if f["rating"] == -1) == sorted(
        f"comment {n}" for n, _, _ in jobs if n % 2 == 0)
    log_text = server_log.read_text(errors="replace")
    # Each of the engine's models is loaded once for all sessions.
    assert log_text.count("loading embedding model") == 2
    assert log_text.count(f"loading embedding model {DEFAULT_MODEL}") == 1
    assert log_text.count(f"loading embedding model {DEFAULT_SECOND_MODEL}") == 1


def test_uploaded_pdf_is_searchable_and_cited_by_document(browser, tmp_path, settings, engine):
    import shutil

    from test_ingest import PDF_PAGES, make_pdf

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    index = tmp_path / "index"
    shutil.copytree(settings.index_dir, index)  # a valid index of the bundled corpus: only the PDF is embedded
    pdf = make_pdf(tmp_path / "fishing-fleet.pdf", PDF_PAGES)
    with streamlit_server({"RETRIEVAL_CORPUS_DIR": str(corpus), "RETRIEVAL_INDEX_DIR": str(index)}) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(url + "/library")
        expect(page.get_by_test_id("stFileUploaderDropzoneInput")).to_be_attached(timeout=120_000)
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(pdf))
        expect(page.get_by_text("Added fishing fleet. It is searched from now on.")).to_be_visible(timeout=180_000)
        assert (corpus / "fishing-fleet.pdf").exists()
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Chat").click()
        answer = ask(page, "How many life rafts should a vessel carry?")
        expect(answer.locator(".cite").first).to_contain_text('fishing fleet (2 May 2024), "Recommendations", para. 1, p. 2')
        # The same name again replaces nothing until the person confirms it.
        (tmp_path / "newer").mkdir()
        newer = make_pdf(tmp_path / "newer" / "fishing-fleet.pdf", ["Fishing fleet report\n\nNets\n\n"
                                                                    "Trawl nets must be mended before each season."])
        size = (corpus / "fishing-fleet.pdf").stat().st_size
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Library").click()
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(newer))
        expect(page.get_by_text("A document named fishing-fleet is already in the library.")).to_be_visible(
            timeout=60_000)
        assert (corpus / "fishing-fleet.pdf").stat().st_size == size
        page.get_by_role("button", name="Replace it with fishing-fleet.pdf").click()
        expect(page.get_by_text("Indexing fishing-fleet.pdf")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("Indexing fishing-fleet.pdf")).to_have_count(0, timeout=180_000)
        expect(page.get_by_text("Added fishing fleet. It is searched from now on.")).to_have_count(1)
        assert (corpus / "fishing-fleet.pdf").read_bytes() == newer.read_bytes()
        context.close()


@pytest.mark.parametrize("question, notes, screenshot", [
    ("How many migrants live in Qatar?", ["Closest passages", "The document doesn't mention Qatar."], "partial.png"),
    ("How many people attended the panel discussion?", ["The closest passages — they may not answer this exactly."],
     "uncertain.png"),
], ids=["missing", "uncertain"])
def test_a_partial_answer_shows_closest_passages_in_their_own_look_without_a_box(page, question, notes, screenshot):
    send(page, question)
    answer = page.get_by_test_id("stChatMessage").nth(1).get_by_test_id("stChatMessageContent")
    box = answer.locator(".partial")
    expect(box).to_be_visible(timeout=60_000)
    for note in notes:
        expect(box).to_contain_text(note)
    expect(answer.locator(".answer")).to_have_count(0)
    expect(answer.locator(".cite").first).to_be_visible()
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / screenshot), full_page=True, animations="disabled")


def test_search_instead_link_searches_the_words_as_typed(page):
    typed = "Why is xenophobya a priority?"
    answer = ask(page, typed)
    expect(answer).to_contain_text("Showing results for: Why is xenophobia a priority?")
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "spelling.png"), full_page=True, animations="disabled")
    answer.get_by_role("button", name=f"Search instead for: {typed}").click()
    messages = page.get_by_test_id("stChatMessage")
    expect(messages).to_have_count(4, timeout=60_000)
    expect(messages.nth(2)).to_contain_text(typed)
    expect(messages.nth(3).get_by_test_id("stChatMessageContent")).not_to_contain_text("Showing results for",
                                                                                       timeout=60_000)


def _large_pdf(path, pages: int):
    from fpdf import FPDF

    words = ("cargo berth crane pilot tide quay vessel freight tug dock manifest customs container "
             "harbour ferry barge lock channel buoy anchor").split()
    pdf = FPDF()
    pdf.set_font("helvetica", size=10)
    for n in range(pages):
        pdf.add_page()
        for k in range(3):
            sentence = " ".join(words[(n * 7 + k * 3 + i) % len(words)] for i in range(40))
            pdf.multi_cell(0, 5, f"Section {n}.{k}: {sentence} (record {n * 3 + k}).")
            pdf.ln(4)
    pdf.output(str(path))
    return path


def test_answers_keep_arriving_while_another_session_adds_a_large_document(browser, tmp_path, settings, engine):
    import shutil
    import statistics
    import time

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    index = tmp_path / "index"
    shutil.copytree(settings.index_dir, index)
    pdf = _large_pdf(tmp_path / "port-records.pdf", pages=150)
    with streamlit_server({"RETRIEVAL_CORPUS_DIR": str(corpus), "RETRIEVAL_INDEX_DIR": str(index)}) as url:
        uploader = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        reader = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        uploader.goto(url + "/library")
        expect(uploader.get_by_test_id("stFileUploaderDropzoneInput")).to_be_attached(timeout=120_000)
        reader.goto(url)
        expect(reader.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=120_000)
        # A name over 255 bytes is made safe; no traceback, no server path.
        long_name = "n" * 300 + ".txt"
        uploader.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
            {"name": long_name, "mimeType": "text/plain", "buffer": b"Tugs\n\nTugs push barges up the channel."})
        expect(uploader.get_by_text(re.compile(r"^Added .+\. It is searched from now on\.$"))).to_be_visible(
            timeout=180_000)
        uploader.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(pdf))
        expect(uploader.get_by_text("Indexing port-records.pdf")).to_be_visible(timeout=60_000)
        # How far it has got, refreshed while it works.
        expect(uploader.get_by_text(re.compile(r"[1-9]\d* of \d+ passages embedded \(model [12] of 2\)"))).to_be_visible(
            timeout=60_000)
        questions = ["Who bears the costs of migration?", "What did panellists say about remittances?",
                     "How can xenophobia be countered?", "Which groups of migrants are vulnerable?",
                     "What is the GFMD?", "Do migrants take jobs from native workers?",
                     "What should happen after 2015?", "Why do people migrate?"]
        times = []
        for n, question in enumerate(questions, 1):
            start = time.monotonic()
            send(reader, question)
            message = reader.get_by_test_id("stChatMessage").nth(2 * n - 1)
            expect(message.locator(".cite").first).to_be_visible(timeout=30_000)
            times.append(time.monotonic() - start)
        still_indexing = uploader.get_by_text("Indexing port-records.pdf").is_visible()
        p50, p95 = statistics.median(times), sorted(times)[int(round(0.95 * (len(times) - 1)))]
        print(f"\nanswers while a 150-page PDF was being indexed: p50 {p50 * 1000:.0f} ms, "
              f"p95 {p95 * 1000:.0f} ms over {len(times)} questions; still indexing at the end: {still_indexing}")
        assert still_indexing  # the answers above were all given during the build
        # No bound on the times themselves (a busy machine is slower, not wrong): each answer had to
        # arrive within its 30 s wait above while the build went on; docs/performance.md has figures.
        ARTEFACTS.mkdir(exist_ok=True)
        uploader.screenshot(path=str(ARTEFACTS / "indexing.png"), full_page=True, animations="disabled")


def test_a_document_the_server_cannot_index_is_taken_out_and_the_library_keeps_answering(browser, tmp_path, settings,
                                                                                         engine):
    import resource
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    index = tmp_path / "index"
    shutil.copytree(settings.index_dir, index)
    before = sorted(p.name for p in corpus.iterdir())
    shipped = next(p.name for p in corpus.iterdir() if p.suffix == ".txt")

    def full_disk():  # writes past 64 KiB fail (EFBIG), as on a full disk: the new index cannot be written
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    with streamlit_server({"RETRIEVAL_CORPUS_DIR": str(corpus), "RETRIEVAL_INDEX_DIR": str(index)},
                          tmp_path / "server.log", preexec_fn=full_disk) as url:
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(url + "/library")
        upload = page.get_by_test_id("stFileUploaderDropzoneInput")
        expect(upload).to_be_attached(timeout=120_000), (tmp_path / "server.log").read_text()[-3000:]
        upload.set_input_files({"name": shipped, "mimeType": "text/plain", "buffer": b"Junk\n\nJunk text." * 5})
        expect(page.get_by_text("is shipped with the project and cannot be replaced here")).to_be_visible(
            timeout=60_000)
        upload.set_input_files({"name": "tugs.txt", "mimeType": "text/plain",
                                "buffer": b"Tugs\n\nTugs push barges up the channel at dawn.\n" * 200})
        expect(page.get_by_text("Could not add tugs.txt")).to_be_visible(timeout=120_000)
        body = page.locator("body").inner_text()
        assert "Traceback" not in body and str(tmp_path) not in body
        assert sorted(p.name for p in corpus.iterdir()) == before
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Chat").click()
        answer = ask(page, "Who bears the costs of migration?")
        expect(answer.locator(".answer")).to_contain_text("disproportionately born by the migrants")


def test_key_points_lead_into_the_document_and_the_experts_filter_applies(page):
    page.get_by_role("link", name="New to the subject? Read the key points").click()
    expect(page.get_by_role("heading", name="Key points")).to_be_visible(timeout=60_000)
    assert page.url.endswith("/key-points")  # its own address, to send to a newcomer
    point = page.locator(".point", has_text="The experts cautioned that migration was not a panacea")
    expect(point).to_be_visible()
    expect(page.get_by_text("Only .")).to_have_count(0)  # no filter, no filter wording
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "key-points-top.png"), animations="disabled")
    # Follow that point into the document: its paragraph is shown, marked as the cited one.
    details = point.locator("xpath=ancestor::div[contains(@class,'stElementContainer')][1]/following-sibling::div[1]")
    details.get_by_text("Show in document").click()
    cited = details.locator(".docpara.cited")
    expect(cited).to_be_visible(timeout=10_000)
    expect(cited).to_contain_text("The experts cautioned that migration was not a panacea")
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "key-points.png"), full_page=True, animations="disabled")
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Chat").click()
    expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=30_000)
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="experts").click()
    answer = ask(page, "What did they say about poverty?")
    expect(answer).to_contain_text("Only what the experts said")
    expect(answer.locator(".answer")).to_contain_text("The experts cautioned that migration was not a panacea")


def test_on_a_phone_the_page_opens_at_the_top_with_the_question_box_focused(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(server)
    box = page.get_by_test_id("stChatInputTextArea")
    expect(box).to_be_visible(timeout=120_000)
    expect(box).to_be_focused(timeout=10_000)
    title = page.get_by_role("heading", name="Ask the panel summary")
    expect(title).to_be_in_viewport(ratio=1, timeout=10_000)  # whole title on screen: the page is at its top
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "phone.png"), animations="disabled")
    # Settings are reachable: the sidebar opens from its control.
    page.get_by_test_id("stExpandSidebarButton").click()
    expect(page.get_by_test_id("stSidebar").get_by_text("Settings")).to_be_visible(timeout=10_000)
    context.close()


def test_the_question_box_is_first_in_the_tab_order_after_the_skip_link(page):
    box = page.get_by_test_id("stChatInputTextArea")
    expect(box).to_be_focused(timeout=10_000)
    page.keyboard.press("Shift+Tab")  # one step back from the box: the skip link, nothing between
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    page.keyboard.press("Tab")
    expect(box).to_be_focused()
    box.fill("Who bears the costs of migration?")
    box.press("Enter")
    expect(page.get_by_test_id("stChatMessage").nth(1).locator(".answer")).to_be_visible(timeout=60_000)


def test_tab_goes_from_the_question_box_to_the_answers_then_to_the_sidebar(page):
    ask(page, "Who bears the costs of migration?")
    box = page.get_by_test_id("stChatInputTextArea")
    box.focus()
    where = """() => {
      const el = document.activeElement;
      return el.closest('[data-testid="stSidebar"]') ? "sidebar"
           : el.closest('[data-testid="stChatMessage"]') ? "answer" : el.closest('main, [data-testid="stMain"]') ? "main" : "other";
    }"""
    visited = []
    for _ in range(12):
        page.keyboard.press("Tab")
        visited.append(page.evaluate(where))
        if visited[-1] == "sidebar":
            break
    assert visited[0] == "answer", visited  # the answer's controls first: Copy link, Show in document, More results
    assert "sidebar" in visited and visited.index("sidebar") >= 3, visited
    assert set(visited[:visited.index("sidebar")]) <= {"answer", "main"}, visited


def test_key_points_and_a_question_link_open_directly(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server + "/key-points")
    expect(page.get_by_role("heading", name="Key points")).to_be_visible(timeout=120_000)
    expect(page.locator(".point").first).to_be_visible()
    page.goto(server + "/?q=Which+ILO+convention+should+be+ratified%3F&speaker=anyone")
    answer = page.get_by_test_id("stChatMessage").nth(1).get_by_test_id("stChatMessageContent")
    expect(answer.locator(".answer")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stChatMessage").first).to_contain_text("Which ILO convention should be ratified?")
    context.close()


def test_copy_link_copies_a_link_that_asks_the_question_again(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(server)
    expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=120_000)
    answer = ask(page, "Who bears the costs of migration?")
    answer.get_by_text("Copy link").click()
    expect(answer.get_by_text("Link copied")).to_be_visible(timeout=5_000)
    link = page.evaluate("navigator.clipboard.readText()")
    assert link.startswith(server) and "q=Who+bears+the+costs+of+migration%3F" in link, link
    other = context.new_page()
    other.goto(link)
    again = other.get_by_test_id("stChatMessage").nth(1).get_by_test_id("stChatMessageContent")
    expect(again.locator(".answer")).to_contain_text("disproportionately born by the migrants", timeout=60_000)
    context.close()


def test_the_server_loads_the_engine_before_its_first_visitor(tmp_path, settings, engine):
    import time

    log = tmp_path / "server.log"
    with streamlit_server({"RETRIEVAL_INDEX_DIR": str(settings.index_dir)}, log):
        deadline = time.time() + 120
        while "the search engine is ready" not in log.read_text() and time.time() < deadline:
            time.sleep(0.5)
        assert "the search engine is ready" in log.read_text()  # no page was opened


def test_a_visitor_who_comes_during_the_load_is_told_it_is_loading(browser, tmp_path, engine):
    # A fresh index folder: the server builds the index at start, so the load takes seconds.
    with streamlit_server({"RETRIEVAL_INDEX_DIR": str(tmp_path / "index")}) as url:
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(url)
        expect(page.get_by_text("Loading the search engine…")).to_be_visible(timeout=20_000)
        expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=180_000)
        expect(page.get_by_text("Loading the search engine…")).to_have_count(0)
        page.context.close()


def test_a_25_question_export_is_short_and_renders_with_citations_outside_the_quotes(browser, engine):
    import json

    from markdown_it import MarkdownIt

    from retrieval.chat.conversation import respond
    from retrieval.chat.transcript import conversation_export

    rows = [json.loads(line) for line in (ROOT / "tests" / "data" / "questions.jsonl").read_text().splitlines()]
    questions = [r["question"] for r in rows if r["gold"]][:21] + ["Why?", "more", "Who said that?",
                                                                    "What is the capital of France?"]
    history = []
    for question in questions:
        history.append(respond(engine, question, history, 3))
    markdown = conversation_export(history, markdown=True)
    size = len(markdown.encode("utf-8"))
    print(f"\n25-question export: {size / 1024:.1f} KB Markdown, "
          f"{len(conversation_export(history, markdown=False).encode()) / 1024:.1f} KB text, "
          f"{len(conversation_export(history, markdown=True, passages=True).encode()) / 1024:.1f} KB with passages")
    assert size <= 15 * 1024
    page = browser.new_page()
    page.set_content(MarkdownIt().render(markdown))
    quotes = page.locator("blockquote")
    assert quotes.count() >= 20
    for i in range(quotes.count()):
        quote = quotes.nth(i)
        assert "para." not in quote.inner_text()  # the citation is not folded into the quote
        after = quote.evaluate("q => q.nextElementSibling && q.nextElementSibling.textContent")
        assert after and "Panel discussion on international migration and development" in after
    assert page.locator("h1").inner_text().startswith("Conversation about Panel discussion")
    assert page.get_by_text("Searched as: ").count() >= 1
    page.close()


def test_who_said_that_and_what_page_answer_from_the_last_answer(page):
    ask(page, "What did one participant call for?")
    send(page, "Who said that?")
    reply = page.get_by_test_id("stChatMessage").nth(3).get_by_test_id("stChatMessageContent")
    expect(reply).to_contain_text("That was said by one participant.", timeout=60_000)
    expect(reply.locator(".answer")).to_have_count(0)  # one line pointing to the answer above, nothing redrawn
    send(page, "What page is that on?")
    where = page.get_by_test_id("stChatMessage").nth(5).get_by_test_id("stChatMessageContent")
    expect(where).to_contain_text("paragraph 5, page 2", timeout=60_000)


def test_a_library_of_four_documents_in_the_browser(browser, tmp_path, settings, page):
    import shutil

    from test_ingest import PDF_PAGES, make_docx, make_pdf

    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "library-one.png"), animations="disabled")  # the bundled document alone
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    make_pdf(corpus / "fishing-fleet.pdf", PDF_PAGES)
    make_docx(corpus / "seasonal-labour.docx")
    shutil.copy(ROOT / "tests" / "data" / "library" / "seasonal-worker-pilot-review.md", corpus)
    index = tmp_path / "index"
    shutil.copytree(settings.index_dir, index)  # only the three new documents are embedded
    with streamlit_server({"RETRIEVAL_CORPUS_DIR": str(corpus), "RETRIEVAL_INDEX_DIR": str(index)}) as url:
        three = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        three.goto(url)
        expect(three.get_by_role("heading", name="Ask 4 documents")).to_be_visible(timeout=180_000)
        expect(three.get_by_role("button", name="What does the Annual review of seasonal labour say about housing "
                                                 "conditions?")).to_be_visible()
        three.wait_for_timeout(700)  # the page settles at its top
        three.screenshot(path=str(ARTEFACTS / "welcome-four.png"), animations="disabled")
        three.get_by_test_id("stSidebarNav").get_by_role("link", name="Library").click()
        main = three.get_by_test_id("stMain")
        expect(main.get_by_role("heading", name="Annual review of seasonal labour")).to_be_visible(timeout=30_000)
        expect(main.get_by_text("Farm Labour Unit · 3 March 2025 · DOCX · 2 sections · 2 passages")).to_be_visible()
        main.get_by_text("Pay", exact=True).click()
        expect(main.get_by_text("Fruit pickers were paid by the crate")).to_be_visible()
        three.screenshot(path=str(ARTEFACTS / "library-four.png"), animations="disabled")
        three.get_by_test_id("stSidebarNav").get_by_role("link", name="Chat").click()
        answer = ask(three, "How many life rafts should a vessel carry?")
        expect(answer.locator(".cite").first).to_contain_text('fishing fleet (2 May 2024), "Recommendations", para. 1, p. 2')
        send(three, "What is the capital of France?")
        refusal = three.get_by_test_id("stChatMessage").nth(3)
        expect(refusal).to_contain_text("These documents don't cover this.", timeout=60_000)
        expect(refusal).not_to_contain_text("remittances, labour mobility")
        three.screenshot(path=str(ARTEFACTS / "chat-four.png"), animations="disabled")
        three.context.close()
        phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
        phone.goto(url)
        expect(phone.get_by_role("heading", name="Ask 4 documents")).to_be_visible(timeout=60_000)
        phone.screenshot(path=str(ARTEFACTS / "phone-four.png"), animations="disabled")
        answer = ask(phone, "How were fruit pickers paid?")
        phone.wait_for_timeout(1000)
        phone.screenshot(path=str(ARTEFACTS / "phone-four-answer.png"), animations="disabled")
        phone.context.close()


def _top_in_view(page, locator, settle_ms: int = 3000) -> bool:
    """Whether the element's top edge comes to rest inside the viewport (its start can be read):
    checked every 100 ms until it is, for at most ``settle_ms`` (drawing and animations go on)."""
    height = page.viewport_size["height"]
    for _ in range(settle_ms // 100):
        box = locator.bounding_box()
        if box is not None and -2 <= box["y"] < height:  # the very top lands a subpixel above 0
            page.wait_for_timeout(300)
            box = locator.bounding_box()  # and stays there
            if box is not None and -2 <= box["y"] < height:
                return True
        page.wait_for_timeout(100)
    return False


@pytest.mark.parametrize("viewport", [(390, 844), (1366, 700), (1366, 900)], ids=["phone", "laptop", "desktop"])
def test_every_new_answer_and_what_opens_start_in_view(browser, server, viewport):
    width, height = viewport
    phone = width < 500
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.goto(server)
    expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=120_000)
    messages = page.get_by_test_id("stChatMessage")
    questions = ["What did panellists say about remittances?", "Do migrants take jobs from native workers?",
                 "Which ILO convention should be ratified?"]
    for n, question in enumerate(questions):
        send(page, question)
        answer = messages.nth(2 * n + 1).get_by_test_id("stChatMessageContent")
        expect(answer.locator(".cite").first).to_be_visible(timeout=60_000)
        page.wait_for_timeout(400)  # the scroll runs once the answer is drawn
        assert _top_in_view(page, messages.nth(2 * n)), f"question {n + 1} not in view at {viewport}"
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"three-questions-{width}x{height}.png"), animations="disabled")
    for label in ("Show in document", "More results"):
        expander = messages.nth(5).get_by_test_id("stExpander").filter(has_text=label)
        expander.locator("summary").click()
        details = expander.get_by_test_id("stExpanderDetails")
        expect(details).to_be_visible(timeout=10_000)
        page.wait_for_timeout(900)  # the expander animates open, then is scrolled to
        assert _top_in_view(page, expander), f"{label} not in view at {viewport}: {expander.bounding_box()}"
    if not phone:  # on a phone the sidebar is folded: Key points is reached from the welcome, tested elsewhere
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Key points").click()
        heading = page.get_by_role("heading", name="Key points")
        expect(heading).to_be_visible(timeout=30_000)
        page.wait_for_timeout(400)
        assert _top_in_view(page, heading), f"Key points heading not in view at {viewport}"
    context.close()


def test_an_answer_shows_each_sentence_once(page):
    answer = ask(page, "Do migrants take jobs from native workers?")
    expect(answer.locator(".answer")).to_contain_text("did not compete for jobs with the native-born population")
    visible = answer.inner_text()  # what is on screen: folded expanders' contents are not
    assert visible.count("did not compete for jobs with the native-born population") == 1


def _session_ids(page) -> list[str]:
    """The Streamlit session ids the page's websocket is given (read from its NewSession messages)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    ids: list[str] = []

    def frame(payload) -> None:
        if isinstance(payload, bytes):
            msg = ForwardMsg()
            try:
                msg.ParseFromString(payload)
            except Exception:  # noqa: BLE001 - not a ForwardMsg
                return
            if msg.HasField("new_session") and msg.new_session.initialize.session_id:
                ids.append(msg.new_session.initialize.session_id)

    page.on("websocket", lambda ws: ws.on("framereceived", frame))
    return ids


def _put_upload(page, session_id: str) -> tuple[int, str]:
    """PUT a 1 MiB file to Streamlit's upload endpoint for ``session_id``, as a script on the page
    can without any uploader (with the page's own XSRF cookie); the status and the reason given."""
    return tuple(page.evaluate("""async (sid) => {
        const xsrf = (document.cookie.split('; ').find(c => c.startsWith('_streamlit_xsrf=')) || '').slice(16);
        const body = new FormData();
        body.append('file', new Blob([new Uint8Array(1 << 20)], {type: 'application/pdf'}), 'big.pdf');
        const r = await fetch(`/_stcore/upload_file/${sid}/probe-${Date.now()}`,
                              {method: 'PUT', body, headers: {'X-Xsrftoken': xsrf}});
        const text = await r.text();
        let said = text;
        try { said = JSON.parse(text).detail || text; } catch (e) {}
        return [r.status, said];
    }""", session_id))


def test_on_a_shared_server_only_the_editor_key_changes_the_library_and_feedback_reaches_the_report(
        browser, tmp_path, settings, engine):
    import json
    import shutil
    import subprocess
    import sys

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    index = tmp_path / "index"
    shutil.copytree(settings.index_dir, index, ignore=shutil.ignore_patterns("record.sqlite3*"))  # a new record
    env = {"RETRIEVAL_CORPUS_DIR": str(corpus), "RETRIEVAL_INDEX_DIR": str(index), "RETRIEVAL_EDITOR_KEY": "s3cret-key"}
    log = tmp_path / "server.log"
    with streamlit_server(env, log, address="0.0.0.0") as url:  # reachable from other machines
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        sessions = _session_ids(page)
        page.goto(url + "/library")
        expect(page.get_by_role("button", name="Unlock editing")).to_be_visible(timeout=120_000)
        expect(page.get_by_test_id("stFileUploaderDropzoneInput")).to_have_count(0)
        expect(page.get_by_role("button", name="Remove from the library")).to_have_count(0)
        # No uploader on the page, but Streamlit's upload endpoint is there: a visitor's file is refused.
        status, said = _put_upload(page, sessions[-1])
        assert (status, said) == (403, "Adding documents needs the editor role."), (status, said)
        page.goto(url + "/library?remove_now=x&editor=true")  # no address or widget opens it
        expect(page.get_by_role("button", name="Unlock editing")).to_be_visible(timeout=60_000)
        expect(page.get_by_test_id("stFileUploaderDropzoneInput")).to_have_count(0)
        page.get_by_label("Editor key").fill("s3cret-key")
        page.get_by_role("button", name="Unlock editing").click()
        upload = page.get_by_test_id("stFileUploaderDropzoneInput")
        expect(upload).to_be_attached(timeout=30_000)
        assert _put_upload(page, sessions[-1])[0] == 204  # the same session, now an editor's
        add_then_remove(page, "tugs.txt", b"Tugs\n\nTugs push barges up the channel at dawn.")
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Chat").click()
        ask(page, "Who bears the costs of migration?")
        message = page.get_by_test_id("stChatMessage").nth(1)
        message.get_by_label("Thumbs down").click()
        comment = message.get_by_label("What was wrong?")
        comment.fill("Not the paragraph I needed")
        comment.press("Enter")
        page.wait_for_timeout(1500)
        page.context.close()
    report = json.loads(subprocess.run([sys.executable, "-m", "retrieval", "report", "--json"], cwd=ROOT,
                                       env=os.environ | env, capture_output=True, timeout=120).stdout)
    assert [(d["question"], d["comment"]) for d in report["marked_wrong"]] == [
        ("Who bears the costs of migration?", "Not the paragraph I needed")]
    from retrieval.server.record import Record

    changes = Record(index / "record.sqlite3").rows("changes")
    assert [(c["action"], c["document"]) for c in changes] == [("add", "tugs"), ("remove", "tugs")]
    text = log.read_text(errors="replace")
    assert "s3cret-key" not in text and "Who bears the costs" not in text and str(tmp_path) not in text


def as_file_modes_bind() -> tuple[str, ...]:
    """A command prefix under which file modes bind the server: root ignores them (CI runs as
    root), so the capability that lets it is dropped; anyone else is bound already."""
    if os.geteuid() != 0:
        return ()
    return ("setpriv", "--inh-caps=-dac_override,-dac_read_search",
            "--bounding-set=-dac_override,-dac_read_search", "--")


def test_the_record_failing_while_the_server_runs_costs_no_answer_and_resumes(browser, tmp_path, settings, engine):
    import shutil

    from retrieval.server.record import Record

    index = tmp_path / "index"
    shutil.copytree(settings.index_dir, index)
    (index / "second-model" / "manifest.json").unlink()  # rebuilt at start: the log says why, without a path
    db = tmp_path / "record" / "record.sqlite3"
    db.parent.mkdir()
    log = tmp_path / "server.log"
    questions = iter(["Who bears the costs of migration?", "Which ILO convention should be ratified?",
                      "Do migrants become entrepreneurs?", "What did panellists say about remittances?",
                      "Is migration a solution to poverty?", "Do migrants take jobs from native workers?"])
    asked: list[str] = []

    def ask_next(page) -> str:
        question = next(questions)
        send(page, question)
        answer = page.get_by_test_id("stChatMessage").nth(2 * len(asked) + 1).get_by_test_id("stChatMessageContent")
        expect(answer.locator(".cite").first).to_be_visible(timeout=120_000)  # answered, whatever the record
        asked.append(question)
        return question

    def recorded() -> list[str]:
        return [q["question"] for q in Record(db).rows("questions")]

    env = {"RETRIEVAL_INDEX_DIR": str(index), "RETRIEVAL_RECORD": str(db)}
    with streamlit_server(env, log, wrapper=as_file_modes_bind()) as url:
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(url)
        expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=180_000)
        first = ask_next(page)
        assert recorded() == [first]

        for f in db.parent.glob("record.sqlite3*"):  # deleted while the server runs
            f.unlink()
        second = ask_next(page)
        assert recorded() == [second]  # a new file, from the next question on

        db.chmod(0o444)  # made read-only
        ask_next(page)
        db.chmod(0o644)
        fourth = ask_next(page)
        assert recorded() == [second, fourth]  # resumed once writable again

        for f in db.parent.glob("record.sqlite3-*"):
            f.unlink()
        db.write_bytes(b"not a database at all " * 200)  # made corrupt
        ask_next(page)
        sixth = ask_next(page)
        assert recorded() == [sixth]  # started afresh; the damaged file kept aside
        assert list(db.parent.glob("record.sqlite3.corrupt-*"))
        page.context.close()
    text = log.read_text(errors="replace")
    assert text.count("the record's file is gone") == 1
    assert text.count("answers go on without it") == 2, text[-3000:]  # read-only, corrupt: a line each
    assert "readonly" in text and "not a database" in text and "being written again" in text
    assert "rebuilding" in text  # the second model's index, said without where it is
    assert str(tmp_path) not in text and not any(q in text for q in asked)


def test_a_typeset_pdf_uploaded_answers_with_its_numbering_and_shows_the_page_with_the_answer_marked(
        browser, tmp_path, settings, engine):
    import io
    import shutil

    from PIL import Image

    from typeset import UN_SYMBOL, UN_TITLE, un_style_pdf

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    index = tmp_path / "index"
    shutil.copytree(settings.index_dir, index, ignore=shutil.ignore_patterns("record.sqlite3*"))
    pdf = un_style_pdf(tmp_path / "coastal-fisheries.pdf")
    with streamlit_server({"RETRIEVAL_CORPUS_DIR": str(corpus), "RETRIEVAL_INDEX_DIR": str(index)}) as url:
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(url + "/library")
        expect(page.get_by_test_id("stFileUploaderDropzoneInput")).to_be_attached(timeout=120_000)
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(pdf))
        expect(page.get_by_text(f"Added {UN_TITLE} ({UN_SYMBOL}). It is searched from now on.")).to_be_visible(
            timeout=180_000)
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Chat").click()
        answer = ask(page, "How are remittances from fishing crews sent?")
        expect(answer.locator(".answer")).to_contain_text("sent mainly through informal channels")
        # Cited by the document's own paragraph number and its page; symbol and date in the title.
        expect(answer.locator(".cite").first).to_contain_text(f'({UN_SYMBOL}, 12 March 2026)')
        expect(answer.locator(".cite").first).to_contain_text('"II. Labour on the water", para. 5, p. 2')
        answer.get_by_text("Show in document").click()
        switch_on(answer, "Show page 2 as printed")
        picture = answer.get_by_test_id("stImage")
        expect(picture).to_be_visible(timeout=60_000)
        expect(answer.get_by_text("Page 2, the answer marked in yellow.")).to_be_visible()
        picture.scroll_into_view_if_needed()
        ARTEFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTEFACTS / "page-view.png"), full_page=False)
        shot = Image.open(io.BytesIO(picture.locator("img").screenshot())).convert("RGB")
        yellow = sum(1 for r, g, b in shot.getdata() if r > 200 and g > 170 and b < 170 and r - b > 80)
        assert yellow > 500  # the mark is on the page as drawn in the browser
        page.context.close()


@pytest.mark.parametrize("viewport", [(390, 844), (1366, 768)], ids=["phone", "laptop"])
def test_the_compare_view_reads_on_a_phone_and_a_laptop_and_its_address_opens_it_again(
        browser, versions_engine, versions_settings, viewport):
    """#34: the Compare view of a draft and the resolution adopted from it: the changes readable
    (nothing wider than the screen), each side's citation shown, and the address (in either
    order) opens the same comparison; the chat's answer links to it."""
    ARTEFACTS.mkdir(exist_ok=True)
    width, height = viewport
    env = {"RETRIEVAL_CORPUS_DIR": str(versions_settings.corpus_dir),
           "RETRIEVAL_INDEX_DIR": str(versions_settings.index_dir)}
    summary = "A/RES/80/190 against A/C.3/80/L.20: "
    with streamlit_server(env) as url:
        phone = width < 500
        context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone)
        page = context.new_page()
        page.goto(f"{url}/compare?a=A_C.3_80_L.20&b=A_RES_80_190")
        main = page.get_by_test_id("stMain")
        expect(main.get_by_text(summary, exact=False)).to_be_visible(timeout=180_000)
        change = main.locator(".change").first
        expect(change).to_be_visible()
        expect(change.locator(".head")).to_contain_text(" of A/")
        sides = main.locator(".change .side")
        expect(sides.first).to_contain_text("(A/")
        assert "A/RES/80/190" in " ".join(sides.all_inner_texts())
        box = change.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width + 1
        page.screenshot(path=str(ARTEFACTS / f"compare-{width}.png"), animations="disabled")
        first_heading = change.locator(".head").inner_text()
        # The same address, and the two documents given the other way round, open the same view.
        for address in (f"{url}/compare?a=A_C.3_80_L.20&b=A_RES_80_190", f"{url}/compare?a=A_RES_80_190&b=A_C.3_80_L.20"):
            again = context.new_page()
            again.goto(address)
            expect(again.get_by_test_id("stMain").get_by_text(summary, exact=False)).to_be_visible(timeout=60_000)
            expect(again.locator(".change .head").first).to_have_text(first_heading)
            again.close()
        if not phone:
            page.goto(url)
            send(page, "What changed between L.20 and 80/190?")
            reply = page.get_by_test_id("stChatMessage").nth(1)
            expect(reply).to_contain_text(summary, timeout=60_000)
            expect(reply.locator(".change").first).to_be_visible()
            reply.get_by_role("link", name="Open the whole comparison").click()
            expect(page.get_by_test_id("stMain").get_by_text(summary, exact=False)).to_be_visible(timeout=60_000)
            assert "a=A_C.3_80_L.20" in page.url and "b=A_RES_80_190" in page.url
        context.close()


def test_a_foreign_name_for_a_loopback_server_gets_no_app_and_no_edit_rights(browser, server, tmp_path, settings):
    """DNS rebinding (#33): a page of another site whose name resolves to 127.0.0.1. The loopback
    server's websocket refuses its Host; and were the names widened (a proxy's), a page opened by
    a name other than this machine's own still gets no edit rights without the key."""
    import shutil
    import socket
    from urllib.parse import urlsplit

    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    port = urlsplit(server).port

    def opens(name: str) -> bool:
        """A websocket to 127.0.0.1 whose request names ``name`` as its Host and Origin."""
        try:
            with connect(f"ws://{name}:{port}/_stcore/stream", sock=socket.create_connection(("127.0.0.1", port)),
                         subprotocols=["streamlit"], origin=f"http://{name}:{port}"):
                return True
        except InvalidStatus as refused:
            assert refused.response.status_code == 403
            return False

    assert [opens(n) for n in ("127.0.0.1", "localhost", "rebound.example")] == [True, True, False]

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    index = tmp_path / "index"
    shutil.copytree(settings.index_dir, index, ignore=shutil.ignore_patterns("record.sqlite3*"))
    env = {"RETRIEVAL_CORPUS_DIR": str(corpus), "RETRIEVAL_INDEX_DIR": str(index), "RETRIEVAL_ALLOWED_HOSTS": "*"}
    with streamlit_server(env) as url:
        context = browser.new_context()
        try:
            foreign = context.new_page()
            foreign.goto(url.replace("127.0.0.1", "rebound.example") + "/library")
            expect(foreign.get_by_text("This library is read-only from this address")).to_be_visible(timeout=120_000)
            expect(foreign.get_by_test_id("stFileUploaderDropzoneInput")).to_have_count(0)
            local = context.new_page()
            local.goto(url + "/library")  # the same server, opened as 127.0.0.1: its local user edits
            expect(local.get_by_test_id("stFileUploaderDropzoneInput")).to_be_attached(timeout=120_000)
        finally:
            context.close()


# --- #33, the third hostile battery's attacks repeated on a real server ---------------------------
class _Beacon:
    """An HTTP server that counts what is fetched from it: a remote image a page loads from a
    document's title, heading or a shared link would reach it."""

    def __init__(self):
        import http.server
        import threading

        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the standard library's name
                hits.append(self.path)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def close(self):
        self.http.shutdown()


HOSTILE_KEY = "hostile-battery-key"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, settings, engine):
    """A server reachable from other machines (editing by key) on a library with a document whose
    title and heading carry remote images, HTML, colour and LaTeX directives, a right-to-left
    override and 3,000 more characters, and a PDF of one 14,400-pt page."""
    import shutil

    from fpdf import FPDF

    tmp = tmp_path_factory.mktemp("hostile")
    beacon = _Beacon()
    corpus = tmp / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    (corpus / "harbour-pilots.md").write_text(
        f"# Harbour pilots ![t]({beacon.url}/title.png) <img src=\"{beacon.url}/html.png\"> :red[loud] $x^2$ "
        f"\u202eeman\u202c {'very ' * 600}long\n\n"
        f"## Boarding ![h]({beacon.url}/heading.png)\n\n"
        "Harbour pilots board incoming ships at the outer buoy and bring them through the channel.\n",
        encoding="utf-8")
    pdf = FPDF(unit="pt", format=(14_400, 14_400))
    pdf.add_page()
    pdf.set_font("Helvetica", size=300)
    pdf.text(600, 2000, "Lighthouse keepers record the tides every six hours.")
    pdf.output(str(corpus / "lighthouse-log.pdf"))
    index = tmp / "index"
    shutil.copytree(settings.index_dir, index, ignore=shutil.ignore_patterns("record.sqlite3*"))
    log = tmp / "server.log"
    env = {"RETRIEVAL_CORPUS_DIR": str(corpus), "RETRIEVAL_INDEX_DIR": str(index), "RETRIEVAL_EDITOR_KEY": HOSTILE_KEY}
    try:
        with streamlit_server(env, log, address="0.0.0.0") as url:
            yield {"url": url, "beacon": beacon, "log": log}
    finally:
        beacon.close()


def test_titles_headings_and_links_from_documents_load_nothing_and_stay_short_text(browser, hostile):
    """Remote images in a document's title and heading (Library page, suggested questions, an
    answer's citation) and in a shared ``?q=`` link through "Search instead for:" are text, fetch
    nothing; the right-to-left override is gone; a title of 3,000 characters is capped."""
    url, beacon = hostile["url"], hostile["beacon"]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(url + "/library")
        heading = page.get_by_test_id("stHeading").filter(has_text="Harbour pilots")
        expect(heading.first).to_be_visible(timeout=180_000)
        box = heading.first.bounding_box()
        assert box is not None and box["height"] < 400, box  # not 5,604 px: the title is capped
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Chat").click()
        answer = ask(page, "Where do harbour pilots board incoming ships?")
        expect(answer.locator(".cite").first).to_contain_text("Harbour pilots")
        shared = context.new_page()
        shared.goto(url + "/?q=" + f"![x]({beacon.url}/link.png) harbor pilots boarrd".replace(" ", "%20"))
        message = shared.get_by_test_id("stChatMessage").nth(1)
        expect(message.locator(".cite, .refusal").first).to_be_visible(timeout=120_000)
        instead = message.get_by_role("button", name=re.compile("^Search instead for:"))  # "boarrd" corrected
        expect(instead).to_be_visible(timeout=30_000)
        instead.click()
        expect(shared.get_by_test_id("stChatMessage")).to_have_count(4, timeout=60_000)
        for p in (page, shared):
            p.wait_for_timeout(1500)  # any image a page was going to load has been asked for
            assert "\u202e" not in p.content()
            expect(p.get_by_test_id("stException")).to_have_count(0)
            expect(p.locator(".katex")).to_have_count(0)  # "$x^2$" in the title is not typeset
        assert beacon.hits == []
    finally:
        context.close()


def test_a_page_of_14400_points_is_shown_as_printed_within_the_pixel_budget(browser, hostile):
    """"Show page 1 as printed" on a huge page: an image within the budget, no traceback."""
    import io

    from PIL import Image

    from retrieval.ingest.page_view import PAGE_PIXELS

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    try:
        page.goto(hostile["url"])
        answer = ask(page, "How often do lighthouse keepers record the tides?")
        expect(answer.locator(".cite").first).to_contain_text("lighthouse")
        answer.get_by_text("Show in document").click()
        switch_on(answer, "Show page 1 as printed")
        picture = answer.get_by_test_id("stImage")
        expect(picture).to_be_visible(timeout=120_000)
        src = picture.locator("img").get_attribute("src")
        png = page.request.get(src if src.startswith("http") else hostile["url"] + src).body()
        width, height = Image.open(io.BytesIO(png)).size
        assert width * height <= PAGE_PIXELS and width > 500
        expect(page.get_by_test_id("stException")).to_have_count(0)
    finally:
        page.context.close()


def test_clear_cache_from_any_visitor_neither_resets_the_wrong_key_limit_nor_reloads_the_engine(browser, hostile):
    """Five wrong keys lock editing; a visitor's websocket then sends ``clear_cache`` (any page
    can) five times; the right key is still refused, and the models were loaded once."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from websockets.sync.client import connect

    url, log = hostile["url"], hostile["log"]
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    try:
        page.goto(url + "/library")
        key, unlock = page.get_by_label("Editor key"), page.get_by_role("button", name="Unlock editing")
        expect(unlock).to_be_visible(timeout=180_000)
        for n in range(5):
            key.fill(f"wrong-{n}")
            unlock.click()
            expect(page.get_by_test_id("stAlert").first).to_be_visible(timeout=30_000)
        loads = log.read_text(errors="replace").count("loading embedding model")
        message = BackMsg()
        message.clear_cache = True
        host = url.split("//", 1)[1]
        with connect(f"ws://{host}/_stcore/stream", subprotocols=["streamlit"], origin=url) as ws:
            for _ in range(5):
                ws.send(message.SerializeToString())
        page.reload()
        expect(unlock).to_be_visible(timeout=60_000)
        key.fill(HOSTILE_KEY)
        unlock.click()
        expect(page.get_by_text(re.compile("^Too many wrong keys"))).to_be_visible(timeout=30_000)
        expect(page.get_by_test_id("stFileUploaderDropzoneInput")).to_have_count(0)
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Chat").click()
        ask(page, "Who bears the costs of migration?")  # still answered, by the engine already loaded
        assert log.read_text(errors="replace").count("loading embedding model") == loads > 0
    finally:
        page.context.close()


@pytest.mark.parametrize("viewport", [(390, 844), (1366, 768)], ids=["phone", "laptop"])
def test_a_question_naming_its_document_is_answered_from_it_with_its_other_version_one_click_away(
        browser, versions_engine, versions_settings, viewport):
    """#31: on a library of drafts and the resolutions adopted from them, a question that names a
    resolution says which document it searched, cites that one, and lists the draft that holds the
    same paragraph under "Also in", on a phone as on a laptop, nothing wider than the screen."""
    width, height = viewport
    env = {"RETRIEVAL_CORPUS_DIR": str(versions_settings.corpus_dir),
           "RETRIEVAL_INDEX_DIR": str(versions_settings.index_dir)}
    with streamlit_server(env) as url:
        phone = width < 500
        context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone)
        page = context.new_page()
        page.goto(url)
        expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=180_000)
        answer = ask(page, "What does A/RES/80/216 say about access to sanitation?")
        expect(answer).to_contain_text("In The human rights to safe drinking water and sanitation (A/RES/80/216")
        expect(answer.locator(".cite").first).to_contain_text("A/RES/80/216")
        # The first answer's other versions, one click away, whether it is the box or the closest
        # passages (the box is the calibrator's to show).
        also = answer.get_by_text(re.compile(r"^Also in \d+ other versions?$")).first
        expect(also).to_be_visible()
        also.click()
        expect(answer.locator(".cite").filter(has_text="A/C.3/80/L.47").first).to_be_visible(timeout=30_000)
        box = answer.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width + 1
        ARTEFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTEFACTS / f"named-document-{width}.png"), animations="disabled")
        # Cited as UN staff cite it, the paragraph itself is the answer, said so before it.
        send(page, "A/RES/80/216, para. 3")
        cited = page.get_by_test_id("stChatMessage").nth(3).get_by_test_id("stChatMessageContent")
        expect(cited.locator(".cite").first).to_be_visible(timeout=60_000)
        expect(cited).to_contain_text("(A/RES/80/216), para. 3:")
        expect(cited.locator(".cite").first).to_contain_text("para. 3")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width + 1
        page.screenshot(path=str(ARTEFACTS / f"named-paragraph-{width}.png"), animations="disabled")
        # "the 2025 resolution" fits three: the closest is searched, the others are links that ask
        # the same question there, in a new tab.
        send(page, "What does the 2025 resolution say about birth registration?")
        kinds = page.get_by_test_id("stChatMessage").nth(5).get_by_test_id("stChatMessageContent")
        expect(kinds.locator(".cite").first).to_contain_text("A/RES/80/190")
        offered = kinds.locator(".offered a")
        expect(offered.first).to_be_visible()
        hrefs = [offered.nth(i).get_attribute("href") for i in range(offered.count())]
        assert hrefs and all("doc=" in h and "birth+registration" in h for h in hrefs)
        assert not any("doc=A_RES_80_190" in h for h in hrefs)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width + 1
        page.screenshot(path=str(ARTEFACTS / f"offered-{width}.png"), animations="disabled")
        context.close()
