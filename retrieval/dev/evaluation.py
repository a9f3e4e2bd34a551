"""Scoring a question set: hit@1, hit@3, MRR@5, highlight@1, refusals, and the answer box:
its coverage (answerable questions shown with it) and precision (its sentence holds the answer).

A question set is JSON lines: ``{"id", "question", "gold": [fragments]}``; ``gold: []``
marks an off-topic question that should be refused. A result answers when its
passage contains a gold fragment, compared on lower-case letters and digits only.
A near-topic question (``gold: []`` and ``"missing": [terms]``) is answered honestly when it
is refused or answered "partial" naming one of those terms (or a hyphenated name with one as a part).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..ingest.passages import MAX_PASSAGE_WORDS

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def squash(text: str) -> str:
    return _NOT_ALNUM.sub("", text.lower())


def load_questions(path: Path) -> list[dict]:
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append(json.loads(line))
    return rows


def cites_document(result, symbol: str | None) -> bool:
    """Whether a result is cited to the document of that symbol (its title carries the symbol)."""
    if not symbol:
        return True
    return f"({symbol}" in result.citation.document_title or f"({symbol}" in result.citation.label


def contains_gold(text: str, gold: list[str]) -> bool:
    flat = squash(text)
    return any(squash(g) and squash(g) in flat for g in gold)


def names_listed(term: str, listed: set[str]) -> bool:
    """Whether a reported missing term is one the set lists: the same word, or a hyphenated name
    with a listed part ("Secretary-General" for "Secretary")."""
    low = term.lower()
    return low in listed or any(part in listed for part in low.split("-"))


@dataclass
class EvalReport:
    answerable: int = 0
    off_topic: int = 0
    hit1: int = 0
    hit3: int = 0
    mrr5: float = 0.0
    highlight1: int = 0
    highlight_sentences: int = 0  # summed over first results, for the mean length
    first_results: int = 0
    refused_off_topic: int = 0
    false_refusals: int = 0
    missed: list[str] = field(default_factory=list)
    missed_top3: list[str] = field(default_factory=list)
    not_refused: list[str] = field(default_factory=list)
    kinds: dict[str, list[int]] = field(default_factory=dict)  # kind -> [questions, hits@1]
    falsely_refused: list[str] = field(default_factory=list)
    not_answer: list[str] = field(default_factory=list)  # answerable but "partial" or "none"
    near_topic: int = 0  # questions with "missing" terms: the document does not answer them
    near_topic_honest: int = 0  # ... answered "none", or "partial" naming a listed missing term
    near_topic_confident: list[str] = field(default_factory=list)
    near_topic_boxed: list[str] = field(default_factory=list)  # ... shown with the answer box
    boxed: int = 0  # answerable questions shown with the answer box ("answer")
    boxed_right: int = 0  # ... whose box (the first result's highlight) holds a gold fragment
    with_doc: int = 0  # answerable questions that say which document answers ("doc")
    right_doc: int = 0  # ... whose first result is from it (or cites it among its versions)
    named: int = 0  # questions that name their document (kind "named")
    named_right: int = 0  # ... answered first from that document
    wrong_doc: list[str] = field(default_factory=list)
    cited_number: list[int] = field(default_factory=lambda: [0, 0])  # [hits@1 with a "para", ... cited by it]
    cited_page: list[int] = field(default_factory=lambda: [0, 0])  # [hits@1 with a "page", ... cited on it]
    uncovered_boxed: list[str] = field(default_factory=list)  # gold [] questions shown with a box

    def figures(self) -> dict:
        a = max(self.answerable, 1)
        return {
            "answerable": self.answerable,
            "off_topic": self.off_topic,
            "hit@1": round(self.hit1 / a, 3),
            "hit@3": round(self.hit3 / a, 3),
            "mrr@5": round(self.mrr5 / a, 3),
            "highlight@1": round(self.highlight1 / a, 3),
            "highlight_length": round(self.highlight_sentences / max(self.first_results, 1), 2),
            "off_topic_refused": f"{self.refused_off_topic}/{self.off_topic}",
            "false_refusals": self.false_refusals,
            "missed@1": self.missed,
            "missed@3": self.missed_top3,
            "off_topic_answered": self.not_refused,
            "answerable_refused": self.falsely_refused,
            "not_answer": f"{len(self.not_answer)}/{self.answerable}",
            "answerable_not_answer": self.not_answer,
            "box_coverage": round(self.boxed / a, 3),
            "box_precision": round(self.boxed_right / max(self.boxed, 1), 3),
        } | ({"right_document@1": f"{self.right_doc}/{self.with_doc}", "named_right@1": f"{self.named_right}/{self.named}",
              "wrong_document": self.wrong_doc,
              "cited_by_own_number": f"{self.cited_number[1]}/{self.cited_number[0]}",
              "cited_on_printed_page": f"{self.cited_page[1]}/{self.cited_page[0]}",
              "uncovered_boxed": f"{len(self.uncovered_boxed)}/{self.off_topic}",
              "uncovered_boxed_ids": self.uncovered_boxed} if self.with_doc else {}) | ({"near_topic_honest": f"{self.near_topic_honest}/{self.near_topic}",
              "near_topic_answered": self.near_topic_confident,
              "near_topic_boxed": f"{len(self.near_topic_boxed)}/{self.near_topic}",
              "near_topic_boxed_ids": self.near_topic_boxed} if self.near_topic else {}) | {f"hit@1[{kind}]": f"{hits}/{n}" for kind, (n, hits) in sorted(self.kinds.items())}


def evaluate(ask, questions: list[dict]) -> EvalReport:
    """Score ``ask(question) -> Answer`` (asked for 5 results) on a question set."""
    report = EvalReport()
    for q in questions:
        answer = ask(q["question"])
        gold = q.get("gold") or []
        if "missing" in q:
            report.near_topic += 1
            listed = {m.lower() for m in q["missing"]}
            if not answer.answered or any(names_listed(m, listed) for m in answer.missing):
                report.near_topic_honest += 1
            else:
                report.near_topic_confident.append(q["id"])
            if answer.confidence == "answer":
                report.near_topic_boxed.append(q["id"])
            continue
        if not gold:
            report.off_topic += 1
            if answer.confidence == "answer":
                report.uncovered_boxed.append(q["id"])
            if answer.answered:
                report.not_refused.append(q["id"])
            else:
                report.refused_off_topic += 1
            continue
        report.answerable += 1
        if answer.confidence != "answer":
            report.not_answer.append(q["id"])
        if not answer.answered:
            report.false_refusals += 1
            report.falsely_refused.append(q["id"])
        results = answer.results if answer.answered else []
        doc = q.get("doc")
        # A question about one document is answered by its passage, not a near-copy in another one
        # (a result cited to the document asked about, or listing it among the versions it is in).
        rank = next(
            (i for i, r in enumerate(results[:5], 1)
             if len(r.text.split()) <= MAX_PASSAGE_WORDS and contains_gold(r.text, gold)
             and (q.get("kind") != "named" or cites_document(r, doc))),
            None,
        )
        if doc:
            report.with_doc += 1
            first_right = bool(results) and cites_document(results[0], doc)
            report.right_doc += first_right
            if not first_right:
                report.wrong_doc.append(q["id"])
            if q.get("kind") == "named":
                report.named += 1
                report.named_right += first_right
        if rank == 1 and q.get("para"):
            report.cited_number[0] += 1
            report.cited_number[1] += re.search(rf"para\. {re.escape(q['para'])}(,|$)", results[0].citation.label) is not None
        if rank == 1 and q.get("page"):
            report.cited_page[0] += 1
            report.cited_page[1] += re.search(rf"\bp\. {re.escape(str(q['page']))}\b", results[0].citation.label) is not None
        if q.get("kind"):
            counts = report.kinds.setdefault(q["kind"], [0, 0])
            counts[0] += 1
            counts[1] += rank == 1
        if rank == 1:
            report.hit1 += 1
        else:
            report.missed.append(q["id"])
        if rank is not None and rank <= 3:
            report.hit3 += 1
        else:
            report.missed_top3.append(q["id"])
        if rank is not None:
            report.mrr5 += 1.0 / rank
        if results:
            report.first_results += 1
            report.highlight_sentences += results[0].highlight_sentences
        right = bool(results) and contains_gold(results[0].highlight, gold)
        report.highlight1 += right
        if answer.confidence == "answer":
            report.boxed += 1
            report.boxed_right += right
    return report


def evaluate_conversations(engine, rows: list[dict]) -> dict:
    """Last-turn hit@1 of conversations (two or more turns), with the turns before it and alone."""
    from ..chat.conversation import respond

    with_context = without = 0
    missed: list[str] = []
    for row in rows:
        *earlier, last = row["turns"]

        def hit(exchange) -> bool:
            answer = exchange.answer
            return bool(answer and answer.answered and answer.results
                        and contains_gold(answer.results[0].text, row["gold"]))

        without += hit(respond(engine, last, [], 5))
        history = []
        for question in earlier:
            history.append(respond(engine, question, history, 5))
        if hit(respond(engine, last, history, 5)):
            with_context += 1
        else:
            missed.append(row["id"])
    n = max(len(rows), 1)
    return {"exchanges": len(rows), "next_turn_hit@1_with_context": round(with_context / n, 3),
            "next_turn_hit@1_without_context": round(without / n, 3), "missed_with_context": missed}


def _truth_label(label: str) -> str:
    """A question set's "op 15 (a)" / "pp 3" as comparisons label paragraphs."""
    kind, _, rest = label.partition(" ")
    return f"preambular para. {rest}" if kind == "pp" else f"para. {rest}"


