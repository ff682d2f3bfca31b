"""The lines of a PDF page, with their place, size, weight and links, in reading order.

PDFium (through pypdfium2) gives the characters of a page in the order the file draws them,
each with its box and its text object (font, size). :func:`page_lines` cuts them into
*lines*: runs of characters on one baseline with no wide gap, so two columns or the cells of
a table drawn on the same baseline are separate lines. Most producers draw text in reading
order; some draw a page row by row across its columns, and :func:`fix_columns` puts those
columns back one after the other.

This module only measures; ``pdf_text.py`` decides what the lines are (furniture, headings,
paragraphs). Coordinates are PDF points, y growing upwards.
"""

from __future__ import annotations

import ctypes
import math
import re
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c


@dataclass(slots=True)
class Line:
    """One line of text on one page."""

    text: str
    page: int
    """1-based."""
    x0: float
    x1: float
    bottom: float
    top: float
    size: float
    """The effective font size in points of most of its characters."""
    bold: bool
    link: float = 0.0
    """The share of its width inside links out of the document (0 to 1)."""
    anchor: float = 0.0
    """The share of its width inside any link, to the document itself too."""
    heading: int = 0
    """Set by ``pdf_text``: 0 for body text, else the heading's rank (smaller is higher)."""

    @property
    def width(self) -> float:
        return self.x1 - self.x0


@dataclass(slots=True)
class PageText:
    """The lines of one page, and what else the page holds."""

    number: int
    width: float
    height: float
    lines: list[Line]
    images: int
    """Image objects on the page (a page of images and no text is a scan)."""


@dataclass(slots=True)
class _Style:
    size: float
    bold: bool


_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi", re.I)
_FORCE_BOLD = 1 << 18  # the FontDescriptor flag ForceBold
_BREAK = frozenset("\r\n")
_STITCH_EM = 0.6
"""Pieces of one line drawn apart are joined across a gap up to this many ems (a word space;
a column gutter is ``_GAP_EM``)."""
_GAP_EM = 1.5
"""A horizontal gap wider than this many ems ends a line: a column gutter or a table cell."""


def _style(textpage: Any, index: int, name: Any, flags: Any, matrix: Any) -> _Style:
    raw = textpage.raw
    size = pdfium_c.FPDFText_GetFontSize(raw, index)
    if pdfium_c.FPDFText_GetMatrix(raw, index, matrix):
        # The size in the text object is scaled by its matrix (browsers print 16 "px" at 0.6).
        size *= math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c)) or 1.0
    pdfium_c.FPDFText_GetFontInfo(raw, index, name, len(name), flags)
    font = name.value.decode("latin-1", "replace")
    weight = pdfium_c.FPDFText_GetFontWeight(raw, index)
    bold = bool(_BOLD_NAME.search(font.partition("+")[2] or font)) or weight >= 600 or bool(flags.value & _FORCE_BOLD)
    return _Style(round(size, 1), bold)


class _LineBuilder:
    """Words in drawing order to lines."""

    def __init__(self, page: int) -> None:
        self.page = page
        self.lines: list[Line] = []
        self.words: list[str] = []
        self.box: list[float] = []  # x0, x1, bottom, top of the line so far
        self.sizes: dict[float, int] = {}
        self.bold = 0
        self.count = 0

    def flush(self) -> None:
        if self.words and self.box:
            size = max(self.sizes.items(), key=lambda item: item[1])[0]
            x0, x1, bottom, top = self.box
            text = " ".join(self.words)
            self.lines.append(Line(text, self.page, x0, x1, bottom, top, size, self.bold * 5 >= self.count * 4))
        self.words, self.box, self.sizes = [], [], {}
        self.bold = self.count = 0

    def add(self, word: str, left: float, right: float, bottom: float, top: float, style: _Style) -> None:
        box = self.box
        if box:
            middle = (bottom + top) / 2
            same_line = box[2] - 0.2 * style.size <= middle <= box[3] + 0.2 * style.size
            if not same_line or left > box[1] + _GAP_EM * style.size or right < box[0]:
                self.flush()
                box = self.box
        if not box:
            self.box = [left, right, bottom, top]
        else:
            box[0], box[1] = min(box[0], left), max(box[1], right)
            box[2], box[3] = min(box[2], bottom), max(box[3], top)
        self.words.append(word)
        self.sizes[style.size] = self.sizes.get(style.size, 0) + len(word)
        self.count += len(word)
        if style.bold:
            self.bold += len(word)


