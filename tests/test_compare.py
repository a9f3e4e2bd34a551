"""What changed between versions (#34): paragraphs aligned, changes marked, families found, and
the words around them, on made-up paragraphs (the rules) and on the real versions in the dev
folder: one pair of each family against an alignment made by hand from the PDFs
(``data/version_alignments.json``), every other pair with each paragraph of both documents once.
No model: the comparison reads passages only."""

from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from retrieval.answer.compare import (Comparison, Pair, _label_key, compare, paragraphs, similarity,
                                      word_changes)
from retrieval.answer.compare_questions import CompareAsk, compare_asked, compare_targets
from retrieval.answer.versions import families, next_version, previous_version
from retrieval.chat import wording
from retrieval.ingest.corpus import corpus_passages, load_document
from retrieval.ingest.passages import Passage

from conftest import DATA, ROOT

DEV = ROOT.parent / "shared" / "un-documents" / "dev"
# Alignments made by hand from the PDFs by a reader who never saw this code (one file per reader).
TRUTH = {"pairs": [pair for f in sorted(DATA.glob("version_alignments*.json"))
                   for pair in json.loads(f.read_text(encoding="utf-8"))["pairs"]]}
FAMILIES = [
    ["A_RES_79_171.pdf", "A_C.3_80_L.41.pdf", "A_RES_80_210.pdf"],
    ["A_RES_79_206.pdf", "A_C.2_80_L.37.pdf", "A_RES_80_138.pdf"],
    ["A_RES_79_159.pdf", "A_C.3_80_L.17.pdf", "A_RES_80_191.pdf"],
    ["A_C.3_80_L.47.pdf", "A_RES_80_216.pdf"],
    ["A_C.3_80_L.20.pdf", "A_RES_80_190.pdf"],
    ["A_RES_79_227.pdf", "A_RES_80_157.pdf"],
]


def _p(i: int, text: str, doc: str = "a", number: str | None = None, preambular: int | None = None,
       overall: int | None = None, page: int = 1) -> Passage:
    return Passage(id=i, doc_id=doc, doc_title=doc, section=None, paragraph=i + 1,
                   paragraph_overall=overall if overall is not None else i + 1, page_start=page, page_end=page,
                   text=text, number=number, preambular=preambular)


def _doc(doc: str, preamble: list[str], operative: list[str]) -> list[Passage]:
    out = [_p(k, t, doc, preambular=k + 1) for k, t in enumerate(preamble)]
    out += [_p(len(preamble) + k, f"{k + 1}. {t}", doc, number=str(k + 1)) for k, t in enumerate(operative)]
    return out


PRE = ["Recalling its resolution 78/1 on the subject of water and sanitation for all,",
       "Noting with concern that two billion people lack safely managed drinking water services,",
       "Welcoming the convening of the conference on water in New York in March of that year,"]
OPS = ["Calls upon States to ensure access to safe drinking water for everyone without discrimination;",
       "Requests the Secretary-General to submit a report on the implementation of the present resolution;",
       "Encourages partnerships between Governments and civil society to finance sanitation services;",
       "Decides to continue its consideration of the question at its eightieth session."]


# --- the rules, on made-up paragraphs ----------------------------------------------------------
def test_identical_documents_are_unchanged_throughout():
    c = compare(_doc("a", PRE, OPS), _doc("b", PRE, OPS))
    assert [p.status for p in c.pairs] == ["unchanged"] * 7
    assert c.by_substance() == []
    assert wording.comparison_summary(c.counts()) == "No paragraph changed."


