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


def test_a_running_heads_rule_whose_joint_is_no_column_edge_starts_no_table():
    # A running head's rule of two segments joined at x=300, close above the table's own top rule:
    # its joint is no edge of the table's columns, so the table starts at its own rule, and the
    # caption between the two rules is no header.
    words = (_words(95, (62, "Table 2")) + _words(135, (62, "Region"), (202, "Fishers"), (332, "Notes"))
             + _words(160, (62, "South-East Asia"), (202, "1 900 000"), (332, "Distant water."))
             + _words(185, (62, "West Africa"), (202, "650 000"), (332, "Seasonal.")))
    head = [(60, 299, 80), (299, 301, 80), (301, 540, 80)]
    rules = page_rules(head + _cell_rule(120, EDGES) + _cell_rule(142, EDGES), WIDTH)
    (table,) = rule_tables(rules, words)
    assert table.top == 120 and table.rows[0] == ("Region", "Fishers", "Notes")
    assert "Table" not in {words[i].text for i in table.words}


def test_a_table_ends_at_its_foot_rule_and_its_note_and_the_page_footer_stay_out():
    words = (_words(115, (62, "Region"), (202, "Fishers"), (332, "Notes"))
             + _words(140, (62, "South-East Asia"), (202, "1 900 000"), (332, "Distant water."))
             + _words(165, (62, "West Africa"), (202, "650 000"), (332, "Seasonal."))
             + _words(190, (62, "a Estimates of 2024."))  # the table's note, below its foot rule
             + _words(770, (62, "24-16783"), (332, "29/56")))  # the page's footer
    rules = page_rules(_cell_rule(100, EDGES) + _cell_rule(122, EDGES) + _cell_rule(172, EDGES), WIDTH)
    (table,) = rule_tables(rules, words, foot=760)
    assert table.rows[1:] == (("South-East Asia", "1 900 000", "Distant water."), ("West Africa", "650 000", "Seasonal."))
    assert table.bottom == 165


def test_a_word_beside_a_column_edge_is_in_one_cell():
    words = (_words(115, (62, "Region"), (202, "Fishers"), (332, "Notes"))
             + [Word("Z", 198.5, 200.5, 131, 140, 10.0, False)] + _words(140, (62, "A"), (202, "2"), (332, "y"))
             + _words(165, (62, "B"), (202, "3"), (332, "z")))
    rules = page_rules(_cell_rule(100, EDGES) + _cell_rule(122, EDGES), WIDTH)
    (table,) = rule_tables(rules, words)
    assert table.rows[1] == ("A Z", "2", "y")


def test_a_row_that_begins_with_its_own_cells_goes_on_below_its_line_of_figures():
    # A schedule: a phase and its months on one line, the years below, the phase's name wrapping
    # onto a third line: one row, not a row of the name's last words.
    words = (_words(115, (62, "Phase"), (202, "Start"), (332, "End"))
             + _words(140, (62, "(ii) Concept"), (202, "March"), (332, "February"))
             + _words(151, (62, "engineering and"), (202, "2010"), (332, "2011"))
             + _words(162, (62, "architectural study"))
             + _words(187, (62, "(iii) Design"), (202, "May"), (332, "June"))
             + _words(198, (62, "work"), (202, "2012"), (332, "2013")))
    rules = page_rules(_cell_rule(100, EDGES) + _cell_rule(122, EDGES), WIDTH)
    (table,) = rule_tables(rules, words)
    assert table.rows[1:] == (("(ii) Concept engineering and architectural study", "March 2010", "February 2011"),
                              ("(iii) Design work", "May 2012", "June 2013"))
