"""The one place for file hashing and atomic writes (the index, the corpus, the unpacked model).

An atomic write goes to a temporary name in the target's folder, is flushed to disk, given the
mode others need to read it (mkstemp alone gives 0600), and renamed over the target: a reader sees
the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

FILE_MODE = 0o644
SCRATCH = ".scratch"  # in the index folder: the temporary copies of files being added


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


@contextlib.contextmanager
def scratch_folder(index_dir: Path) -> Iterator[Path]:
    """A folder of this process's own for temporary copies (an upload while it is checked and
    indexed), in the index folder's ``.scratch``, removed when done. Not the system's temporary
    folder: a server killed meanwhile (kill -9, out of memory) left its copies there for good;
    here the next start, or the next add, removes them (``sweep_scratch``). The folder is held by a
    lock on its ``.owner`` file for its life: the kernel lets go of it when the process dies,
    whatever PID a restarted server gets."""
    root = Path(index_dir) / SCRATCH
    sweep_scratch(index_dir)
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{socket.gethostname()}-{os.getpid()}-", dir=root))
    owner = open(folder / OWNER, "w")
    try:
        fcntl.flock(owner, fcntl.LOCK_EX)
        yield folder
    finally:
        owner.close()
        shutil.rmtree(folder, ignore_errors=True)


OWNER = ".owner"
_UNOWNED_SECONDS = 60  # a folder whose lock file is not there yet: being made, unless it is this old


def sweep_scratch(index_dir: Path) -> list[str]:
    """Remove the scratch folders of this machine that no live process holds; returns their
    names. Another machine's (servers sharing the index folder, #35) are left to it: its locks
    may not reach here."""
    root = Path(index_dir) / SCRATCH
    gone = []
    try:
        folders = list(root.iterdir())
    except OSError:
        return gone
    host = socket.gethostname()
    for folder in folders:
        if folder.name.rpartition("-")[0].rpartition("-")[0] != host:  # host-pid-random
            continue
        try:
            with open(folder / OWNER, "r+") as owner:
                fcntl.flock(owner, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held: its process is alive
        except FileNotFoundError:
            try:
                if time.time() - folder.stat().st_mtime < _UNOWNED_SECONDS:
                    continue
            except OSError:
                continue
        except OSError:  # BlockingIOError: another process holds it
            continue
        shutil.rmtree(folder, ignore_errors=True)
        gone.append(folder.name)
    return gone