def test_added_removed_changed_and_renumbered():
    new_ops = [OPS[0], "Urges States to protect water from pollution by industry and agriculture everywhere;",
               OPS[1].replace("a report", "a comprehensive report"), OPS[3].replace("eightieth", "eighty-first")]
    c = compare(_doc("a", PRE, OPS), _doc("b", PRE, new_ops))
    rows = [(p.status, p.a and p.a.label, p.b and p.b.label) for p in c.pairs if p.part == "operative"]
    assert rows == [("unchanged", "para. 1", "para. 1"), ("added", None, "para. 2"),
                    ("changed", "para. 2", "para. 3"), ("removed", "para. 3", None),
                    ("changed", "para. 4", "para. 4")]
    changed = next(p for p in c.pairs if p.status == "changed" and p.a.label == "para. 2")
    assert [(x.kind, x.text) for x in changed.changes if x.kind != "same"] == [("added", "comprehensive")]
    routine = next(p for p in c.pairs if p.status == "changed" and p.a.label == "para. 4")
    assert routine.routine and not changed.routine
    # Most substantive first: the added operative paragraph, the removed one, the reworded one,
    # and the change of session name last.
    assert [p.status for p in c.by_substance()] == ["added", "removed", "changed", "changed"]
    assert c.by_substance()[-1] is routine
    assert wording.comparison_summary(c.counts()) == "1 operative paragraph added, 2 changed, 1 removed."


def test_a_moved_paragraph_is_marked_moved_and_the_rest_in_order():
    moved = [OPS[2], OPS[0], OPS[1], OPS[3]]
    c = compare(_doc("a", PRE, OPS), _doc("b", PRE, moved))
    ops = [p for p in c.pairs if p.part == "operative"]
    assert [(p.a.label, p.b.label, p.moved) for p in ops] == [
        ("para. 3", "para. 1", True), ("para. 1", "para. 2", False), ("para. 2", "para. 3", False),
        ("para. 4", "para. 4", False)]
    assert all(p.status == "unchanged" for p in ops)
    assert "moved" in wording.comparison_summary(c.counts())
    # Shown with every paragraph, only the moved one says "Moved"; the rest say "Unchanged".
    assert [wording.change_heading(p, "A", "B").split(":")[0] for p in ops] == [
        "Moved", "Unchanged", "Unchanged", "Unchanged"]


def test_preambular_never_pairs_with_operative():
    # The same words as a preambular paragraph in one and an operative one in the other.
    text = "the importance of safe drinking water and sanitation for the health of all people"
    a = _doc("a", ["Recognizing " + text + ","], ["Decides to remain seized of the matter."])
    b = _doc("b", [], ["Recognizes " + text + ";", "Decides to remain seized of the matter."])
    c = compare(a, b)
    assert {(p.status, p.part) for p in c.pairs} >= {("removed", "preambular"), ("added", "operative")}


def test_long_paragraph_split_into_windows_is_one_paragraph():
    first, second = "Calls upon States to act now on water.", "It also asks them to report on sanitation."
    passages = [_p(0, "1. " + first, number="1", overall=1), _p(1, second, number="1", overall=1)]
    [para] = paragraphs(passages)
    assert para.text == f"1. {first} {second}" and para.label == "para. 1" and para.passage_id == 0


def test_footnotes_and_title_block_are_not_paragraphs():
    title = Passage(id=0, doc_id="a", doc_title="a", section=None, paragraph=0, paragraph_overall=0,
                    page_start=1, page_end=1, text="Title")
    note = Passage(id=1, doc_id="a", doc_title="a", section=None, paragraph=2, paragraph_overall=2,
                   page_start=1, page_end=1, text="1 Resolution 70/1.", footnote=True)
    assert [p.label for p in paragraphs([title, _p(2, "1. Decides.", number="1"), note])] == ["para. 1"]


def test_word_changes_ignore_case_punctuation_and_hyphens():
    assert all(c.kind == "same" for c in word_changes("non-communicable diseases, “care”", "noncommunicable diseases \"care\""))
    # A hyphen the typesetter left before a space mid-line (A/C.3/80/L.17) is the same word.
    assert all(c.kind == "same" for c in word_changes("that target the well- being of women", "that target the well-being of women"))
    assert any(c.kind != "same" for c in word_changes("the well-being of women", "the being of women"))
    assert similarity(["a", "b"], []) == 0.0


def test_paragraph_labels_as_people_write_them():
    assert _label_key("para. 15 (p)") == _label_key("15(p)") == _label_key("paragraph 15 ( p )") == "15 (p)"
    assert _label_key("preambular para. 3") == _label_key("pp 3") == "pp 3"


