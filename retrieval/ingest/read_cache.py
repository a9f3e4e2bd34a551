"""What a document's reading gave, kept on disk by the file's SHA-256: a start, a rebuild or a
second process reads no document that has not changed since it was read (a PDF's layout is
~0.1-0.4 s a page to read, a scanned page 1-2 s of OCR; the hash is ~0.3 s for 74 MB).

One JSON file per file read, ``<sha256>-<READER_VERSION>.json`` in the cache folder (the index
folder's ``read-cache/``), written atomically; one that cannot be read is read again from the
document and replaced. ``READER_VERSION`` changes whenever a reader returns something else for the
same file, so an old reading is never used.

Hashing every file at each start grows with the library (~0.3 s for 74 MB, ~10 s for 10,000
documents), so the cache also keeps each file's hash beside what ``stat`` says of it (size,
modification and change times, inode) in ``file-hashes.json``: a start hashes only files whose
``stat`` differs. ``verify=True`` (``build --verify``) hashes every file again, for a file changed
behind a restored modification time. A file modified less than ``SETTLE_SECONDS`` before it was
hashed is not remembered: a write in the same clock tick could leave the same ``stat``.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import asdict, fields
from pathlib import Path

from ..files import sha256_file, write_atomic
from .formats import DocumentText

log = logging.getLogger(__name__)

READ_CACHE = "read-cache"  # the folder in the index folder
HASHES_FILE = "file-hashes.json"  # {absolute path: [size, mtime_ns, ctime_ns, inode, sha256]}
SETTLE_SECONDS = 2.0
READER_VERSION = "12"  # 12: a printed title passes over a delivery note, a letterhead, a date or a lone word; 11: a computer account as a PDF's author is none; 10: a PDF without a UN masthead whose properties give no title gets the one its first page prints; 9: a rule-only table starts at a rule its columns agree with and ends at its foot rule, above the page's footer; 8: a line mostly of figures is no heading; 7: tables set with horizontal rules only, read cell by cell; 6: plain text pages read from PDFium's words; 5: a sidebar beside a column with its own line pitch is read apart; 4: an agenda item's title and the Official Records line are facts; 3: a line's footnote marks, however many, stay on it, a body line of title words at a page top is kept; 2: paragraphs that begin a page, running heads wrapped over two lines; 1: UN mastheads, furniture, folios, footnote marks, old OCR layers


class ReadCache:
    """Readings of document files by content hash (None folder: no cache)."""

    def __init__(self, folder: Path | None, *, verify: bool = False):
        self.folder = Path(folder) if folder else None
        self._known: dict[str, list] = {} if verify else self._read_hashes()
        self._seen: dict[str, list] = {}

    def _path(self, digest: str) -> Path:
        return self.folder / f"{digest}-{READER_VERSION}.json"

    def _read_hashes(self) -> dict[str, list]:
        if self.folder is None:
            return {}
        try:
            data = json.loads((self.folder / HASHES_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:  # a damaged memo costs one hashing of every file
            log.warning("the kept file hashes could not be read (%s); hashing every file", exc.__class__.__name__)
            return {}
        return {k: v for k, v in data.items() if isinstance(v, list) and len(v) == 5} if isinstance(data, dict) else {}

    def file_hash(self, path: Path) -> str:
        """The file's SHA-256: the kept one when ``stat`` is unchanged since it was taken."""
        key = str(Path(path).resolve())
        st = os.stat(path)
        stamp = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        known = self._known.get(key)
        if known is not None and known[:4] == stamp:
            digest = known[4]
        else:
            digest = sha256_file(path)
        if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) >= SETTLE_SECONDS * 1e9:
            self._seen[key] = stamp + [digest]
        return digest

    def save_hashes(self) -> None:
        """Keep the hashes taken: the files seen now, and those kept before that still exist."""
        if self.folder is None:
            return
        merged = {k: v for k, v in self._known.items() if k not in self._seen and os.path.exists(k)}
        merged.update(self._seen)
        if merged == self._known:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(self.folder / HASHES_FILE, json.dumps(merged).encode("utf-8"))
            self._known = merged
        except OSError as exc:  # only the next start's time
            log.warning("the file hashes could not be kept (%s)", exc.strerror or exc.__class__.__name__)

    def get(self, path: Path) -> tuple[str, DocumentText | None]:
        """The file's hash and its kept reading, if any."""
        digest = self.file_hash(path)
        if self.folder is None:
            return digest, None
        kept = self._path(digest)
        if not kept.is_file():
            return digest, None
        try:
            data = json.loads(kept.read_text(encoding="utf-8"))
            names = {f.name for f in fields(DocumentText)}
            return digest, DocumentText(**{k: v for k, v in data.items() if k in names})
        except (OSError, ValueError, TypeError) as exc:  # damaged or foreign: read the document again
            log.warning("a kept reading of %s could not be used (%s); reading it again", path.name,
                        exc.__class__.__name__)
            return digest, None

    def read_before(self, digest: str) -> bool:
        """Whether this file was read whole once (a reading of it is kept, by this reader or an
        earlier one): the library accepted it."""
        return self.folder is not None and any(self.folder.glob(f"{digest}-*.json"))

    def put(self, digest: str, text: DocumentText) -> None:
        # A reading that left scanned pages unread, or read an old OCR layer for want of Tesseract,
        # is not kept: the next reading, once OCR can run, is the better one.
        if self.folder is None or text.scanned or text.provisional:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(self._path(digest), json.dumps(asdict(text), ensure_ascii=False).encode("utf-8"))
        except OSError as exc:  # a full or read-only disk costs only the next start's time
            log.warning("the reading of a document could not be kept (%s)", exc.strerror or exc.__class__.__name__)
