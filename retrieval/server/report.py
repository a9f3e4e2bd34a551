""""Questions the documents did not answer", and answers people marked wrong, from the record.

For whoever keeps the library: the questions that got a refusal ("none") or only the closest
passages ("partial"), grouped so that one gap shows once with its count: by the terms the
documents lack when the engine named them, otherwise by near-duplicate wording (the engine's own
embeddings: a question joins the first group whose first question it matches at cosine
``SAME_QUESTION`` or more). Then every 👎 with its comment. The Library page and
`python -m retrieval report` show the same.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Callable

import numpy as np

from .record import MAX_TEXT, Record

log = logging.getLogger(__name__)

SAME_QUESTION = 0.8  # cosine (first model) above which two wordings count as one question


@dataclass
class Gap:
    """Questions that found no answer, taken as one: what they lack (when known), how often."""

    example: str
    missing: list[str]
    count: int = 0
    latest: str = ""
    states: dict[str, int] = field(default_factory=dict)
    wordings: list[str] = field(default_factory=list)


@dataclass
class Dislike:
    question: str
    citation: str | None
    comment: str
    given_at: str


def unanswered(record: Record, since: str | None = None,
               embed: Callable[[list[str]], np.ndarray] | None = None) -> list[Gap]:
    """The "none" and "partial" questions grouped, most asked first (then latest first)."""
    rows = [r for r in record.rows("questions", since) if r["state"] in ("none", "partial")]
    gaps: list[Gap] = []
    by_terms: dict[tuple[str, ...], Gap] = {}
    unnamed = []
    for row in rows:
        missing = json.loads(row["missing"] or "[]")
        if missing:
            key = tuple(sorted({_term(m) for m in missing}))
            gap = by_terms.get(key)
            if gap is None:
                gap = by_terms[key] = Gap(row["question"], sorted(set(missing), key=str.lower))
                gaps.append(gap)
            _count(gap, row)
        else:
            unnamed.append(row)
    if unnamed:
        texts = [r["question"] for r in unnamed]
        if embed is not None:
            leader_of = group_by_similarity(np.asarray(embed(texts), dtype=np.float32), SAME_QUESTION)
        else:
            first: dict[str, int] = {}
            leader_of = [first.setdefault(t.strip().lower(), i) for i, t in enumerate(texts)]
        group: dict[int, Gap] = {}
        for i, row in enumerate(unnamed):
            gap = group.get(leader_of[i])
            if gap is None:
                gap = group[i] = Gap(row["question"], [])
                gaps.append(gap)
            _count(gap, row)
    latest_first = sorted(gaps, key=lambda g: g.latest, reverse=True)
    return sorted(latest_first, key=lambda g: -g.count)  # stable: latest first within a count


def recorded_vectors(record: Record, model: str, encode: Callable[[list[str]], np.ndarray], texts: list[str],
                     memo: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """The report's vectors of recorded wordings (``model``'s, one row per text): from ``memo``
    (what this process has seen), then from the record, and only the rest encoded, then kept in
    both. Re-embedding every recorded question at each draw made the report grow with the record
    (10,000 questions: 76 s after every start); the record keeps them across starts and servers."""
    memo = {} if memo is None else memo
    wanted = set(texts)
    if not wanted <= memo.keys():
        kept = {q: np.frombuffer(v, dtype=np.float16) for q, v in record.vectors(model).items() if q in wanted}
        width = Counter(len(v) for v in kept.values()).most_common(1)[0][0] if kept else None
        # A blob of another length (another model kept under the same name) is embedded again.
        memo.update((q, v.astype(np.float32)) for q, v in kept.items() if len(v) == width)
        new = sorted(wanted - memo.keys())
        if new:
            # As kept: a vector read back after a start groups exactly as it did before it.
            fresh = np.asarray(encode(new), dtype=np.float32).astype(np.float16)
            memo.update(zip(new, fresh.astype(np.float32)))
            record.keep_vectors(model, {q: v.tobytes() for q, v in zip(new, fresh)})
    return np.asarray([memo[t] for t in texts], dtype=np.float32)


def keep_question_vector(record: Record, model: str, encode: Callable[[list[str]], np.ndarray], text: str,
                         state: str, missing: list[str] | tuple[str, ...] = ()) -> None:
    """When a question the report groups by wording is recorded (refused or partial, with no term
    named as lacking), its vector is kept with it, so the report never has a backlog to embed."""
    if record.enabled and state in ("none", "partial") and not missing:
        text = text[:MAX_TEXT]  # as the record keeps it
        try:
            vector = np.asarray(encode([text]), dtype=np.float32)[0]
        except Exception:  # the record never costs an answer: the report embeds it later instead
            log.warning("a recorded question's vector could not be made; the report will make it", exc_info=True)
            return
        record.keep_vectors(model, {text: vector.astype(np.float16).tobytes()})


def group_by_similarity(vectors: np.ndarray, threshold: float, block: int = 1024) -> list[int]:
    """For each vector (unit length, in order), the index of its group's first vector: the first
    earlier group leader it is at least ``threshold`` similar to, else itself (a new group).

    The same greedy grouping as comparing each question with every leader in turn, but the
    similarities are taken a block of rows at a time with one matrix product, so 10,000 recorded
    questions group in well under a second instead of minutes (#33)."""
    n = len(vectors)
    leader_of = list(range(n))
    is_leader = np.zeros(n, dtype=bool)
    for start in range(0, n, block):
        stop = min(start + block, n)
        sims = vectors[start:stop] @ vectors[:stop].T  # each row of the block against all before it
        for i in range(start, stop):
            close = np.flatnonzero(is_leader[:i] & (sims[i - start, :i] >= threshold))
            if close.size:
                leader_of[i] = int(close[0])
            else:
                is_leader[i] = True
    return leader_of


def _term(term: str) -> str:
    """A missing term as a grouping key: "Qatar's" and "qatar" are one."""
    term = term.lower().replace("’", "'")
    return term[:-2] if term.endswith("'s") else term


def _count(gap: Gap, row: dict) -> None:
    gap.count += 1
    gap.latest = max(gap.latest, row["asked_at"])
    gap.states[row["state"]] = gap.states.get(row["state"], 0) + 1
    if row["question"] not in gap.wordings:
        gap.wordings.append(row["question"])


def dislikes(record: Record, since: str | None = None) -> list[Dislike]:
    """Answers marked 👎, newest first, with the question, its first citation and the comment."""
    asked = {r["id"]: r for r in record.rows("questions")}
    out = []
    for f in record.rows("feedback", since):
        if f["rating"] != -1:
            continue
        q = asked.get(f["question_id"], {})
        out.append(Dislike(q.get("question", "(question no longer kept)"), q.get("citation"), f["comment"],
                           f["given_at"]))
    return sorted(out, key=lambda d: d.given_at, reverse=True)


def as_dict(gaps: list[Gap], disliked: list[Dislike]) -> dict:
    return {"unanswered": [asdict(g) for g in gaps], "marked_wrong": [asdict(d) for d in disliked]}


def as_text(gaps: list[Gap], disliked: list[Dislike]) -> str:
    lines = [f"Questions the documents did not answer ({sum(g.count for g in gaps)} asked, {len(gaps)} groups)"]
    for g in gaps:
        lacks = f" — the documents lack: {', '.join(g.missing)}" if g.missing else ""
        lines.append(f"{g.count:>4}× {g.example}{lacks} (latest {g.latest[:10]})")
        lines += [f"        also: {w}" for w in g.wordings[1:4]]
    lines.append(f"Answers marked wrong ({len(disliked)})")
    for d in disliked:
        lines.append(f"  {d.given_at[:10]} {d.question}" + (f" [{d.citation}]" if d.citation else "")
                     + (f" — “{d.comment}”" if d.comment else ""))
    return "\n".join(lines)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A cell as OWASP advises for CSV injection: text that a spreadsheet would read as a formula
    (starting with = + - @, a tab or a carriage return) is prefixed with a quote, so it stays text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def as_csv(gaps: list[Gap], disliked: list[Dislike]) -> str:
    """One table for a spreadsheet: a row per group and a row per 👎."""
    out = io.StringIO()
    writer = _NeutralWriter(csv.writer(out))
    writer.writerow(["kind", "question", "count", "latest", "missing terms", "other wordings", "citation", "comment"])
    for g in gaps:
        writer.writerow(["unanswered", g.example, g.count, g.latest, "; ".join(g.missing), " | ".join(g.wordings[1:]),
                         "", ""])
    for d in disliked:
        writer.writerow(["marked wrong", d.question, 1, d.given_at, "", "", d.citation or "", d.comment])
    return out.getvalue()


class _NeutralWriter:
    """A csv writer whose every cell goes through ``csv_cell``."""

    def __init__(self, writer) -> None:
        self._writer = writer

    def writerow(self, row) -> None:
        self._writer.writerow([csv_cell(v) for v in row])
