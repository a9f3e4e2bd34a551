"""The quality page's table of figures is made, not typed (#29): rendered from what ``evaluate``
gives, and written between its markers without touching the rest of the page."""

from __future__ import annotations

from datetime import date

import pytest

from retrieval.dev.evaluation import EvalReport
from retrieval.dev.figure_tables import BEGIN, COLUMNS, END, render_table, splice


def figures(**counts) -> dict:
    return EvalReport(**counts).figures()


def test_a_row_per_set_and_models_with_every_column():
    rows = [("questions.jsonl", "pair", figures(answerable=50, hit1=46, hit3=48, off_topic=10, refused_off_topic=10)),
            ("questions.jsonl", "MiniLM alone", figures(answerable=50, hit1=40, hit3=48))]
    table = render_table(rows, date(2026, 12, 7)).splitlines()
    assert table[0].startswith("Made on 2026-12-07")
    assert table[2].count("|") == len(COLUMNS) + 3
    assert table[4].startswith("| questions.jsonl | pair | 0.92 | 0.96 |") and "| 10/10 |" in table[4]
    assert table[5].startswith("| questions.jsonl | MiniLM alone | 0.8 | 0.96 |")
    assert table[4].endswith("| – |")  # no near-topic question in that set: no figure, not a zero


def test_a_set_of_near_topic_questions_only_has_no_hit_rate_and_no_count_out_of_none():
    table = render_table([("near_topic_questions.jsonl", "pair", figures(near_topic=40, near_topic_honest=25))],
                         date(2026, 12, 7)).splitlines()
    cells = [c.strip() for c in table[4].strip("|").split("|")]
    named = dict(zip(["set", "models", *(title for _, title in COLUMNS)], cells))
    assert named["hit@1"] == named["box precision"] == named["off-topic refused"] == "–"
    assert named["near-topic honest"] == "25/40"


def test_splice_replaces_only_what_is_between_the_markers():
    page = f"# Quality\n\nBefore.\n\n{BEGIN}\nold table\n{END}\n\nAfter, kept.\n"
    out = splice(page, "new table")
    assert out == f"# Quality\n\nBefore.\n\n{BEGIN}\nnew table\n{END}\n\nAfter, kept.\n"
    assert splice(out, "new table") == out


def test_splice_adds_the_markers_once_to_a_page_without_them():
    out = splice("# Quality\n\nText.\n", "table")
    assert out.endswith(f"{BEGIN}\ntable\n{END}\n") and out.count(BEGIN) == 1
    assert splice(out, "again").count(BEGIN) == 1


@pytest.mark.parametrize("page", [f"x {BEGIN} y", f"x {END} y", f"{BEGIN}{END}{BEGIN}{END}"])
def test_splice_refuses_a_page_whose_markers_were_edited(page):
    with pytest.raises(ValueError):
        splice(page, "table")


def test_the_quality_page_holds_one_made_table():
    from retrieval.dev.figure_tables import QUALITY_PAGE

    text = QUALITY_PAGE.read_text(encoding="utf-8")
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    made = text.split(BEGIN, 1)[1].split(END, 1)[0]
    assert "| set | models |" in made and "| pair |" in made and "| MiniLM alone |" in made
