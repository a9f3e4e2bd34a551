"""A PDF's title as its first page prints it, for a document without a UN masthead (and whether
its file properties' title and author name anything).

A treaty text, a General Debate statement or a brief is listed, cited and named in questions ("the
Convention", "the Philippines' statement") by its title. Its file's properties often give none, or
one that is no title ("Microsoft Word - PH_EN.docx", "Document1", the file's name): it was then
listed under its file name. The title printed on its first page is what a reader calls it: the
lines set in the largest type in the top part of page 1, larger than the body text.

Pure functions over ``pdf_layout.Line`` records (no PDF).
"""

from __future__ import annotations

import re

from .passages import DATE_LINE
from .pdf_layout import Line, Page, body_size

TITLE_SCALE = 1.15  # a title is set at least this much larger than the body text
TOP_PART = 0.5  # and in the top half of page 1
MAX_TITLE_LINES = 4
MAX_TITLE_WORDS = 30

# Titles a file's properties give that name nothing: a word processor's defaults, a file's name.
_NO_TITLE = re.compile(r"^(?:microsoft (?:word|powerpoint|excel)\b.*|untitled\b.*|document\d*|title|"
                       r"powerpoint presentation|slide \d+|.*\.(?:docx?|pdf|indd|rtf|odt|pptx?))$", re.I)


# Authors a file's properties give that are a computer's account, not who wrote the document.
_NO_AUTHOR = re.compile(r"^(?:microsoft office user|windows user|user\d*|admin(?:istrator)?|owner|author|unknown|"
                        r"pc|hp|dell|lenovo)$", re.I)


def is_an_author(author: str | None) -> bool:
    """Whether an author from a file's properties names someone: not a computer's default account
    ("Microsoft Office User", "Administrator")."""
    text = " ".join((author or "").split())
    return bool(text) and not _NO_AUTHOR.match(text)


def is_a_title(title: str | None, file_stem: str) -> bool:
    """Whether a title from a file's properties names the document: not empty, not a word
    processor's default ("Microsoft Word - …", "Document1"), not a file name ("PH_EN", the stem)."""
    text = " ".join((title or "").split())
    if not text or _NO_TITLE.match(text):
        return False
    if text.lower() == file_stem.lower() or (" " not in text and re.search(r"[_.]|\d", text)):
        return False
    return True


# Lines in large type on a first page that are no title: a speech's delivery note, a mission's
# letterhead, an embargo, a date.
_NOT_A_TITLE = re.compile(r"^(?:check against delivery|embargo(?:ed)?\b|permanent mission\b|mission permanente\b|"
                          r"please check against delivery|united nations$)", re.I)
_DATE = re.compile(r"^(?:[\w .'-]*,\s*)?\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|"
                   r"October|November|December)\s+\d{4}$|^(?:January|February|March|April|May|June|July|August|"
                   r"September|October|November|December)\s+\d{1,2},?\s+\d{4}$", re.I)


def _no_title(line: Line) -> bool:
    text = " ".join(line.text.split())
    return (bool(_NOT_A_TITLE.match(text)) or bool(_DATE.match(text)) or DATE_LINE.match(text) is not None
            or len(text.split()) < 2)


def printed_title(page: Page) -> str | None:
    """The title set in the largest type in the top half of ``page`` (its first page), if one is
    set larger than its body text: the lines of that size one after the other, four at most. A
    delivery note, a letterhead, a date or a lone word (a logo, a drop cap) in that type is passed
    over for the next size down."""
    lines = [ln for ln in page.lines if any(c.isalpha() for c in ln.text)]
    if not lines:
        return None
    body = body_size(lines)
    top = [ln for ln in lines if ln.top < page.height * TOP_PART and ln.size >= body * TITLE_SCALE
           and not _no_title(ln)]
    for size in sorted({ln.size for ln in top}, reverse=True):
        picked: list[Line] = []
        for ln in lines:
            same = abs(ln.size - size) <= 0.5 and ln.top < page.height * TOP_PART
            if not same or _no_title(ln):
                if picked and same:
                    break
                if picked and ln.top - picked[-1].bottom > 1.5 * size:
                    break
                continue
            if picked and ln.top - picked[-1].bottom > 1.5 * size:
                break
            picked.append(ln)
        if not picked:
            continue
        title = " ".join(" ".join(ln.text for ln in picked).split())
        if len(picked) > MAX_TITLE_LINES or len(title.split()) > MAX_TITLE_WORDS:
            return None  # not a title that a few lines hold: none rather than a piece of one
        return title
    return None