def page_lines(document: pdfium.PdfDocument, index: int) -> PageText:
    """The lines of page *index* (0-based), in drawing order, with their link shares."""
    page = document[index]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            lines = stitch(_lines(textpage, index + 1))
        finally:
            textpage.close()
        images = _count_images(page)
        _mark_links(document.raw, page, lines)
    finally:
        page.close()
    return PageText(index + 1, width, height, fix_columns(lines), images)


def _function(binding: Any, restype: Any, *argtypes: Any) -> Any:
    """A PDFium function called with plain integers (much cheaper per call than the bindings)."""
    address = ctypes.cast(binding, ctypes.c_void_p).value
    if address is None:  # pragma: no cover - a binding is never a null function
        raise RuntimeError("PDFium function not found")
    return ctypes.CFUNCTYPE(restype, *argtypes)(address)


_GET_TEXT_OBJECT = _function(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
_GET_LOOSE_BOX = _function(
    pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p
)
_TOKENS = re.compile(r"\r\n|[\r\n]|[\s\x00]+|[^\s\x00\ufffe\x02]+[\ufffe\x02]?|[\ufffe\x02]")
_LINE_END_HYPHEN = "\ufffe\x02"
"""How PDFium marks a hyphen at a line end (and drops the line break after it)."""


def _page_text(textpage: Any, count: int) -> str:
    """The page's characters, one per index (PDFium's own line breaks and spaces included)."""
    buffer = ctypes.create_string_buffer(2 * (count + 1))
    pdfium_c.FPDFText_GetText(textpage.raw, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    text = buffer.raw[: 2 * count].decode("utf-16-le", "replace")
    if len(text) != count:  # characters outside the BMP: ask one by one to keep the indices
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i)) for i in range(count))
    return text


_LETTER_GAP_EM = 0.12
"""A gap this wide between two letters is a space the file did not draw (browsers omit some)."""


def _split_word(
    raw: int, word: str, first: int, rect: Any, where: int, size: float
) -> list[tuple[str, float, float, float, float]]:
    """The word's pieces with their boxes, cut where a gap between letters is a missing space
    (or where the letters go on another line without PDFium marking a break)."""
    pieces = []
    start = 0
    limit = _LETTER_GAP_EM * size
    x0 = x1 = bottom = top = 0.0
    started = False
    get_box = _GET_LOOSE_BOX
    for offset in range(len(word)):
        if not get_box(raw, first + offset, where):
            continue
        left, right = rect.left, rect.right
        # A gap, a step back or a change of line inside what PDFium gave as one word.
        if started and (left > x1 + limit or left < x1 - size or abs(min(rect.bottom, rect.top) - bottom) > size / 2):
            pieces.append((word[start:offset], x0, x1, bottom, top))
            start, started = offset, False
        if not started:
            x0, x1, started = left, right, True
            bottom, top = min(rect.bottom, rect.top), max(rect.bottom, rect.top)
        elif right > x1:
            x1 = right
    if started:
        pieces.append((word[start:], x0, x1, bottom, top))
    return pieces


def _lines(textpage: Any, number: int) -> list[Line]:
    """Lines from the page's words (runs of characters between PDFium's spaces and breaks)."""
    count = pdfium_c.FPDFText_CountChars(textpage.raw)
    if count <= 0:
        return []
    text = _page_text(textpage, count)
    raw = ctypes.cast(textpage.raw, ctypes.c_void_p).value or 0
    builder = _LineBuilder(number)
    rect = pdfium_c.FS_RECTF()
    where = ctypes.addressof(rect)
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    matrix = pdfium_c.FS_MATRIX()
    styles: dict[int | None, _Style] = {}
    for match in _TOKENS.finditer(text):
        word = match.group()
        if word[0] in _BREAK:
            builder.flush()
            continue
        if word[0].isspace() or word[0] == "\x00":
            continue
        first = match.start()
        key = _GET_TEXT_OBJECT(raw, first)
        style = styles.get(key)
        if style is None:
            style = styles[key] = _style(textpage, first, name, flags, matrix)
        hyphen = word[-1] in _LINE_END_HYPHEN
        if hyphen:
            word = word[:-1] + "-"
        for piece, left, right, bottom, top in _split_word(raw, word, first, rect, where, style.size):
            builder.add(piece, left, right, bottom, top, style)
        if hyphen:
            builder.flush()
    builder.flush()
    return builder.lines


