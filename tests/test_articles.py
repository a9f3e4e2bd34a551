"""A text set out in articles (a treaty): "Article 3" and its title are one heading, a passage of it
is cited with its article, and "article 3, paragraph 2" is looked up in it; in a resolution,
"article 4 of the Paris Agreement" is another instrument's article and is searched as asked.

The treaty is invented (``tests/data/coastal_fishers_convention.txt``), read as text and as a PDF set
as treaties are; the library around it is the shipped summary and two real UN texts that quote the
Paris Agreement's articles (a draft and a resolution)."""

from __future__ import annotations

import shutil

import pytest

from retrieval.answer.citation import cite
from retrieval.config import Settings
from retrieval.ingest.corpus import load_document
from retrieval.ingest.passages import article_of, split_passages, split_sections

from conftest import CORPUS, DATA, ROOT
from typeset import treaty_pdf

TREATY = DATA / "coastal_fishers_convention.txt"
QUOTING = ["A_C.2_80_L.37.pdf", "A_RES_80_138.pdf"]  # both cite "article 4 of the Paris Agreement"


def _articles(path):
    document = load_document(path)
    passages = split_passages(document.text, document.id, document.title, paged=path.suffix == ".pdf",
                              space_page_breaks=False)
    return document, passages


@pytest.mark.parametrize("kind", ["text", "pdf"])
def test_an_article_and_its_title_are_one_heading_and_cite_its_paragraphs(kind, tmp_path):
    path = TREATY if kind == "text" else treaty_pdf(TREATY, tmp_path / "convention.pdf")
    document, passages = _articles(path)
    sections = [p.section for p in passages if article_of(p.section)]
    assert list(dict.fromkeys(sections)) == ["Article 1: Scope", "Article 2: Definitions", "Article 3: Rest periods",
                                             "Article 4: Medical care"]
    rest = [p for p in passages if article_of(p.section) == "3"]
    # (The typeset PDF keeps a paragraph's short lettered items in it, as its lines run on.)
    assert [p.number for p in rest] == (["1", "2", "2 (a)", "2 (b)", "3"] if kind == "text" else ["1", "2", "3"])
    assert rest[1].text.startswith("2. A State Party may allow temporary exceptions")
    label = cite(rest[1], document.metadata(), None).label
    assert '"Article 3: Rest periods", para. 2' in label
    # A division's title is the heading's, not the first words of the article's paragraph.
    definitions = next(p for p in passages if article_of(p.section) == "2")
    assert definitions.text.startswith("For the purposes of the present Convention")


@pytest.mark.parametrize("text, headings", [
    # A part with no title, then an article: two headings, never "PART I: Article 1".
    ("PART I\n\nArticle 1\nDefinitions\n\n1. Text.\n", ["PART I", "Article 1: Definitions"]),
    # An article with no text of its own, then the next: never "Article 2: Article 3: Scope".
    ("Article 2\n\nArticle 3\nScope\n\n1. Text.\n", ["Article 2", "Article 3: Scope"]),
    ("Article 5 bis\nReview\n\n1. Text.\n", ["Article 5 bis: Review"]),
])
def test_a_division_after_a_division_is_a_heading_of_its_own(text, headings):
    _, sections = split_sections(text)
    assert [s.heading for s in sections] == headings
    assert article_of(headings[-1]) == headings[-1].split(":")[0].removeprefix("Article ").strip()


def test_a_wrapped_first_line_of_an_article_is_its_text_not_its_title():
    _, sections = split_sections("Article 4\n\nEach State Party shall ensure that\nfishers have access to medical care.\n")
    assert [s.heading for s in sections] == ["Article 4"]
    assert sections[0].blocks[0].lines[0] == "Each State Party shall ensure that"


@pytest.fixture(scope="module")
def treaty_library(tmp_path_factory, embedder):
    from retrieval.answer.engine import Engine

    corpus = tmp_path_factory.mktemp("treaty-corpus")
    for f in CORPUS.iterdir():
        shutil.copy(f, corpus)
    shutil.copy(TREATY, corpus)
    for name in QUOTING:
        shutil.copy(ROOT.parent / "shared" / "un-documents" / "dev" / name, corpus)
    return Engine.load(Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("treaty-index")),
                       embedder=embedder)


