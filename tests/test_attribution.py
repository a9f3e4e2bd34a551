"""Who said it: every sentence of the document against a table written by reading it."""

import csv

from conftest import CORPUS, DATA, DOC_ID
from retrieval.ingest.attribution import Attribution, attribute_paragraph, sentence_cue
from retrieval.ingest.passages import split_passages

PASSAGES = split_passages((CORPUS / f"{DOC_ID}.txt").read_text(encoding="utf-8"), DOC_ID, "Panel")


def test_every_sentence_matches_the_table_read_by_hand():
    with (DATA / "attribution_table.tsv").open(encoding="utf-8") as f:
        table = list(csv.DictReader(f, delimiter="\t"))
    sentences = [(p.paragraph_overall, i, s) for p in PASSAGES for i, s in enumerate(p.sentences)]
    assert len(table) == len(sentences) == 60
    for row, (para, i, s) in zip(table, sentences):
        assert (int(row["para"]), int(row["sentence"])) == (para, i)
        assert s.text.startswith(row["begins"])
        assert (s.attribution.speaker, s.attribution.agreement) == (row["speaker"], row["agreement"]), s.text


def test_cues_name_speakers_and_agreement():
    assert sentence_cue("One participant called for more data.") == Attribution("one participant", "one")
    assert sentence_cue("While X held, some participants observed Y.") == Attribution("several participants", "several")
    assert sentence_cue("There was consensus that Z.") == Attribution("participants", "consensus")
    assert sentence_cue("Panellists concurred that costs were high.") == Attribution("panellists", "consensus")
    assert sentence_cue("Costs were high.") is None


def test_attribution_carries_to_following_sentences_until_a_new_cue():
    got = attribute_paragraph(["Costs rose.", "The experts cautioned that A.", "B followed.", "It was observed that C.",
                               "D too."])
    assert [a.speaker for a in got] == ["not stated", "experts", "experts", "not stated", "not stated"]


def test_labels_for_the_page():
    assert Attribution("one participant", "one").label == "one participant"
    assert Attribution("panellists", "consensus").label == "consensus of panellists"
    assert Attribution("not stated", "not stated").label is None
