"""Shared fixtures: the real model and a real index built once per test session."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# The tests never touch the checkout's data folder (a developer's library, #32): one of their own
# per run, made from the shipped documents like any new data folder.
os.environ.setdefault("RETRIEVAL_DATA_DIR", tempfile.mkdtemp(prefix="retrieval-test-data-"))

from retrieval.config import Settings  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
SHARED_DEV = ROOT.parent / "shared" / "eval" / "dev_questions.jsonl"
CORPUS = ROOT / "corpus"
DOC_ID = "panel-discussion-international-migration-and-development-2013-06-25"


class CountingEmbedder:
    """The real embedder, counting how many texts it encodes (to prove an index was reused)."""

    def __init__(self, embedder):
        self._embedder = embedder
        self.name = embedder.name
        self.dimension = embedder.dimension
        self.model = embedder.model
        self.encoded = 0

    def encode(self, texts, **kw):
        self.encoded += len(texts)
        return self._embedder.encode(texts, **kw)

    def encode_query(self, text):
        self.encoded += 1
        return self._embedder.encode_query(text)

    def encode_question(self, text):
        self.encoded += 1
        return self._embedder.encode_question(text)

    def encode_with_tokens(self, texts, **kw):
        self.encoded += len(texts)
        return self._embedder.encode_with_tokens(texts, **kw)


@pytest.fixture(scope="session")
def embedder():
    from retrieval.models.model import Embedder

    return Embedder()


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("index")


@pytest.fixture(scope="session")
def settings(index_dir) -> Settings:
    return Settings(corpus_dir=CORPUS, index_dir=index_dir)


@pytest.fixture(scope="session")
def engine(settings, embedder):
    from retrieval.answer.engine import Engine

    return Engine.load(settings, embedder=embedder)


# A small library of versions (#34): two families of a draft and the resolution adopted from it,
# and a resolution with no other version, beside the shipped summary.
VERSION_FILES = ["A_C.3_80_L.47.pdf", "A_RES_80_216.pdf", "A_C.3_80_L.20.pdf", "A_RES_80_190.pdf", "A_RES_80_188.pdf"]


@pytest.fixture
def corpus_dir(tmp_path) -> Path:
    """A copy of the shipped corpus to change."""
    import shutil

    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


@pytest.fixture(scope="session")
def versions_settings(tmp_path_factory) -> Settings:
    import shutil

    corpus = tmp_path_factory.mktemp("versions-corpus")
    for f in CORPUS.iterdir():
        shutil.copy(f, corpus)
    for name in VERSION_FILES:
        shutil.copy(ROOT.parent / "shared" / "un-documents" / "dev" / name, corpus)
    return Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("versions-index"))


@pytest.fixture(scope="session")
def versions_engine(versions_settings, embedder):
    from retrieval.answer.engine import Engine

    return Engine.load(versions_settings, embedder=embedder)


MODEL_FIXTURES = {"engine", "embedder", "versions_engine"}


def pytest_collection_modifyitems(config, items):
    """Tests that load a model (through a fixture, a child process or a server) are marked
    `model`, so that `pytest -m "not model"` runs the fast ones alone."""
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())) or item.module.__name__ == "test_browser":
            item.add_marker(pytest.mark.model)
        if item.module.__name__ == "test_browser":
            item.add_marker(pytest.mark.browser)
        elif item.module.__name__ == "test_app" or "compare_page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.page)


POSTGRES_ADMIN = os.environ.get("RETRIEVAL_TEST_POSTGRES", "postgresql:///postgres?host=/var/run/postgresql")


@pytest.fixture
def postgres_database():
    """The address of a new, empty PostgreSQL database, dropped afterwards: on the server
    RETRIEVAL_TEST_POSTGRES names (``.ci/run`` installs Debian's and starts it on the local socket)."""
    import uuid

    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        message = f"no PostgreSQL at RETRIEVAL_TEST_POSTGRES ({exc.__class__.__name__}); .ci/run starts one"
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    name = f"record_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    base, _, query = POSTGRES_ADMIN.partition("?")
    try:
        yield base.rsplit("/", 1)[0] + f"/{name}" + (f"?{query}" if query else "")
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
