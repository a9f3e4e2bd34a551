"""Finding a document among hundreds (#32): pure, over records made from the hand-made facts of
the 24 dev PDFs (tests/data/un_dev_facts.json) and the 326 resolutions' symbols."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT
from retrieval.chat.catalogue import (PER_PAGE, SORTS, document_date, listing_label, find_documents,
                                      matches, page_of)

FACTS = json.loads((ROOT / "tests" / "data" / "un_dev_facts.json").read_text(encoding="utf-8"))


def _records() -> list[dict]:
    out = []
    for name, f in FACTS.items():
        facts = {k: v for k, v in f.items() if v is not None}
        out.append({"id": name.removesuffix(".pdf"), "title": f["title"], "file": name, "facts": facts,
                    "date": f.get("distribution_date")})
    out.append({"id": "panel-summary", "title": "Panel discussion on international migration and development",
                "date": "2013-06-25", "facts": {}})
    out.append({"id": "notes", "title": "Undated notes", "facts": {}})
    return out


DOCS = _records()


@pytest.mark.parametrize("typed", ["A/RES/79/149", "a/res/79/149", "79/149", "ares79149", "RES/79/149"])
def test_a_symbol_is_found_however_it_is_typed(typed):
    found = find_documents(DOCS, typed)
    assert [listing_label(d).split(" — ")[0] for d in found] == ["A/RES/79/149"]


def test_words_of_a_title_or_facts_find_every_document_that_has_them_all():
    found = find_documents(DOCS, "third committee draft")
    assert found and all(d["facts"].get("kind") == "draft resolution" and d["facts"].get("body") == "Third Committee"
                         for d in found)
    assert len(found) == sum(1 for f in FACTS.values() if f["kind"] == "draft resolution"
                             and f.get("body") == "Third Committee")
    assert find_documents(DOCS, "peacekeeping")[0]["facts"]["symbol"] == "A/79/19"
    assert find_documents(DOCS, "no such words anywhere") == []
    assert len(find_documents(DOCS, "   ")) == len(DOCS)


def test_newest_first_uses_the_adoption_date_and_puts_undated_documents_last():
    ordered = find_documents(DOCS, "", "newest first")
    dates = [document_date(d) for d in ordered]
    dated = [x for x in dates if x]
    assert dated == sorted(dated, reverse=True)
    assert dates[-1] is None and ordered[-1]["id"] == "notes"
    res = next(d for d in DOCS if d["facts"].get("symbol") == "A/RES/80/210")
    assert document_date(res) == res["facts"]["adoption_date"]  # adopted, not issued
    oldest = find_documents(DOCS, "", "oldest first")
    assert oldest[0]["facts"]["symbol"] == "A/39/361" and oldest[-1]["id"] == "notes"


def test_symbols_sort_by_their_numbers():
    docs = [{"id": s, "title": s, "facts": {"symbol": s}} for s in
            ("A/RES/78/10", "A/RES/78/9", "A/RES/78/100", "A/C.3/80/L.20", "A/C.3/80/L.3")]
    got = [d["facts"]["symbol"] for d in find_documents(docs, "", "symbol")]
    assert got == ["A/C.3/80/L.3", "A/C.3/80/L.20", "A/RES/78/9", "A/RES/78/10", "A/RES/78/100"]


def test_the_326_resolutions_page_by_page():
    folder = ROOT.parent / "shared" / "un-documents" / "resolutions-78"
    names = sorted(p.stem for p in folder.glob("A_RES_78_*.pdf"))
    assert len(names) == 326
    docs = [{"id": n, "title": f"Resolution {n}", "facts": {"symbol": n.replace("_", "/")}} for n in names]
    ordered = find_documents(docs, "", "symbol")
    pages = [page_of(ordered, k) for k in range(1, 18)]
    assert pages[0].pages == -(-326 // PER_PAGE) == 17
    seen = [d["id"] for p in pages for d in p.items]
    assert len(seen) == 326 == len(set(seen))
    assert pages[-1].first == 16 * PER_PAGE + 1 and pages[-1].total == 326
    assert page_of(ordered, 99).number == 17 and page_of(ordered, 0).number == 1  # clamped
    assert page_of([], 3) == page_of([], 1) and page_of([], 1).first == 0
    assert ordered[0]["facts"]["symbol"] == "A/RES/78/1" and ordered[9]["facts"]["symbol"] == "A/RES/78/10"


def test_a_label_names_the_symbol_once():
    report = next(d for d in DOCS if d["facts"].get("symbol") == "A/79/19")
    assert listing_label(report) == "A/79/19 — Report of the Special Committee on Peacekeeping Operations"
    assert listing_label({"title": "Report (A/79/19)", "facts": {"symbol": "A/79/19"}}) == "Report (A/79/19)"
    assert listing_label({"id": "notes", "title": "Notes", "facts": {}}) == "Notes"
    assert not matches({"id": "x", "title": "Migration"}, "/")  # punctuation alone matches nothing
    with pytest.raises(ValueError, match="sort must be one of"):
        find_documents(DOCS, "", "size")
    assert set(SORTS) == {"newest first", "oldest first", "symbol", "title"}
