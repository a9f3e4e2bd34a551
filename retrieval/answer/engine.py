"""The search engine's Python API: ``Engine.load()`` then ``engine.ask(question)``.

The chat page and the CLI both use this and nothing below it.
"""

from __future__ import annotations

import functools
from concurrent.futures import Future, ThreadPoolExecutor
import logging
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from .answer_types import answer_type, asks_for_figure, carries, first_typed, operative_call
from .citation import Citation, cite, document_label
from .fact_questions import fact_asked, printed_fact, with_marked_footnote
from ..config import MAX_QUESTION_CHARS, SHIPPED_DIR, Settings
from ..ingest.corpus import load_corpus
from ..ingest.read_cache import READ_CACHE
from .coverage import QuestionTerm, Vocabulary, missing_terms, names_only_what_is_missing, question_terms, without
from ..index.lexical import term_overlap, tokenize
from .library_terms import LibraryTerms, library_terms
from ..index.library import install_shipped_documents, is_protected
from ..models.model import Embedder, load_embedder
from ..ingest.passages import Passage, article_of
from .selective import TIE_SCALE, BoxCalibration, Evidence, load_calibration
from .ranking import (
    RankingParams,
    best_first,
    choose_highlight,
    default_params,
    dense_scores,
    distinct_order,
    fuse,
    is_answerable,
    max_per_owner,
    text_key,
    token_best_matches,
)
from .document_reference import reference_words, resolve, without_document_words, without_naming_words, \
    without_reference, without_symbols
from .paragraph_reference import ParagraphReference, at_end, find_paragraph_reference, names_paragraph, \
    without_paragraph_reference
from .versions import document_rank, preferred_version, version_groups
from .comparisons import ComparisonReply, LibraryVersions
from .spelling import SpellingCorrector
from ..index.backends import backend_for
from ..index.store import Index, ProgressReport, StaleIndexError, load_all, load_or_build_all
from ..index.writer import one_writer, pending

log = logging.getLogger(__name__)

LATE_INTERACTION_POOL = 50
APPROXIMATE_CANDIDATES = 1000
# Calls to a store across the network made beside the question's own work (BM25 while the
# question is embedded and its vectors searched): a few at once for a server's sessions.
_REMOTE_CALLS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="store-call")


@dataclass(frozen=True)
class SearchResult:
    """One passage found for a question."""

    text: str
    highlight: str
    highlight_start: int  # character offsets of the highlight in text
    highlight_end: int
    highlight_sentences: int  # 1, or 2 when the next sentence completes the first
    score: float
    citation: Citation
    passage_id: int
    sentence_row: int = -1  # the highlight's first sentence, as a row of the sentence vectors
    highlight_score: float = 0.0  # what chose the highlight: similarity, term overlap, answer-type bonus
    carries_type: bool | None = None  # the highlight carries the kind of answer asked for (None: none asked)
    also_in: tuple[Citation, ...] = ()  # the same text in other documents (versions), one citation each
    # The document's own facts as its masthead prints them (symbol, title, kind, dates, …; #30)
    document_facts: dict | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict:
        d = {
            "text": self.text,
            "highlight": self.highlight,
            "highlight_span": [self.highlight_start, self.highlight_end],
            "score": round(float(self.score), 4),
            "citation": self.citation.to_dict(),
        }
        if self.also_in:
            d["also_in"] = [c.to_dict() for c in self.also_in]
        if self.document_facts:  # the printed lines they were read from stay on the Library page
            d["document_facts"] = {k: v for k, v in self.document_facts.items() if k != "printed"}
        return d


@dataclass(frozen=True)
class Answer:
    """What the engine says to a question: the results, best first, or a refusal.

    ``confidence``: "answer" (the box: the first result's sentence is likely the answer),
    "partial" (the closest passages, which may not answer; ``reason`` says why: "missing", the
    document does not mention the ``missing`` terms, or "uncertain", the evidence is too weak for
    the box) or "none" (refused). ``answered`` is false only for "none". ``confidence_score``: the
    calibrated probability that the first result's highlighted sentence answers (``selective``)."""

    question: str
    answered: bool
    results: list[SearchResult] = field(default_factory=list)
    error: str | None = None
    note: str | None = None
    searched_as: str | None = None  # the question as searched, when a follow-up was expanded
    confidence: str = ""
    missing: tuple[str, ...] = ()
    corrected: str | None = None  # the question with its spelling corrected, when that changed it
    filters: dict | None = None  # who-said-it filters applied: {"speaker": [...], "agreement": [...]}
    confidence_score: float | None = None
    reason: str | None = None  # why "partial" (or a refusal naming what is missing): "missing", "uncertain"
    evidence: Evidence | None = field(default=None, compare=False, repr=False)  # the box's signals
    named_documents: tuple[str, ...] = ()  # ids of the documents the question named (searched in them)
    not_in_library: tuple[str, ...] = ()  # symbols the question named that no document carries
    paragraph: str | None = None  # the paragraph the question named, shown first ("para. 15 (p)")
    paragraph_missing: str | None = None  # the paragraph it named that the documents searched lack
    offered: tuple[str, ...] = ()  # other documents the reference fitted, when the closest was searched
    comparison: ComparisonReply | None = None  # a question of what changed between versions: its reply

    def __post_init__(self):
        if not self.confidence:
            object.__setattr__(self, "confidence", "answer" if self.answered else "none")

    def to_dict(self) -> dict:
        d: dict = {"question": self.question, "answered": self.answered, "confidence": self.confidence,
                   "missing": list(self.missing), "results": [r.to_dict() for r in self.results]}
        if self.error:
            d["error"] = self.error
        if self.note:
            d["note"] = self.note
        if self.searched_as:
            d["searched_as"] = self.searched_as
        if self.corrected:
            d["corrected"] = self.corrected
        if self.filters:
            d["filters"] = self.filters
        if self.confidence_score is not None:
            d["confidence_score"] = round(self.confidence_score, 3)
        if self.reason:
            d["reason"] = self.reason
        if self.named_documents:
            d["named_documents"] = list(self.named_documents)
        if self.not_in_library:
            d["not_in_library"] = list(self.not_in_library)
        if self.paragraph:
            d["paragraph"] = self.paragraph
        if self.paragraph_missing:
            d["paragraph_missing"] = self.paragraph_missing
        if self.offered:
            d["offered"] = list(self.offered)
        if self.comparison is not None:
            d["comparison"] = self.comparison.to_dict()
        return d


