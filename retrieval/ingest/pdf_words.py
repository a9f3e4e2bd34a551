"""The words of a PDF page read with PDFium (pypdfium2), as fast stand-in for pdfplumber's.

``pdf_layout`` reads a typeset PDF from its words: text, place, font size and boldness. It had
them from pdfplumber, whose parser (pdfminer.six) is pure Python: about 0.4 s a page, so a
20-page resolution took 8 s. PDFium, Google's PDF engine in C, parses the same page in a few
milliseconds; what stays in Python here is one pass over the page's characters. ``page_words``
gives the same ``Word`` records that ``pdfplumber``'s ``extract_words(extra_attrs=["fontname",
"size"])`` gives ``pdf_layout._text_page``, by the same rules, so the layout reading downstream
(lines, headings, footnotes, columns) is unchanged:

* a word is a run of characters in one font and size, in content-stream order, on one line
  (tops within 3 pt), left to right, broken at a space or where the next character starts more
  than 3 pt after the previous one ends, or before it (x_tolerance=3);
* coordinates are PDF points with ``top`` and ``bottom`` measured from the top of the page (of its
  MediaBox, as pdfplumber does; PDFium measures from the bottom); a character's box runs from its
  baseline plus the font's descent up one font size, which is pdfminer's box;
* ``size`` is the font size times the text matrix's vertical scale (pdfminer's glyph-box height);
* ``bold``: the font's name says "bold" (as before), or the font's weight is 700 or more.

``page_kind`` tells, without pdfplumber, a scanned page (images, no characters) and a page that
may hold a ruled table (many path objects), so the caller can choose the slow reader for those.
"""

from __future__ import annotations

import ctypes
import math
from itertools import groupby

import pypdfium2
import pypdfium2.raw as pdfium_c

from .pdf_layout import Word

X_TOLERANCE = 3.0  # pdfplumber's default: a gap wider than this between characters ends a word
Y_TOLERANCE = 3.0  # and tops further apart than this are different lines
BOLD_WEIGHT = 700

# pdfplumber spells out these ligature glyphs (expand_ligatures=True); PDFium gives the glyph's
# own code point when the font maps it so.
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}

# The text object a character belongs to, as a plain address: the bindings' pointer type would
# need a cast per character to serve as a dictionary key (a prototype of our own, same function).
_text_object_of = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(
    ctypes.cast(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p).value)

# pdfminer's device matrix for a page's /Rotate (clockwise degrees), which makes the page upright;
# the same here, so that a rotated page reads in the same coordinates as with pdfplumber.
def _rotation_matrix(rotation: int, x0: float, y0: float, x1: float, y1: float) -> tuple[float, ...]:
    return {90: (0.0, -1.0, 1.0, 0.0, -y0, x1), 180: (-1.0, 0.0, 0.0, -1.0, x1, y1),
            270: (0.0, 1.0, -1.0, 0.0, y1, -x0)}.get(rotation, (1.0, 0.0, 0.0, 1.0, -x0, -y0))


def _text_style(obj: int, cache: dict, name_buffer) -> tuple:
    """What every character of one text object shares, looked up once per object: (font handle,
    font address, font name, bold, font size, matrix a, b, c, d, descent in points)."""
    style = cache.get(obj)
    if style is None:
        handle = ctypes.cast(obj, pdfium_c.FPDF_PAGEOBJECT)
        font = pdfium_c.FPDFTextObj_GetFont(handle)
        size = ctypes.c_float(0.0)
        pdfium_c.FPDFTextObj_GetFontSize(handle, size)
        matrix = pdfium_c.FS_MATRIX()
        pdfium_c.FPDFPageObj_GetMatrix(handle, matrix)
        name, weight, descent, address = "", 0, 0.0, 0
        if font:
            address = ctypes.cast(font, ctypes.c_void_p).value or 0
            length = pdfium_c.FPDFFont_GetBaseFontName(font, name_buffer, len(name_buffer))
            if 0 < length <= len(name_buffer):
                name = name_buffer.value.decode("utf-8", "replace")
            weight = pdfium_c.FPDFFont_GetWeight(font)
            value = ctypes.c_float(0.0)
            if pdfium_c.FPDFFont_GetDescent(font, 1.0, value):
                descent = float(value.value)
        style = (font, address, name, "bold" in name.lower() or weight >= BOLD_WEIGHT, float(size.value),
                 matrix.a, matrix.b, matrix.c, matrix.d, descent)
        cache[obj] = style
    return style


