"""Tables set with horizontal rules only (``retrieval.ingest.rule_tables``): rules from segments,
columns from where the segments join, rows from rules, gaps and the first column. Pure functions on
made-up words; the real tables of a UN report are read in ``test_un_documents.py``."""

from __future__ import annotations

from retrieval.ingest.pdf_layout import Word
from retrieval.ingest.rule_tables import page_rules, rule_tables

WIDTH = 600.0


def _words(line_bottom: float, *cells: tuple[float, str]) -> list[Word]:
    """Words of one line: each (x, text) laid out from x, 5 pt a character."""
    out = []
    for x, text in cells:
        for word in text.split():
            out.append(Word(word, x, x + 5 * len(word), line_bottom - 9, line_bottom, 10.0, False))
            x += 5 * len(word) + 3
    return out


def _cell_rule(top: float, edges: list[float]) -> list[tuple[float, float, float]]:
    """A rule drawn as a word processor draws it: a segment per cell, a short one at each corner."""
    segments = []
    for a, b in zip(edges, edges[1:]):
        segments.append((a + (1 if a != edges[0] else 0), b - (1 if b != edges[-1] else 0), top))
    segments += [(e - 1, e + 1, top) for e in edges[1:-1]]
    return segments


EDGES = [60.0, 200.0, 330.0, 540.0]


def test_touching_segments_are_one_rule_with_its_column_edges():
    rules = page_rules(_cell_rule(100, EDGES) + [(60, 140, 700)], WIDTH)  # and a footnote separator
    assert len(rules) == 1
    rule = rules[0]
    assert (rule.x0, rule.x1) == (60.0, 540.0)
    assert [round(j) for j in rule.joints] == [200, 330]


def _table_page(after: list[Word]) -> tuple[list, list[Word]]:
    words = (_words(115, (62, "Region"), (202, "Fishers"), (332, "Notes"))
             + _words(140, (62, "South-East"), (202, "1 900 000"), (332, "Most work on"))
             + _words(151, (62, "Asia"), (332, "distant-water vessels."))
             + _words(176, (62, "West Africa"), (202, "650 000"), (332, "Seasonal."))
             + after)
    rules = page_rules(_cell_rule(100, EDGES) + _cell_rule(122, EDGES), WIDTH)
    return rules, words


def test_a_table_is_read_by_columns_and_its_wrapped_cells_are_one_row():
    prose = _words(215, (62, "After the table the text runs across the whole width of the page again."))
    rules, words = _table_page(prose)
    tables = rule_tables(rules, words)
    assert len(tables) == 1
    table = tables[0]
    assert table.rows == (("Region", "Fishers", "Notes"),
                          ("South-East Asia", "1 900 000", "Most work on distant-water vessels."),
                          ("West Africa", "650 000", "Seasonal."))
    # The text after it is not the table's: a line across a column edge ends the table.
    assert {words[i].text for i in table.words}.isdisjoint({"After", "whole", "width"})
    assert table.top == 100 and table.bottom == 176


def test_a_rule_without_a_header_rule_below_starts_no_table():
    # A running head's rule above text set in what could pass for columns.
    words = (_words(115, (62, "Region"), (202, "Fishers"), (332, "Notes"))
             + _words(140, (62, "South-East"), (202, "1 900 000"), (332, "Most work on"))
             + _words(165, (62, "West Africa"), (202, "650 000"), (332, "Seasonal.")))
    assert rule_tables(page_rules(_cell_rule(100, EDGES), WIDTH), words) == []


def test_text_across_the_columns_is_no_table():
    words = (_words(115, (62, "Region"), (202, "Fishers"), (332, "Notes"))
             + _words(140, (62, "A paragraph of prose set across the columns of the rules above it all.")))
    rules = page_rules(_cell_rule(100, EDGES) + _cell_rule(122, EDGES), WIDTH)
    assert rule_tables(rules, words) == []


def test_a_figure_tables_rows_are_one_line_each_and_a_wrapped_label_carries_its_figures():
    words = (_words(115, (62, "Item"), (202, "2023"), (332, "2024"))
             + _words(140, (62, "Construction of"))
             + _words(151, (62, "new building"), (202, "10 599"), (332, "27 612"))
             + _words(162, (62, "Renovation"), (202, "–"), (332, "75"))
             + _words(173, (62, "Escalation"), (202, "–"), (332, "–")))
    rules = page_rules(_cell_rule(100, EDGES) + _cell_rule(122, EDGES), WIDTH)
    (table,) = rule_tables(rules, words)
    assert table.rows[1:] == (("Construction of new building", "10 599", "27 612"),
                              ("Renovation", "–", "75"), ("Escalation", "–", "–"))