@dataclass(frozen=True)
class _Scores:
    """Everything ranking computed for one question text."""

    fused: np.ndarray
    sentence_sim: np.ndarray
    best_similarity: float
    terms: set[str]
    token_match: np.ndarray  # first model: each question token's best cosine in the searched passages
    token_spans: np.ndarray  # first model: each question token's character span in the question
    first_sentence_sim: np.ndarray  # first model: cosine of the question with every sentence
    lexical: np.ndarray  # BM25 score of every passage
    each_fused: tuple[np.ndarray, ...]  # each model's own passage scores (for their agreement)
    each_sentence: tuple[np.ndarray, ...]  # each model's own sentence similarities

    def mixed_with(self, other: "_Scores", w: float) -> "_Scores":
        """(1 - w) of these scores plus w of the other's; the terms and tokens stay these."""
        return replace(
            self,
            fused=(1 - w) * self.fused + w * other.fused,
            sentence_sim=(1 - w) * self.sentence_sim + w * other.sentence_sim,
            best_similarity=(1 - w) * self.best_similarity + w * other.best_similarity,
        )

    def meaning_match(self, start: int, end: int) -> float:
        """How well the passages match the meaning of the question's characters [start, end):
        the mean best cosine of the tokens inside (0 when no token is)."""
        inside = (self.token_spans[:, 0] >= start) & (self.token_spans[:, 1] <= end) if len(self.token_spans) else []
        return float(self.token_match[inside].mean()) if np.any(inside) else 0.0


class QuestionError(ValueError):
    """The question cannot be searched (empty); the message is for the user."""


def clean_question(question: str) -> tuple[str, str | None]:
    """Normalise a question (Unicode NFKC, control characters removed, whitespace folded) and
    cut it to MAX_QUESTION_CHARS. Returns the question and a note when it was cut."""
    text = unicodedata.normalize("NFKC", question or "")
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = " ".join(text.split())
    if not text:
        raise QuestionError("The question is empty: type a question about the document.")
    if len(text) > MAX_QUESTION_CHARS:
        return text[:MAX_QUESTION_CHARS], f"The question was cut to its first {MAX_QUESTION_CHARS} characters."
    return text, None


