"""The engine's sub-packages import only downward (a room never reaches into one above it), and
nothing served imports the development tools (bench, evaluation, calibration)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "retrieval"
# Lowest first. A module may import its own room and any room before it in this list.
LAYERS = ["config", "files", "ingest", "index", "models", "answer", "chat", "server", "dev", "cli"]


def _room(parts: list[str]) -> str:
    return parts[0].removesuffix(".py") if parts else ""


def _imported_rooms(path: Path, root: Path = PACKAGE) -> set[str]:
    """The rooms of ``retrieval`` a module imports, relative or absolute, at any depth."""
    rel = path.relative_to(root).parts
    here = list(rel[:-1])  # the package the module is in, under retrieval/
    rooms: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
                target = base + (node.module.split(".") if node.module else [])
                if node.module is None:  # from . import x: x is the room (or a module of it)
                    rooms.update(_room(base + [a.name]) for a in node.names)
                    continue
            elif node.module and node.module.split(".")[0] == "retrieval":
                target = node.module.split(".")[1:]
            else:
                continue
            if target:
                rooms.add(_room(target))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "retrieval" and len(parts) > 1:
                    rooms.add(parts[1])
    return rooms


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name not in ("__init__.py", "__main__.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_only_downward(path: Path) -> None:
    room = _room(list(path.relative_to(PACKAGE).parts))
    allowed = set(LAYERS[: LAYERS.index(room) + 1])
    upward = _imported_rooms(path) - allowed
    assert not upward, f"{path.relative_to(PACKAGE)} ({room}) imports {sorted(upward)} from above it"


def test_every_module_sits_in_a_room() -> None:
    rooms = {_room(list(p.relative_to(PACKAGE).parts)) for p in MODULES}
    assert rooms <= set(LAYERS), sorted(rooms - set(LAYERS))


def test_the_layer_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The check itself: a module of ingest importing the engine is caught."""
    (tmp_path / "ingest").mkdir()
    fake = tmp_path / "ingest" / "probe.py"
    fake.write_text("from ..answer.engine import Engine\nfrom . import passages\n"
                    "import retrieval.chat.wording\n", encoding="utf-8")
    assert _imported_rooms(fake, tmp_path) == {"answer", "ingest", "chat"}
