"""A paragraph the question names, as UN staff cite one: "A/RES/79/217, para. 15 (p)", "paragraph 18
of resolution 80/210", "operative paragraph 2", "OP 2", "sub-paragraph (c) of paragraph 22", "the
third preambular paragraph", "the 21st operative paragraph", "the second paragraph of the preamble",
"PP 3", "paragraph 4 of the preamble", "the last operative paragraph"; and a treaty's "article 6,
paragraph 2" (``article``), looked up only in a document set out in articles.

The engine looks it up among the passages of the document the question names (or the one document
of the library): a passage carries the document's own paragraph number ("15 (p)") or its place among
a resolution's preambular paragraphs (``passages.Passage``). A paragraph of another instrument that
the question quotes ("article 9, paragraphs 1 to 4, of the Paris Agreement") is no reference to the
document's own paragraph, nor is a range ("paragraphs 3 to 5"): those questions are searched as
they are.

Pure functions over text: testable without a model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

_ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
             "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth").split()
_ORDINAL = "|".join(_ORDINALS)
_SUB = r"(?:\s?\(\s?([a-z]{1,3})\s?\))?"  # "(p)", "(iv)" (a letter or a small roman numeral)
# A treaty's article, and a paragraph of it: "article 6, paragraph 2", "art. 6 (2)", "paragraph 2 of
# article 6", "article 6". Looked up only in a document set out in articles (a resolution's "article 9
# of the Paris Agreement" quotes another instrument: searched as asked).
_ARTICLE = r"\b(?:article|art\.)\s?(\d{1,3}(?:\s(?:bis|ter|quater)\b)?)"
_ARTICLE_SUB = r"(?:\s?\(([a-z])\))?"  # "article 6 (2) (a)": the paragraph's sub-paragraph
_NOT_A_RANGE = r"(?!\s*(?:(?:to|through|and|or)\s+|[-–]\s*|,\s*)\d)"
_ARTICLE_PATTERNS = [
    ("article_para", re.compile(_ARTICLE + r"(?:\s?\((\d{1,2})\)|\.(\d{1,2})\b|,?\s+para(?:graph)?\.?\s?(\d{1,2}))"
                                + _ARTICLE_SUB + r"(?![\w/])" + _NOT_A_RANGE, re.I)),
    ("para_of_article", re.compile(r"\bpara(?:graph)?\.?\s?(\d{1,2})" + _ARTICLE_SUB.replace("(?:", "(?:", 1)
                                   + r"\s+of\s+" + _ARTICLE + r"\b", re.I)),
    ("article", re.compile(_ARTICLE + r"\b(?!\.\d)" + _NOT_A_RANGE, re.I)),
]
# "article 4 of the Paris Agreement", "article 1 of the Charter of the United Nations": an article of
# an instrument named by its name (a capitalised word before its kind, or "of …" after it) is that
# instrument's; "article 3 of the Convention" may be the library's own treaty.
_NAMED_INSTRUMENT = re.compile(
    r"^,?\s+(?i:of|in)\s+(?:(?i:the)\s+)?(?:(?:\d{4}\s+)?(?:[A-Z][\w-]*\s+){1,5}(?:Agreement|Convention|Declaration|"
    r"Protocol|Covenant|Charter|Statute|Treaty)\b|(?:Agreement|Convention|Declaration|Protocol|Covenant|Charter|"
    r"Statute|Treaty)\s+(?:on|of|against|for|relating to)\s+(?:the\s+)?[A-Z])")
_PATTERNS = [
    # "sub-paragraph (c) of paragraph 22" ("subparagraph 22 (c)" is caught below)
    ("sub", re.compile(r"\bsub-?paragraph\s\(?([a-z]{1,3})\)?\s+of\s+(?:operative\s+)?(?:para(?:graph)?\.?)\s?(\d{1,3})\b",
                       re.I)),
    # "paragraph 3, subparagraph (b)"
    ("para_sub", re.compile(r"\b(?:operative\s+)?para(?:graph)?\.?\s?(\d{1,3}),?\s+sub-?paragraph\s\(?([a-z]{1,3})\)?",
                            re.I)),
    ("preamble_of", re.compile(r"\b(?:para(?:graph)?\.?)\s?(\d{1,3})\s+of\s+the\s+preamble\b", re.I)),
    ("preambular", re.compile(r"\bpreambular\s+para(?:graph)?\.?\s?(\d{1,3})\b", re.I)),
    ("pp", re.compile(r"\bPP\s?(\d{1,3})\b")),  # upper case only: "pp. 3" is pages
    ("ordinal", re.compile(rf"(?<![\w-])({_ORDINAL}|\d{{1,2}}(?:st|nd|rd|th))\s+(preambular|operative)\s+paragraph\b",
                           re.I)),
    ("ordinal_preamble", re.compile(rf"(?<![\w-])({_ORDINAL}|\d{{1,2}}(?:st|nd|rd|th))\s+paragraph\s+of\s+the\s+preamble\b",
                                    re.I)),
    # "the last operative paragraph", "the last paragraph" (a resolution's last is operative), "the
    # last paragraph of the preamble": which number that is depends on the document (``at_end``)
    ("last", re.compile(r"(?<![\w-])(?:very\s+)?last\s+(?:(preambular|operative)\s+)?paragraph"
                        r"(?:\s+of\s+the\s+(preamble))?\b(?!\s+of\s+(?:sub-?)?para)", re.I)),
    ("operative", re.compile(rf"\b(?:operative\s+|sub-?)?(?:para(?:graph)?s?\.?|OP\.?)\s?(\d{{1,3}}){_SUB}(?![\w/])",
                             re.I)),
]
# What makes a match no reference to the document's own paragraph: a range or list of paragraphs,
# or a paragraph of an article, an annex or another instrument.
# ("paragraphs 5, 6 and 7", "5 or 6", "5 through 7", "5 et seq."), a paragraph numbered apart ("5 bis"),
# a paragraph of an article, an annex or another instrument ("of the 2030 Agenda", "of the Paris
# Agreement"; such a name is capitalised) or one written after them ("article 4 of the Paris
# Agreement, paragraph 15", "annex, paragraph 8").
_RANGE_AFTER = re.compile(r"^\s*(?:(?:to|through|-|–|and|or|&|,)\s*\d|et seq|ff\b|bis\b|ter\b|quater\b)", re.I)
_OTHER_AFTER = re.compile(r"^,?\s+(?i:of|in)\s+(?:(?i:its|the|this)\s+)?(?:(?i:article|annex|rule|section|chapter)\b"
                          r"|(?:\d{4}\s+)?(?:[A-Z][\w-]*\s+){0,5}(?:Agreement|Convention|Declaration|Protocol|Covenant|"
                          r"Charter|Statute|Programme|Agenda|Framework|Pact|Plan|Platform|Strategy|Principles|Rules|Compact)\b"
                          r"|(?i:outcome document))")
_OTHER_BEFORE = re.compile(r"\b(?:article|art\.|annex|rule|section|chapter)(?:\s+[\dIVXivx]+)?"
                           r"(?:\s+of\s+[^,;?]{1,60})?,?\s*$", re.I)


@dataclass(frozen=True)
class ParagraphReference:
    """A paragraph named in a question: ``number`` as the document prints it ("15", "15 (p)") or
    ``preambular``, its place among the preambular paragraphs; ``start``/``end``: where in the text."""

    number: str | None
    preambular: int | None
    start: int
    end: int
    last: str | None = None  # "operative" or "preambular": the last of that part, whatever its number
    article: str | None = None  # a treaty's article ("6"); ``number`` is then its paragraph, if named
    instrument: bool = False  # the article is of an instrument the question names ("of the Paris Agreement")

    @property
    def label(self) -> str:
        """As a citation prints it: "para. 15 (p)", "preambular para. 3", "art. 6, para. 2"."""
        if self.article:
            return f"art. {self.article}" + (f", para. {self.number}" if self.number else "")
        if self.last:
            return f"last {self.last} paragraph"
        return f"para. {self.number}" if self.number else f"preambular para. {self.preambular}"


def at_end(reference: ParagraphReference, numbers: list[str | None],
           preambular: list[int | None]) -> ParagraphReference | None:
    """"The last operative (preambular) paragraph" of a document whose paragraphs carry these
    ``numbers`` and ``preambular`` places, as a reference to its number (None: it has no such
    paragraph); any other reference as it is."""
    if not reference.last:
        return reference
    if reference.last == "preambular":
        places = [p for p in preambular if p]
        return replace(reference, preambular=max(places), last=None) if places else None
    tops = [int(m.group()) for n in numbers if n and (m := re.match(r"\d+", n))]
    return replace(reference, number=str(max(tops)), last=None) if tops else None


def find_paragraph_reference(text: str, articles: bool = True) -> ParagraphReference | None:
    """The first paragraph of the document itself that ``text`` names, if any; with ``articles``
    false (a library with no text set out in articles), a treaty's article is no reference."""
    found: list[ParagraphReference] = []
    for kind, pattern in _ARTICLE_PATTERNS if articles else ():
        for m in pattern.finditer(text):
            found.append(replace(_article_reference(kind, m), instrument=bool(_NAMED_INSTRUMENT.match(text[m.end():]))))
            break
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if _RANGE_AFTER.match(text[m.end():]) or _OTHER_AFTER.match(text[m.end():]) \
                    or _OTHER_BEFORE.search(text[:m.start()]):
                continue
            found.append(_reference(kind, m))
            break
    # The earliest: "sub-paragraph (c) of paragraph 22" also holds "paragraph 22", "preambular
    # paragraph 3" holds "paragraph 3" (at the same start, the more precise pattern is listed first),
    # and "paragraph 2 of article 6" is the article's paragraph.
    return min(found, key=lambda r: (r.start, r.article is None), default=None)