def test_an_articles_paragraph_named_with_the_treaty_is_the_answer(treaty_library):
    answer = treaty_library.ask("What does article 3, paragraph 2 of the Convention say?", top_k=3)
    assert answer.confidence == "answer" and answer.paragraph == "art. 3, para. 2"
    first = answer.results[0]
    assert first.citation.document == "coastal_fishers_convention"
    assert first.text.startswith("2. A State Party may allow temporary exceptions")
    assert answer.named_documents == ("coastal_fishers_convention",)


def test_an_article_alone_gives_its_paragraphs_in_order(treaty_library):
    answer = treaty_library.ask("What does the Convention say in article 3 about rest?", top_k=5)
    assert answer.paragraph == "art. 3"
    assert [r.text[:3] for r in answer.results[:5]] == ["1. ", "2. ", "(a)", "(b)", "3. "]
    assert all('"Article 3: Rest periods"' in r.citation.label for r in answer.results[:5])


def test_an_article_with_no_document_named_is_the_librarys_one_treaty(treaty_library):
    answer = treaty_library.ask("art. 1 (2)", top_k=3)
    assert answer.paragraph == "art. 1, para. 2"
    assert answer.results[0].text.startswith("2. It does not apply to fishers working solely on inland waters")


def test_an_article_the_treaty_lacks_is_said_to_be_missing(treaty_library):
    answer = treaty_library.ask("What does article 12 of the Convention say?", top_k=3)
    assert answer.paragraph_missing == "art. 12" and answer.paragraph is None
    # Nothing but the article was asked: no box answers it, and no word is "not mentioned".
    assert answer.confidence != "answer" and answer.missing == ()
    # With a subject, the closest passages on it follow the line.
    answer = treaty_library.ask("What does the Convention say about rest in article 12?", top_k=3)
    assert answer.paragraph_missing == "art. 12"
    assert article_of(answer.results[0].citation.section) == "3"


def test_a_paragraph_a_resolution_lacks_asked_alone_gets_no_box(treaty_library):
    answer = treaty_library.ask("A/RES/80/138, para. 99", top_k=3)
    assert answer.paragraph_missing == "para. 99" and answer.named_documents == ("A_RES_80_138",)
    assert answer.confidence != "answer" and answer.missing == ()


def test_another_instruments_article_in_a_resolution_is_searched_as_asked(treaty_library):
    answer = treaty_library.ask("What does A/C.2/80/L.37 say about article 4 of the Paris Agreement?", top_k=3)
    assert answer.paragraph is None and answer.paragraph_missing is None
    assert answer.named_documents == ("A_C.2_80_L.37",)
    assert answer.results and all(r.citation.document == "A_C.2_80_L.37" for r in answer.results)
    assert "article 4 of the Paris Agreement" in answer.results[0].text


def test_another_instruments_article_is_never_answered_from_the_librarys_one_treaty(treaty_library):
    # "article 4 of the Paris Agreement": the library's treaty has an article 4 ("Medical care"),
    # but it is not the instrument named.
    answer = treaty_library.ask("What does article 4 of the Paris Agreement say about nationally determined contributions?",
                                top_k=3)
    assert answer.paragraph is None
    assert answer.results and answer.results[0].citation.document != "coastal_fishers_convention"
    assert "article 4" in answer.results[0].text


def test_an_articles_paragraph_takes_in_its_sub_paragraphs(treaty_library):
    answer = treaty_library.ask("article 3, paragraph 2 of the Convention", top_k=5)
    assert [r.text[:3] for r in answer.results[:3]] == ["2. ", "(a)", "(b)"]
    answer = treaty_library.ask("What does the Convention say in article 3 (2) (b)?", top_k=3)
    assert answer.paragraph == "art. 3, para. 2 (b)" and answer.results[0].text.startswith("(b) In an emergency at sea")
    answer = treaty_library.ask("What does the Convention say in article 3 (2) (c)?", top_k=3)
    assert answer.paragraph_missing == "art. 3, para. 2 (c)"
