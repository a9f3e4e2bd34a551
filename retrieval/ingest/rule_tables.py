"""Tables drawn with horizontal rules only, read cell by cell.

A UN report sets its tables with a rule above the header, a rule under it and a rule at the foot,
and no vertical rules. pdfplumber's table finder needs vertical rules as well, so such a table was
read line by line across its columns: "As these works are The project would perform This risks a
delay of 6 to 12 …", six cells' words woven into one unreadable passage, and its header taken for a
section heading ("Phase/subphase Start End") that then named the paragraphs after the table.

The word processor that made the PDF draws each cell's border as a segment of its own, so a rule
is a row of segments that touch, and **the columns are where the segments join**. A table starts at
a rule with a header rule of the same span close below it, both joined only at column edges (a
running head's rule of two segments, joined anywhere, starts none). Below it the table runs as long
as no line has a word across a column edge (a line of the text after the table does), and ends at
its foot rule: below a rule of its span, a line that fills fewer than two columns (a note, a
caption, the next heading) is not the table's; the page's footer band never is. A row ends at a
rule, at a wider gap between lines than the table's own line pitch, where the first column's text
begins again after it stopped, or after a wrapped label's line of figures. A candidate is a table
only when at least two of its rows fill two columns or more.

Pure functions over segments and ``Word`` records (no PDF); ``pdf_layout._text_page`` passes them
a page's thin rectangles and lines and its words.
"""

from __future__ import annotations

import bisect
import statistics
from dataclasses import dataclass

from .pdf_layout import Word, _rows

JOIN = 3.0  # segments closer than this end to end are one rule, joined where they meet
SAME_SPAN = 8.0  # rules whose ends are this close span the same table
MIN_SPAN = 0.25  # of the page width: a shorter rule (a footnote separator) starts no table
ROW_GAP = 1.35  # a gap between lines this many times the table's line pitch starts a new row
END_GAP = 2.5  # and one this many times ends the table
HEAD_DEPTH = 60.0  # points from a table's top rule to the rule under its header, at most (five lines)


@dataclass(frozen=True)
class Rule:
    """A horizontal rule: where it is, its ends, and where its segments join (column edges)."""

    top: float
    x0: float
    x1: float
    joints: tuple[float, ...]


@dataclass(frozen=True)
class RuleTable:
    """A table read from between rules: its rows of cells, where it starts and ends, and the
    words it took from the page."""

    rows: tuple[tuple[str, ...], ...]  # the header first (empty cells when it has none)
    top: float
    bottom: float
    words: frozenset[int]  # indices into the page's words


def page_rules(segments: list[tuple[float, float, float]], width: float) -> list[Rule]:
    """Rules from a page's horizontal segments ``(x0, x1, top)``: segments at one height that
    touch end to end are one rule; rules shorter than ``MIN_SPAN`` of the page are left out."""
    by_height: dict[int, list[tuple[float, float, float]]] = {}
    for x0, x1, top in segments:
        by_height.setdefault(round(top / 2), []).append((min(x0, x1), max(x0, x1), top))
    rules: list[Rule] = []
    for group in by_height.values():
        group.sort()
        start, end, top, joints = group[0][0], group[0][1], group[0][2], []
        for x0, x1, t in group[1:]:
            if x0 - end <= JOIN:
                joints.append((x0 + end) / 2)
                end, top = max(end, x1), min(top, t)
                continue
            rules.append(_rule(start, end, top, joints))
            start, end, top, joints = x0, x1, t, []
        rules.append(_rule(start, end, top, joints))
    return sorted((r for r in rules if r.x1 - r.x0 >= MIN_SPAN * width), key=lambda r: r.top)


def _rule(x0: float, x1: float, top: float, joints: list[float]) -> Rule:
    # A cell's corner is often a segment of its own a point or two long: the joints on either
    # side of it are one column edge.
    edges: list[float] = []
    for j in sorted(joints):
        if x0 + JOIN < j < x1 - JOIN:
            if edges and j - edges[-1] <= JOIN:
                edges[-1] = (edges[-1] + j) / 2
            else:
                edges.append(j)
    return Rule(top, x0, x1, tuple(edges))


def rule_tables(rules: list[Rule], words: list[Word], foot: float | None = None) -> list[RuleTable]:
    """The tables that start at ``rules`` among a page's ``words`` (see the module's docstring);
    words below ``foot`` (the page's footer band) are never a table's."""
    tables: list[RuleTable] = []
    taken: set[int] = set()
    used_rules: set[int] = set()
    for k, start in enumerate(rules):
        if k in used_rules or not start.joints:
            continue
        family = [i for i in range(k, len(rules)) if _same_span(rules[i], start)]
        table = _table_from(start, [rules[i] for i in family], words, taken, foot)
        if table is None:
            continue
        tables.append(table)
        taken |= table.words
        # Its rules, the foot rule under its last row included, start no other table.
        below = [i for i in family if rules[i].top > table.bottom + 1]
        used_rules.update(i for i in family if rules[i].top <= table.bottom + 1)
        used_rules.update(below[:1])
    return tables


def _same_span(a: Rule, b: Rule) -> bool:
    return abs(a.x0 - b.x0) <= SAME_SPAN and abs(a.x1 - b.x1) <= SAME_SPAN


def _agrees(top: Rule, edges: tuple[float, ...]) -> bool:
    """Whether a top rule's joints are column edges of the rule under the header (a header cell
    over two sub-columns leaves out an edge, never adds one): a running head's rule, whose two
    segments join anywhere, is no table's top."""
    return all(any(abs(j - e) <= 2 * JOIN for e in edges) for j in top.joints)