def _article_reference(kind: str, m: re.Match) -> ParagraphReference:
    def number(n: str, sub: str | None) -> str:
        return f"{int(n)} ({sub.lower()})" if sub else str(int(n))

    def article(a: str) -> str:
        return " ".join(a.lower().split()) if " " in a else str(int(a))

    if kind == "article_para":
        paragraph = m.group(2) or m.group(3) or m.group(4)
        return ParagraphReference(number(paragraph, m.group(5)), None, m.start(), m.end(), article=article(m.group(1)))
    if kind == "para_of_article":
        return ParagraphReference(number(m.group(1), m.group(2)), None, m.start(), m.end(), article=article(m.group(3)))
    return ParagraphReference(None, None, m.start(), m.end(), article=article(m.group(1)))


def _reference(kind: str, m: re.Match) -> ParagraphReference:
    if kind == "last":
        part = "preambular" if (m.group(2) or (m.group(1) or "").lower() == "preambular") else "operative"
        return ParagraphReference(None, None, m.start(), m.end(), last=part)
    if kind == "sub":
        return ParagraphReference(f"{int(m.group(2))} ({m.group(1).lower()})", None, m.start(), m.end())
    if kind == "para_sub":
        return ParagraphReference(f"{int(m.group(1))} ({m.group(2).lower()})", None, m.start(), m.end())
    if kind in ("preamble_of", "preambular", "pp"):
        return ParagraphReference(None, int(m.group(1)), m.start(), m.end())
    if kind in ("ordinal", "ordinal_preamble"):
        word = m.group(1).lower()
        place = int(word[:-2]) if word[0].isdigit() else _ORDINALS.index(word) + 1
        if kind == "ordinal_preamble" or m.group(2).lower() == "preambular":
            return ParagraphReference(None, place, m.start(), m.end())
        return ParagraphReference(str(place), None, m.start(), m.end())
    number = str(int(m.group(1)))
    return ParagraphReference(f"{number} ({m.group(2).lower()})" if m.group(2) else number, None, m.start(), m.end())


