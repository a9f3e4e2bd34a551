"""The table of today's quality figures in docs/quality.md, made by ``make tables``, never by hand.

Every question set of the project is asked of the engine as it is (the shipped summary's sets; the
shared dev set when it is there; the UN dev library's two sets, on a library built from
``../shared/un-documents/dev`` and kept in ``data/dev-library`` so that the next run reads nothing
again), with the pair of models and with MiniLM alone, and the figures are written between two
markers of docs/quality.md. Whatever else the page says is left as it is.

    python -m retrieval.dev.figure_tables [--write]
"""

from __future__ import annotations

import argparse
import shutil
from datetime import date
from pathlib import Path

from ..answer.engine import Engine
from ..config import DATA_DIR, PROJECT_ROOT as ROOT, Settings
from .calibration import DATA, DEV, SETS, UN_DEV, UN_DEV_SETS
from .evaluation import evaluate, load_questions

QUALITY_PAGE = ROOT / "docs" / "quality.md"
BEGIN = "<!-- figures: made by `make tables`; edits here are overwritten -->"
END = "<!-- end of the figures made by `make tables` -->"
COLUMNS = (("hit@1", "hit@1"), ("hit@3", "hit@3"), ("mrr@5", "MRR@5"), ("highlight@1", "highlight@1"),
           ("box_coverage", "box coverage"), ("box_precision", "box precision"),
           ("off_topic_refused", "off-topic refused"), ("uncovered_boxed", "uncovered boxed"),
           ("near_topic_honest", "near-topic honest"), ("right_document@1", "right document first"),
           ("cited_by_own_number", "cited by its own para."), ("cited_on_printed_page", "cited on its printed page"))
# Figures that are rates over the answerable questions: none when a set has none.
_OVER_ANSWERABLE = {"hit@1", "hit@3", "mrr@5", "highlight@1", "box_coverage", "box_precision"}
DEV_LIBRARY = DATA_DIR / "dev-library"


def render_table(rows: list[tuple[str, str, dict]], made: date) -> str:
    """Markdown: one row per (set, models) with the figures ``evaluate`` gives ("–" where a set
    has no such figure: a set without uncovered questions has no "uncovered boxed", a count out of
    none is none, a set of near-topic questions only has no hit@1)."""
    head = "| set | models | " + " | ".join(title for _, title in COLUMNS) + " |"
    rule = "|---|---|" + "---|" * len(COLUMNS)
    lines = [f"Made on {made.isoformat()} by `make tables` from the sets as they are in the repository.", "",
             head, rule]
    for name, models, figures in rows:
        cells = ["–" if key not in figures or str(figures[key]).endswith("/0")
                 or (key in _OVER_ANSWERABLE and not figures.get("answerable")) else str(figures[key])
                 for key, _ in COLUMNS]
        lines.append(f"| {name} | {models} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def splice(page: str, table: str) -> str:
    """The page with the text between the markers replaced by ``table``; the markers and the table
    added at the end of a page that has neither. One marker without the other is an error: the page
    was edited by hand, and guessing would lose text."""
    has_begin, has_end = BEGIN in page, END in page
    if has_begin != has_end or page.count(BEGIN) > 1 or page.count(END) > 1:
        raise ValueError(f"{QUALITY_PAGE.name}: the markers of the made figures are not a single pair")
    if not has_begin:
        return page.rstrip("\n") + f"\n\n## Today's figures\n{BEGIN}\n{table}\n{END}\n"
    before, rest = page.split(BEGIN, 1)
    _, after = rest.split(END, 1)
    return f"{before}{BEGIN}\n{table}\n{END}{after}"


def _dev_library(pair: Engine) -> Engine | None:
    """The UN dev library, built once with the pair's models and kept beside the data folder."""
    if not UN_DEV.is_dir():
        return None
    corpus = DEV_LIBRARY / "documents"
    corpus.mkdir(parents=True, exist_ok=True)
    for pdf in sorted(UN_DEV.iterdir()):
        if pdf.is_file() and not (corpus / pdf.name).exists():
            shutil.copy2(pdf, corpus / pdf.name)
    return Engine.load(Settings.from_env(corpus_dir=corpus, index_dir=DEV_LIBRARY / "index"),
                       embedder=pair.embedder, second_embedder=pair.second[0] if pair.second else None)


def measure() -> list[tuple[str, str, dict]]:
    """Every set with both configurations, in one process (the models load once), asked for five
    results as ``python -m retrieval eval`` asks."""
    pair = Engine.load(Settings.from_env())
    library = _dev_library(pair)
    engines = [("pair", pair)] if pair.second else []
    engines.append(("MiniLM alone", pair.single_model()))
    rows = []
    sets = [(name, DATA / name) for name in SETS] + ([(f"shared {DEV.name}", DEV)] if DEV.exists() else [])
    for name, path in sets:
        questions = load_questions(path)
        for models, engine in engines:
            rows.append((name, models, evaluate(lambda q, e=engine: e.ask(q, top_k=5), questions).figures()))
    if library is not None:
        library_engines = [("pair", library)] if library.second else []
        library_engines.append(("MiniLM alone", library.single_model()))
        for name in UN_DEV_SETS:
            questions = load_questions(DATA / name)
            for models, engine in library_engines:
                rows.append((f"UN dev library, {name}", models, evaluate(lambda q, e=engine: e.ask(q, top_k=5), questions).figures()))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write the table into {QUALITY_PAGE.name}")
    args = parser.parse_args()
    table = render_table(measure(), date.today())
    print(table)
    if args.write:
        QUALITY_PAGE.write_text(splice(QUALITY_PAGE.read_text(encoding="utf-8"), table), encoding="utf-8")
        print(f"\nwritten: {QUALITY_PAGE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
