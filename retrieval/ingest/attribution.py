"""Who said it: the speaker and the strength of agreement behind each sentence.

The summary weighs every statement ("Panellists noted", "One participant called for",
"There was consensus", "It was observed"). A sentence that names its speakers gets them
from its cue; a sentence that does not continues the attribution of the sentence before
it in the same paragraph (reported speech that does not restate its speakers); the first
sentence of a paragraph without a cue is "not stated". Pure functions, no model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NOT_STATED = "not stated"


@dataclass(frozen=True)
class Attribution:
    speaker: str  # panellists, experts, participants, one participant, several participants,
    #               the panel as a whole, not stated
    agreement: str  # consensus, widespread support, several, one, not stated

    def to_dict(self) -> dict:
        return {"speaker": self.speaker, "agreement": self.agreement}

    @property
    def label(self) -> str | None:
        """Short text for the page: "one participant", "consensus of panellists"; None if unknown."""
        if self.speaker == NOT_STATED:
            return None
        if self.agreement == "consensus":
            return f"consensus of {self.speaker}"
        if self.agreement == "widespread support":
            return f"widespread support among {self.speaker}"
        return self.speaker


UNKNOWN = Attribution(NOT_STATED, NOT_STATED)
SPEAKERS = ("panellists", "experts", "participants", "one participant", "several participants",
            "the panel as a whole")
AGREEMENTS = ("consensus", "widespread support", "several", "one")

# (pattern, attribution); the earliest match in the sentence wins, ties go to the first listed.
_CUES: list[tuple[re.Pattern, Attribution]] = [
    (re.compile(r"\bThere was (a )?consensus\b", re.I), Attribution("participants", "consensus")),
    (re.compile(r"\bThere was (widespread|broad|general) support\b", re.I),
     Attribution("participants", "widespread support")),
    (re.compile(r"\b(One|A|Another) participant\b", re.I), Attribution("one participant", "one")),
    (re.compile(r"\b(Several|Various|Some|Many|A number of) participants\b", re.I),
     Attribution("several participants", "several")),
    (re.compile(r"\bParticipants\b"), Attribution("participants", NOT_STATED)),
    (re.compile(r"\b[Pp]anellists (also )?(concurred|agreed)\b"), Attribution("panellists", "consensus")),
    (re.compile(r"\b[Pp]anellists\b"), Attribution("panellists", NOT_STATED)),
    (re.compile(r"\b[Tt]he experts\b"), Attribution("experts", NOT_STATED)),
    (re.compile(r"\bThe panel( discussion)? (also )?(called|concluded|recommended|noted|stressed|urged)\b"),
     Attribution("the panel as a whole", NOT_STATED)),
    # Passive reporting names nobody: it starts a new, unattributed statement.
    (re.compile(r"^It was (observed|noted|stressed|suggested|argued|said)\b"), UNKNOWN),
]


def sentence_cue(sentence: str) -> Attribution | None:
    """The attribution a sentence states itself, or None when it names no speaker."""
    best: tuple[int, int, Attribution] | None = None
    for order, (pattern, attribution) in enumerate(_CUES):
        m = pattern.search(sentence)
        if m and (best is None or (m.start(), order) < best[:2]):
            best = (m.start(), order, attribution)
    return best[2] if best else None


def attribute_paragraph(sentences: list[str]) -> list[Attribution]:
    """Attribution of each sentence of one paragraph, carrying a cue to the sentences after it."""
    current = UNKNOWN
    out = []
    for sentence in sentences:
        cue = sentence_cue(sentence)
        if cue is not None:
            current = cue
        out.append(current)
    return out


# A sentence that calls for action ("called for", "recommended", "stressed the need"): key points
# group them, and the answer box prefers them for "what did they recommend".
CALL_CUE = re.compile(r"\b(called for|call for|calls for|recommended|suggested|urged|encouraged|proposed"
                      r"|(highlighted|underscored|stressed) the (need|urgency))\b", re.I)
