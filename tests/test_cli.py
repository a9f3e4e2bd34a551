"""The CLI contract, run as a user would: a new process per command."""

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT

SCHEMA_KEYS = {"text": str, "highlight": str, "score": float}
CITATION_KEYS = {"document": str, "paragraph": int, "label": str}


@pytest.fixture(scope="module")
def env(engine, settings):
    # The session engine has built the index: the CLI must reuse it.
    return os.environ | {"RETRIEVAL_INDEX_DIR": str(settings.index_dir), "PYTHONIOENCODING": "utf-8"}


def run(args, env, stdin=b""):
    return subprocess.run([sys.executable, "-m", "retrieval", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, timeout=300)


def check_schema(obj):
    assert isinstance(obj["question"], str) and isinstance(obj["answered"], bool)
    assert obj["confidence"] in ("answer", "partial", "none") and isinstance(obj["missing"], list)
    assert obj["answered"] == (obj["confidence"] != "none")
    for r in obj["results"]:
        for key, kind in SCHEMA_KEYS.items():
            assert isinstance(r[key], kind)
        c = r["citation"]
        for key, kind in CITATION_KEYS.items():
            assert isinstance(c[key], kind)
        assert c["section"] is None or isinstance(c["section"], str)
        assert c["page"] is None or isinstance(c["page"], int)
        assert r["highlight"] in r["text"]


def test_ask_json_prints_one_object_in_the_contract_schema(env):
    out = run(["ask", "Do migrants take jobs from native workers?", "--json", "--top-k", "2"], env)
    assert out.returncode == 0, out.stderr
    obj = json.loads(out.stdout)
    check_schema(obj)
    assert obj["answered"] and len(obj["results"]) == 2
    assert "did not compete for jobs" in obj["results"][0]["highlight"]


def test_ask_human_output_shows_answer_citation_and_passage(env):
    out = run(["ask", "Which ILO convention should be ratified?"], env)
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode()
    assert text.startswith("Answer: ")
    assert '"The 2013 High-level Dialogue and beyond", para. 2, p. 3' in text
    assert ">>> " in text


def test_stdin_mode_answers_each_line_in_order_and_survives_bad_input(env):
    lines = [b"What is the capital of France?", b"", b"Who bears the costs of migration?",
             b"caf\xe9 \xff\xfe remittances", ("x" * 1500).encode()]
    out = run(["ask", "--json"], env, stdin=b"\n".join(lines) + b"\n")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert len(rows) == 5
    for row in rows:
        check_schema(row)
    assert rows[0]["answered"] is False
    assert rows[1] == {"question": "", "answered": False, "confidence": "none", "missing": [], "results": [],
                       "error": rows[1]["error"]}
    assert rows[2]["answered"] and "disproportionately born" in rows[2]["results"][0]["text"]
    assert "\ufffd" in rows[3]["question"]
    assert "cut" in rows[4]["note"]


def test_empty_question_exits_2_with_one_line(env):
    out = run(["ask", "  "], env)
    assert out.returncode == 2
    assert len(out.stderr.decode().strip().splitlines()) == 1


def test_eval_reports_the_figures(env, tmp_path):
    qs = tmp_path / "q.jsonl"
    qs.write_text('{"id": "a", "question": "Do migrants become entrepreneurs?", "gold": ["entrepreneurs and job creators"]}\n'
                  '{"id": "b", "question": "What is the capital of France?", "gold": []}\n')
    out = run(["eval", str(qs), "--json"], env)
    assert out.returncode == 0, out.stderr
    fig = json.loads(out.stdout)["final"]
    assert fig["hit@1"] == 1.0 and fig["off_topic_refused"] == "1/1"
    assert 0.0 <= fig["box_coverage"] <= 1.0 and 0.0 <= fig["box_precision"] <= 1.0
    table = run(["eval", str(qs)], env).stdout.decode()
    assert "box_coverage" in table.splitlines()[1] and "box_precision" in table.splitlines()[1]


def test_json_says_how_confident_what_is_missing_and_what_was_searched(env):
    lines = [b"What did the panel say about remmitances?", b"How many migrants live in Qatar?",
             b"What is the capital of France?", b"Do migrants take jobs from native workers?"]
    out = run(["ask", "--json"], env, stdin=b"\n".join(lines) + b"\n")
    assert out.returncode == 0, out.stderr
    typo, uncovered, off_topic, covered = [json.loads(line) for line in out.stdout.decode().splitlines()]
    for obj in (typo, uncovered, off_topic, covered):
        check_schema(obj)
    assert typo["confidence"] == "answer" and typo["searched_as"] == "What did the panel say about remittances?"
    assert typo["question"] == "What did the panel say about remmitances?"
    assert (uncovered["confidence"], uncovered["missing"], uncovered["answered"]) == ("partial", ["Qatar"], True)
    assert uncovered["results"]  # the closest passages are still given
    assert (off_topic["confidence"], off_topic["answered"], off_topic["results"]) == ("none", False, [])
    assert covered["confidence"] == "answer" and covered["missing"] == [] and "searched_as" not in covered
    assert 0.0 <= covered["confidence_score"] <= 1.0 and "reason" not in covered
    assert uncovered["reason"] == "missing" and 0.0 <= uncovered["confidence_score"] <= 1.0


def test_an_uncertain_answer_says_so_in_json_and_in_text(env):
    question = "How many people attended the panel discussion?"
    obj = json.loads(run(["ask", question, "--json"], env).stdout)
    check_schema(obj)
    assert (obj["confidence"], obj["reason"], obj["missing"], obj["answered"]) == ("partial", "uncertain", [], True)
    from retrieval.answer.selective import load_calibration
    from retrieval.config import DEFAULT_MODEL, DEFAULT_SECOND_MODEL

    assert obj["confidence_score"] < load_calibration((DEFAULT_MODEL, DEFAULT_SECOND_MODEL)).threshold and obj["results"]
    text = run(["ask", question], env).stdout.decode()
    assert text.startswith("The closest passages — they may not answer this exactly.")
    assert "Answer:" not in text and "Result 1:" in text


def test_a_refusal_names_what_the_question_asks_about_that_the_document_lacks(env):
    out = run(["ask", "Who heads Interpol?"], env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.decode().strip() == "The document doesn't cover this. The document doesn't mention Interpol."


def test_exact_searches_the_words_as_typed(env):
    out = run(["ask", "--json", "--exact", "What did the panel say about remmitances?"], env)
    assert out.returncode == 0, out.stderr
    assert "searched_as" not in json.loads(out.stdout)


def test_points_lists_attributed_sentences_in_document_order_with_citations(env):
    out = run(["points", "--json"], env)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert len(rows) >= 25
    order = [(r["citation"]["paragraph_overall"]) for r in rows]
    assert order == sorted(order)
    assert all(r["citation"]["attribution"]["speaker"] != "not stated" and r["citation"]["label"] for r in rows)
    experts = run(["points", "--speaker", "experts"], env).stdout.decode()
    assert experts.startswith("[Cautions] The experts cautioned") and experts.count("Source:") == 1
    consensus = [json.loads(line) for line in run(["points", "--json", "--agreement", "consensus"], env)
                 .stdout.decode().splitlines()]
    assert consensus and all(r["citation"]["attribution"]["agreement"] == "consensus" for r in consensus)


def test_ask_filters_by_speaker_and_says_so_or_refuses_honestly(env):
    lines = [b"What did they say about poverty?", b"What did they say about remittances?"]
    out = run(["ask", "--json", "--speaker", "experts"], env, stdin=b"\n".join(lines) + b"\n")
    poverty, remittances = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert poverty["filters"] == {"speaker": ["experts"]}
    assert poverty["results"][0]["highlight"].startswith("The experts cautioned")
    assert poverty["results"][0]["citation"]["attribution"]["speaker"] == "experts"
    assert remittances["confidence"] == "none" and remittances["filters"] == {"speaker": ["experts"]}
    text = run(["ask", "--agreement", "consensus", "Can one country manage migration alone?"], env).stdout.decode()
    assert text.startswith("(Only statements with consensus)")
    assert "could not be addressed unilaterally" in text


def test_stdin_json_lines_are_turns_of_a_conversation(env):
    lines = [json.dumps({"question": "Who said that?", "history": ["What did one participant call for?"]}),
             json.dumps({"question": "What about children?", "history": ["Which groups need protection?"]}),
             "What about children?", '{"question": 5}']
    out = run(["ask", "--json"], env, stdin="\n".join(lines).encode() + b"\n")
    assert out.returncode == 0, out.stderr
    who, follow, alone, bad = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert who["question"] == "Who said that?" and who["reply"].startswith("That was said by one participant.")
    assert who["results"][0]["highlight"].startswith("One participant called for")
    assert follow["searched_as"] == "Which groups need protection? What about children?"
    assert "children" in follow["results"][0]["text"]
    assert "searched_as" not in alone
    assert "error" in bad and bad["answered"] is False


def test_a_long_history_is_replayed_from_its_last_turns_only_and_an_empty_question_is_not_echoed(env):
    from retrieval.chat.conversation import MAX_HISTORY_TURNS, bounded_history

    history = [f"What did panellists say about topic number {i}?" for i in range(1000)]
    assert bounded_history(history) == history[-MAX_HISTORY_TURNS:]
    assert bounded_history(["x" * 5000]) == ["x" * 1000]
    lines = [json.dumps({"question": "Who said that?", "history": history + ["What did one participant call for?"]}),
             json.dumps({"question": "", "history": []}),
             json.dumps({"question": "Do migrants compete for jobs?", "history": "not a list"}),
             "Do migrants compete for jobs?"]
    # Replaying 1,000 turns took minutes before the cap; the subprocess timeout bounds this run.
    out = run(["ask", "--json"], env, stdin=("\n".join(lines) + "\n").encode())
    assert out.returncode == 0, out.stderr
    who, empty, bad_history, plain = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert "one participant" in who["reply"]
    assert empty["question"] == "" and "empty" in empty["error"]
    assert bad_history["question"] == "Do migrants compete for jobs?" and "history" in bad_history["error"]
    assert plain["answered"] and "Traceback" not in out.stderr.decode()


def test_ask_records_only_when_asked_and_report_groups_what_was_not_answered(env, tmp_path):
    from retrieval.server.record import Record

    env = env | {"RETRIEVAL_RECORD": str(tmp_path / "record.sqlite3")}
    assert run(["ask", "How many migrants live in Qatar?"], env).returncode == 0
    assert not (tmp_path / "record.sqlite3").exists()  # evaluation and scripts stay out of the report
    questions = ["How many migrants live in Qatar?", "What share of Qatar's workers are migrants?",
                 "What is the capital of France?", "Which city is the capital of France?",
                 "Who bears the costs of migration?"]
    out = run(["ask", "--json", "--record"], env, stdin="\n".join(questions).encode())
    assert out.returncode == 0, out.stderr
    record = Record(tmp_path / "record.sqlite3")
    kept = record.rows("questions")
    assert [q["question"] for q in kept] == questions
    answered = next(q for q in kept if q["question"] == "Who bears the costs of migration?")
    assert answered["state"] == "answer" and answered["citation"].startswith("Panel discussion")
    record.feedback(answered["id"], -1, "That is about costs, not who pays")
    report = json.loads(run(["report", "--json"], env).stdout)
    groups = {tuple(g["wordings"]): g for g in report["unanswered"]}
    qatar = groups[("How many migrants live in Qatar?", "What share of Qatar's workers are migrants?")]
    assert qatar["count"] == 2 and qatar["missing"] == ["Qatar"]
    france = groups[("What is the capital of France?", "Which city is the capital of France?")]  # near-duplicates
    assert france["count"] == 2 and france["states"] == {"none": 2}
    assert report["marked_wrong"] == [{"question": "Who bears the costs of migration?",
                                       "citation": answered["citation"],
                                       "comment": "That is about costs, not who pays",
                                       "given_at": report["marked_wrong"][0]["given_at"]}]
    text = run(["report"], env).stdout.decode()
    assert "2× How many migrants live in Qatar? — the documents lack: Qatar" in text
    csv_text = run(["report", "--csv"], env).stdout.decode()
    assert csv_text.splitlines()[0].startswith("kind,question,count,latest")
    later = json.loads(run(["report", "--json", "--since", "2999-01-01"], env).stdout)
    assert later == {"unanswered": [], "marked_wrong": []}
    bad = run(["report", "--since", "yesterday"], env)
    assert bad.returncode == 2 and b"not a date" in bad.stderr
