"""Near copies among passages: the same paragraph carried from one version of a text into another
(one session's resolution repeats most of the last one, a Committee draft becomes the adopted text).

Computed when the index is built and kept in its generation (``store.stage_index``), because over a
library of hundreds of related resolutions it costs seconds (5.3 s for the 326 resolutions of
session 78) that a start must not pay (#32). ``answer/versions.py`` says how a search uses them.

The measure is word 3-shingles compared by Dice's coefficient (2|A∩B| / (|A|+|B|)) after the
paragraph number is taken off and case and punctuation ignored: a paragraph carried over with an
"Also" added, a date moved or a clause inserted keeps most of its shingles, while two paragraphs
that only share the resolution's formulas ("Calls upon States to …") keep few. Shingles found in
more than ``COMMON_SHINGLE_PASSAGES`` passages are set aside for finding candidates (they would
pair every passage with every other) but count in the coefficient. Pure functions, no model.
"""

from __future__ import annotations

import re
from collections import defaultdict

NEAR_COPY = 0.8  # Dice of the shingle sets from which two passages are one text in two versions
COMMON_SHINGLE_PASSAGES = 50
_NUMBER = re.compile(r"^\s*(?:\d{1,3}\s?\.|\([a-z]{1,2}\))\s+")
_WORD = re.compile(r"[a-z0-9]+")


def shingles(text: str) -> frozenset[str]:
    words = _WORD.findall(_NUMBER.sub("", text).lower())
    if len(words) < 3:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i:i + 3]) for i in range(len(words) - 2))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def version_groups(texts: list[str], doc_ids: list[str], threshold: float = NEAR_COPY) -> list[int]:
    """For each passage, the id of its group (the smallest passage index in it): passages of
    different documents whose texts are near copies share one; a passage with no copy is alone."""
    sets = [shingles(t) for t in texts]
    postings: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(sets):
        for sh in s:
            postings[sh].append(i)
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, s in enumerate(sets):
        seen: set[int] = set()
        for sh in s:
            members = postings[sh]
            if len(members) > COMMON_SHINGLE_PASSAGES:
                continue
            for j in members:
                if j <= i or j in seen or doc_ids[j] == doc_ids[i]:
                    continue
                seen.add(j)
                # Sizes that differ more than the threshold allows cannot reach it: skip the set work.
                if min(len(s), len(sets[j])) * 2 / (len(s) + len(sets[j])) < threshold:
                    continue
                if dice(s, sets[j]) >= threshold:
                    a, b = find(i), find(j)
                    if a != b:
                        parent[max(a, b)] = min(a, b)
    return [find(i) for i in range(len(texts))]
