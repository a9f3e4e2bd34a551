"""The splitter on the real document and on small made-up ones (no model needed)."""

import re

from conftest import CORPUS, DOC_ID
from retrieval.ingest.corpus import corpus_passages, load_corpus
from retrieval.ingest.passages import MAX_PASSAGE_WORDS, split_long_sentences, split_passages, split_sections, split_sentences

SOURCE = (CORPUS / f"{DOC_ID}.txt").read_text(encoding="utf-8")
PASSAGES = split_passages(SOURCE, DOC_ID, "Panel discussion")
SECTIONS = [
    "Summary",
    "Migration and development: drivers and impacts",
    "Facilitating labour mobility - protecting migrant rights",
    "The 2013 High-level Dialogue and beyond",
    "Conclusions",
]


def squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def test_corpus_copy_is_byte_identical_to_the_shared_seed():
    seed = CORPUS.parent.parent / "shared" / "seed" / "000_fa2d2c381be574fb.txt"
    if seed.exists():
        assert (CORPUS / f"{DOC_ID}.txt").read_bytes() == seed.read_bytes()


def test_five_sections_found_by_shape_in_order():
    front, sections = split_sections(SOURCE)
    assert [s.heading for s in sections] == SECTIONS
    assert front[-1] == "New York, 25 June 2013"
    assert "Panel discussion on international migration and development" in front


def test_paragraphs_are_numbered_overall_and_within_section():
    body = [p for p in PASSAGES if p.section]
    assert len(body) == 16
    assert [p.paragraph_overall for p in body] == list(range(1, 17))
    per_section = {s: [p.paragraph for p in body if p.section == s] for s in SECTIONS}
    assert per_section == {SECTIONS[0]: [1], SECTIONS[1]: [1, 2, 3, 4, 5], SECTIONS[2]: [1, 2, 3, 4],
                           SECTIONS[3]: [1, 2, 3, 4, 5], SECTIONS[4]: [1]}


def test_four_pages_from_lines_that_start_with_a_space():
    assert {p.page_start for p in PASSAGES} | {p.page_end for p in PASSAGES} == {1, 2, 3, 4}
    remittances = next(p for p in PASSAGES if p.text.startswith("Remittances"))
    assert (remittances.page_start, remittances.page_end) == (1, 2)
    pensions = next(s for s in remittances.sentences if "pensions" in s.text)
    assert pensions.page == 2
    conclusions = PASSAGES[-1]
    assert (conclusions.section, conclusions.page_start, conclusions.page_end) == ("Conclusions", 3, 4)


def test_text_is_verbatim_with_hyphenated_line_ends_rejoined():
    flat_source = squash(SOURCE)
    for p in PASSAGES:
        assert squash(p.text) in flat_source
        assert "  " not in p.text and "\n" not in p.text
    assert "since the first High-level Dialogue, a number" in PASSAGES[-1].text


def test_sentences_are_exact_slices_of_the_passage():
    for p in PASSAGES:
        assert p.sentences
        for s in p.sentences:
            assert p.text[s.start : s.end] == s.text
        assert " ".join(s.text for s in p.sentences) == p.text


def test_no_passage_crosses_a_section_or_exceeds_the_word_limit():
    bounds = [SOURCE.index(h) for h in SECTIONS] + [len(SOURCE)]
    flat = [squash(SOURCE[a:b]) for a, b in zip(bounds, bounds[1:])]
    for p in PASSAGES:
        assert p.word_count <= MAX_PASSAGE_WORDS
        if p.section:
            assert squash(p.text) in flat[SECTIONS.index(p.section)]


def test_long_paragraph_is_split_into_sentence_windows_under_the_limit():
    sentence = "Migrants contributed to the economies of their host countries in many ways. "
    text = "Title line here\n\nFirst heading\n\n" + sentence * 40 + "\n"
    passages = split_passages(text, "doc", "Doc")
    body = [p for p in passages if p.section == "First heading"]
    assert len(body) > 1
    assert all(p.word_count <= MAX_PASSAGE_WORDS for p in body)
    assert {p.paragraph for p in body} == {1}


