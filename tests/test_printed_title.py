"""A PDF's title as its first page prints it (``retrieval.ingest.printed_title``), for a document
without a UN masthead whose file properties give no title, or one that is no title."""

from __future__ import annotations

import pytest

from retrieval.ingest.corpus import load_document
from retrieval.ingest.pdf_layout import Line, Page
from retrieval.ingest.printed_title import is_a_title, printed_title

from conftest import DATA
from typeset import _Typeset, treaty_pdf


@pytest.mark.parametrize("title, stem, expected", [
    ("Statement by the Philippines", "PH_EN", True),
    ("Microsoft Word - PH_EN.docx", "PH_EN", False),
    ("Document1", "x", False), ("untitled", "x", False), ("PH_EN", "PH_EN", False),
    ("gd79_statement_ph", "other", False), (None, "x", False), ("  ", "x", False),
    ("Convention", "x", True),
])
def test_a_title_from_the_properties_names_the_document_or_not(title, stem, expected):
    assert is_a_title(title, stem) is expected


def _line(text: str, top: float, size: float) -> Line:
    return Line(text, 72, 500, top, top + size, size, False)


def test_the_printed_title_is_the_largest_type_at_the_top_of_page_one():
    page = Page(1, 612, 792, (
        _line("Check against delivery", 40, 9),
        _line("Statement by the Republic of the Philippines", 90, 16),
        _line("at the General Debate of the seventy-ninth session", 110, 16),
        _line("New York, 24 September 2024", 140, 12),
        *(_line(f"Mr. President, the Philippines is a nation of migrants and of seafarers ({k}).", 200 + 14 * k, 11)
          for k in range(12)),
        _line("A closing heading in the largest type, far below", 600, 16),
    ))
    assert printed_title(page) == ("Statement by the Republic of the Philippines at the General Debate of the "
                                   "seventy-ninth session")


def test_a_page_set_in_one_size_has_no_printed_title():
    page = Page(1, 612, 792, tuple(_line(f"Line {k} of a plain page of text.", 80 + 14 * k, 11) for k in range(10)))
    assert printed_title(page) is None


def test_a_pdf_whose_properties_give_no_title_is_listed_by_its_printed_one(tmp_path):
    plain = treaty_pdf(DATA / "coastal_fishers_convention.txt", tmp_path / "convention-2031.pdf")
    assert load_document(plain).title == "Convention on the Protection of Coastal Fishers"
    # A word processor's title in the properties is no title either.
    pdf = _Typeset("")
    pdf.set_title("Microsoft Word - CF_EN.docx")
    pdf.add_page()
    pdf.set_font(pdf.family, "B", 15)
    pdf.multi_cell(0, 7, "Statement on coastal fishers", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    for _ in range(3):
        pdf.paragraph("Coastal fishers work long hours far from home, and their families depend on what they "
                      "send home. Their rights at sea deserve the protection of every State.")
    pdf.output(str(tmp_path / "CF_EN.pdf"))
    assert load_document(tmp_path / "CF_EN.pdf").title == "Statement on coastal fishers"


@pytest.mark.parametrize("author, expected", [("Microsoft Office User", False), ("Administrator", False), ("", False),
                                              (None, False), ("Secretary-General", True), ("Permanent Mission of Chile", True)])
def test_an_author_from_the_properties_names_someone_or_not(author, expected):
    from retrieval.ingest.printed_title import is_an_author

    assert is_an_author(author) is expected


def test_who_said_a_statement_is_the_one_its_printed_title_names():
    from retrieval.chat.wording import document_speaker

    statement = {"title": "Statement by the Republic of the Philippines at the General Debate of the seventy-ninth session",
                 "author": None, "facts": None}
    assert document_speaker(statement) == "from the statement by the Republic of the Philippines"
    assert document_speaker({"title": "Address by the Secretary-General to the General Assembly"}) == \
        "from the address by the Secretary-General"
    # A document with a masthead's facts speaks as its facts say, whatever its title.
    assert document_speaker({"title": "Statement by X", "author": "Y", "facts": {"kind": "note"}}) == "from Y"


def test_a_title_the_layout_marked_as_a_heading_reads_as_a_title_line_in_the_title_block():
    from retrieval.ingest.passages import split_passages

    text = ("Check against delivery\n\n# Statement by the Republic of the Philippines\n\nNew York, 24 September 2025\n\n"
            "Mr. President, the Philippines is a nation of seafarers.\n")
    block = split_passages(text, "ph", "Statement by the Republic of the Philippines")[0]
    assert block.paragraph == 0 and "#" not in block.text
    assert block.text.startswith("Check against delivery Statement by the Republic of the Philippines")


@pytest.mark.parametrize("first_lines", [
    [("CHECK AGAINST DELIVERY", 18)],
    [("PERMANENT MISSION OF THE REPUBLIC OF THE PHILIPPINES TO THE UNITED NATIONS", 18)],
    [("24 September 2025", 18)],
    [("unicef", 24)],
    [("T", 30)],  # a drop cap
])
def test_a_note_a_letterhead_a_date_or_a_lone_word_in_large_type_is_no_title(first_lines):
    page = Page(1, 612, 792, (
        *(_line(text, 40 + 30 * k, size) for k, (text, size) in enumerate(first_lines)),
        _line("Statement by the Republic of the Philippines", 120, 15),
        *(_line(f"Mr. President, the Philippines is a nation of migrants and of seafarers ({k}).", 200 + 14 * k, 11)
          for k in range(12)),
    ))
    assert printed_title(page) == "Statement by the Republic of the Philippines"


def test_a_title_longer_than_a_few_lines_is_none_rather_than_a_piece():
    page = Page(1, 612, 792, (
        *(_line(f"A very long heading set in large type, line {k}", 60 + 20 * k, 16) for k in range(6)),
        *(_line(f"Body text of the page, line {k}, set in the body's own size.", 200 + 14 * k, 11) for k in range(14)),
    ))
    assert printed_title(page) is None