def test_comparison_questions_are_told_from_other_questions():
    assert compare_asked("What changed between 79/171 and 80/210?") == CompareAsk("changes")
    assert compare_asked("What is new in the 2025 resolution on the right to food?") == CompareAsk("changes")
    assert compare_asked("How does L.41 differ from the adopted text?") == CompareAsk("changes")
    assert compare_asked("Was paragraph 12 of the draft kept?") == CompareAsk("kept", "12")
    assert compare_asked("What happened to para 15 (a) of L.41?") == CompareAsk("kept", "15 (a)")
    assert compare_asked("Was preambular paragraph 3 dropped?") == CompareAsk("kept", "pp 3")
    # Looser ways of asking, beside a word that speaks of a text, a version, a year or a symbol.
    for loose in ("Has the right to food resolution been updated since last year?",
                  "anything new in the 2025 climate text?", "Is the draft L.47 the same as the adopted resolution?",
                  "what did they add to L.41 before adoption", "How has the water resolution evolved?",
                  "How did the Indigenous Peoples resolution change from 2024 to 2025?"):
        assert compare_asked(loose) == CompareAsk("changes"), loose
    assert compare_asked("Is paragraph 20 of 79/171 in 80/210?") == CompareAsk("kept", "20")
    assert compare_asked("Does 80/210 still have paragraph 12 of 79/171?") == CompareAsk("kept", "12")
    # Ways of asking met in a newcomer's words: a word of editing, of adding or losing, of comparing,
    # each beside the documents it is about.
    for asked in ("Can you show me the edits between the climate draft L.37 and the final resolution?",
                  "side by side: 79/159 against 80/191",
                  "Tell me how the agriculture text of 2025 departs from the 2024 one",
                  "Which paragraphs did the Third Committee's draft on water lose or gain on adoption?",
                  "which new paragraphs appear in the latest right to food resolution?",
                  "Is there new language in A/RES/80/138 relative to 79/206?",
                  "what's been introduced in the adopted child rights resolution that wasn't in the draft?",
                  "Has A/RES/80/188 changed from an earlier version?"):
        assert compare_asked(asked) == CompareAsk("changes"), asked
    assert compare_asked("where did paragraph 7 of the right to food draft L.41 end up?") == CompareAsk("kept", "7")
    assert compare_asked("Is para 13 of the L.20 draft gone from 80/190?") == CompareAsk("kept", "13")
    for other in ("What does the 2025 resolution say about climate change in small island states?",
                  "What did the draft say about climate change before adoption?",
                  "Which countries added their names as sponsors of the draft?",
                  "What are the differences between refugees and migrants in the 2025 resolution?",
                  "What does the resolution say about changing diets?",
                  # Found by a second reader: subject words, a year beside its document, "against".
                  "What does the 2025 draft say about violence against women?",
                  "What does resolution 80/210, adopted in 2025, say about violence against women?",
                  "What measures against terrorism were adopted in resolution 79/123?",
                  "What does the resolution say about the revision of the scale of assessments?",
                  "What is the latest update on the humanitarian situation in the 2025 resolution?",
                  "What does the 2024 resolution say about modification of living organisms?",
                  "What does paragraph 2 of 80/210 say about the revised estimates?",
                  "What does the 2025 resolution say about updated national plans?"):
        assert compare_asked(other) is None, other
    for other in ("What does the resolution say about new technologies?", "What is the right to food?",
                  "When was resolution 80/210 adopted?", "Who submitted draft L.41?",
                  "What does paragraph 12 say?", "What are the differences between refugees and migrants?",
                  "migrants vs refugees", "Which countries added their names as sponsors of L.41?",
                  "What measures were adopted to cut poverty?", "How are remittances changing?"):
        assert compare_asked(other) is None, other


def _meta(doc_id: str, title: str, kind: str, when: str, symbol: str, session: int) -> dict:
    date_key = "adoption_date" if kind == "resolution" else "distribution_date"
    return {"id": doc_id, "title": f"{title} ({symbol})",
            "facts": {"title": title, "kind": kind, date_key: when, "symbol": symbol, "session": session}}


LIBRARY = [
    _meta("r79", "The right to food", "resolution", "2024-12-17", "A/RES/79/171", 79),
    _meta("l41", "The right to food", "draft resolution", "2025-11-05", "A/C.3/80/L.41", 80),
    _meta("r80", "The right to food", "resolution", "2025-12-18", "A/RES/80/210", 80),
    _meta("c80", "Protection of global climate", "resolution", "2025-12-19", "A/RES/80/138", 80),
    _meta("x80", "Oceans and the law of the sea", "resolution", "2025-12-10", "A/RES/80/100", 80),
]


