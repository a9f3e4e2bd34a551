"""Reading the library's small JSON files safely: document sidecars and the index manifest.

Anyone may put a file in the corpus, so a sidecar may be huge, nested thousands deep, or hold
values of the wrong type. One reader bounds the read before parsing, turns every parsing failure
(including the RecursionError of deep nesting) into ``MetadataError``, and keeps only the fields
it knows, of the right type and capped in length: a bad sidecar costs only its own metadata, a bad
manifest means "rebuild", and neither ever reaches a visitor as a traceback.
"""

from __future__ import annotations

import re

import json
import logging
from pathlib import Path

log = logging.getLogger(__name__)

MAX_SIDECAR_BYTES = 64 * 1024
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
MAX_FIELD_CHARS = 300  # a title, author, place, date or source line longer than this is cut
# Characters that steer how the text around them is shown rather than being text: bidi embeddings,
# overrides and isolates (a U+202E in a title would reverse the app's own words after it), and
# C0/C1 controls (terminal escape sequences). Taken out of every field shown as a line.
CONTROLS = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]")


def display_text(text: str, limit: int | None = None) -> str:
    """A field as one line of plain text: controls taken out, spaces collapsed, cut to ``limit``
    characters (with "…")."""
    flat = " ".join(CONTROLS.sub("", text).split())
    return flat if limit is None or len(flat) <= limit else flat[:limit - 1].rstrip() + "…"
TEXT_FIELDS = ("title", "author", "place", "date", "source")


class MetadataError(ValueError):
    """A metadata file cannot be used; the message says why in a few words (no path)."""


def read_json_object(path: Path, max_bytes: int) -> dict:
    """The JSON object in ``path``, read no further than ``max_bytes``."""
    with open(path, "rb") as f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise MetadataError(f"larger than {max_bytes} bytes")
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise MetadataError("not valid JSON") from None
    if not isinstance(value, dict):
        raise MetadataError("not a JSON object")
    return value


def sidecar_fields(raw: dict, name: str) -> dict:
    """The usable fields of a sidecar: text fields as strings of at most MAX_FIELD_CHARS (cut),
    ``protected`` only when it is exactly true; anything else is dropped with a warning."""
    fields: dict = {}
    dropped = []
    for key in TEXT_FIELDS:
        value = raw.get(key)
        if value is None:
            continue
        if isinstance(value, str) and value.strip():
            fields[key] = display_text(value)[:MAX_FIELD_CHARS]
        else:
            dropped.append(key)
    if raw.get("protected") is True:
        fields["protected"] = True
    if dropped:
        log.warning("ignoring %s in the metadata of %s: not text", ", ".join(dropped), name)
    return fields


def read_sidecar_file(meta_path: Path, name: str) -> dict:
    """A sidecar's usable fields; {} (with a warning) when it is missing, a link or unusable."""
    try:
        if meta_path.is_symlink() or not meta_path.is_file():
            return {}
        return sidecar_fields(read_json_object(meta_path, MAX_SIDECAR_BYTES), name)
    except (OSError, MetadataError) as exc:
        log.warning("ignoring the metadata of %s: %s", name, exc)
        return {}


def check_manifest(manifest: dict) -> None:
    """Raise MetadataError unless the manifest's records have the shapes the index reads."""
    files = manifest.get("files", {})
    if not isinstance(files, dict) or not all(
            isinstance(r, dict) and isinstance(r.get("size"), int) and isinstance(r.get("sha256"), str)
            for r in files.values()):
        raise MetadataError("its file records are malformed")
    documents = manifest.get("documents", {})
    if not isinstance(documents, dict) or not all(isinstance(v, str) for v in documents.values()):
        raise MetadataError("its document records are malformed")
    if not isinstance(manifest.get("index", {}), dict):
        raise MetadataError("its index settings are malformed")
