"""The words of a PDF page read with PDFium (pypdfium2), as a fast stand-in for pdfplumber's.

``pdf_layout`` reads a typeset PDF from its words: text, place, font size and boldness. It had
them from pdfplumber, whose parser (pdfminer.six) is pure Python: 0.2-0.4 s a page on this
2-core machine, 4-8 s for a 20-page resolution. PDFium, Google's PDF engine in C, parses a page in
a few milliseconds; what stays in Python is one pass over the page's characters (about 0.02 s a
page in all, 8x faster; ``tools/bench_pdf_words.py`` measures it). ``page_words`` gives the same
``Word`` records that pdfplumber's ``extract_words(extra_attrs=["fontname", "size"])`` gives
``pdf_layout._text_page``, by the same rules, so that the layout reading downstream (lines,
headings, footnotes, columns) reads the same (tests/test_pdf_words.py holds it to that):

* characters are grouped first by style (upright, font name, size) in content-stream order, then
  into lines (tops chained within 3 pt; x0 for turned text) and words: a space, a change of font
  or size, or a character more than 3 pt past the previous one's end, or before its start
  (x_tolerance=3), ends a word;
* coordinates are PDF points, ``top`` and ``bottom`` measured from the top of the page (of its
  MediaBox, as pdfplumber does; PDFium measures from the bottom), a page's /Rotate applied as
  pdfminer applies it; a character's box is pdfminer's: from the origin across the advance width,
  from the font's descent below the baseline up one font size, through the text matrix;
* ``size`` is the font size times the text matrix's vertical scale (pdfminer's box height);
* ``bold``: the font's name says "bold" (as before), or the font's weight is 700 or more.

Where PDFium and pdfminer differ, pdfminer is followed: PDFium's inferred spaces are dropped
(it infers some inside words), the spaces it drops are put back, its mark for a line-end hyphen
is a hyphen again, ligature glyphs are spelt out (see ``_chars``).

``page_kind`` tells, without pdfplumber, a scanned page (images, no characters) and a page that
may hold a ruled table (many path objects), so the caller can choose the slow reader for those.
"""

from __future__ import annotations

import ctypes
import re
from itertools import groupby
from operator import itemgetter

import pypdfium2
import pypdfium2.raw as pdfium_c

from .pdf_layout import Word

X_TOLERANCE = 3.0  # pdfplumber's default: a gap wider than this between characters ends a word
Y_TOLERANCE = 3.0  # and tops further apart than this are different lines
BOLD_WEIGHT = 700

# pdfplumber spells out these ligature glyphs (expand_ligatures=True); PDFium gives the glyph's
# own code point when the font maps it so.
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}

# Our own prototypes of the PDFium functions called per character or per object, taking and
# giving plain addresses (ints): the bindings' pointer types would need a cast for every
# character to serve as a dictionary key, and the casts cost more than the calls.
def _c(function, restype, *argtypes):
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, ctypes.c_void_p).value)