def test_families_and_which_version_comes_before_and_after():
    fams = families(LIBRARY, {}, {})
    assert fams == [["r79", "l41", "r80"]]
    meta = {d["id"]: d for d in LIBRARY}
    assert previous_version("r80", fams[0], meta) == "r79"  # last session's, not its own draft
    assert previous_version("l41", fams[0], meta) == "r79"
    assert next_version("l41", fams[0], meta) == "r80"
    assert next_version("r79", fams[0], meta) == "r80"  # the next adopted text
    # Two documents sharing most paragraphs are one family though their titles differ.
    assert families(LIBRARY, {("c80", "x80"): 10}, {"c80": 12, "x80": 15})[1] == ["x80", "c80"]


def test_the_documents_a_comparison_question_means():
    fams = families(LIBRARY, {}, {})
    t = compare_targets("What changed between 80/210 and 79/171?", CompareAsk("changes"), LIBRARY, fams)
    assert (t.a, t.b) == ("r79", "r80")
    t = compare_targets("What is new in the 2025 resolution on the right to food?", CompareAsk("changes"), LIBRARY, fams)
    assert (t.a, t.b) == ("r79", "r80")
    t = compare_targets("Was paragraph 12 of L.41 kept?", CompareAsk("kept", "12"), LIBRARY, fams)
    assert (t.a, t.b, t.side) == ("l41", "r80", "a")
    # The paragraph belongs to the document named just after it, whichever is older.
    t = compare_targets("Is para 3 of 80/210 gone from 79/171?", CompareAsk("kept", "3"), LIBRARY, fams)
    assert (t.a, t.b, t.side) == ("r79", "r80", "b")
    t = compare_targets("Does 80/210 still have paragraph 3 of 79/171?", CompareAsk("kept", "3"), LIBRARY, fams)
    assert (t.a, t.b, t.side) == ("r79", "r80", "a")
    # One document named, and the other version by what it is: a draft's adopted text, a text's draft.
    t = compare_targets("the edits between draft L.41 and the final resolution", CompareAsk("changes"), LIBRARY, fams)
    assert (t.a, t.b) == ("l41", "r80")
    t = compare_targets("What is new in 80/210 compared to its draft?", CompareAsk("changes"), LIBRARY, fams)
    assert (t.a, t.b) == ("l41", "r80")
    t = compare_targets("What changed in A/RES/80/138?", CompareAsk("changes"), LIBRARY, fams)
    assert t.problem == "no-version" and t.document == "c80"
    t = compare_targets("What changed between A/RES/99/1 and A/RES/99/2?", CompareAsk("changes"), LIBRARY, fams)
    assert t.problem == "unknown" and t.unknown == ("A/RES/99/1", "A/RES/99/2")
    two_drafts = LIBRARY + [_meta("l17", "Rights of Indigenous Peoples", "draft resolution", "2025-11-01",
                                  "A/C.3/80/L.17", 80)]
    t = compare_targets("Was paragraph 3 of the draft kept?", CompareAsk("kept", "3"), two_drafts, fams)
    assert t.problem == "unclear" and set(t.candidates) == {"l41", "l17"}
    t = compare_targets("Was paragraph 3 of the draft kept?", CompareAsk("kept", "3"), two_drafts, fams,
                        context="What changed between 79/171 and 80/210?")
    assert (t.a, t.b) == ("l41", "r80")


# --- the real versions in the dev folder --------------------------------------------------------
def _passages(name: str) -> list[dict]:
    return [p.to_dict() for p in corpus_passages([load_document(DEV / name)])]


@pytest.fixture(scope="module")
def dev_passages() -> dict[str, list[Passage]]:
    names = sorted({n for f in FAMILIES for n in f})
    with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        read = dict(zip(names, pool.map(_passages, names)))
    return {n: [Passage.from_dict(d) for d in ps] for n, ps in read.items()}


