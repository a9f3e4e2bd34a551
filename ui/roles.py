"""Who may change the library from the page: reading and asking are open to everyone; adding,
replacing and removing need the editor role.

The editor key is set by whoever runs the server: RETRIEVAL_EDITOR_KEY, or a file named by
RETRIEVAL_EDITOR_KEY_FILE (its first line). A visitor becomes an editor for the session by typing
it (compared in constant time, never logged, never in a URL). With no key set, a server bound to
the loopback address lets its local user edit (a page opened by a loopback name only: see
``request_from_loopback``), and one bound to any other address is read-only.
Wrong keys are limited server-wide: after ``MAX_WRONG`` in ``WINDOW`` seconds, no key is taken
until the window has passed (a guesser cannot open new sessions to try again). The command line,
run on the machine itself, keeps full rights.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import deque
from urllib.parse import urlsplit

import streamlit as st

from retrieval import editor_key as configured_editor_key, say

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_WRONG, WINDOW = 5, 600.0


def editor_key() -> str | None:
    """The editors' key (RETRIEVAL_EDITOR_KEY or the file RETRIEVAL_EDITOR_KEY_FILE names); None if unset."""
    return configured_editor_key()


def bound_to_loopback() -> bool:
    """Whether the server listens on the loopback address only (reachable from this machine alone)."""
    return (st.get_option("server.address") or "") in LOOPBACK


def _hostname(value: str | None) -> str | None:
    """The host of a Host header ("127.0.0.1:8501", "[::1]:8501") or an Origin ("http://localhost:8501")."""
    if not value:
        return None
    try:
        name = urlsplit(value if "//" in value else f"//{value}").hostname
    except ValueError:
        return ""
    return (name or "").lower().rstrip(".")


def request_from_loopback() -> bool:
    """Whether this session's page was opened by a loopback name, from a loopback origin.

    A server on 127.0.0.1 is still reachable from a foreign web page through DNS rebinding (a name
    of the attacker's that resolves to 127.0.0.1): its requests carry that name as Host and Origin,
    so only the names of this machine itself count as local (#33). A session with no HTTP request
    behind it (the bare script, Streamlit's AppTest) has no such headers and is local."""
    try:
        headers = st.context.headers
    except Exception:  # noqa: BLE001 - no request context at all
        return True
    host, origin = headers.get("Host"), headers.get("Origin")
    if host is None and origin is None:
        return True
    return all(_hostname(h) in LOOPBACK for h in (host, origin) if h is not None)


def can_edit() -> bool:
    """Whether this session may change the library: with a key set, the sessions that typed it;
    without one, the local user of a loopback server, reached by a loopback name."""
    if editor_key():
        return st.session_state.get("editor") is True
    return bound_to_loopback() and request_from_loopback()


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
        return say("library.no_key")
    wait = wrong_keys().wait_left()
    if wait > 0:
        return say("library.too_many_keys", minutes=int(wait // 60) + 1)
    if hmac.compare_digest(typed.strip().encode(), key.encode()):
        st.session_state.editor = True
        return None
    wrong_keys().add()
    return say("library.wrong_key")


# Sessions that may add documents, as their last run found them. Streamlit's upload endpoint
# takes a file for any live session (a visitor can PUT 20 MiB files to it without an uploader on
# their page); the guard below refuses those of sessions not in this set before anything is kept.
_EDITOR_SESSIONS: set[str] = set()
_EDITOR_SESSIONS_LOCK = threading.Lock()


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def note_session_rights() -> bool:
    """Record whether this session may add documents (each run: unlocking or locking reruns the
    page), and make sure the server's upload endpoint asks. Returns ``can_edit()``."""
    editable = can_edit()
    session = _session_id()
    if session is not None:
        with _EDITOR_SESSIONS_LOCK:
            (_EDITOR_SESSIONS.add if editable else _EDITOR_SESSIONS.discard)(session)
    guard_uploads()
    return editable


def may_upload(session_id: str) -> bool:
    with _EDITOR_SESSIONS_LOCK:
        return session_id in _EDITOR_SESSIONS


def guard_uploads() -> None:
    """Wrap the running server's store of uploaded files (once) so that a file for a session that
    may not add documents is refused with 403 and never stored (#33)."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return
    manager = Runtime.instance().uploaded_file_mgr
    if getattr(manager, "_editors_only", False):
        return
    store = manager.add_file

    def add_file(session_id: str, file) -> None:
        if not may_upload(session_id):
            from starlette.exceptions import HTTPException

            raise HTTPException(status_code=403, detail=say("library.upload_refused"))
        store(session_id, file)

    manager.add_file = add_file
    manager._editors_only = True
