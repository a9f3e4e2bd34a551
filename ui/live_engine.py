"""The one search engine every session of this server answers with, loaded once per process.

`make run` starts the server through `ui.server`, which loads it before the first visitor comes;
a visitor who comes earlier waits behind the same load and sees "Loading the search engine…".
"""

from __future__ import annotations

import logging
import os
import sys
import threading

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import streamlit as st

from retrieval import Engine, LiveEngine, open_record, Record, RecordSettings, say, Settings

LOADING = say("app.loading")

log = logging.getLogger("retrieval")


def show_engine_log() -> None:
    """Send the engine's log (model loads, index rebuilds, failures) to the server's stderr."""
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)


def load_engine(report=None) -> Engine:
    """The engine over the corpus as it is; ``report`` hears an index build's progress."""
    engine = Engine.load(Settings.from_env(), report=report)
    engine.speller.warm()  # once per server, not on a visitor's first misspelt question
    return engine


class ProcessWide:
    """One value per process and per configuration (the environment that chooses it), made once
    under a lock. Not Streamlit's ``st.cache_resource``: any visitor's browser can send the
    ``clear_cache`` message, which empties it for everyone (#33); the engine and the record must
    survive that. A value that fails to be made is tried again next time."""

    def __init__(self, make) -> None:
        self._make = make
        self._values: dict[tuple, object] = {}
        self._lock = threading.Lock()

    def ready(self, key: tuple) -> bool:
        return key in self._values

    def get(self, key: tuple):
        value = self._values.get(key)
        if value is None:
            with self._lock:
                value = self._values.get(key)
                if value is None:
                    value = self._values[key] = self._make()
        return value


def _configuration() -> tuple:
    """What chooses the engine and the record: where the library and its record are."""
    settings = Settings.from_env()
    return (str(settings.corpus_dir), str(settings.index_dir), settings.model, settings.second_model,
            RecordSettings.from_env(settings.index_dir))


def _make_record() -> Record:
    return open_record(RecordSettings.from_env(Settings.from_env().index_dir))


_RECORDS = ProcessWide(_make_record)
_LIVE = ProcessWide(lambda: LiveEngine(load_engine, record=get_record()))


def get_record() -> Record:
    """The server's record (questions, feedback, library changes); see ``retrieval.server.record``."""
    return _RECORDS.get(_configuration())


def get_live() -> LiveEngine:
    """One engine for every session; a new document is indexed in the background meanwhile. A
    visitor who comes while it loads sees that it is loading."""
    key = _configuration()
    if _LIVE.ready(key):
        return _LIVE.get(key)
    with st.spinner(LOADING):
        return _LIVE.get(key)


def load_in_background() -> threading.Thread:
    """Start loading the engine now, in a thread, so that it is ready before the first visitor."""
    def load() -> None:
        try:
            _LIVE.get(_configuration())
            log.info("the search engine is ready")
        except Exception:  # the first visitor's page tries again and explains
            log.exception("the search engine could not start")

    thread = threading.Thread(target=load, name="engine-loader", daemon=True)
    thread.start()
    return thread