@functools.cache
def _one_blas_thread():
    """Numpy's products on one BLAS thread, for the process. A question multiplies the library's
    sentence vectors by its own; OpenBLAS's threads then spin on both cores for a while and the
    encoder's next pass waits for them (measured on the 326 resolutions, the pair: a question's
    encoding 39 ms alone, 64 ms after a search; one thread: 38 ms, and the search no slower)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController().limit(limits=1, user_api="blas")


class Engine:
    """Model + index + ranking. Thread-safe for concurrent ``ask`` calls (read-only state)."""

    def __init__(self, settings: Settings, embedder: Embedder, index: Index,
                 params: RankingParams | None = None, rebuilt: bool = False,
                 second: tuple[Embedder, Index] | None = None, *, terms: LibraryTerms | None = None):
        self.settings = settings
        self.embedder = embedder
        self.index = index
        self.second = second  # the second model and its index of the same passages, if any
        self.params = params or default_params(two_models=second is not None)
        # The answer box's calibrator (None: the box is shown whenever nothing is missing).
        # A library of several documents has its own (``selective.LIBRARY_SUFFIX``).
        self.calibration: BoxCalibration | None = load_calibration(
            (embedder.name,) + ((second[0].name,) if second is not None else ()), library=len(index.documents) > 1)
        self.rebuilt = rebuilt
        self._documents = {d["id"]: d for d in index.documents}
        # Per-passage facts the per-question path needs, computed once.
        self._text_keys = [text_key(p.text) for p in index.passages]
        self._spans = [(p.doc_id, p.paragraph_overall) for p in index.passages]
        self._doc_ids = np.array([p.doc_id for p in index.passages])
        # Documents set out in articles (a treaty): "article 6, paragraph 2" is looked up in them.
        self._article_docs = frozenset(p.doc_id for p in index.passages if article_of(p.section))
        # The library's words (each document's vocabulary, the speller's words, each term's idf):
        # kept beside the index per document, made again only for a document whose passages changed.
        terms = self._terms = terms or library_terms(index.passages, settings.index_dir)
        self.idf = terms.idf
        nothing = Vocabulary.from_texts([])  # a listed document without passages mentions nothing
        self._vocabularies = {d: terms.vocabularies.get(d, nothing) for d in self._documents}
        self._sentence_terms_kept: dict[int, list[set[str]]] = {}
        self._vocabulary_unions: dict[frozenset[str], Vocabulary] = {}
        self.speller = SpellingCorrector([], words=terms.spelling_words)
        # The page draws these on every rerun: computed once per engine.
        self._sections: dict[str | None, list[str]] = {}
        for p in index.passages:
            for key in (None, p.doc_id):
                headings = self._sections.setdefault(key, [])
                if p.section and p.section not in headings:
                    headings.append(p.section)
        self.protected = frozenset(d for d in self._documents if is_protected(settings.corpus_dir, d))
        # A follow-up is scored joined and alone, and "more" repeats a search: the same text is
        # not encoded twice.
        self._scores = functools.lru_cache(maxsize=16)(self._compute_scores)
        attributions = [s.attribution for p in index.passages for s in p.sentences]  # sentence-row order
        self._sentence_speakers = np.array([a.speaker for a in attributions])
        self._sentence_agreements = np.array([a.agreement for a in attributions])

    @classmethod
    def load(cls, settings: Settings | None = None, *, progress: bool = False, force_rebuild: bool = False,
             embedder: Embedder | None = None, second_embedder: Embedder | None = None,
             on_wait: Callable[[], None] | None = None, report: ProgressReport | None = None,
             verify: bool = False) -> "Engine":
        """Load the model(s) and the index(es), building an index first when it is missing or stale
        (under the library's writer lock; ``on_wait`` is called if another writer holds it;
        ``report`` hears how many passages each model has embedded of how many; ``verify`` hashes
        every document and index file again instead of trusting an unchanged ``stat``)."""
        settings = settings or Settings.from_env()
        _one_blas_thread()
        if settings.install_shipped:  # a new data folder starts with the shipped documents
            install_shipped_documents(settings.corpus_dir, SHIPPED_DIR)
        # Before the models: a bad corpus fails fast. Unchanged files are not read again (their
        # readings are kept by hash beside the index).
        documents = load_corpus(settings.corpus_dir, settings.index_dir / READ_CACHE, verify=verify)
        backend = backend_for(settings.store)  # a bad RETRIEVAL_STORE fails before the models load
        embedder = embedder or load_embedder(settings.model)
        embedders = [embedder]
        if settings.second_model:
            embedders.append(second_embedder or load_embedder(settings.second_model))
        try:  # a reader needs no lock: the index in force is valid for the corpus as it is
            if force_rebuild or pending(settings.index_dir):
                raise StaleIndexError("a rebuild is asked for, or an add is under way")
            indexes, rebuilt = load_all(settings.index_dir, documents, embedders, backend, verify=verify), False
        except StaleIndexError:
            # Building is writing: one writer at a time, and the corpus read again under the lock
            # (another writer may have changed it, or left a change to take back).
            with one_writer(settings.index_dir, on_wait=on_wait):
                documents = load_corpus(settings.corpus_dir, settings.index_dir / READ_CACHE, verify=verify)
                indexes, rebuilt = load_or_build_all(settings.index_dir, documents, embedders, progress=progress,
                                                     force=force_rebuild, report=report, backend=backend,
                                                     verify=verify)
        index = indexes[0]
        second = (embedders[1], indexes[1]) if len(embedders) > 1 else None
        return cls(settings, embedder, index, rebuilt=rebuilt, second=second)

    def _sentence_terms(self, passage_id: int) -> list[set[str]]:
        """The terms of each sentence of a passage (made the first time it is asked for)."""
        kept = self._sentence_terms_kept.get(passage_id)
        if kept is None:
            kept = [set(tokenize(s.text)) for s in self.index.passages[passage_id].sentences]
            self._sentence_terms_kept[passage_id] = kept  # one assignment: safe between threads
        return kept

    def forget_scores(self) -> None:
        """Empty the cache of recent questions' scores (benchmarks time every question as new)."""
        self._scores.cache_clear()

    @property
    def embedders(self) -> list[Embedder]:
        """The models this engine searches with, first model first."""
        return [self.embedder] + ([self.second[0]] if self.second else [])

    # --- information for the page -------------------------------------------------
    @property
    def passages(self) -> list[Passage]:
        return self.index.passages

    @property
    def documents(self) -> list[dict]:
        return self.index.documents

    def page_view(self, doc_id: str, page: int, sentence: str):
        """The printed page of a PDF document with ``sentence`` marked (``page_view.PageImage``),
        or None for a document that is not a PDF (or is gone)."""
        from ..ingest.page_view import page_image

        meta = next((d for d in self.documents if d["id"] == doc_id), None)
        path = self.settings.corpus_dir / meta["file"] if meta and meta.get("file") else None
        if path is None or path.suffix.lower() != ".pdf" or not path.is_file():
            return None
        return page_image(path, page, sentence)

    def sections(self, doc_id: str | None = None) -> list[str]:
        """Section headings in document order (of one document, or of all)."""
        return list(self._sections.get(doc_id, []))

    # --- search ---------------------------------------------------------------------
    def ask(self, question: str, *, context: str | None = None, offset: int = 0, top_k: int | None = None,
            documents: set[str] | None = None, speakers: set[str] | None = None,
            agreements: set[str] | None = None, exact: bool = False,
            params: RankingParams | None = None) -> Answer:
        """The one query: answer a question with the best passages, or refuse when nothing is
        relevant. ``context``: the previous question of a follow-up (its scores joined to this
        one's are mixed with this one's alone, so the new words lead and the context
        disambiguates); ``offset``: skip the first results ("more"); ``documents``, ``speakers``
        and ``agreements`` limit which sentences may answer (who said it: see ``attribution``);
        misspelt words are corrected unless ``exact``.

        Raises QuestionError for an empty question.
        """
        text, note = clean_question(question)
        corrected = text if exact else self.speller.correct(text)
        # "A/RES/79/217, para. 15 (p)": the paragraph is looked up in the document meant; its words
        # are no words of the subject asked about.
        paragraph = find_paragraph_reference(corrected, articles=bool(self._article_docs)) \
            if not (speakers or agreements) else None
        plain = (without_paragraph_reference(corrected, paragraph) or corrected) if paragraph else corrected
        searched, named, unknown, naming = plain, (), (), frozenset()
        chosen = documents  # where the person chose to search, if they did
        several_meant = False  # a reference ("the 2025 resolution") that fits several documents
        within = None  # the documents the paragraph named is looked up in
        if len(self._documents) > 1 and not offset and not (speakers or agreements) and documents is None:
            # "What changed between 79/171 and 80/210?": answered from the two versions compared.
            reply = self.versions.reply(corrected, context, pick=self._pick_document)
            if reply is not None:
                return self._comparison_answer(question, reply, note)
        if len(self._documents) > 1:
            # A question that names its document ("What does resolution 79/171 say …") is searched
            # in it, unless the person already chose where to search. A paragraph named with it is
            # its subject: what else the question says need not be spoken of there.
            reference = resolve(plain, self.documents)
            searched = without_reference(plain, reference) or plain
            if reference.found and documents is None and ({"symbol", "year", "session"} & set(reference.by)
                                                          or paragraph is not None
                                                          or self._speak_to(searched, reference.documents, params)):
                named = tuple(reference.documents)
                documents = set(named)
                several_meant = len(named) > 1 and "symbol" not in reference.by
                meant = [d for d in self.documents if d["id"] in documents]
                # Words that only name the one text meant (its title, its committee) are in every
                # passage searched: they would rank its preamble first, not what is asked of it.
                naming = reference_words(plain, reference)
                if searched == plain:
                    # "the Philippines' statement": who made it names the text; in it those words
                    # would rank first the title block that prints them, not what is asked.
                    searched = without_naming_words(plain, reference)
                if len({(d.get("facts") or {}).get("title") or d.get("title") for d in meant}) == 1:
                    searched = without_document_words(searched, meant)
            unknown = reference.missing if not reference.found else ()
            within = documents
            if chosen is not None and reference.found:
                # A paragraph of a document named outside those chosen is not theirs to answer.
                within = (chosen & set(reference.documents)) or (None if "symbol" in reference.by else chosen)
            elif paragraph is not None and context and documents is None and not reference.found:
                # "And para. 5?" after a question that named one document: that document's paragraph.
                earlier = resolve(context, self.documents)
                if earlier.found and len(earlier.documents) == 1:
                    named = tuple(earlier.documents)
                    documents = within = set(named)
        elif self._documents:
            within = documents if documents is not None else set(self._documents)
        if paragraph is not None and paragraph.article and not paragraph.instrument and not within and not unknown \
                and len(self._article_docs) == 1:
            # "article 6, paragraph 2" with no document named: the library's one text set out in
            # articles (not when the question names another instrument: "of the Paris Agreement").
            within = set(self._article_docs)
        if paragraph is not None and paragraph.article and within and not unknown \
                and not (within & self._article_docs):
            # "article 9 of the Paris Agreement" asked of a resolution: another instrument's article,
            # searched as it was asked.
            paragraph = None
            searched = corrected if not named else (without_reference(corrected, reference) or corrected)
        if paragraph is not None and (not within or unknown):
            # No document to read the paragraph in: the question is searched as it was asked.
            paragraph = None
            searched = corrected if not named else searched
        limit = max(1, int(top_k or self.settings.top_k))
        answer = self._search(searched, top_k=offset + limit if paragraph else top_k, params=params, note=note,
                              question=question, offset=0 if paragraph else offset, context=context,
                              documents=documents, speakers=speakers, agreements=agreements,
                              named=bool(named), naming=naming)
        offered: tuple[str, ...] = ()
        if paragraph is None and several_meant and answer.answered and answer.results \
                and fact_asked(corrected) is None:
            # "the 2025 resolution" fits several: the closest (the box's document) is searched, the
            # others are offered. Decided on the first page, so that "more" pages through the same;
            # without a box, no one of them is closer than the others, and all stay searched (a
            # fact asked of "the 2025 resolution" is no fact of any one of them).
            first = answer if not offset else self._search(
                searched, top_k=1, params=params, note=note, question=question, offset=0, context=context,
                documents=documents, speakers=speakers, agreements=agreements, named=True, naming=naming)
            closest = first.results[0].citation.document if first.results and first.confidence == "answer" else None
            if closest in named:
                offered = tuple(d for d in named if d != closest)
                named, documents = (closest,), {closest}
                answer = self._search(searched, top_k=top_k, params=params, note=note, question=question,
                                      offset=offset, context=context, documents=documents, speakers=speakers,
                                      agreements=agreements, named=True, naming=naming)
        if paragraph is not None:
            answer = self._paragraph_answer(answer, paragraph, within, named, searched, offset, limit, params,
                                            naming)
            named = answer.named_documents or named  # the one document whose paragraph it is
        elif not offset and not (speakers or agreements) and not unknown:  # never another document's facts
            answer = self._fact_answer(corrected, answer, named)
        if named or unknown:
            answer = replace(answer, named_documents=named, not_in_library=tuple(unknown), offered=offered)
        if corrected == text:
            return answer
        return replace(answer, searched_as=corrected, corrected=corrected)

    def _speak_to(self, text: str, documents: tuple[str, ...], params: RankingParams | None) -> bool:
        """Whether documents a question names only by kind or author (no symbol, date or session) hold
        a sentence nearly as close to it as the library's closest. "What should the
        Secretary-General's next report focus on?" names a report a resolution asks for, not the
        library's reports: searched in those, it is answered from passages that do not speak to it.
        A dated reference ("Egypt's September 2023 letter") is the document meant, even in another
        language than the question's."""
        params = params or self.params
        scores = self._scores(text, params)
        within = self._allowed_sentences(set(documents), None, None)
        # Sentence against sentence: a passage's cosine (in best_similarity) may exceed all of its
        # sentences', and would then set a bar that the library's best sentence itself fails.
        return bool(within.any()) and \
            float(scores.sentence_sim[within].max()) >= float(scores.sentence_sim.max()) - params.filter_margin

    def _search(self, text: str, *, top_k: int | None, params: RankingParams | None, note: str | None,
                question: str, offset: int, context: str | None, documents: set[str] | None,
                speakers: set[str] | None, agreements: set[str] | None, named: bool = False,
                naming: frozenset[str] = frozenset()) -> Answer:
        """``named``: ``documents`` are the ones the question named (not a filter chosen in the page);
        ``naming``: the words that named them (its kind, its author), which the documents need not
        mention (a draft's text does not say "draft")."""
        params = params or self.params
        top_k = max(1, int(top_k or self.settings.top_k))
        # Every text that reaches the models is capped, whatever path it came by.
        text = text[:MAX_QUESTION_CHARS]
        context = context[: max(MAX_QUESTION_CHARS - len(text) - 1, 0)] if context else None
        asked = question if question is not None else text
        scores = self._scores(f"{context} {text}" if context else text, params)
        if context:
            alone = self._scores(text, params)
            # Relevance is judged on the joined question; the highlight weighs the new words.
            scores = replace(scores.mixed_with(alone, params.follow_up_weight),
                             best_similarity=scores.best_similarity, terms=alone.terms or scores.terms,
                             token_match=alone.token_match, token_spans=alone.token_spans,
                             first_sentence_sim=alone.first_sentence_sim)
        allowed = self._allowed_sentences(documents, speakers, agreements)
        best_anyone = None  # the closest sentence without the filter that narrows this search most
        # A document the question names is the one asked about: that a library's other versions say
        # it in closer words is no reason to refuse (the similarity floor still applies).
        if speakers or agreements or (documents is not None and not named):
            in_documents = None if not (speakers or agreements) else self._allowed_sentences(documents, None, None)
            sims = scores.sentence_sim if in_documents is None else scores.sentence_sim[in_documents]
            best_anyone = float(sims.max()) if sims.size else -1.0
        passage_ok = None  # which passages the filters allow (None: all)
        if allowed is not None:
            # Only the chosen documents' (or speakers') sentences may answer, highlight or be judged.
            passage_ok = np.zeros(len(self.index.passages), dtype=bool)
            passage_ok[self.index.sentence_owner[allowed]] = True
            sentence_sim = np.where(allowed, scores.sentence_sim, -np.inf)
            scores = replace(scores, fused=np.where(passage_ok, scores.fused, -np.inf), sentence_sim=sentence_sim,
                             best_similarity=float(sentence_sim.max()) if allowed.any() else -1.0)
        filters = {k: sorted(v) for k, v in (("speaker", speakers), ("agreement", agreements),
                                             ("document", documents)) if v} or None
        # With a filter, the chosen speakers (or documents) must hold something nearly as close as
        # the best sentence without it; otherwise they do not speak to the question.
        said_elsewhere = best_anyone is not None and scores.best_similarity < best_anyone - params.filter_margin
        if not is_answerable(scores.best_similarity, params) or said_elsewhere:
            return Answer(asked, False, [], note=note, filters=filters)
        missing, nothing_named = self._missing(text, scores, params, documents, naming)
        if nothing_named:
            return Answer(asked, False, [], note=note, missing=tuple(missing), filters=filters, reason="missing")
        # Two at least: the second passage's score is one of the box's signals. A text found in
        # several versions (documents) is one result, shown as the version asked about.
        best: dict[int, float] = {}
        ranked = self._one_per_version(best_first(scores.fused), scores.fused, best,
                                       bool(documents))
        order = distinct_order(ranked, self._text_keys, self._spans, limit=offset + max(top_k, 2))
        order = [i for i in order[offset:] if np.isfinite(scores.fused[i])]
        kind = answer_type(text)
        results = [self._with_versions(self._result(self.index.passages[i], best.get(i, float(scores.fused[i])),
                                                    scores.sentence_sim, scores.terms, params, kind))
                   for i in order]
        # "When …?" answered by a sentence without a date: a close passage's dated sentence goes first
        # (the passages shown stay the same).
        # "What was asked of …?" answered by a preambular paragraph: a close operative one that asks it
        # goes first (a summary's reported calls are too loose a cue for this: only a resolution's).
        call = kind == "call"
        carried = [operative_call(r.text) if call else r.carries_type for r in results]
        j = first_typed(kind, carried, [r.score for r in results], exact=call)
        results = [results[j]] + results[:j] + results[j + 1:] if j else results
        # A footnote ("See Official Records of …") is searchable but is not the text: on each page
        # of results it comes after the body's passages, and it never fills the answer box.
        footnote = [self.index.passages[r.passage_id].footnote for r in results]
        results = [r for r, f in zip(results, footnote) if not f] + [r for r, f in zip(results, footnote) if f]
        evidence = self._evidence(results, scores, allowed, passage_ok, kind, named) if results else None
        probability = self.calibration.probability(evidence) if evidence and self.calibration else None
        if missing:
            confidence, reason = "partial", "missing"
        elif probability is not None and not self.calibration.shows_box(probability, evidence.passage_margin):
            confidence, reason = "partial", "uncertain"
        elif results and self.index.passages[results[0].passage_id].footnote:
            confidence, reason = "partial", "uncertain"  # only footnotes matched: shown, never boxed
        elif results and results[0].carries_type is False and self.calibration is not None and asks_for_figure(text, kind):
            # "How much …?", "When …?" answered by a sentence with no figure or date in it: whatever
            # else agrees, the box would claim an answer its sentence does not hold.
            confidence, reason = "partial", "uncertain"
        else:
            confidence, reason = "answer", None
        return Answer(asked, True, results[:top_k], note=note, confidence=confidence, missing=tuple(missing),
                      filters=filters, confidence_score=probability, reason=reason, evidence=evidence)

    def _evidence(self, results: list[SearchResult], scores: "_Scores", allowed: np.ndarray | None,
                  passage_ok: np.ndarray | None, kind: str | None, named: bool = False) -> Evidence:
        """The box's signals for the first result (see ``selective.Evidence``)."""
        top = results[0]
        p0 = top.passage_id
        first = int(self.index.sentence_start[p0])
        rows = np.arange(first, first + len(self.index.passages[p0].sentences))
        own = np.sort(scores.sentence_sim[rows])[::-1]

        def masked(values: np.ndarray, ok: np.ndarray | None) -> np.ndarray:
            return values if ok is None else np.where(ok, values, -np.inf)

        lexical = masked(scores.lexical, passage_ok)
        best_lexical = float(lexical.max()) if lexical.size else 0.0
        sentence_sim = masked(scores.sentence_sim, allowed)
        return Evidence(
            best_similarity=scores.best_similarity,
            top_score=top.score,
            # Alone (a filter left one passage), the first has no rival: a clear lead, not a tie.
            passage_margin=top.score - results[1].score if len(results) > 1 else TIE_SCALE,
            sentence_margin=float(own[0] - own[1]) if len(own) > 1 else 0.0,
            highlight_gap=float(scores.sentence_sim[top.sentence_row] - sentence_sim.max()),
            # Versions of one text are one passage here: a model that prefers another copy agrees.
            models_agree_passage=float(np.mean([self._versions[0][int(np.argmax(masked(f, passage_ok)))]
                                                == self._versions[0][p0] for f in scores.each_fused])),
            models_agree_sentence=float(np.mean([int(np.argmax(s[rows])) + first == top.sentence_row
                                                 for s in scores.each_sentence])),
            bm25_agrees=float(lexical[p0] / best_lexical) if best_lexical > 0 else 0.0,
            term_coverage=term_overlap(scores.terms, set().union(*self._sentence_terms(p0)), self.idf),
            type_asked=float(kind is not None),
            type_met=float(top.carries_type is not False),
            weakest_token=float(scores.token_match.min()) if len(scores.token_match) else 0.0,
            mean_token=float(scores.token_match.mean()) if len(scores.token_match) else 0.0,
            named_document=float(named),
            documents_competing=len({r.citation.document for r in results[:3]} - {top.citation.document}) / 2,
            answer_versions=float(bool(top.also_in)),
        )

    def _allowed_sentences(self, documents: set[str] | None, speakers: set[str] | None,
                           agreements: set[str] | None) -> np.ndarray | None:
        """Which sentence rows may answer under the filters (None: all of them)."""
        allowed = None
        if documents is not None:
            allowed = np.isin(self._doc_ids, list(documents))[self.index.sentence_owner]
        if speakers:
            by_speaker = np.isin(self._sentence_speakers, list(speakers))
            allowed = by_speaker if allowed is None else allowed & by_speaker
        if agreements:
            by_agreement = np.isin(self._sentence_agreements, list(agreements))
            allowed = by_agreement if allowed is None else allowed & by_agreement
        return allowed

    def _missing(self, text: str, scores: "_Scores", params: RankingParams,
                 documents: set[str] | None, naming: frozenset[str] = frozenset()) -> tuple[list[str], bool]:
        """The question's salient terms that the (chosen) documents do not mention, and whether
        those are a name or number and the only things the question names (then: "none");
        ``naming``: words that named the documents, not asked of them."""
        terms = [t for t in question_terms(text) if t.text.lower() not in naming]
        if not terms:
            return [], False
        key = frozenset(documents if documents is not None else self._vocabularies)
        if key not in self._vocabulary_unions:  # a few filters at most per server
            self._vocabulary_unions[key] = Vocabulary.union([v for d, v in self._vocabularies.items() if d in key])
        allowed = (None if documents is None
                   else np.isin(self._doc_ids, list(documents))[self.index.sentence_owner])

        def removal_gain(doubtful: list[QuestionTerm]) -> list[float]:
            # First model only: a forward pass of the larger model would double the cost.
            vectors = self.embedder.encode([without(text, t) for t in doubtful])
            sims = np.column_stack([scores.first_sentence_sim, self.index.sentence_vectors @ vectors.T])
            best = (sims if allowed is None else sims[allowed]).max(axis=0)
            return (best[1:] - best[0]).tolist()

        vocabulary = self._vocabulary_unions[key]
        missing = missing_terms(terms, vocabulary, [scores.meaning_match(t.start, t.end) for t in terms],
                                removal_gain, rare_zipf=params.rare_zipf, match_threshold=params.meaning_match_threshold)
        return missing, names_only_what_is_missing(terms, vocabulary, missing)

    def _compute_scores(self, text: str, params: RankingParams) -> "_Scores":
        # The lexical side does not depend on the model: computed once, shared by both. A store
        # across the network (Milvus) answers it while the question is embedded and searched.
        search = self.index.lexical
        lexical = (_REMOTE_CALLS.submit(search.scores, text) if getattr(search, "remote", False)
                   else search.scores(text))
        terms = set(tokenize(text))
        scores = _model_scores(self.embedder, self.index, text, lexical, terms, params)
        if self.second is None:
            return scores
        other = _model_scores(*self.second, text, scores.lexical, terms, params)
        return replace(scores.mixed_with(other, params.second_model_weight),
                       each_fused=scores.each_fused + other.each_fused,
                       each_sentence=scores.each_sentence + other.each_sentence)

    def _result(self, passage: Passage, score: float, sentence_sim: np.ndarray, q_terms: set[str],
                params: RankingParams, kind: str | None = None) -> SearchResult:
        first = self.index.sentence_start[passage.id]
        rows = np.arange(first, first + len(passage.sentences))
        overlap = np.array([term_overlap(q_terms, terms, self.idf)
                            for terms in self._sentence_terms(passage.id)])
        typed = (np.array([carries(kind, s.text) for s in passage.sentences], dtype=np.float32)
                 if kind and params.highlight_type_weight else None)
        first, last = choose_highlight(sentence_sim[rows], overlap, params, typed)
        sentence = passage.sentences[first]
        end = passage.sentences[last].end
        chosen = float(sentence_sim[rows][first] + params.highlight_lexical_weight * overlap[first]
                       + (params.highlight_type_weight * typed[first] if typed is not None else 0.0))
        return SearchResult(
            text=passage.text,
            highlight=passage.text[sentence.start : end],
            highlight_start=sentence.start,
            highlight_end=end,
            highlight_sentences=last - first + 1,
            score=score,
            citation=cite(passage, self._documents.get(passage.doc_id), sentence.page,
                          sentence.attribution.to_dict() | {"label": sentence.attribution.label}),
            passage_id=passage.id,
            sentence_row=int(rows[first]),
            highlight_score=chosen,
            carries_type=None if kind is None else carries(kind, passage.text[sentence.start : end]),
            document_facts=(self._documents.get(passage.doc_id) or {}).get("facts") or None,
        )

    # --- a paragraph named by its number ------------------------------------------------
    def _paragraph_answer(self, answer: Answer, paragraph: ParagraphReference, within: set[str],
                          named: tuple[str, ...], searched: str, offset: int, limit: int,
                          params: RankingParams | None, naming: frozenset[str] = frozenset()) -> Answer:
        """The paragraph a question named, first and in the box (what was asked for by its number is
        the answer, whatever the search thought of it), then the search's other results; when the
        documents searched have no such paragraph, the search's answer, saying so. ``answer``: the
        search's first ``offset + limit`` results; ``offset``: where this page of results starts
        ("more")."""
        page = slice(offset, offset + (limit if offset else max(limit, 2)))
        searched_passages = [self.index.passages[i] for i in np.flatnonzero(np.isin(self._doc_ids, list(within)))]
        if paragraph.article:
            # A treaty's article (its paragraph, if named): counted in the article when the treaty
            # does not print its paragraphs' numbers.
            searched_passages = [p for p in searched_passages if p.doc_id in self._article_docs]
            within_article = replace(paragraph, article=None)
            targets = [p for p in searched_passages if not p.footnote and article_of(p.section) == paragraph.article
                       and (paragraph.number is None or names_paragraph(within_article, p.number, None)
                            or (p.number is None and str(p.paragraph) == paragraph.number))]
            return self._paragraph_targets(answer, paragraph, targets, named, searched, page, params, naming)
        if not any(p.number or p.preambular for p in searched_passages):
            # Documents that number nothing: their paragraphs are cited by count, per section.
            return replace(answer, results=answer.results[page])
        # Several documents meant ("para. 3 of the 2025 resolution on water"): theirs first whose
        # passages the search ranked first, then the others in the order named.
        order: dict[str, int] = {}
        for doc in [r.citation.document for r in answer.results] + list(named):
            order.setdefault(doc, len(order))
        if paragraph.last:  # "the last operative paragraph": its number in the first document meant
            first = min(within, key=lambda d: (order.get(d, len(order)), d))
            own = [p for p in searched_passages if p.doc_id == first and not p.footnote]
            paragraph = at_end(paragraph, [p.number for p in own], [p.preambular for p in own]) or paragraph
            searched_passages = own
        targets = sorted((p for p in searched_passages
                          if not p.footnote and names_paragraph(paragraph, p.number, p.preambular)),
                         key=lambda p: (order.get(p.doc_id, len(order)), p.id))
        return self._paragraph_targets(answer, paragraph, targets, named, searched, page, params, naming)

    def _paragraph_targets(self, answer: Answer, paragraph: ParagraphReference, targets: list[Passage],
                           named: tuple[str, ...], searched: str, page: slice,
                           params: RankingParams | None, naming: frozenset[str] = frozenset()) -> Answer:
        """The passages of the paragraph named (``targets``, in order) first and in the box, then the
        search's other results; the search's answer, saying so, when there are none."""
        if not targets:
            # The line says the paragraph is not there; what the search found follows. A question
            # that asked for nothing but the paragraph ("What does article 12 say?") has no subject
            # for a box to answer, and no words the documents could fail to mention.
            missing = replace(answer, results=answer.results[page], paragraph_missing=paragraph.label, missing=())
            subject = [t for t in question_terms(without_symbols(searched)) if t.text.lower() not in naming]
            if answer.confidence == "answer" and not subject:
                missing = replace(missing, confidence="partial", confidence_score=None)
            return missing
        # One document's paragraph, in one numbering: the same number in the other documents meant,
        # or in a draft resolution a report carries (its numbering starts again), is another paragraph.
        targets = [p for p in targets if p.doc_id == targets[0].doc_id and p.section == targets[0].section]
        params = params or self.params
        scores = self._scores(searched, params)
        kind = answer_type(searched)
        shown = [self._with_versions(self._result(p, float(scores.fused[p.id]), scores.sentence_sim, scores.terms,
                                                  params, kind)) for p in targets]
        ids = {p.id for p in targets}
        # The search's own results follow when it found a subject to answer ("… say about remittances?");
        # a question that is only the reference ("A/RES/79/159, para. 2") gets the paragraph alone.
        rest = [r for r in answer.results if r.passage_id not in ids] if answer.confidence == "answer" else []
        results = (shown + rest)[page]
        if not results:  # "more" past the paragraph's last part
            return replace(answer, answered=False, results=[], confidence="none", paragraph=paragraph.label)
        return replace(answer, answered=True, results=results, confidence="answer", reason=None, missing=(),
                       confidence_score=None, paragraph=paragraph.label,
                       named_documents=(targets[0].doc_id,) if named else answer.named_documents)

    # --- a document's own facts ---------------------------------------------------------
    def _fact_answer(self, question: str, answer: Answer, named: tuple[str, ...]) -> Answer:
        """A question about a document's facts ("When was it adopted?") answered with its masthead's
        line for that fact, cited to page 1: the document named, else the one that answered."""
        key = fact_asked(question)
        if key is None:
            return answer
        doc_id = named[0] if len(named) == 1 else (
            answer.results[0].citation.document if answer.answered and answer.results and not named else None)
        meta = self._documents.get(doc_id) if doc_id else None
        line = printed_fact(meta.get("facts") if meta else None, key)
        if not line:
            return answer
        own = [self.index.passages[i] for i in np.flatnonzero(self._doc_ids == doc_id)]
        first = own[0]
        line = with_marked_footnote(line, [p.text for p in own if p.footnote])
        label = document_label(meta["title"], meta.get("place"), meta.get("date"))
        labels = meta.get("page_labels") or {}
        citation = Citation(document=doc_id, document_title=meta["title"], section=None, paragraph=0,
                            paragraph_overall=0, page=1, pages=(1, 1),
                            label=f"{label}, masthead, p. {labels.get('1', '1')}", printed_page=labels.get("1"))
        top = SearchResult(text=line, highlight=line, highlight_start=0, highlight_end=len(line), highlight_sentences=1,
                           score=answer.results[0].score if answer.results else 1.0, citation=citation,
                           passage_id=first.id)
        return replace(answer, answered=True, results=[top] + list(answer.results[:max(len(answer.results) - 1, 1)]),
                       confidence="answer", reason=None, missing=(), confidence_score=None)

    # --- what changed between versions --------------------------------------------------
    @functools.cached_property
    def versions(self) -> LibraryVersions:
        """The library's families of versions and their comparisons."""
        return LibraryVersions(self.index.passages, self.index.documents)

    def _pick_document(self, question: str, candidates: list[str]) -> str | None:
        """Of several documents, the one whose passages answer the question's subject best."""
        found = self._search(question, top_k=1, params=None, note=None, question=question, offset=0,
                             context=None, documents=set(candidates), speakers=None, agreements=None)
        return found.results[0].citation.document if found.answered and found.results else None

    def _comparison_answer(self, question: str, reply: ComparisonReply, note: str | None) -> Answer:
        """A comparison question's answer: its rows as results (the newer side's paragraph, the
        older's for a removed one), each cited, the other side's citation under "also in"."""
        results = []
        for row in reply.rows:
            shown, other = (row.b, row.a) if row.b is not None else (row.a, None)
            passage = self.index.passages[shown.passage_id]
            citation = cite(passage, self._documents.get(passage.doc_id), shown.page)
            also = ()
            if other is not None:
                p = self.index.passages[other.passage_id]
                also = (cite(p, self._documents.get(p.doc_id), other.page),)
            results.append(SearchResult(text=shown.text, highlight=shown.text, highlight_start=0,
                                        highlight_end=len(shown.text), highlight_sentences=1, score=row.similarity,
                                        citation=citation, passage_id=shown.passage_id, also_in=also))
        named = tuple(d for d in (reply.targets.a, reply.targets.b) if d) or \
            ((reply.targets.document,) if reply.targets.document else ())
        return Answer(question, reply.found, results, note=note, confidence="answer" if reply.found else "none",
                      named_documents=named, not_in_library=reply.targets.unknown, comparison=reply)

    # --- versions of the same text --------------------------------------------------
    @functools.cached_property
    def _versions(self) -> tuple[list[int], dict[int, list[int]], dict[str, tuple]]:
        """Each passage's group of versions, each group's members, and how documents rank as versions."""
        passages = self.index.passages
        groups = self.index.version_groups  # found when the index was built
        if groups is None:
            groups = (version_groups([p.text for p in passages], [p.doc_id for p in passages])
                      if len(self._documents) > 1 else list(range(len(passages))))
        members: dict[int, list[int]] = {}
        for i, g in enumerate(groups):
            members.setdefault(g, []).append(i)
        return groups, {g: m for g, m in members.items() if len(m) > 1}, \
            {d: document_rank(meta) for d, meta in self._documents.items()}

    def _one_per_version(self, ranked: list[int], fused: np.ndarray, best: dict[int, float], narrowed: bool):
        """The ranked passages with each group of versions once, as its preferred member: the best
        scored in the documents searched when the search was narrowed, else the latest adopted
        version; ``best`` receives the group's best score for the member shown."""
        groups, members, rank = self._versions
        seen: set[int] = set()
        for i in ranked:
            group = members.get(groups[i])
            if group is None:
                yield i
                continue
            if groups[i] in seen:
                continue
            seen.add(groups[i])
            allowed = [m for m in group if np.isfinite(fused[m])] or [i]
            shown = max(allowed, key=lambda m: fused[m]) if narrowed else \
                preferred_version(allowed, rank, self._doc_ids)
            best[shown] = float(fused[i])
            yield shown

    def _with_versions(self, result: SearchResult) -> SearchResult:
        """A result with the other documents its text is in, one citation each."""
        groups, members, _ = self._versions
        group = members.get(groups[result.passage_id])
        if not group:
            return result
        shown_doc = self.index.passages[result.passage_id].doc_id
        others: dict[str, Citation] = {}
        for m in group:
            p = self.index.passages[m]
            if p.doc_id != shown_doc and p.doc_id not in others:
                others[p.doc_id] = cite(p, self._documents.get(p.doc_id), p.page_start)
        return replace(result, also_in=tuple(others.values()))

    def with_params(self, **changes) -> "Engine":
        """A view of this engine with other ranking settings (for evaluation)."""
        view = Engine(self.settings, self.embedder, self.index, replace(self.params, **changes), self.rebuilt,
                      self.second, terms=self._terms)
        view.speller = self.speller  # its dictionary loads once
        if "_versions" in self.__dict__:
            view.__dict__["_versions"] = self._versions  # computed once per index
        view.calibration = self.calibration
        return view

    def with_calibration(self, calibration: BoxCalibration | None) -> "Engine":
        """A view of this engine whose answer box follows another calibration (None: always shown)."""
        view = self.with_params()
        view.calibration = calibration
        return view

    def single_model(self) -> "Engine":
        """A view of this engine that searches with its first model only (for comparison)."""
        view = Engine(self.settings, self.embedder, self.index, default_params(two_models=False), self.rebuilt,
                      terms=self._terms)
        view.speller = self.speller
        return view


