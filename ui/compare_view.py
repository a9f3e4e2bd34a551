"""How a comparison of two versions is drawn, in the chat and on the Compare page: each
difference's heading, the paragraph in its own words with added words underlined and removed
ones struck through, and both sides' citations. Escaped like every document text."""

from __future__ import annotations

from retrieval import Pair, say, wording
from ui.html import esc

STYLE = """<style>
.change {border-left:4px solid #6e7781; padding:.3rem .7rem; margin:.5rem 0 .8rem 0; line-height:1.5;
         overflow-wrap:anywhere;}
.change.added {border-color:#1a7f37;} .change.removed {border-color:#cf222e;} .change.changed {border-color:#9a6700;}
.change .head {font-weight:600; font-size:.92rem; margin-bottom:.2rem;}
.change ins {background:#dafbe1; text-decoration:underline;}
.change del {background:#ffebe9; text-decoration:line-through;}
.change .side {color:#444; font-size:.84rem; margin-top:.2rem;}
</style>"""


def marked_html(row: Pair) -> str:
    """The row's paragraph with its changes marked (<ins> added, <del> removed)."""
    if row.status != "changed":
        return esc((row.b or row.a).text)  # type: ignore[union-attr]
    parts = []
    for c in row.changes:
        text = esc(c.text)
        parts.append(text if c.kind == "same" else f"<ins>{text}</ins>" if c.kind == "added" else f"<del>{text}</del>")
    return " ".join(parts)


def row_html(row: Pair, a_label: str, b_label: str) -> str:
    """One difference: its heading, its words marked, each side's citation."""
    sides = [(p.citation or say("changes.side", paragraph=p.label, document=lab))
             for p, lab in ((row.a, a_label), (row.b, b_label)) if p is not None]
    # A moved paragraph is a difference (amber, like a change); an unchanged one keeps the grey rule.
    kind = ("changed" if row.moved else "unchanged") if row.status == "unchanged" else row.status
    return (f'<div class="change {kind}"><div class="head">{esc(wording.change_heading(row, a_label, b_label))}</div>'
            f'<div>{marked_html(row)}</div>'
            + "".join(f'<div class="side">{esc(s)}</div>' for s in sides) + "</div>")


def rows_html(rows, a_label: str, b_label: str) -> str:
    return STYLE + "".join(row_html(r, a_label, b_label) for r in rows)