def _count_images(page: Any) -> int:
    raw = page.raw
    count = 0
    for index in range(pdfium_c.FPDFPage_CountObjects(raw)):
        kind = pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(raw, index))
        count += kind in (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM)
    return count


def _external(document: Any, link: Any, uri: Any) -> bool:
    """A link out of the document: not a GoTo, not a URL with a ``#fragment`` (a table of contents)."""
    action = pdfium_c.FPDFLink_GetAction(link)
    if not action:
        return False
    kind = pdfium_c.FPDFAction_GetType(action)
    if kind == pdfium_c.PDFACTION_URI:
        pdfium_c.FPDFAction_GetURIPath(document, action, uri, len(uri))
        return b"#" not in uri.value
    return kind in (pdfium_c.PDFACTION_REMOTEGOTO, pdfium_c.PDFACTION_LAUNCH)


def _mark_links(document: Any, page: Any, lines: list[Line]) -> None:
    """Each line's share of width covered by links out of the document, and by any link.

    Menus are mostly links out; links to a place in the document itself (a table of contents,
    "back to top") are ``Line.anchor`` only.
    """
    outward: list[tuple[float, float, float, float]] = []
    inward: list[tuple[float, float, float, float]] = []
    position = ctypes.c_int(0)
    link = pdfium_c.FPDF_LINK()
    rect = pdfium_c.FS_RECTF()
    uri = ctypes.create_string_buffer(2048)
    while pdfium_c.FPDFLink_Enumerate(page.raw, ctypes.byref(position), ctypes.byref(link)):
        if pdfium_c.FPDFLink_GetAnnotRect(link, rect):
            box = (rect.left, rect.right, min(rect.bottom, rect.top), max(rect.bottom, rect.top))
            (outward if _external(document, link, uri) else inward).append(box)
    if not outward and not inward:
        return
    for line in lines:
        line.link = _covered(line, outward)
        line.anchor = max(line.link, _covered(line, outward + inward))


def _covered(line: Line, rects: list[tuple[float, float, float, float]]) -> float:
    middle = (line.bottom + line.top) / 2
    spans = sorted((max(x0, line.x0), min(x1, line.x1)) for x0, x1, b, t in rects if b <= middle <= t)
    covered, end = 0.0, line.x0
    for start, stop in spans:
        start = max(start, end)
        if stop > start:
            covered += stop - start
            end = stop
    return min(1.0, covered / line.width) if line.width > 0 else 0.0


def stitch(lines: list[Line]) -> list[Line]:
    """Join pieces of one line that the file drew apart (between other text), in place of the first.

    Some producers draw a line's letters in several runs with other text between them (a
    browser's page header, drawn glyph by glyph); pieces on one baseline, in one size, that
    touch or nearly touch are one line.
    """
    merged: set[int] = set()
    place = list(range(len(lines)))  # where each line goes: its first piece's place
    for row in _rows(lines):
        current: int | None = None
        for index in sorted(row, key=lambda i: lines[i].x0):
            line = lines[index]
            if current is not None:
                head = lines[current]
                gap = line.x0 - head.x1
                if abs(line.size - head.size) <= 0.1 * head.size and -0.5 * head.size <= gap <= _STITCH_EM * head.size:
                    joint = " " if gap > _LETTER_GAP_EM * head.size else ""
                    head.text = f"{head.text}{joint}{line.text}"
                    head.x1 = max(head.x1, line.x1)
                    head.bottom, head.top = min(head.bottom, line.bottom), max(head.top, line.top)
                    merged.add(index)
                    place[current] = min(place[current], index)
                    continue
            current = index
    if not merged:
        return lines
    kept = sorted((place[index], index) for index in range(len(lines)) if index not in merged)
    return [lines[index] for _, index in kept]


