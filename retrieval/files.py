"""The one place for file hashing and atomic writes (the index, the corpus, the unpacked model).

An atomic write goes to a temporary name in the target's folder, is flushed to disk, given the
mode others need to read it (mkstemp alone gives 0600), and renamed over the target: a reader sees
the old file or the new one, never half of one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

FILE_MODE = 0o644


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    _atomic(path, lambda f: f.write(data))


def copy_atomic(source: Path, path: Path) -> None:
    """Copy ``source`` to ``path`` atomically."""
    def copy(f):
        with Path(source).open("rb") as src:
            shutil.copyfileobj(src, f, 1 << 20)

    _atomic(path, copy)


def _atomic(path: Path, fill) -> None:
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:50]}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            fill(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