_P, _I, _F, _D = ctypes.c_void_p, ctypes.c_int, ctypes.c_float, ctypes.c_double
_text_object_of = _c(pdfium_c.FPDFText_GetTextObject, _P, _P, _I)
_char_origin = _c(pdfium_c.FPDFText_GetCharOrigin, _I, _P, _I, ctypes.POINTER(_D), ctypes.POINTER(_D))
_object_count = _c(pdfium_c.FPDFPage_CountObjects, _I, _P)
_object_at = _c(pdfium_c.FPDFPage_GetObject, _P, _P, _I)
_form_count = _c(pdfium_c.FPDFFormObj_CountObjects, _I, _P)
_form_object_at = _c(pdfium_c.FPDFFormObj_GetObject, _P, _P, ctypes.c_ulong)
_object_type = _c(pdfium_c.FPDFPageObj_GetType, _I, _P)
_object_bounds = _c(pdfium_c.FPDFPageObj_GetBounds, _I, _P, *[ctypes.POINTER(_F)] * 4)
_object_matrix = _c(pdfium_c.FPDFPageObj_GetMatrix, _I, _P, ctypes.POINTER(pdfium_c.FS_MATRIX))
_text_font = _c(pdfium_c.FPDFTextObj_GetFont, _P, _P)
_text_font_size = _c(pdfium_c.FPDFTextObj_GetFontSize, _I, _P, ctypes.POINTER(_F))
_font_name = _c(pdfium_c.FPDFFont_GetBaseFontName, ctypes.c_size_t, _P, ctypes.c_char_p, ctypes.c_size_t)
_font_weight = _c(pdfium_c.FPDFFont_GetWeight, _I, _P)
_font_descent = _c(pdfium_c.FPDFFont_GetDescent, _I, _P, _F, ctypes.POINTER(_F))
# PDFium takes the "glyph" here for a Unicode value and finds the font's code for it.
_glyph_width = _c(pdfium_c.FPDFFont_GetGlyphWidth, _I, _P, ctypes.c_uint32, _F, ctypes.POINTER(_F))
_SURROGATE = re.compile("[\ud800-\udfff]")
_TEXT, _IMAGE, _PATH, _FORM = (pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_PATH,
                               pdfium_c.FPDF_PAGEOBJ_FORM)


def _objects(page: pypdfium2.PdfPage) -> list[tuple[int, int]]:
    """(address, type) of every page object in content order, form XObjects' contents in place."""
    out: list[tuple[int, int]] = []

    def walk(count: int, at) -> None:
        for k in range(count):
            obj = at(k)
            if not obj:
                continue
            kind = _object_type(obj)
            out.append((obj, kind))
            if kind == _FORM:
                walk(_form_count(obj), lambda j, form=obj: _form_object_at(form, j))

    raw = page.raw
    walk(_object_count(raw), lambda k: _object_at(raw, k))
    return out


# pdfminer's device matrix for a page's /Rotate (clockwise degrees), which makes the page upright;
# the same here, so that a rotated page reads in the same coordinates as with pdfplumber.
def _rotation_matrix(rotation: int, x0: float, y0: float, x1: float, y1: float) -> tuple[float, ...]:
    return {90: (0.0, -1.0, 1.0, 0.0, -y0, x1), 180: (-1.0, 0.0, 0.0, -1.0, x1, y1),
            270: (0.0, 1.0, -1.0, 0.0, y1, -x0)}.get(rotation, (1.0, 0.0, 0.0, 1.0, -x0, -y0))


class _Styles(dict):
    """What every character of one text object shares, looked up once per object: (font
    address, font name, bold, font size, matrix a, b, c, d, e, f, descent per point of size,
    upright, the font's advance widths by Unicode value)."""

    def __init__(self, rotation: tuple[float, float, float, float]) -> None:
        super().__init__()
        self.rotation = rotation
        self.name = ctypes.create_string_buffer(256)
        self.value = ctypes.c_float(0.0)
        self.matrix = pdfium_c.FS_MATRIX()
        self.widths: dict[int, dict[int, float]] = {}

    def __missing__(self, obj: int) -> tuple:
        font = _text_font(obj) or 0
        size = self.value
        size.value = 0.0
        _text_font_size(obj, ctypes.byref(size))
        font_size = float(size.value)
        m = self.matrix
        if not _object_matrix(obj, ctypes.byref(m)):
            m.a, m.b, m.c, m.d, m.e, m.f = 1.0, 0.0, 0.0, 1.0, 0.0, 0.0
        name, weight, descent = "", 0, 0.0
        if font:
            length = _font_name(font, self.name, len(self.name))
            if 0 < length <= len(self.name):
                name = self.name.value.decode("utf-8", "replace")
            weight = _font_weight(font)
            if _font_descent(font, 1.0, ctypes.byref(size)):
                descent = float(size.value)
        a, b, c, d = m.a, m.b, m.c, m.d
        # Upright as pdfminer has it, from the matrix on the upright page (/Rotate applied).
        ra, rb, rc, rd = self.rotation
        a2, b2, c2, d2 = a * ra + b * rc, a * rb + b * rd, c * ra + d * rc, c * rb + d * rd
        upright = a2 * d2 > 0 and b2 * c2 <= 0
        style = (font, name, "bold" in name.lower() or weight >= BOLD_WEIGHT, font_size, a, b, c, d, m.e, m.f,
                 descent, upright, self.widths.setdefault(font, {}))
        self[obj] = style
        return style