def _rows(lines: list[Line]) -> list[list[int]]:
    """The indices of the lines, grouped by baseline: bottoms within a fifth of the type size,
    or boxes that share most of their height (the boxes are the glyphs' own, so a piece without
    descenders, ``file:///``, sits higher than the rest of its line)."""
    rows: list[list[int]] = []
    first: Line | None = None
    for index in sorted(range(len(lines)), key=lambda i: lines[i].bottom):
        line = lines[index]
        if first is not None and (line.bottom - first.bottom <= 0.2 * first.size or _shared_height(first, line) >= 0.7):
            rows[-1].append(index)
        else:
            rows.append([index])
            first = line
    return rows


# --------------------------------------------------------------------------- columns


def _shared_height(a: Line, b: Line) -> float:
    """How much of the lower of two boxes' heights they share (0 to 1)."""
    shared = min(a.top, b.top) - max(a.bottom, b.bottom)
    lower = min(a.top - a.bottom, b.top - b.bottom)
    return shared / lower if lower > 0 and shared > 0 else 0.0


def fix_columns(lines: list[Line]) -> list[Line]:
    """Lines drawn row by row across prose columns, put back column by column.

    A *gutter* is an x-interval that no line crosses and that separates, on four or more
    baselines, a line on its left from the line drawn right after it on its right. The lines
    of the run between the first and the last such row are reordered (left column, then the
    right) when the left lines fill their column as wrapped prose does; table rows drawn
    across the page (short cells) are left in their order.
    """
    for _ in range(3):  # up to four columns
        fixed = _fix_one_gutter(lines)
        if fixed is None:
            return lines
        lines = fixed
    return lines


def _fix_one_gutter(lines: list[Line]) -> list[Line] | None:
    rows = [
        index
        for index in range(len(lines) - 1)
        if _same_baseline(lines[index], lines[index + 1]) and lines[index + 1].x0 > lines[index].x1
    ]
    if len(rows) < 4:
        return None
    for first in range(len(rows) - 3):
        gap = (lines[rows[first]].x1, lines[rows[first] + 1].x0)
        members = [rows[first]]
        for row in rows[first + 1 :]:
            low, high = max(gap[0], lines[row].x1), min(gap[1], lines[row + 1].x0)
            if high - low >= 0.5 * lines[row].size:
                gap = (low, high)
                members.append(row)
        if len(members) < 4:
            continue
        start, end = members[0], members[-1] + 1
        while start > 0 and _beside(lines[start - 1], gap):
            start -= 1
        while end + 1 < len(lines) and _beside(lines[end + 1], gap):
            end += 1
        band = lines[start : end + 1]
        if any(not _beside(line, gap) for line in band):
            band_end = next(i for i, line in enumerate(band) if not _beside(line, gap))
            band = band[:band_end]
            end = start + band_end - 1
        left = [line for line in band if line.x1 <= gap[0] + 0.01]
        right = [line for line in band if line.x0 >= gap[1] - 0.01]
        if len(left) >= 4 and len(right) >= 4 and _prose_column(left, gap[0]):
            return lines[:start] + left + right + lines[end + 1 :]
    return None


def _same_baseline(a: Line, b: Line) -> bool:
    return abs(a.bottom - b.bottom) <= 0.3 * max(a.size, b.size)


def _beside(line: Line, gap: tuple[float, float]) -> bool:
    return line.x1 <= gap[0] + 0.01 or line.x0 >= gap[1] - 0.01


def _prose_column(left: list[Line], edge: float) -> bool:
    """Most lines reach near the column's right edge and are long: wrapped prose."""
    full = sum(1 for line in left if line.x1 >= edge - 4 * line.size)
    return full * 5 >= len(left) * 3 and sum(len(line.text) for line in left) / len(left) >= 20
