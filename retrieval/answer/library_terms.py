"""The library's words, made once per document and kept beside the index.

The engine needs three things made from every passage's words: each document's vocabulary (to name
the terms of a question it never mentions), the words the speller accepts, and each term's weight
(idf) over the passages. Making them runs regular expressions and a stemmer over the whole library:
1.4 s of a 4.9 s start on the 326 resolutions, growing with the library. Read back from one file
they cost a few hundredths of a second, so a start no longer grows with the number of documents.

Kept per document, keyed by a hash of its passages' texts and this module's version: a document
whose passages changed (a new reader, another split) is made again, the others are read back. The
file is a cache: missing, unreadable, of another version or not writable, the terms are made from
the passages, exactly as before, and nothing else changes.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..files import write_atomic
from ..index.lexical import idf_from_counts, tokenize
from ..ingest.passages import Passage
from .coverage import Vocabulary
from .spelling import corpus_words

log = logging.getLogger(__name__)

TERM_CACHE = "term-cache.json"  # in the index folder
# Bump when what is kept for a document changes (the tokenizer, the vocabulary's rules).
VERSION = 1


@dataclass(frozen=True)
class DocumentTerms:
    """One document's words: its vocabulary, the words its speller accepts, and in how many of its
    passages each term occurs (summed over documents, that is each term's document frequency)."""

    vocabulary: Vocabulary
    spelling_words: frozenset[str]
    passage_counts: dict[str, int]


@dataclass(frozen=True)
class LibraryTerms:
    """What the engine needs of the whole library's words."""

    idf: dict[str, float]
    vocabularies: dict[str, Vocabulary]
    spelling_words: frozenset[str]


def document_terms(texts: Sequence[str]) -> DocumentTerms:
    """Make one document's terms from its passages' texts."""
    tokens = [tokenize(t) for t in texts]
    counts: Counter[str] = Counter(term for ts in tokens for term in set(ts))
    return DocumentTerms(Vocabulary.from_texts(list(texts), tokens), frozenset(corpus_words(texts)), dict(counts))


def passages_key(texts: Sequence[str]) -> str:
    """What a document's kept terms are valid for: its passages' texts, in order."""
    digest = hashlib.sha256(f"terms-{VERSION}".encode())
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


def library_terms(passages: Sequence[Passage], index_dir: Path | None) -> LibraryTerms:
    """The library's terms: each document's read back from ``index_dir``'s cache when its passages
    are unchanged, made otherwise; the cache is written again when anything was made or dropped."""
    by_document: dict[str, list[str]] = {}
    for p in passages:
        by_document.setdefault(p.doc_id, []).append(p.text)
    keys = {d: passages_key(texts) for d, texts in by_document.items()}
    path = index_dir / TERM_CACHE if index_dir is not None else None
    kept, stored = _read(path, keys) if path is not None else ({}, 0)
    terms = {d: kept.get(d) or document_terms(texts) for d, texts in by_document.items()}
    if path is not None and (len(kept) != len(terms) or stored != len(terms)):  # made some, or some gone
        _write(path, {d: (keys[d], t) for d, t in terms.items()})
    counts: Counter[str] = Counter()
    for t in terms.values():
        counts.update(t.passage_counts)
    return LibraryTerms(idf=idf_from_counts(counts, len(passages)),
                        vocabularies={d: t.vocabulary for d, t in terms.items()},
                        spelling_words=frozenset().union(*(t.spelling_words for t in terms.values())))


def _read(path: Path, keys: dict[str, str]) -> tuple[dict[str, DocumentTerms], int]:
    """The kept terms whose key still matches, and how many documents the file holds; nothing
    when the file is missing or not ours."""
    try:
        data = json.loads(path.read_bytes())
        if data.get("version") != VERSION:
            return {}, 0
        strings = data["strings"]
        stored = data["documents"]
        found: dict[str, DocumentTerms] = {}
        for doc_id, entry in stored.items():
            if keys.get(doc_id) != entry["key"]:
                continue
            words = [strings[i] for i in entry["counts"][0::2]]
            found[doc_id] = DocumentTerms(
                Vocabulary(frozenset(words), frozenset(strings[i] for i in entry["words"]),
                           frozenset(strings[i] for i in entry["acronyms"])),
                frozenset(strings[i] for i in entry["spelling"]),
                dict(zip(words, entry["counts"][1::2])))
        return found, len(stored)
    except FileNotFoundError:
        return {}, 0
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        log.warning("the kept terms in %s are unreadable (%s): made again from the passages", path, exc)
        return {}, 0


def _write(path: Path, terms: dict[str, tuple[str, DocumentTerms]]) -> None:
    """Keep the terms, as indexes into one table of strings (a word is stored once)."""
    table: dict[str, int] = {}

    def ids(words) -> list[int]:
        return [table.setdefault(w, len(table)) for w in sorted(words)]

    documents = {}
    for doc_id, (key, t) in terms.items():
        stems = sorted(t.passage_counts)  # a document's stems are the terms of its passages
        documents[doc_id] = {
            "key": key,
            "counts": [x for s in stems for x in (table.setdefault(s, len(table)), t.passage_counts[s])],
            "words": ids(t.vocabulary.words), "acronyms": ids(t.vocabulary.acronyms),
            "spelling": ids(t.spelling_words)}
    data = {"version": VERSION, "strings": list(table), "documents": documents}
    try:
        write_atomic(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    except (OSError, ValueError) as exc:  # a read-only index folder: the terms are made at each start, as before
        log.info("could not keep the library's terms in %s: %s", path, exc)
