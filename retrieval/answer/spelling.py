"""Spelling correction of questions: "remmitances" -> "remittances", "diaspra" -> "diaspora".

symspellpy's English dictionary (shipped in its package) plus the corpus's own words, counted
far above any general word so that the document's terms win ties ("GFMD", "diaspora"). A word is
corrected only when it is unlikely to be meant as typed:

* a word of the corpus, a number, an acronym or anything inside quotes is never changed;
* a word a corpus word is close to (edit distance 1, or 2 for longer words) is corrected to it
  when the word is rare in general English (wordfreq Zipf below ``RARE_FOR_CORPUS``);
* otherwise it is corrected to a general English word only when wordfreq does not know it at all
  (so names such as "Frontex" or "kafala" stay as typed).

Pure text in, text out; the dictionary loads once per process (about 2 s), on first use.
"""

from __future__ import annotations

import re
import threading
from importlib import resources

from .coverage import zipf

RARE_FOR_CORPUS = 3.0
CORPUS_COUNT = 10**12  # above every count in the general dictionary
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|‘[^’]*’|'[^']*'(?!\w)")


def corpus_words(texts) -> set[str]:
    """The lower-case words of the texts: the speller takes them as spelled right."""
    return {w.lower() for text in texts for w in _WORD.findall(text)}


class SpellingCorrector:
    """Corrects the words of a question against general English and the corpus's words."""

    def __init__(self, corpus_texts: list[str], *, words: frozenset[str] | None = None):
        """``words``: ``corpus_words(corpus_texts)`` when already made (then the texts are not read)."""
        self._corpus_words = words if words is not None else corpus_words(corpus_texts)
        self._symspell = None
        self._lock = threading.Lock()

    def _dictionary(self):
        with self._lock:
            if self._symspell is None:
                from symspellpy import SymSpell

                sym = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
                path = resources.files("symspellpy") / "frequency_dictionary_en_82_765.txt"
                sym.load_dictionary(str(path), term_index=0, count_index=1)
                for word in self._corpus_words:
                    if len(word) > 1:
                        sym.create_dictionary_entry(word, CORPUS_COUNT)
                self._symspell = sym
            return self._symspell

    def warm(self) -> None:
        """Load the dictionary now (the chat does it once at start, not on a user's question)."""
        self._dictionary()

    def correct_word(self, word: str) -> str:
        """The word as meant, or the word unchanged."""
        low = word.lower()
        letters = [c for c in word if c.isalpha()]
        if (len(low) < 4 or low in self._corpus_words or all(c.isupper() for c in letters)
                or not low.isascii()):
            return word
        known = zipf(low)
        if known >= RARE_FOR_CORPUS:
            return word
        from symspellpy import Verbosity

        distance = 1 if len(low) <= 5 else 2
        suggestions = self._dictionary().lookup(low, Verbosity.CLOSEST, max_edit_distance=distance)
        if not suggestions:
            return word
        best = suggestions[0].term
        in_corpus = best in self._corpus_words
        if best == low or (not in_corpus and (known > 0 or word[:1].isupper())):
            return word
        return best[:1].upper() + best[1:] if word[:1].isupper() else best

    def correct(self, text: str) -> str:
        """The text with its misspelt words corrected; quoted parts are left exactly as typed."""
        quoted = [m.span() for m in _QUOTED.finditer(text)]
        out, last = [], 0
        for m in _WORD.finditer(text):
            if any(a <= m.start() < b for a, b in quoted):
                continue
            out += [text[last : m.start()], self.correct_word(m.group())]
            last = m.end()
        out.append(text[last:])
        return "".join(out)