def evaluate_comparisons(engine, rows: list[dict]) -> dict:
    """Score a set of comparison questions (#34): lines ``{"id", "shape", "question", "a", "b",
    "paragraph", "expect"}`` with ``a``/``b`` file names (``a`` null for "none": nothing to compare).
    Right when the chat compares the documents meant (older first); for "kept", when it also
    finds the paragraph and what became of it; for "none", when it says there is nothing to compare.
    Every answered comparison's rows must each be cited to a numbered paragraph of its document."""
    from ..chat.conversation import respond

    stem = lambda name: Path(name).stem if name else None  # noqa: E731
    right: dict[str, list[int]] = {}
    cited = answered = 0
    wrong: list[str] = []
    for row in rows:
        ex = respond(engine, row["question"], [], 3)
        reply = ex.answer.comparison if ex.answer is not None else None
        shape = row["shape"]
        ok = False
        if shape == "none":
            ok = reply is not None and not reply.found and reply.targets.problem in ("no-version", "unclear")
        elif reply is not None and reply.found:
            answered += 1
            t = reply.targets
            ok = (t.a, t.b) == (stem(row["a"]), stem(row["b"]))
            if ok and shape == "kept":
                expect = row.get("expect") or {}
                got = reply.rows[0] if reply.rows else None
                if expect.get("status") == "removed":
                    ok = got is not None and got.status == "removed"
                else:
                    ok = (got is not None and got.b is not None and got.status == expect.get("status")
                          and got.b.label == _truth_label(expect.get("kept_as", "")))
            cited += all(r.citation.label and (r.citation.document in (t.a, t.b)) and
                         any(w in r.citation.label for w in ("para.", "paragraph")) for r in ex.answer.results)
        right.setdefault(shape, []).append(int(ok))
        if not ok:
            wrong.append(f"{row.get('id')} ({shape}): {ex.kind}, "
                         + (f"compared {reply.targets.a} → {reply.targets.b}" if reply and reply.found
                            else f"{reply.targets.problem}" if reply else "not read as a comparison"))
    figures = {f"right[{shape}]": f"{sum(v)}/{len(v)}" for shape, v in right.items()}
    total = [x for v in right.values() for x in v]
    figures["right"] = f"{sum(total)}/{len(total)}"
    figures["answered comparisons with every row cited"] = f"{cited}/{answered}"
    figures["wrong"] = wrong
    return figures
