"""Make a typo copy of a question set: one or two of each question's longer words misspelt.

    python tests/make_typo_set.py IN.jsonl OUT.jsonl [--seed 13]

Each answerable question gets one or two edits, as people type them: a letter dropped, doubled,
swapped with the next one, or replaced by a key next to it; only words of six letters or more
are touched, never their first letter. Off-topic questions are copied as they are. Seeded, so the
same input gives the same copy.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
_LONG_WORD = re.compile(r"\b[a-zA-Z]{6,}\b")


def neighbours(ch: str) -> str:
    for row in KEYBOARD:
        i = row.find(ch.lower())
        if i >= 0:
            return row[max(0, i - 1) : i] + row[i + 1 : i + 2]
    return ch


def misspell(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    edit = rng.choice(["drop", "double", "swap", "key"])
    if edit == "drop":
        return word[:i] + word[i + 1 :]
    if edit == "double":
        return word[:i] + word[i] + word[i:]
    if edit == "swap" and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice(neighbours(word[i])) + word[i + 1 :]


def typo_question(question: str, rng: random.Random) -> str:
    words = list(_LONG_WORD.finditer(question))
    if not words:
        return question
    chosen = sorted(rng.sample(words, min(len(words), rng.choice([1, 2]))), key=lambda m: m.start(), reverse=True)
    for m in chosen:
        question = question[: m.start()] + misspell(m.group(), rng) + question[m.end() :]
    return question


def typo_set(rows: list[dict], seed: int = 13) -> list[dict]:
    rng = random.Random(seed)
    return [row | {"question": typo_question(row["question"], rng)} if row.get("gold") else row for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("target")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rows = [json.loads(line) for line in Path(args.source).read_text(encoding="utf-8").splitlines() if line.strip()]
    Path(args.target).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in typo_set(rows, args.seed)),
                                 encoding="utf-8")


if __name__ == "__main__":
    main()