def _truth_label(label: str) -> str:
    """The hand table's "pp 3" / "op 15 (a)" as the comparison labels them."""
    kind, _, rest = label.partition(" ")
    return f"preambular para. {rest}" if kind == "pp" else f"para. {rest}"


def _whole_paragraphs(pairs) -> set[tuple]:
    """The comparison's rows as the hand table counts them: a paragraph with its lettered
    sub-paragraphs is one unit (changed if any part changed), unnumbered headings left out."""
    parent = lambda side: side and side.label.split(" (")[0]  # noqa: E731  "para. 15 (a)" -> "para. 15"
    groups: dict[tuple, list] = {}
    for p in pairs:
        if (p.a or p.b).part == "body":
            continue
        groups.setdefault((parent(p.a), parent(p.b)), []).append(p)
    out = set()
    for (a, b), rows in groups.items():
        statuses = {r.status for r in rows}
        status = statuses.pop() if len(statuses) == 1 else "changed"
        out.add((a, b, status, any(r.moved for r in rows)))
    return out


@pytest.mark.parametrize("pair", TRUTH["pairs"], ids=lambda p: f"{p['a']}->{p['b']}")
@pytest.mark.slow
def test_alignment_made_by_hand_is_reproduced(dev_passages, pair):
    c = compare(dev_passages[pair["a"]], dev_passages[pair["b"]])
    got = _whole_paragraphs(c.pairs)
    want = {(e["a"] and _truth_label(e["a"]), e["b"] and _truth_label(e["b"]), e["status"], bool(e.get("moved")))
            for e in pair["alignment"]}
    assert sorted(got - want, key=str) == [] and sorted(want - got, key=str) == []


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f[-1])
@pytest.mark.slow
def test_every_paragraph_of_both_documents_appears_once(dev_passages, family):
    for i, a in enumerate(family):
        for b in family[i + 1:]:
            c = compare(dev_passages[a], dev_passages[b])
            for side, name in (("a", a), ("b", b)):
                labels = [getattr(p, side).label for p in c.pairs if getattr(p, side) is not None]
                own = [p.label for p in paragraphs(dev_passages[name])]
                assert sorted(labels) == sorted(own) and len(set(labels)) == len(labels), (a, b, side)
            # Changed rows say what changed; unchanged rows have the same words.
            for p in c.pairs:
                if p.status == "changed":
                    assert any(x.kind != "same" for x in p.changes)
                if p.status == "unchanged":
                    assert p.a.words == p.b.words


@pytest.mark.slow
def test_the_real_versions_are_one_family_each(dev_passages):
    docs = []
    for name, ps in dev_passages.items():
        meta = load_document(DEV / name).metadata()
        docs.append(meta)
    found = families(docs, {}, {})
    want = [[n.removesuffix(".pdf") for n in f] for f in FAMILIES]
    assert sorted(found) == sorted(want)


@pytest.mark.slow
def test_summary_and_export_words_of_a_real_comparison(dev_passages):
    c = compare(dev_passages["A_RES_79_171.pdf"], dev_passages["A_RES_80_210.pdf"], labels=("A/RES/79/171", "A/RES/80/210"))
    summary = wording.comparison_summary(c.counts())
    counts = c.counts()
    # Read by hand: op 5's figures of hunger were rewritten in place (not one removed, one added),
    # and the preamble gains five paragraphs.
    assert (counts["operative"]["added"], counts["operative"]["removed"]) == (0, 0)
    assert summary.startswith(f"{counts['operative']['changed']} operative paragraphs changed")
    assert f"the preamble gains {counts['preambular']['added']} paragraphs" in summary
    rows = c.by_substance()
    assert rows[0].part == "operative" and rows[0].status == "changed"
    heading = wording.change_heading(rows[0], c.a_label, c.b_label)
    assert heading.startswith("Changed: para.") and heading.endswith("of A/RES/80/210")
    op5 = next(r for r in rows if r.b is not None and r.b.label == "para. 5")
    assert op5.a.label == "para. 5" and op5.status == "changed"
    changed = next(r for r in rows if r.status == "changed")
    text = wording.marked_text(changed)
    md = wording.marked_text(changed, markdown=True)
    assert ("[+" in text or "[-" in text) and ("**" in md or "~~" in md)
