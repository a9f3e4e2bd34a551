"""Which of a question's salient terms the document does not mention.

A question the document covers names things the document names. One it does not cover
usually names something it never mentions: a country, an organisation, a number, a year, or a
topic word rare in general English ("trafficking", "asylum"). Such a term is *salient* (a name,
an acronym, a number, or a word whose general-English frequency is low, from ``wordfreq``) and
*missing* when the document has it neither as a word (same stem, or an acronym of its capitalised
words) nor as a meaning (its best token cosine with the searched passages is low). The engine
turns "some salient term is missing" into the ``partial`` state and names the terms.

Pure functions over words and numbers: testable without a model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from ..index.lexical import STOPWORDS, tokenize

# Letters and digits, keeping inner hyphens, dots of numbers and apostrophes ("10.7", "COVID-19").
_WORD = re.compile(r"[^\W_]+(?:[-'’.][^\W_]+)*", re.UNICODE)
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*$")
# Words of the question's frame: they ask, they do not name what is asked about.
FRAME_WORDS = frozenset("""
ask asked say said says tell told think thought view views discuss discussed discussion mention mentioned
talk talked speak spoke speaking according recommend recommended propose proposed panel panellist panellists
panelist panelists participant participants expert experts document summary does did do done happen happened
kind kinds sort type much many long way ways role roles main key mean means meaning anything something else
""".split())


@dataclass(frozen=True)
class QuestionTerm:
    """A word of the question that could name what it is about."""

    text: str  # as typed
    start: int  # character offsets in the question
    end: int
    is_name: bool  # capitalised inside the question, or an acronym
    is_number: bool


_PARTS = re.compile(r"[-'’]")


@dataclass(frozen=True)
class Vocabulary:
    """What the document says, word by word: stems, lower-case words, acronyms, numbers."""

    stems: frozenset[str]
    words: frozenset[str]
    acronyms: frozenset[str]

    @classmethod
    def from_texts(cls, texts: list[str], tokens: list[list[str]] | None = None) -> "Vocabulary":
        """``tokens``: each text's ``tokenize`` already made (a library's are made once at start)."""
        words: set[str] = set()
        stems: set[str] = set()
        acronyms: set[str] = set()
        for k, text in enumerate(texts):
            found = _WORD.findall(text)
            for w in found:
                words.add(w.lower())
                if "-" in w or "'" in w or "’" in w:  # most words have no parts: no split to pay for
                    for part in _PARTS.split(w):
                        if part:
                            words.add(part.lower())
            stems.update(tokens[k] if tokens is not None else tokenize(text))
            # "International Labour Organization" -> "ilo"; function words may sit inside.
            run: list[str] = []
            for w in found + [""]:
                if w[:1].isupper():
                    run.append(w)
                elif w.lower() in ("of", "for", "and", "on", "the") and run:
                    continue
                else:
                    if len(run) >= 2:
                        acronyms.add("".join(x[0] for x in run).lower())
                    run = []
        return cls(frozenset(stems), frozenset(words), frozenset(acronyms))

    @classmethod
    def union(cls, vocabularies: list["Vocabulary"]) -> "Vocabulary":
        if len(vocabularies) == 1:
            return vocabularies[0]
        return cls(frozenset().union(*(v.stems for v in vocabularies)),
                   frozenset().union(*(v.words for v in vocabularies)),
                   frozenset().union(*(v.acronyms for v in vocabularies)))

    def mentions(self, term: str) -> bool:
        """Whether the document has this word: the same word, stem or acronym."""
        low = re.sub(r"['’]s$", "", term.lower())
        if low in self.words or low in self.acronyms:
            return True
        parts = [p for p in re.split(r"[-'’]", low) if p]
        stems = tokenize(" ".join(parts))
        return bool(stems) and all(s in self.stems for s in stems)


def question_terms(question: str) -> list[QuestionTerm]:
    """The words of a question that could name its topic: not stop words, not frame words."""
    terms = []
    for i, m in enumerate(_WORD.finditer(question)):
        word = m.group()
        low = word.lower()
        if low in STOPWORDS or low in FRAME_WORDS or (len(low) < 2 and not low.isdigit()):
            continue
        is_number = bool(_NUMBER.match(word))
        letters = [c for c in word if c.isalpha()]
        acronym = len(letters) >= 2 and all(c.isupper() for c in letters)
        # A capital at the start of the question says nothing; inside it, it marks a name. People
        # also type names in lower case: a country's name is a name however it is typed.
        capitalised = word[:1].isupper() and i > 0
        terms.append(QuestionTerm(word, m.start(), m.end(), is_name=acronym or capitalised or low in country_names(),
                                  is_number=is_number))
    return terms


@lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """One-word country names in lower case ("syria", "germany"), from pycountry's ISO 3166 data."""
    import pycountry

    names = set()
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "common_name", None)):
            if name and " " not in name and "," not in name:
                names.add(name.lower())
    return frozenset(names)


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """How common the word is in general English (wordfreq's Zipf scale: 0 unknown, 7 'the')."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def is_salient(term: QuestionTerm, rare_zipf: float) -> bool:
    """A name, a number, or a word rarer in general English than ``rare_zipf``."""
    return term.is_name or term.is_number or zipf(term.text.lower()) < rare_zipf


def missing_terms(terms: list[QuestionTerm], vocabulary: Vocabulary, meaning_match: list[float],
                  removal_gain: Callable[[list[QuestionTerm]], list[float]], *, rare_zipf: float,
                  match_threshold: float) -> list[str]:
    """The salient terms the document does not mention, in question order, as typed.

    A name or a number is missing when the document lacks the word itself. A rare word is
    missing when the document lacks it, its meaning is not matched either
    (``meaning_match[i]``: the best cosine of term i's tokens with the searched passages'
    tokens, below ``match_threshold``), and it does not help the search: dropping it from the
    question does not lower the best sentence similarity (``removal_gain(terms)``, asked only for
    the terms still in doubt, gives best similarity without the term minus with it)."""
    missing: list[QuestionTerm] = []
    doubtful: list[QuestionTerm] = []
    for term, match in zip(terms, meaning_match):
        if not is_salient(term, rare_zipf) or vocabulary.mentions(term.text):
            continue
        if term.is_number or term.is_name:
            missing.append(term)
        elif match < match_threshold:
            doubtful.append(term)
    if doubtful:
        missing += [t for t, gain in zip(doubtful, removal_gain(doubtful)) if gain > 0]
    found: list[str] = []
    for term in sorted(missing, key=lambda t: t.start):
        if term.text not in found:
            found.append(term.text)
    return found


def names_only_what_is_missing(terms: list[QuestionTerm], vocabulary: Vocabulary, missing: list[str]) -> bool:
    """Whether the question names something the document lacks (a name or a number among the
    ``missing`` terms) and nothing it asks about is in the document: then no passage can be
    "closest" in any useful sense and the honest answer is "none" ("Who heads NATO?")."""
    named = {t.text for t in terms if t.is_name or t.is_number}
    return bool(named & set(missing)) and not any(vocabulary.mentions(t.text) for t in terms)


def without(question: str, term: QuestionTerm) -> str:
    """The question with one term taken out."""
    return " ".join((question[: term.start] + question[term.end :]).split())
