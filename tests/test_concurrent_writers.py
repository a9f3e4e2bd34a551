"""Writers at once, and writers killed: the second hostile battery (#23), run as a user would, with
CLI processes on a copy of the corpus. MiniLM alone keeps the rounds short; the lock and the
journal do not depend on the models."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import CORPUS, ROOT
from retrieval.index.writer import JOURNAL_NAME
from test_ingest import make_pdf

pytestmark = pytest.mark.slow  # writers racing in processes: not the fast tier

ENV = {"RETRIEVAL_SECOND_MODEL": "none", "HF_HUB_OFFLINE": "1"}


@pytest.fixture
def library(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    env = os.environ | ENV | {"RETRIEVAL_CORPUS_DIR": str(corpus), "RETRIEVAL_INDEX_DIR": str(tmp_path / "index")}
    assert run(["build"], env).returncode == 0
    return corpus, tmp_path / "index", env


def start(args, env):
    return subprocess.Popen([sys.executable, "-m", "retrieval", *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)


def run(args, env, timeout=300):
    return subprocess.run([sys.executable, "-m", "retrieval", *args], cwd=ROOT, env=env, text=True,
                          capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)


def finish(procs, timeout=600):
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=timeout)
        outs.append((p.returncode, out, err))
    return outs


def listed(env) -> set[str]:
    """The document ids the index holds, as `list` prints them (after any recovery it does)."""
    out = run(["list"], env)
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    return {line.split("\t")[0] for line in out.stdout.splitlines() if line and not line.startswith("skipped")}


def assert_valid_and_answering(env):
    out = run(["ask", "Who bears the costs of migration?", "--json"], env)
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    assert json.loads(out.stdout)["answered"]
    assert "rebuilding" not in out.stderr  # the index left behind is valid for the corpus as it is


def test_three_concurrent_forced_builds_all_succeed_in_five_rounds(library):
    corpus, index, env = library
    for _ in range(5):
        results = finish([start(["build", "--force"], env) for _ in range(3)])
        for code, out, err in results:
            assert code == 0 and "Traceback" not in err, err
            assert out.startswith("index built")
        staging = [p.name for p in index.iterdir() if p.name.endswith(".tmp")]
        assert not staging
    assert_valid_and_answering(env)


def test_six_concurrent_adds_each_indexed_or_out_with_a_message_in_five_rounds(library, tmp_path):
    corpus, index, env = library
    for round_ in range(5):
        files = []
        for i in range(6):
            f = tmp_path / f"round{round_}" / f"note-{round_}-{i}.txt"
            f.parent.mkdir(exist_ok=True)
            f.write_text(f"Note {round_}.{i}\n\nThe harbour crane number {round_}{i} lifts containers at dawn.\n")
            files.append(f)
        results = finish([start(["add", str(f)], env) for f in files])
        documents = listed(env)
        for f, (code, out, err) in zip(files, results):
            assert "Traceback" not in err, err
            if code == 0:
                assert f"added {f.stem}" in out and f.stem in documents
            else:  # refused or failed: one line, and the file is not left in the corpus
                assert len(err.strip().splitlines()) <= 2 and not (corpus / f.name).exists(), err
        assert not (index / JOURNAL_NAME).exists()
    assert_valid_and_answering(env)


def _wait_for(condition, timeout=240.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.parametrize("point", ["journal written", "file copied in", "index being written"])
def test_a_killed_add_is_taken_back_out_by_the_next_command(library, tmp_path, point):
    corpus, index, env = library
    pdf = make_pdf(tmp_path / "long-report.pdf",
                   [f"Long report page {n}\n\n" + " ".join(f"Sentence {n}.{k} about harbour logistics and cranes."
                                                        for k in range(60)) for n in range(40)])
    seen = {
        "journal written": lambda: (index / JOURNAL_NAME).exists(),
        "file copied in": lambda: (corpus / "long-report.pdf").exists(),
        "index being written": lambda: any(p.name.endswith(".tmp") for p in index.iterdir()),
    }[point]
    proc = start(["add", str(pdf)], env)
    assert _wait_for(seen), "the add never reached the point to kill it at"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    # The next command, whatever it is, finds the change half done and takes it back out.
    documents = listed(env)
    assert "long-report" not in documents and not (corpus / "long-report.pdf").exists()
    assert not (index / JOURNAL_NAME).exists()
    assert_valid_and_answering(env)
    # And the same file can then be added for real.
    out = run(["add", str(pdf)], env)
    assert out.returncode == 0 and "added long-report" in out.stdout, out.stderr
