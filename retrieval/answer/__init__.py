"""Answering one question: the engine, ranking, missing terms, spelling, answer types, the answer box, citations."""
