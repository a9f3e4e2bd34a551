"""What a document's reading gave, kept on disk by the file's SHA-256: a start, a rebuild or a
second process reads no document that has not changed since it was read (a PDF's layout is
~0.1-0.4 s a page to read, a scanned page 1-2 s of OCR; the hash is ~0.3 s for 74 MB).

One JSON file per file read, ``<sha256>-<READER_VERSION>.json`` in the cache folder (the index
folder's ``read-cache/``), written atomically; one that cannot be read is read again from the
document and replaced. ``READER_VERSION`` changes whenever a reader returns something else for the
same file, so an old reading is never used.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, fields
from pathlib import Path

from ..files import sha256_file, write_atomic
from .formats import DocumentText

log = logging.getLogger(__name__)

READ_CACHE = "read-cache"  # the folder in the index folder
READER_VERSION = "3"  # 3: a line's footnote marks, however many, stay on it, a body line of title words at a page top is kept; 2: paragraphs that begin a page, running heads wrapped over two lines; 1: UN mastheads, furniture, folios, footnote marks, old OCR layers


class ReadCache:
    """Readings of document files by content hash (None folder: no cache)."""

    def __init__(self, folder: Path | None):
        self.folder = Path(folder) if folder else None

    def _path(self, digest: str) -> Path:
        return self.folder / f"{digest}-{READER_VERSION}.json"

    def get(self, path: Path) -> tuple[str, DocumentText | None]:
        """The file's hash and its kept reading, if any."""
        digest = sha256_file(path)
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

    def put(self, digest: str, text: DocumentText) -> None:
        if self.folder is None or text.scanned:  # a reading that left scanned pages unread is not kept
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(self._path(digest), json.dumps(asdict(text), ensure_ascii=False).encode("utf-8"))
        except OSError as exc:  # a full or read-only disk costs only the next start's time
            log.warning("the reading of a document could not be kept (%s)", exc.strerror or exc.__class__.__name__)
