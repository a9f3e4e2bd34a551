"""Offline semantic search over a library of UN documents, answered with their own sentences.

The public API: what the pages (``app_pages/``, ``ui/``) and other programs use. Everything else
is the engine's own and may change without notice. Names are imported lazily, when first asked
for, so that ``import retrieval`` stays cheap (a page that never compares loads no comparison)::

    from retrieval import Engine
    engine = Engine.load()
    answer = engine.ask("Do migrants take jobs from native workers?")
    answer.answered, answer.results[0].highlight, answer.results[0].citation.label
"""

from __future__ import annotations

import importlib

# name -> the module that defines it; a module's own name (``wording``) maps to the module itself.
_PUBLIC: dict[str, str] = {
    # settings (config, files)
    "Settings": "retrieval.config", "MAX_QUESTION_CHARS": "retrieval.config", "scratch_folder": "retrieval.files",
    "editor_key": "retrieval.config", "allowed_hosts_listed": "retrieval.config",
    # reading documents (ingest)
    "Passage": "retrieval.ingest.passages", "IngestError": "retrieval.ingest.formats",
    "SUPPORTED_SUFFIXES": "retrieval.ingest.formats", "AGREEMENTS": "retrieval.ingest.attribution",
    "SPEAKERS": "retrieval.ingest.attribution", "CONTROLS": "retrieval.ingest.metadata",
    "MAX_FIELD_CHARS": "retrieval.ingest.metadata",
    # the library and its writers (index)
    "AlreadyInLibrary": "retrieval.index.library", "LibraryBusy": "retrieval.index.writer",
    # answering (answer)
    "Engine": "retrieval.answer.engine", "Answer": "retrieval.answer.engine",
    "SearchResult": "retrieval.answer.engine", "QuestionError": "retrieval.answer.engine",
    "Citation": "retrieval.answer.citation", "cite": "retrieval.answer.citation",
    "format_date": "retrieval.answer.citation", "Pair": "retrieval.answer.compare",
    "ComparisonReply": "retrieval.answer.comparisons", "short_name": "retrieval.answer.comparisons",
    "CompareAsk": "retrieval.answer.compare_questions", "Targets": "retrieval.answer.compare_questions",
    # the chat around the answers (chat)
    "say": "retrieval.chat.messages", "wording": "retrieval.chat.wording", "catalogue": "retrieval.chat.catalogue",
    "listing_label": "retrieval.chat.catalogue", "Exchange": "retrieval.chat.conversation",
    "keep_recent": "retrieval.chat.conversation", "respond": "retrieval.chat.conversation",
    "suggested_questions": "retrieval.chat.suggestions", "topic_hint": "retrieval.chat.suggestions",
    "by_document": "retrieval.chat.key_points", "grouped": "retrieval.chat.key_points",
    "key_points": "retrieval.chat.key_points", "comparison_document": "retrieval.chat.transcript",
    "conversation_export": "retrieval.chat.transcript", "key_points_export": "retrieval.chat.transcript",
    # serving (server)
    "LiveEngine": "retrieval.server.live", "Record": "retrieval.server.record",
    "RecordSettings": "retrieval.server.record", "open_record": "retrieval.server.record",
    "as_csv": "retrieval.server.report", "dislikes": "retrieval.server.report",
    "recorded_vectors": "retrieval.server.report", "unanswered": "retrieval.server.report",
    "keep_question_vector": "retrieval.server.report",
}
_MODULES = {"wording", "catalogue"}  # public as modules: the chat's words, the library's listing

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'retrieval' has no attribute {name!r}")
    loaded = importlib.import_module(module)
    value = loaded if name in _MODULES else getattr(loaded, name)
    globals()[name] = value  # asked once
    return value


def __dir__() -> list[str]:
    return __all__