def _media_box(page: pypdfium2.PdfPage) -> tuple[float, float, float, float]:
    """The page's MediaBox, inherited from its parent as PDF allows (fpdf2 writes it once for all
    pages): pypdfium2's ``get_mediabox`` falls back to US Letter for a page without its own, which
    put every line of an A4 page 49.9 pt too high; the page's bounding box (MediaBox within
    CropBox, inheritance applied) is taken then."""
    own = page.get_mediabox(fallback_ok=False)
    return tuple(own) if own is not None else tuple(page.get_bbox())


def _chars(page: pypdfium2.PdfPage) -> list[tuple]:
    """The page's characters in content-stream order, each (text, x0, x1, top, bottom, size,
    font name, bold, upright).

    Each has pdfminer's box: in text space from the origin across the advance width, from the
    font's descent below the baseline up one font size, its two corners taken through the text
    matrix (so for turned text too). PDFium's own "loose" box takes in the glyph's outline as
    well, which overhangs the advance in italics: an "f" 1-2 pt wider.

    PDFium's inferred spaces and line ends are left out: pdfplumber has none, and PDFium infers
    spaces inside words too ("Proto col") where kerning is wide. But PDFium also leaves out a
    text object whose glyphs have no extent, which is a space set on its own (Word sets many a
    space so): pdfminer keeps it, and it ends a word that is less than 3 pt from the next one
    ("64/292 of"), so such an object is put back here as a space, in its place."""
    left, bottom_edge, right, top_edge = _media_box(page)
    rotation = page.get_rotation() % 360
    ra, rb, rc, rd, r_e, r_f = _rotation_matrix(rotation, left, bottom_edge, right, top_edge)
    if rotation in (90, 270):
        height, shift_x, shift_top = right - left, bottom_edge, -left
    else:
        height, shift_x, shift_top = top_edge - bottom_edge, left, -bottom_edge
    styles = _Styles((ra, rb, rc, rd))
    width = ctypes.c_float()
    width_ref = ctypes.byref(width)

    def advance_of(font: int, widths: dict[int, float], code: int) -> float:
        advance = float(width.value) if font and _glyph_width(font, code, 1.0, width_ref) else 0.0
        widths[code] = advance
        return advance

    def char(text: str, style: tuple, code: int, origin_x: float, origin_y: float) -> tuple:
        """The general case: any matrix, any page rotation."""
        font, name, bold, font_size, a, b, c, d, _e, _f, descent, upright, widths = style
        advance = widths.get(code)
        if advance is None:
            advance = advance_of(font, widths, code)
        low = descent * font_size
        high, across = low + font_size, advance * font_size
        x0, y0 = origin_x + low * c, origin_y + low * d
        x1, y1 = origin_x + across * a + high * c, origin_y + across * b + high * d
        if rotation:
            x0, y0, x1, y1 = (x0 * ra + y0 * rc + r_e + shift_x, x0 * rb + y0 * rd + r_f - shift_top,
                              x1 * ra + y1 * rc + r_e + shift_x, x1 * rb + y1 * rd + r_f - shift_top)
        if x1 < x0:
            x0, x1 = x1, x0
        if y1 < y0:
            y0, y1 = y1, y0
        # pdfplumber's top: the MediaBox's height less y (from the origin, not from the box's
        # bottom edge: the same for every ordinary page, whose box starts at 0).
        # The size rounded: a run of one style must not break at float noise between characters.
        return (text, x0, x1, height - y1, height - y0, round(y1 - y0, 4), name, bold, upright)

    textpage = page.get_textpage()
    try:
        tp = ctypes.cast(textpage.raw, ctypes.c_void_p).value
        count = pdfium_c.FPDFText_CountChars(textpage.raw)
        # All the page's text in one call; one UTF-16 unit a character unless a character lies
        # beyond the BMP, when each is asked for on its own.
        buffer = (ctypes.c_ushort * (count + 1))()
        written = pdfium_c.FPDFText_GetText(textpage.raw, 0, count, buffer)
        text = bytes(buffer)[: 2 * count].decode("utf-16-le", "replace")
        if written != count + 1 or len(text) != count or _SURROGATE.search(text):
            text = "".join(chr(min(pdfium_c.FPDFText_GetUnicode(textpage.raw, i), 0x10FFFF)) for i in range(count))
        ox, oy = ctypes.c_double(), ctypes.c_double()
        ox_ref, oy_ref = ctypes.byref(ox), ctypes.byref(oy)
        text_object_of, char_origin, styles_get = _text_object_of, _char_origin, styles.get
        ligatures = LIGATURES
        plain = rotation == 0
        read: list[tuple[int, tuple]] = []  # (text object, character)
        append = read.append
        for i in range(count):
            obj = text_object_of(tp, i)
            if not obj:  # inferred by PDFium (a space, a line end): no character of the page
                continue
            t = text[i]
            if t in "\x02\ufffe":  # PDFium's mark for a hyphen it takes to end a line ("twenty-")
                t = "-"
            elif t in ligatures:
                t = ligatures[t]
            style = styles_get(obj) or styles[obj]
            char_origin(tp, i, ox_ref, oy_ref)
            if plain and not style[5] and not style[6]:  # upright text on an upright page: most
                font, name, bold, font_size, a, _b, _c, d, _e, _f, descent, upright, widths = style
                code = ord(t[0])
                advance = widths.get(code)
                if advance is None:
                    advance = advance_of(font, widths, code)
                x = ox.value
                y0 = oy.value + descent * font_size * d
                y1 = y0 + font_size * d
                if y1 < y0:
                    y0, y1 = y1, y0
                append((obj, (t, x, x + advance * font_size * a, height - y1, height - y0, abs(font_size * d), name,
                              bold, upright)))
            else:
                append((obj, char(t, style, ord(t[0]), ox.value, oy.value)))
    finally:
        textpage.close()

    # The text objects PDFium left out for having no extent: spaces, put back in stream order.
    seen = {obj for obj, _ in read}
    order: dict[int, int] = {}
    spaces: list[tuple[int, tuple]] = []
    box = _F(), _F(), _F(), _F()
    refs = tuple(map(ctypes.byref, box))
    for index, (obj, kind) in enumerate(_objects(page)):
        if kind != _TEXT:
            continue
        order[obj] = index
        if obj in seen or not _object_bounds(obj, *refs):
            continue
        l_, b_, r_, t_ = (v.value for v in box)
        if r_ - l_ <= 0.01 and t_ - b_ <= 0.01:
            style = styles[obj]
            spaces.append((index, char(" ", style, 0x20, style[8], style[9])))
    if not spaces:
        return [ch for _, ch in read]
    chars: list[tuple] = []
    k = 0
    for obj, ch in read:
        at = order.get(obj, -1)
        while k < len(spaces) and spaces[k][0] < at:
            chars.append(spaces[k][1])
            k += 1
        chars.append(ch)
    chars.extend(ch for _, ch in spaces[k:])
    return chars


