"""Which question terms the document does not mention, and spelling correction: hand-written cases."""

import pytest

from conftest import CORPUS
from retrieval.answer.coverage import Vocabulary, missing_terms, question_terms, without
from retrieval.answer.spelling import SpellingCorrector

DOC = (CORPUS / "panel-discussion-international-migration-and-development-2013-06-25.txt").read_text(encoding="utf-8")
VOCAB = Vocabulary.from_texts([DOC])


def _missing(question, match=0.0, gain=0.1):
    terms = question_terms(question)
    return missing_terms(terms, VOCAB, [match] * len(terms), lambda doubtful: [gain] * len(doubtful),
                         rare_zipf=5.0, match_threshold=0.35)


def test_question_terms_skip_stop_and_frame_words_and_mark_names_and_numbers():
    terms = {t.text: t for t in question_terms("What did the panel say about Syria and target 10.7?")}
    assert set(terms) == {"Syria", "target", "10.7"}
    assert terms["Syria"].is_name and terms["10.7"].is_number and not terms["target"].is_name


def test_a_country_typed_in_lower_case_is_still_a_name():
    terms = {t.text: t for t in question_terms("how many migrants in germany send money home?")}
    assert terms["germany"].is_name and not terms["migrants"].is_name
    assert _missing("how many migrants live in qatar?", match=0.9, gain=-0.5) == ["qatar"]


def test_the_document_mentions_its_words_stems_and_acronyms():
    for word in ["remittances", "Remittance", "xenophobic", "GFMD", "ILO", "UN", "UN's", "2006", "diaspora"]:
        assert VOCAB.mentions(word), word
    for word in ["Syria", "trafficking", "2012", "NATO", "visa"]:
        assert not VOCAB.mentions(word), word


def test_names_and_numbers_absent_from_the_document_are_missing_whatever_their_meaning():
    assert _missing("How many migrants live in Qatar?", match=0.9, gain=-0.5) == ["Qatar"]
    assert _missing("How much was sent home in 2012?", match=0.9, gain=-0.5) == ["2012"]


def test_a_rare_word_is_missing_only_when_neither_its_meaning_nor_the_search_finds_it():
    assert _missing("What was said about human trafficking?") == ["trafficking"]
    assert _missing("What was said about human trafficking?", match=0.6) == []  # meaning matched
    assert _missing("What was said about human trafficking?", gain=-0.02) == []  # the word helps the search


def test_common_words_and_words_of_the_document_are_never_missing():
    assert _missing("Do migrants take jobs from native workers?") == []
    assert _missing("What did the panel say about remittances and xenophobia?") == []


def test_without_removes_one_term_and_folds_spaces():
    term = question_terms("What about visa fees today?")[0]
    assert without("What about visa fees today?", term) == "What about fees today?"


SPELLER = SpellingCorrector([DOC])


@pytest.mark.slow
def test_misspelt_words_are_corrected_to_the_documents_words():
    assert SPELLER.correct("What about remmitances and xenophobya?") == "What about remittances and xenophobia?"
    assert SPELLER.correct("How does the diaspra help?") == "How does the diaspora help?"
    assert SPELLER.correct("Who pays for Migrnts?") == "Who pays for Migrants?"


def test_known_words_names_acronyms_and_quoted_text_are_left_as_typed():
    for text in ["Do migrants take jobs from native workers?", "What did Frontex and kafala do?",
                 "What about the GMFD?", 'Find "remmitances" exactly', "Who is Xqzt?"]:
        assert SPELLER.correct(text) == text


def test_a_question_naming_only_what_the_document_lacks_is_refused_not_partial():
    from retrieval.answer.coverage import names_only_what_is_missing

    def refused(question, missing):
        return names_only_what_is_missing(question_terms(question), VOCAB, missing)

    assert refused("Who is the current Secretary-General of NATO?", ["Secretary-General", "NATO"])
    # A name the document lacks, but the question also asks about something it covers: partial.
    assert not refused("How much do migrants in Qatar send in remittances?", ["Qatar"])
    # Nothing named is missing (only a rare word): that is for the closest passages to show.
    assert not refused("Did the panel discuss trafficking?", ["trafficking"])


def test_the_evaluation_accepts_a_hyphenated_name_whose_part_the_set_lists():
    from retrieval.dev.evaluation import names_listed

    assert names_listed("Secretary-General", {"secretary", "remarks"})
    assert names_listed("Syria", {"syria"})
    assert not names_listed("Secretary-General", {"general assembly"})
    assert not names_listed("fees", {"visa"})