def _chars(page: pypdfium2.PdfPage) -> list[tuple]:
    """The page's characters in content-stream order, each (text, x0, x1, top, bottom, size,
    font name, bold, upright). PDFium's inferred spaces and line ends are left out: pdfplumber
    has none, and PDFium also infers spaces inside words ("Proto col") where kerning is wide."""
    left, bottom_edge, right, top_edge = page.get_mediabox()
    rotation = page.get_rotation() % 360
    ra, rb, rc, rd, re, rf = _rotation_matrix(rotation, left, bottom_edge, right, top_edge)
    if rotation in (90, 270):
        height, shift_x, shift_top = right - left, bottom_edge, -left
    else:
        height, shift_x, shift_top = top_edge - bottom_edge, left, -bottom_edge
    textpage = page.get_textpage()
    try:
        tp = textpage.raw
        count = pdfium_c.FPDFText_CountChars(tp)
        get_unicode = pdfium_c.FPDFText_GetUnicode
        get_origin = pdfium_c.FPDFText_GetCharOrigin
        glyph_width = pdfium_c.FPDFFont_GetGlyphWidth
        ox, oy = ctypes.c_double(), ctypes.c_double()
        ox_ref, oy_ref = ctypes.byref(ox), ctypes.byref(oy)
        width = ctypes.c_float()
        width_ref = ctypes.byref(width)
        styles: dict = {}
        widths: dict = {}
        name_buffer = ctypes.create_string_buffer(256)
        chars = []
        for i in range(count):
            obj = _text_object_of(tp, i)
            if not obj:  # inferred by PDFium (a space, a line end): no character of the page
                continue
            code = get_unicode(tp, i)
            text = chr(code) if code < 0x110000 else "\ufffd"
            font, address, name, bold, font_size, a, b, c, d, descent = _text_style(obj, styles, name_buffer)
            # The matrix on the upright page (pdfminer applies the /Rotate matrix the same way).
            a2, b2, c2, d2 = a * ra + b * rc, a * rb + b * rd, c * ra + d * rc, c * rb + d * rd
            upright = a2 * d2 > 0 and b2 * c2 <= 0
            if b == 0 and c == 0:
                # pdfminer's box: from the origin across the advance width, from the font's descent
                # below the baseline up one font size. (PDFium's "loose" box also takes in the
                # glyph's outline, which overhangs the advance in italics: an "f" 1-2 pt wider.)
                get_origin(tp, i, ox_ref, oy_ref)
                key = (address, code)
                advance = widths.get(key)
                if advance is None:
                    advance = width.value if font and glyph_width(font, code, 1.0, width_ref) else 0.0
                    widths[key] = advance
                x0 = ox.value
                x1 = x0 + advance * font_size * a
                y0 = oy.value + descent * font_size * d
                y1 = y0 + font_size * d
                if d < 0:
                    y0, y1 = y1, y0
            else:  # text set at an angle: the glyph's own box (such text is rare; kept consistent)
                l_, r_, b_, t_ = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
                pdfium_c.FPDFText_GetCharBox(tp, i, l_, r_, b_, t_)
                x0, x1, y0, y1 = l_.value, r_.value, b_.value, t_.value
            if rotation:
                xs = (x0 * ra + y0 * rc + re, x1 * ra + y1 * rc + re)
                ys = (x0 * rb + y0 * rd + rf, x1 * rb + y1 * rd + rf)
                x0, x1 = min(xs) + shift_x, max(xs) + shift_x
                top, bottom = height - max(ys) + shift_top, height - min(ys) + shift_top
            else:
                # pdfplumber's top: the MediaBox's height less y (from the origin, not the box's
                # bottom edge: the same for every ordinary page, whose box starts at 0).
                top, bottom = height - y1, height - y0
            size = abs(font_size * d2) if upright else font_size * math.hypot(c2, d2)
            chars.append((LIGATURES.get(text, text), x0, x1, top, bottom, size, name, bold, upright))
        return chars
    finally:
        textpage.close()


