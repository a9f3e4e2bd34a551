"""The limits every document must pass before it reaches the corpus (the ingestion gate).

Each limit is a named setting with a default that a real 20 MiB document passes, and an
environment variable to change it. What exceeds a limit is refused with a one-line reason
before anything is written (see README, "Limits and safety").
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from ..config import limit_overrides

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 20 * MIB  # the file as uploaded
    max_unpacked_bytes: int = 200 * MIB  # all members of a .docx (a zip) once inflated
    max_pages: int = 2000  # pages of a PDF
    max_characters: int = 5_000_000  # text extracted from one document (about 2,000 dense pages)
    max_read_seconds: float = 60.0  # wall time to extract the text of one document
    max_paragraphs: int = 10_000  # paragraphs (passages to embed) of one document, checked while reading
    max_name_bytes: int = 100  # a document id (file stem) in UTF-8, so every derived name fits

    @classmethod
    def from_env(cls) -> "Limits":
        """Defaults, each overridable by RETRIEVAL_<NAME> (e.g. RETRIEVAL_MAX_PAGES=2000)."""
        kinds = {f.name: type(f.default) for f in fields(cls)}
        return cls(**{name: kinds[name](value) for name, value in limit_overrides(tuple(kinds)).items()})

    def without_time_limit(self) -> "Limits":
        """Every limit but the wall time, for reading again a file the library accepted once: all
        the others give the same verdict on every reading, but time depends on how busy the
        machine is, and a busy restart must never drop an accepted document (#33: a scan skipped
        and the index rebuilt without it)."""
        return replace(self, max_read_seconds=float("inf"))