def names_paragraph(reference: ParagraphReference, number: str | None, preambular: int | None) -> bool:
    """Whether a passage numbered ``number`` (or the ``preambular``-th preambular one) is the
    paragraph named: "para. 15" is the paragraph and its sub-paragraphs ("15 (a)" …), "para. 15 (p)"
    that sub-paragraph only."""
    if reference.preambular is not None:
        return preambular == reference.preambular
    if not number or not reference.number:
        return False
    number = re.sub(r"\s+", " ", number.strip())
    return number == reference.number or ("(" not in reference.number and number.startswith(reference.number + " ("))


def without_paragraph_reference(text: str, reference: ParagraphReference) -> str:
    """The question without the words that named the paragraph (and a comma left dangling)."""
    before = text[:reference.start].rstrip(" ,")
    while (cut := re.sub(r"\b(?:the|its|in|of)\s*$", "", before, flags=re.I).rstrip(" ,")) != before:
        before = cut  # "… say in its last paragraph": "in its" goes with it
    after = re.sub(r"^\s*(?:of|in)\b", "", text[reference.end:].lstrip(" ,"), flags=re.I)
    joined = re.sub(r"\s{2,}", " ", f"{before.rstrip(' ,')} {after.lstrip(' ,')}").strip()
    return re.sub(r"\s+(?=[?.!])", "", joined)  # "… say in para. 4?": "… say?", not "… say ?"
