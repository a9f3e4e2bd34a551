"""Lexical side of the search: tokenising, stemming and the BM25 index (bm25s).

The same ``tokenize`` serves passages, sentences and questions, so the three
always agree on what a term is.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
STOPWORDS = frozenset(STOPWORDS_EN_PLUS)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def tokenize(text: str) -> list[str]:
    """Lower-cased, stop words dropped, Snowball-stemmed word tokens."""
    words = [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]
    return _stemmer().stemWords(words)


def build_bm25(texts: list[str]) -> bm25s.BM25:
    retriever = bm25s.BM25()
    retriever.index([tokenize(t) or [""] for t in texts], show_progress=False)
    return retriever


def bm25_scores(retriever: bm25s.BM25, question: str) -> np.ndarray:
    """BM25 score of every passage for the question (zeros when no term is known)."""
    tokens = [t for t in tokenize(question) if t in retriever.vocab_dict]
    if not tokens:
        return np.zeros(retriever.scores["num_docs"], dtype=np.float32)
    return retriever.get_scores(tokens).astype(np.float32)


def inverse_document_frequencies(texts: list[str], tokens: list[list[str]] | None = None) -> dict[str, float]:
    """Smoothed idf of each term over the given texts (used to weigh term overlap); ``tokens``:
    each text's ``tokenize``, when already made."""
    df = Counter(term for k, text in enumerate(texts)
                 for term in set(tokens[k] if tokens is not None else tokenize(text)))
    return idf_from_counts(df, len(texts))


def idf_from_counts(counts: Counter[str], texts: int) -> dict[str, float]:
    """Smoothed idf of each term, from in how many of ``texts`` texts it occurs."""
    return {term: math.log(1 + (texts - f + 0.5) / (f + 0.5)) for term, f in counts.items()}


def term_overlap(question_terms: set[str], text_terms: set[str], idf: dict[str, float]) -> float:
    """Share of the question's idf weight whose terms occur in the text's terms (0..1)."""
    if not question_terms:
        return 0.0
    default = max(idf.values(), default=1.0)
    total = sum(idf.get(t, default) for t in question_terms)
    found = text_terms & question_terms
    return sum(idf.get(t, default) for t in found) / total