def _table_from(start: Rule, family: list[Rule], words: list[Word], taken: set[int],
                foot: float | None = None) -> RuleTable | None:
    # The header rule: the next rule of the same span close below the top one; a rule with none
    # (a running head's rule) starts no table.
    below = [r for r in family if start.top + 1 < r.top <= start.top + HEAD_DEPTH]
    if not below:
        return None
    header_rule = below[0]
    # The column edges: the joints of the rule of the table's head that has the most (the rule
    # under a header whose cells span sub-columns joins at every sub-column).
    edges = max([start, *below], key=lambda r: len(r.joints)).joints
    if not edges or not _agrees(start, edges) or not _agrees(header_rule, edges):
        return None
    header_end = header_rule.top
    inside = [i for i, w in enumerate(words) if i not in taken and w.top > start.top - 1
              and start.x0 - 2 <= _x(w) <= start.x1 + 2 and (foot is None or w.top < foot)]
    # Lines as the layout reading groups words (a raised footnote mark on its line), as indices.
    index = {id(words[i]): i for i in inside}
    lines = [[(index[id(w)], w) for w in row] for row in _rows([words[i] for i in inside])]
    if not lines:
        return None
    # The table's line pitch, from baseline to baseline (cells whose baselines differ by a point or
    # two are one line); a table of one-line rows set apart has no step of its line pitch: the size
    # of its type bounds it.
    bottoms = [max(w.bottom for _, w in line) for line in lines[:40]]
    steps = [b - a for a, b in zip(bottoms, bottoms[1:]) if b - a >= 3]
    size = statistics.median(w.size for line in lines[:40] for _, w in line)
    pitch = max(min(statistics.median(steps) if steps else 12.0, 1.25 * size), 6.0)
    kept: list[list[tuple[int, Word]]] = []
    for line in lines:
        bottom = max(w.bottom for _, w in line)
        in_header = bottom <= header_end + 1
        # The header may have a cell across sub-columns ("In previous report" over "Start" and
        # "End"): only the body is held to the edges.
        if not in_header and any(w.x0 < e - 1 and w.x1 > e + 1 for _, w in line for e in edges):
            break  # a line across a column edge: the text after the table
        if kept and bottom - max(w.bottom for _, w in kept[-1]) > END_GAP * pitch:
            break
        # Below a rule of the table's span, a row goes on filling two columns or more (a subtotal, a
        # total); a line that does not (a note, a caption, the next heading) is below the table's foot.
        if kept and not in_header and any(max(w.bottom for _, w in kept[-1]) < r.top < min(w.top for _, w in line)
                                          and r.top > header_end + 1 for r in family) \
                and len({_column(_x(w), edges) for _, w in line}) < 2:
            break
        kept.append(line)
    if not kept:
        return None
    bounds = (start.x0, *edges, start.x1)
    rule_tops = sorted(r.top for r in family if start.top < r.top < kept[-1][-1][1].bottom + 1)
    rows: list[list[list[str]]] = []
    previous: list[tuple[int, Word]] | None = None
    previous_first = row_ends = False
    label_only = True  # the row so far is its first column's label alone
    for line in kept:
        top = min(w.top for _, w in line)
        cells: list[list[str]] = [[] for _ in range(len(bounds) - 1)]
        for _, w in line:
            cells[_column(_x(w), edges)].append(w.text)
        first = bool(cells[0])
        in_header = max(w.bottom for _, w in line) <= header_end + 1
        new_row = previous is None
        if previous is not None:
            step = max(w.bottom for _, w in line) - max(w.bottom for _, w in previous)
            ruled = any(max(w.bottom for _, w in previous) - 1 <= t <= top + 1 for t in rule_tops)
            # The header's lines are one row, however its cells are stacked.
            new_row = not in_header and (ruled or step > ROW_GAP * pitch or (first and not previous_first)
                                         or (first and row_ends))
        if new_row:
            rows.append([[] for _ in cells])
            label_only = True
        for c, cell in enumerate(cells):
            rows[-1][c].extend(cell)
        # A figure table's row whose label wraps carries its figures on the label's last line: the
        # next line with a label begins another row. (A row that began with cells of its own, a
        # phase and its months, goes on below its line of years.)
        figures = sum(1 for c in cells[1:] if c) >= 2 and all(
            c[0][:1].isdigit() or c[0][:1] in "–-—" for c in cells[1:] if c)
        row_ends = figures and label_only
        label_only = label_only and not any(cells[1:])
        previous, previous_first = line, first
    table = [tuple(" ".join(cell) for cell in row) for row in rows]
    if max(w.bottom for _, w in kept[0]) > header_end + 1:  # nothing between the top and header rules
        table.insert(0, tuple("" for _ in table[0]))
    filled = sum(1 for row in table[1:] if sum(1 for c in row if c) >= 2)
    if filled < 2:
        return None
    used = frozenset(i for line in kept for i, _ in line)
    return RuleTable(tuple(table), start.top, max(w.bottom for line in kept for _, w in line), used)


def _column(x: float, edges: tuple[float, ...]) -> int:
    """The column a word whose middle is at ``x`` is in: one, whatever its distance to an edge."""
    return bisect.bisect_right(edges, x)


def _x(w: Word) -> float:
    return (w.x0 + w.x1) / 2