def _words_of_line(line: list[tuple], upright: bool) -> list[list[tuple]]:
    """A line's characters (in reading order) into words, by pdfplumber's test: a space ends a
    word, and so does a character that starts before the previous one or more than 3 pt past
    its end, or more than 3 pt off its line. Turned text reads top to bottom (pdfplumber's
    "ttb"), so there the two directions trade places."""
    words: list[list[tuple]] = []
    current: list[tuple] = []
    # (start, end, across) of a character: x0, x1, top when upright; top, bottom, x0 when turned.
    start, end, across = (1, 2, 3) if upright else (3, 4, 1)
    for ch in line:
        if ch[0].isspace():
            if current:
                words.append(current)
            current = []
            continue
        if current:
            prev = current[-1]
            if (ch[start] < prev[start] or ch[start] > prev[end] + X_TOLERANCE
                    or abs(ch[across] - prev[across]) > Y_TOLERANCE):
                words.append(current)
                current = []
        current.append(ch)
    if current:
        words.append(current)
    return words


def _cluster_lines(run: list[tuple], upright: bool) -> list[list[tuple]]:
    """A run's characters into lines, pdfplumber's ``cluster_objects``: tops (x0s for turned
    text) chained within 3 pt, each line sorted left to right (top to bottom)."""
    position = 3 if upright else 1
    values = sorted({ch[position] for ch in run})
    cluster_of: dict[float, int] = {}
    index, last = 0, None
    for v in values:
        if last is not None and v > last + (Y_TOLERANCE if upright else X_TOLERANCE):
            index += 1
        cluster_of[v] = index
        last = v
    lines: dict[int, list[tuple]] = {}
    for ch in run:
        lines.setdefault(cluster_of[ch[position]], []).append(ch)
    order = itemgetter(1) if upright else itemgetter(3, 4)
    return [sorted(lines[k], key=order) for k in sorted(lines)]


