"""Which language a document is written in (py3langid: a small model shipped in the package, no
download), so that the Library can say when questions in English may not find a document."""

from __future__ import annotations

import logging
from functools import lru_cache

log = logging.getLogger(__name__)

# The models embed English; a document in another language is still searched, but questions in
# English may not find it.
MODEL_LANGUAGE = "en"
SAMPLE_CHARACTERS = 20_000  # enough to be sure; the classifier is linear in what it reads


@lru_cache(maxsize=1)
def _classifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)  # the package's own model


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the text's language ("en", "es", "fr"…), or None for a text too short
    or too uncertain to tell."""
    sample = " ".join(text[:SAMPLE_CHARACTERS].split())
    if len(sample) < 40:
        return None
    try:
        classifier = _classifier()
    except OSError as exc:  # its model unpacks to a temporary file: a full disk costs only the language
        log.warning("the language of a document could not be detected (%s)", exc.strerror or exc.__class__.__name__)
        return None
    code, probability = classifier.classify(sample)
    return code if probability >= 0.8 else None