def _model_scores(embedder: Embedder, idx: Index, text: str, lexical: "np.ndarray | Future", terms: set[str],
                  params: RankingParams) -> _Scores:
    """The scores of every passage for ``text`` with one model and its index (``lexical``: the
    question's BM25 scores of the same passages, or the future of them)."""
    n = len(idx.passages)
    qv, q_tokens, q_spans = embedder.encode_question(text)
    sentence_sim = idx.sentence_vectors @ qv
    if idx.sentence_sum_norms is not None and not getattr(idx.passage_search, "remote", False):
        # Every sentence is scored anyway, and a passage's vector is its sentences' normalised sum:
        # its cosine is read off theirs, exactly, with no search of the passage index (which a
        # library of hundreds made the largest cost of a question after the encoding).
        starts = idx.sentence_start[:-1]
        passage_sim = (np.add.reduceat(sentence_sim, starts) / idx.sentence_sum_norms).astype(np.float32)
        best_sentence = np.maximum.reduceat(sentence_sim, starts).astype(np.float32)
    else:
        # An exact index scores every passage; an approximate one the nearest candidates only.
        k = n if idx.passage_search.exact else min(n, APPROXIMATE_CANDIDATES)
        passage_sim = np.full(n, -1.0, dtype=np.float32)
        sims, ids = idx.passage_search.search(qv, k)
        found = ids >= 0
        passage_sim[ids[found]] = sims[found]
        best_sentence = max_per_owner(sentence_sim, idx.sentence_owner, n)
    dense = dense_scores(passage_sim, best_sentence, params)
    if isinstance(lexical, Future):
        lexical = lexical.result()
    token = None
    token_match = np.zeros(len(q_tokens), dtype=np.float32)
    if params.mode == "hybrid" and params.token_weight:
        token = np.zeros(n, dtype=np.float32)
        # Late interaction re-scores a candidate pool chosen by the cheaper scores.
        cheap = fuse(dense, lexical, params)
        pool = (np.argsort(-cheap) if n <= LATE_INTERACTION_POOL
                else np.argpartition(-cheap, LATE_INTERACTION_POOL - 1)[:LATE_INTERACTION_POOL])
        for i in pool:
            best = token_best_matches(q_tokens, idx.tokens.passage(int(i)))
            token[i] = float(best.mean()) if len(best) else 0.0
            token_match = np.maximum(token_match, best)
    fused = fuse(dense, lexical, params, token)
    return _Scores(
        fused=fused,
        sentence_sim=sentence_sim,
        best_similarity=float(max(passage_sim.max(), best_sentence.max())),
        terms=terms,
        token_match=token_match,
        token_spans=q_spans,
        first_sentence_sim=sentence_sim,
        lexical=lexical,
        each_fused=(fused,),
        each_sentence=(sentence_sim,),
    )