def page_words(page: pypdfium2.PdfPage) -> list[Word]:
    """The words of one page, as ``pdf_layout._text_page`` has them from pdfplumber."""
    words: list[Word] = []
    # pdfplumber groups consecutive characters of one style (upright, font name, size) first, then
    # each group into lines and words: a change of font ends a word even with no space ("4" in
    # one font, "." in another make "4 ."), and so it does here.
    for (upright, _, _), run in groupby(_chars(page), key=itemgetter(8, 6, 5)):
        for line in _cluster_lines(list(run), upright):
            for word in _words_of_line(line, upright):
                text, x0s, x1s, tops, bottoms, sizes, _, bolds, _ = zip(*word)
                words.append(Word("".join(text), min(x0s), max(x1s), min(tops), max(bottoms), sizes[0], bolds[0]))
    return words


def page_kind(page: pypdfium2.PdfPage) -> tuple[int, bool, float, int]:
    """(characters of text, whether it has images, the largest share of the page one image
    covers, path objects), for ``pdf_layout`` to tell without pdfplumber a scan (no characters,
    an image) and a page that may hold a ruled table (many paths, each rule one or more).
    Characters are those of the page's text (PDFium's inferred spaces and line ends not
    counted); objects inside form XObjects count too, as pdfplumber sees them."""
    textpage = page.get_textpage()
    try:
        tp = textpage.raw
        characters = sum(1 for i in range(pdfium_c.FPDFText_CountChars(tp)) if _text_object_of(tp, i))
    finally:
        textpage.close()
    left, bottom, right, top = _media_box(page)
    area = abs((right - left) * (top - bottom)) or 1.0
    images, cover, paths = False, 0.0, 0
    box = _F(), _F(), _F(), _F()
    refs = tuple(map(ctypes.byref, box))
    for obj, kind in _objects(page):
        if kind == _IMAGE:
            images = True
            if _object_bounds(obj, *refs):
                l_, b_, r_, t_ = (v.value for v in box)
                cover = max(cover, abs((r_ - l_) * (t_ - b_)) / area)
        elif kind == _PATH:
            paths += 1
    return characters, images, min(cover, 1.0), paths
