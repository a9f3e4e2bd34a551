"""Offline semantic search over the documents in ``corpus/`` with exact citations.

Public API::

    from retrieval import Engine
    engine = Engine.load()
    answer = engine.ask("Do migrants take jobs from native workers?")
    answer.answered, answer.results[0].highlight, answer.results[0].citation.label

Modules are imported lazily so that ``import retrieval`` stays cheap.
"""

from __future__ import annotations

__all__ = ["Engine", "Answer", "SearchResult", "Citation", "Passage", "Settings", "QuestionError"]


def __getattr__(name: str):
    if name in ("Engine", "Answer", "SearchResult", "QuestionError"):
        from .answer import engine

        return getattr(engine, name)
    if name == "Citation":
        from .answer.citation import Citation

        return Citation
    if name == "Passage":
        from .ingest.passages import Passage

        return Passage
    if name == "Settings":
        from .config import Settings

        return Settings
    raise AttributeError(name)