def _words_of_line(line: list[tuple]) -> list[list[tuple]]:
    """A line's characters (sorted left to right) into words, by pdfplumber's test."""
    words: list[list[tuple]] = []
    current: list[tuple] = []
    for ch in line:
        if ch[0].isspace():
            if current:
                words.append(current)
            current = []
            continue
        if current:
            prev = current[-1]
            if ch[1] < prev[1] or ch[1] > prev[2] + X_TOLERANCE or abs(ch[3] - prev[3]) > Y_TOLERANCE:
                words.append(current)
                current = []
        current.append(ch)
    if current:
        words.append(current)
    return words


def _cluster_lines(run: list[tuple]) -> list[list[tuple]]:
    """A run's characters into lines: tops chained within Y_TOLERANCE (pdfplumber's
    ``cluster_objects``), each line sorted left to right."""
    tops = sorted({ch[3] for ch in run})
    cluster_of: dict[float, int] = {}
    index, last = 0, None
    for t in tops:
        if last is not None and t > last + Y_TOLERANCE:
            index += 1
        cluster_of[t] = index
        last = t
    lines: dict[int, list[tuple]] = {}
    for ch in run:
        lines.setdefault(cluster_of[ch[3]], []).append(ch)
    return [sorted(lines[k], key=lambda ch: ch[1]) for k in sorted(lines)]


def page_words(page: pypdfium2.PdfPage) -> list[Word]:
    """The words of one page, as ``pdf_layout._text_page`` has them from pdfplumber."""
    chars = _chars(page)
    words: list[Word] = []
    # pdfplumber groups consecutive characters of one style (upright, font name, size) first; a
    # space in between belongs to no group here, as it ends any word anyway.
    runs: list[list[tuple]] = []
    current: list[tuple] = []
    key = None
    for ch in chars:
        k = (ch[8], ch[6], round(ch[5], 3))
        if k != key and current:
            runs.append(current)
            current = []
        key = k
        current.append(ch)
    if current:
        runs.append(current)
    for run in runs:
        for line in _cluster_lines(run):
            for word in _words_of_line(line):
                first = word[0]
                words.append(Word("".join(ch[0] for ch in word), min(ch[1] for ch in word),
                                  max(ch[2] for ch in word), min(ch[3] for ch in word),
                                  max(ch[4] for ch in word), first[5], first[7]))
    return words


def page_kind(page: pypdfium2.PdfPage) -> tuple[int, bool, float, int]:
    """(characters of text, whether it has images, the largest share of the page one image
    covers, path objects): no characters and an image is a scan; many paths may be a ruled
    table. Images inside form XObjects are counted too."""
    textpage = page.get_textpage()
    try:
        characters = pdfium_c.FPDFText_CountChars(textpage.raw)
    finally:
        textpage.close()
    left, bottom, right, top = page.get_mediabox()
    area = abs((right - left) * (top - bottom)) or 1.0
    images, cover, paths = False, 0.0, 0
    for obj in page.get_objects(max_depth=4):
        kind = obj.type
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images = True
            l_, b_, r_, t_ = obj.get_pos()
            cover = max(cover, abs((r_ - l_) * (t_ - b_)) / area)
        elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            paths += 1
    return characters, images, min(cover, 1.0), paths
