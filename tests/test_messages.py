"""Every sentence the pages say comes from the messages module by key (#29): each key used exists,
each message is used, each call fills exactly the message's fields, and no page hands Streamlit a
sentence of its own."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from retrieval.chat.messages import ENGLISH, fields, say

ROOT = Path(__file__).resolve().parent.parent
CODE = sorted([*(ROOT / "retrieval").rglob("*.py"), *(ROOT / "ui").glob("*.py"), *(ROOT / "app_pages").glob("*.py"),
               ROOT / "app.py"])


def _calls() -> list[tuple[Path, ast.Call]]:
    found = []
    for path in CODE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "say" and node.args:
                found.append((path, node))
    return found


CALLS = _calls()


def _key(node: ast.AST) -> tuple[str, bool] | None:
    """The key a call names: (key, exact) for a literal, (its literal prefix, False) for an
    f-string; for ``a if c else b`` both are checked by the caller."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value, True
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return str(node.values[0].value), False
    return None


def _keys(node: ast.AST) -> list[tuple[str, bool]]:
    if isinstance(node, ast.IfExp):
        return _keys(node.body) + _keys(node.orelse)
    key = _key(node)
    return [key] if key else []


def test_the_scan_finds_the_calls() -> None:
    assert len(CALLS) > 150


def test_every_key_used_exists() -> None:
    unknown = []
    for path, call in CALLS:
        for key, exact in _keys(call.args[0]):
            if (exact and key not in ENGLISH) or (not exact and not any(k.startswith(key) for k in ENGLISH)):
                unknown.append(f"{path.relative_to(ROOT)}:{call.lineno} {key}")
    assert not unknown, unknown


def test_every_message_is_used() -> None:
    used, prefixes = set(), []
    for _, call in CALLS:
        for key, exact in _keys(call.args[0]):
            (used.add(key) if exact else prefixes.append(key))
    unused = [k for k in ENGLISH if k not in used and not any(k.startswith(p) for p in prefixes)]
    assert not unused, unused


def test_each_call_fills_exactly_the_fields_of_its_message() -> None:
    wrong = []
    for path, call in CALLS:
        if any(k.arg is None for k in call.keywords):  # **values: checked when it runs
            continue
        given = {k.arg for k in call.keywords}
        for key, exact in _keys(call.args[0]):
            if exact and key in ENGLISH and fields(key) != given:
                wrong.append(f"{path.relative_to(ROOT)}:{call.lineno} {key}: {sorted(given)} vs {sorted(fields(key))}")
    assert not wrong, wrong


def test_say_fills_fields_and_refuses_an_unknown_key() -> None:
    assert say("chat.title.many", count=326) == "Ask 326 documents"
    assert fields("library.indexing") == {"name", "where"}
    with pytest.raises(KeyError):
        say("no.such.message")
    with pytest.raises(KeyError):
        say("chat.title.many")  # its field not given


# Streamlit calls whose first argument or these keywords are shown to the person as words.
SHOWN = {"title", "header", "subheader", "caption", "markdown", "write", "info", "warning", "error", "success",
         "button", "toggle", "checkbox", "slider", "selectbox", "multiselect", "text_input", "number_input",
         "file_uploader", "download_button", "expander", "spinner", "chat_input", "page_link", "form_submit_button",
         "set_page_config", "Page", "toast", "image"}
SHOWN_KEYWORDS = {"label", "help", "placeholder", "caption", "page_title", "title"}
WORDS = re.compile(r"[A-Za-z]{3,}")


def _own_words(node: ast.AST) -> str | None:
    """English the page wrote itself: a literal's text, or the literal parts of an f-string (markup
    and CSS classes aside)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    elif isinstance(node, ast.BinOp):
        return _own_words(node.left) or _own_words(node.right)
    else:
        return None
    if re.fullmatch(r"[\w/.-]+\.py", text):  # a page's file, not words
        return None
    text = re.sub(r"<[^>]*>|&#?\w+;", " ", text)  # tags with their attributes, entities
    return text if WORDS.search(text) else None


UI = sorted([*(ROOT / "ui").glob("*.py"), *(ROOT / "app_pages").glob("*.py"), ROOT / "app.py"])


@pytest.mark.parametrize("path", UI, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_page_writes_a_sentence_of_its_own(path: Path) -> None:
    written = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SHOWN):
            continue
        if isinstance(node.func.value, ast.Name) and node.func.value.id in ("log", "logging", "logger"):
            continue  # the server's log, for whoever runs it
        shown = list(node.args[:1]) + [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
        written += [f"{node.lineno}: {words!r}" for arg in shown if (words := _own_words(arg))]
    assert not written, written


def test_the_page_check_sees_a_sentence(tmp_path: Path) -> None:
    probe = ast.parse('st.caption(f"Showing {n} of {m} documents")\nst.button(say("chat.clear"))\n'
                      'st.markdown(f\'<div class="cite">{x}</div>\')\n')
    seen = [_own_words(n.args[0]) for n in ast.walk(probe) if isinstance(n, ast.Call) and n.args
            and isinstance(n.func, ast.Attribute)]
    assert seen == ["Showing  of  documents", None, None]