def test_headings_detected_by_shape_in_another_document():
    text = ("Annual report\n\nWhat we found\n\nThe survey covered ten towns.\nIt ran for a year.\n\n"
            "# Next steps\n\nMore work is planned.\fIt starts soon.\n")
    passages = split_passages(text, "r", "Report")
    assert [p.section for p in passages if p.section] == ["What we found", "Next steps"]
    assert passages[-1].page_end == 2


def test_sentence_splitter_keeps_abbreviations_and_quotes():
    text = "He said “stop.” Then e.g. this went on. Finally (GFMD) ended."
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["He said “stop.”", "Then e.g. this went on.", "Finally (GFMD) ended."]


def test_loader_reads_every_txt_and_md_document_with_its_metadata(tmp_path):
    (tmp_path / "a.txt").write_text("Alpha heading\n\nAlpha text is here.\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# Beta\n\nBeta text is here.\n", encoding="utf-8")
    (tmp_path / "b.meta.json").write_text('{"title": "Beta report", "date": "2020-01-02"}', encoding="utf-8")
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")
    docs = load_corpus(tmp_path)
    assert [d.id for d in docs] == ["a", "b"]
    assert docs[1].title == "Beta report" and docs[1].date == "2020-01-02"
    passages = corpus_passages(docs)
    assert {p.doc_id for p in passages} == {"a", "b"}
    assert [p.id for p in passages] == list(range(len(passages)))


def test_bundled_document_metadata_comes_from_its_sidecar():
    doc = load_corpus(CORPUS)[0]
    assert (doc.title, doc.author, doc.place, doc.date) == (
        "Panel discussion on international migration and development",
        "President of the General Assembly", "New York", "2013-06-25")


def test_a_sentence_longer_than_a_passage_is_cut_at_its_clauses():
    clause = "calls upon States to " + " ".join(f"act{k}" for k in range(40))
    paragraph = "2. Urges Member States to " + ", ".join([clause] * 8) + ";"
    passages = split_passages(f"# Operative\n\n{paragraph}\n", "r", "R", resolution=True)
    assert len(passages) > 1 and all(len(p.text.split()) <= MAX_PASSAGE_WORDS for p in passages)
    assert " ".join(p.text for p in passages) == paragraph  # nothing lost, nothing repeated
    assert {(p.paragraph, p.number) for p in passages} == {(1, "2")}  # one paragraph, cited by its number
    assert all(len(s.text.split()) <= 130 for p in passages for s in p.sentences)
    # No clause mark: the sentence stays whole; a sentence within the limit is not touched.
    assert split_long_sentences([(0, 11)], "a b c d e f", 3) == [(0, 11)]
    assert split_long_sentences([(0, 7)], "a, b, c", 200) == [(0, 7)]


def test_a_paragraphs_number_is_its_text_but_no_sentence():
    # "2." read as a sentence was highlighted for "how many …?" and embedded as one.
    text = "2. The present report covers the period. It ends in 2024. 12. See p. 3 of A/68/372, para. 15. Done."
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "The present report covers the period.", "It ends in 2024.", "See p. 3 of A/68/372, para. 15.", "Done."]
    spaced = "12 . The Committee met. See the arts. 12 States took part."
    assert [spaced[a:b] for a, b in split_sentences(spaced)] == ["The Committee met.", "See the arts.",
                                                                 "12 States took part."]
    # A number inside a paragraph that opens a later window stays in that window's text.
    long = " ".join(["Intro words here."] * 66) + " 3. The next numbered thing here."
    pieces = split_passages(f"# Body\n\n{long}\n", "r", "R")
    assert len(pieces) == 2 and pieces[1].text == "3. The next numbered thing here."
    assert " ".join(p.text for p in pieces) == long
    passages = split_passages("# Operative\n\n2. Urges Member States to act. Also decides to meet.\n", "r", "R",
                              resolution=True)
    assert passages[0].text.startswith("2. Urges") and passages[0].number == "2"
    assert [s.text for s in passages[0].sentences] == ["Urges Member States to act.", "Also decides to meet."]
