"""Key points over the whole bundled document: every attributed sentence once, in the right group."""

import re

import pytest

from conftest import CORPUS
from retrieval.ingest.corpus import load_corpus, corpus_passages
from retrieval.chat.key_points import grouped, key_points, point_group
from retrieval.chat.transcript import key_points_export

PASSAGES = corpus_passages(load_corpus(CORPUS))
SENTENCES = [(p, i, s) for p in PASSAGES for i, s in enumerate(p.sentences)]


def test_every_attributed_sentence_appears_once_and_no_unattributed_one():
    points = key_points(PASSAGES)
    keys = [(p.passage.id, p.sentence_index) for p in points]
    assert len(keys) == len(set(keys))
    attributed = {(p.id, i) for p, i, s in SENTENCES if s.attribution.speaker != "not stated"}
    assert set(keys) == attributed and len(attributed) >= 25


def test_consensus_and_widespread_support_sentences_are_in_their_group():
    groups = {(p.passage.id, p.sentence_index): p.group for p in key_points(PASSAGES)}
    agreed = [(p.id, i) for p, i, s in SENTENCES if s.attribution.agreement in ("consensus", "widespread support")]
    assert len(agreed) >= 4 and all(groups[k] == "agreed" for k in agreed)


def test_called_for_sentences_are_recommendations_and_say_by_whom():
    points = [p for p in key_points(PASSAGES) if p.group == "called-for"]
    texts = [p.text for p in points]
    for p, i, s in SENTENCES:
        if re.search(r"\bcalled for\b", s.text) and s.attribution.agreement not in ("consensus", "widespread support"):
            assert s.text in texts, s.text
    assert any(t.startswith("One participant called for addressing the mismatch") for t in texts)
    assert all(p.attribution.label for p in points)


def test_cautions_and_conclusions_are_grouped_by_kind():
    by_group = {key: [p.text for p in pts] for key, pts in
                [(pts[0].group, pts) for _, pts in grouped(key_points(PASSAGES))]}
    assert any(t.startswith("The experts cautioned that migration was not a panacea") for t in by_group["cautioned"])
    assert any(t.startswith("The panel discussion concluded that") for t in by_group["concluded"])
    assert [title for title, _ in grouped(key_points(PASSAGES))][0] == "Consensus and widespread support"


def test_filters_by_speaker_and_agreement():
    experts = key_points(PASSAGES, speakers={"experts"})
    assert [p.group for p in experts] == ["cautioned"]
    consensus = key_points(PASSAGES, agreements={"consensus"})
    assert consensus and all(p.attribution.agreement == "consensus" for p in consensus)
    assert key_points(PASSAGES, documents={"no-such-document"}) == []


def test_point_group_rules_on_hand_written_cases():
    assert point_group("Delegates urged faster action.", "participants", "not stated") == "called-for"
    assert point_group("There was consensus that it helped.", "participants", "consensus") == "agreed"
    assert point_group("The experts warned of risks.", "experts", "not stated") == "cautioned"
    assert point_group("It rained.", "not stated", "not stated") is None


def test_export_groups_points_with_citations_outside_the_quote():
    docs = {}
    md = key_points_export(key_points(PASSAGES), docs, markdown=True)
    assert md.startswith("# Key points: Panel discussion on international migration and development")
    assert "## Consensus and widespread support" in md
    quote = next(line for line in md.splitlines() if line.startswith("> One participant called for"))
    assert quote.endswith("— *one participant*")
    after = md.splitlines()[md.splitlines().index(quote) + 2]
    assert after.startswith("Panel discussion on international migration and development") and "para. 5" in after
    text = key_points_export(key_points(PASSAGES), docs, markdown=False)
    assert "> " not in text and "- One participant called for" in text
    assert key_points_export([], docs, markdown=False).startswith("Key points\n\nNo attributed statements")


@pytest.mark.slow
def test_a_librarys_key_points_are_read_document_by_document_under_each_title():
    """The shipped summary beside a real UN report whose "experts" are its own (A/79/352): each
    document's points under its title, never mixed into the other's groups."""
    import pytest

    from conftest import ROOT
    from retrieval.chat.key_points import by_document
    from retrieval.ingest.corpus import load_document

    pdf = ROOT.parent / "shared" / "un-documents" / "dev" / "A_79_352.en.pdf"
    if not pdf.exists():
        pytest.skip("the dev PDFs are not beside this checkout")
    report = load_document(pdf)
    documents = load_corpus(CORPUS) + [report]
    points = key_points(corpus_passages(documents))
    parts = by_document(points)
    assert [doc_id for doc_id, _ in parts] == [documents[0].id, report.id]
    assert all(p.passage.doc_id == doc_id for doc_id, mine in parts for p in mine)
    docs = {d.id: d.metadata() for d in documents}
    md = key_points_export(points, docs, markdown=True)
    summary_title, report_title = docs[documents[0].id]["title"], docs[report.id]["title"]
    assert md.index(f"\n## {summary_title}\n") < md.index(f"\n## {report_title}\n")
    report_part = md[md.index(f"\n## {report_title}\n"):]
    summary_part = md[md.index(f"\n## {summary_title}\n"):md.index(f"\n## {report_title}\n")]
    # The report's "experts" are under its own title, cited to it; none of the summary's is.
    assert "— *experts*" in report_part and "A/79/352" not in summary_part
    assert all("A/79/352" in line for line in report_part.splitlines() if line.startswith("Eleventh annual"))
