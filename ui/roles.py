"""Who may change the library from the page: reading and asking are open to everyone; adding,
replacing and removing need the editor role.

The editor key is set by whoever runs the server: RETRIEVAL_EDITOR_KEY, or a file named by
RETRIEVAL_EDITOR_KEY_FILE (its first line). A visitor becomes an editor for the session by typing
it (compared in constant time, never logged, never in a URL). With no key set, a server bound to
the loopback address lets its local user edit, and one bound to any other address is read-only.
Wrong keys are limited server-wide: after ``MAX_WRONG`` in ``WINDOW`` seconds, no key is taken
until the window has passed (a guesser cannot open new sessions to try again). The command line,
run on the machine itself, keeps full rights.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
import time
from collections import deque
from pathlib import Path

import streamlit as st

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_WRONG, WINDOW = 5, 600.0


def editor_key() -> str | None:
    """The key, from RETRIEVAL_EDITOR_KEY or the file RETRIEVAL_EDITOR_KEY_FILE names; None if unset."""
    key = os.environ.get("RETRIEVAL_EDITOR_KEY")
    if not key and os.environ.get("RETRIEVAL_EDITOR_KEY_FILE"):
        try:
            key = Path(os.environ["RETRIEVAL_EDITOR_KEY_FILE"]).read_text().splitlines()[0]
        except (OSError, IndexError, UnicodeDecodeError):
            key = None
    key = (key or "").strip()
    return key or None


def bound_to_loopback() -> bool:
    """Whether the server listens on the loopback address only (reachable from this machine alone)."""
    return (st.get_option("server.address") or "") in LOOPBACK


def can_edit() -> bool:
    """Whether this session may change the library."""
    if editor_key():
        return st.session_state.get("editor") is True
    return bound_to_loopback()


class WrongKeys:
    """Wrong keys of the last ``WINDOW`` seconds, for the whole server."""

    def __init__(self) -> None:
        self._times: deque[float] = deque()
        self._lock = threading.Lock()

    def wait_left(self) -> float:
        """Seconds until a key is taken again (0 when one is taken now)."""
        with self._lock:
            now = time.monotonic()
            while self._times and now - self._times[0] > WINDOW:
                self._times.popleft()
            return WINDOW - (now - self._times[0]) if len(self._times) >= MAX_WRONG else 0.0

    def add(self) -> None:
        with self._lock:
            self._times.append(time.monotonic())


_WRONG_KEYS: dict[str, WrongKeys] = {}
_WRONG_KEYS_LOCK = threading.Lock()


def wrong_keys() -> WrongKeys:
    """The server's count of wrong keys, one per editor key set (a new key starts a new count).
    Kept at module level, not in ``st.cache_resource``, which any visitor can clear (#33)."""
    digest = hashlib.sha256((editor_key() or "").encode()).hexdigest()
    with _WRONG_KEYS_LOCK:
        return _WRONG_KEYS.setdefault(digest, WrongKeys())


def unlock(typed: str) -> str | None:
    """Make this session an editor if ``typed`` is the key; otherwise the reason, to show."""
    key = editor_key()
    if key is None:
        return "No editor key is set on this server."
    wait = wrong_keys().wait_left()
    if wait > 0:
        return f"Too many wrong keys: try again in {int(wait // 60) + 1} minutes."
    if hmac.compare_digest(typed.strip().encode(), key.encode()):
        st.session_state.editor = True
        return None
    wrong_keys().add()
    return "That is not the editor key."
