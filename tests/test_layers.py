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


ROOT = PACKAGE.parent
UI_FILES = sorted([*(ROOT / "ui").glob("*.py"), *(ROOT / "app_pages").glob("*.py"), ROOT / "app.py"])


def _environment_reads(path: Path) -> list[str]:
    """The RETRIEVAL_* variables a module reads: ``os.environ.get(...)``, ``os.getenv(...)``,
    ``os.environ[...]`` (writing an environment for a child process is not reading it)."""
    def named(node: ast.AST) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("RETRIEVAL_"):
            return node.value
        if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant) \
                and str(node.values[0].value).startswith("RETRIEVAL_"):
            return str(node.values[0].value) + "…"
        return None

    def is_environ(node: ast.AST) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "environ"

    reads = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and node.args and isinstance(node.func, ast.Attribute) and (
                (node.func.attr == "get" and is_environ(node.func.value)) or node.func.attr == "getenv"):
            reads.append(named(node.args[0]))
        elif isinstance(node, ast.Subscript) and is_environ(node.value):
            reads.append(named(node.slice))
    return [r for r in reads if r]


@pytest.mark.parametrize("path", [p for p in [*MODULES, *UI_FILES] if p.name != "config.py"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_settings_module_reads_the_environment(path: Path) -> None:
    """Every RETRIEVAL_* variable is read in ``retrieval/config.py`` (#29): one place to look."""
    assert not _environment_reads(path), f"{path.relative_to(ROOT)} reads {_environment_reads(path)}"


def test_the_environment_check_sees_a_read(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text('import os\na = os.environ.get("RETRIEVAL_X")\nb = os.getenv("RETRIEVAL_Y", "1")\n'
                     'c = os.environ[f"RETRIEVAL_{a}"]\nenv = dict(os.environ, RETRIEVAL_Z="1")\n', encoding="utf-8")
    assert _environment_reads(probe) == ["RETRIEVAL_X", "RETRIEVAL_Y", "RETRIEVAL_…"]
    assert _environment_reads(PACKAGE / "config.py")  # and the settings module does read them


def _engine_imports(path: Path) -> list[str]:
    """What a UI module imports from the engine: ``retrieval`` names, or deeper modules."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "retrieval":
            found += [node.module if node.module != "retrieval" else a.name for a in node.names]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "retrieval"]
    return found


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_pages_use_only_the_public_api(path: Path) -> None:
    """The UI imports names of ``retrieval``'s ``__all__`` and no module inside it (#29)."""
    import retrieval

    outside = [name for name in _engine_imports(path) if name not in retrieval.__all__]
    assert not outside, f"{path.relative_to(ROOT)} reaches past the public API: {outside}"


def test_every_public_name_resolves() -> None:
    import retrieval

    for name in retrieval.__all__:
        assert getattr(retrieval, name) is not None, name
    with pytest.raises(AttributeError):
        retrieval.not_a_public_name  # noqa: B018


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_the_index_room_imports_faiss(path: Path) -> None:
    """FAISS stays behind the index's seam (#29): the engine, the bench and the pages never see it."""
    room = _room(list(path.relative_to(PACKAGE).parts))
    assert room == "index" or "faiss" not in _imports(path), f"{path.relative_to(PACKAGE)} imports faiss"
