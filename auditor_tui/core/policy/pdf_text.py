"""What the lines of a PDF are: page furniture, headings, paragraphs.

The lines come from ``pdf_layout.py``, page by page in reading order. Here:

* :func:`drop_furniture` removes what a reader skips: running headers and footers (a line in
  the top or bottom margin that repeats, digits aside, on many pages), page numbers, and lines
  that are mostly links and short (a printed web page's menus and link lists);
* :func:`mark_outline_headings` marks the lines the PDF's outline (bookmarks) names as
  headings, ranked by the outline's depth; :func:`mark_font_headings` does the same from the
  look when there is no outline: lines larger than the body text, or bold where it is not;
* :func:`units_from_lines` joins lines into paragraphs (by line spacing, indentation, style
  and list markers, across a page break too), joining a word split by a hyphen at a line
  end, and returns the units ``segment`` takes, each with the page it starts on.
"""

from __future__ import annotations

import difflib
import itertools
import math
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence

from auditor_tui.core.policy.headings import title_style
from auditor_tui.core.policy.pdf_layout import Line, PageText
from auditor_tui.core.policy.units import LIST_MARKER, Unit, normalise_line

_MARGIN = 0.1
"""The top and bottom tenth of a page, where running headers, footers and numbers sit."""
_PAGE_NUMBER = re.compile(
    r"(?:page|p\.|seite|pagina|página)?\s*[-–—(\[]?\s*(?:\d{1,4}|[ivxlc]{1,7})\s*[-–—)\]]?"
    r"(?:\s*(?:/|of|von|de|sur)\s*\d{1,4})?",
    re.I,
)
_SAME_ROW = 0.9
"""Margin rows this similar (difflib's ratio of their letters) are the same running header."""
_LINK_DENSE = 0.6
"""A short line with this share of its width in links is a menu item or a link list."""
_LINK_WORDS = 12
_TERMINAL = ".!?:;"
_ADDRESS = re.compile(r"@|://|\bwww\.", re.I)
"""A link that spells an e-mail or web address is a contact the policy gives, not a menu."""


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.casefold().split()))


def _in_margin(line: Line, page: PageText) -> str:
    if line.bottom >= page.height * (1 - _MARGIN):
        return "top"
    if line.top <= page.height * _MARGIN:
        return "bottom"
    return ""


def drop_furniture(pages: Sequence[PageText]) -> None:
    """Remove running headers and footers, page numbers and link-dense short lines, in place."""
    seen: Counter[tuple[str, str]] = Counter()
    rows = [_margin_rows(page) for page in pages]
    for page, page_rows in zip(pages, rows, strict=True):
        keys = {(zone, _key(line.text)) for line in page.lines if (zone := _in_margin(line, page))}
        seen.update(keys | {key for key, _ in page_rows})
    # A line on most pages' margin is furniture; with two pages, on both.
    repeated = max(2, math.ceil(0.4 * len(pages)))
    # A table of contents is links too, but its entries come back as the headings below.
    plain = {_key(line.text) for page in pages for line in page.lines if line.link < _LINK_DENSE}
    # A short link said three times or more ("Back to top", "Learn more") is a control, not text.
    echoes = Counter(
        _key(line.text)
        for page in pages
        for line in page.lines
        if line.anchor >= _LINK_DENSE and len(line.text.split()) <= 5
    )
    for page, page_rows in zip(pages, rows, strict=True):
        running = {id(line) for key, row in page_rows if _running(key, seen, repeated) for line in row}
        kept = []
        for line in page.lines:
            zone = _in_margin(line, page)
            if zone and (_PAGE_NUMBER.fullmatch(line.text) or seen[(zone, _key(line.text))] >= repeated):
                continue
            if id(line) in running:
                continue
            if _menu_item(line, plain) or (line.anchor >= _LINK_DENSE and echoes[_key(line.text)] >= 3):
                continue
            kept.append(line)
        page.lines = kept


def _margin_rows(page: PageText) -> list[tuple[tuple[str, str], list[Line]]]:
    """The page's margin lines grouped in rows, each with a key that ignores how the row was cut.

    A browser draws its header and footer glyph by glyph, and the pieces come out cut at
    different places on different pages ("f" + "ile:///..." here, "file:///" there): a row's
    letters, without spaces and with digits as ``#``, are the same on every page.
    """
    found: list[tuple[str, float, float, list[Line]]] = []
    for line in sorted(page.lines, key=lambda line: line.bottom):
        zone = _in_margin(line, page)
        if not zone:
            continue
        if found and found[-1][0] == zone and _overlap(found[-1][1], found[-1][2], line) >= 0.5:
            zone, bottom, top, row = found[-1]
            found[-1] = (zone, min(bottom, line.bottom), max(top, line.top), [*row, line])
        else:
            found.append((zone, line.bottom, line.top, [line]))
    rows = []
    for zone, _bottom, _top, row in found:
        letters = "".join(_key(line.text) for line in sorted(row, key=lambda line: line.x0))
        rows.append(((zone, "row:" + re.sub(r"\s+", "", letters)), row))
    return rows


def _running(key: tuple[str, str], seen: Counter[tuple[str, str]], repeated: int) -> bool:
    """A margin row repeated on enough pages, or nearly the same as one that is: PDFium gives
    the glyphs of a browser's first page header in a shuffled order, a letter or two astray."""
    if seen[key] >= repeated:
        return True
    zone, letters = key
    return any(
        other[0] == zone
        and count >= repeated
        and other[1].startswith("row:")
        and difflib.SequenceMatcher(None, letters, other[1], autojunk=False).ratio() >= _SAME_ROW
        for other, count in seen.items()
    )


def _overlap(bottom: float, top: float, line: Line) -> float:
    """The share of *line*'s height inside the band from *bottom* to *top*."""
    height = line.top - line.bottom
    shared = min(top, line.top) - max(bottom, line.bottom)
    return shared / height if height > 0 and shared > 0 else 0.0


def _menu_item(line: Line, plain: set[str]) -> bool:
    """A short line of links that is not an address and not a table-of-contents entry."""
    if line.link < _LINK_DENSE or len(line.text.split()) > _LINK_WORDS or _ADDRESS.search(line.text):
        return False
    return _key(line.text) not in plain


# --------------------------------------------------------------------------- headings


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def mark_outline_headings(pages: Sequence[PageText], outline: Iterable[tuple[str, int, int | None]]) -> int:
    """Mark the lines the outline names (title, depth from 0, 0-based page) as headings.

    A title is looked for on its page (or anywhere when the outline gives none) after the last
    heading found, and may run over two or three lines. Returns how many were found.
    """
    found = 0
    lines = [line for page in pages for line in page.lines]
    cursor = 0
    for title, depth, page_index in outline:
        want = _words(title)
        if not want:
            continue
        for index in range(cursor, len(lines)):
            line = lines[index]
            if page_index is not None and line.page != page_index + 1:
                if line.page > page_index + 1:
                    break
                continue
            taken = _match_title(lines, index, want)
            if taken:
                for part in lines[index : index + taken]:
                    part.heading = 10 * (depth + 1)
                cursor = index + taken
                found += 1
                break
    return found


def _match_title(lines: list[Line], index: int, want: str) -> int:
    """How many lines from *index* spell *want* (0 if they do not)."""
    have = ""
    for count in range(3):
        if index + count >= len(lines):
            return 0
        have = f"{have} {_words(lines[index + count].text)}".strip()
        if have == want:
            return count + 1
        if not want.startswith(have):
            return 0
    return 0


def body_style(lines: Sequence[Line]) -> tuple[float, bool]:
    """The (size, bold) most of the text is set in."""
    weights: Counter[tuple[float, bool]] = Counter()
    for line in lines:
        weights[(line.size, line.bold)] += len(line.text)
    return weights.most_common(1)[0][0] if weights else (0.0, False)


def mark_font_headings(lines: Sequence[Line]) -> int:
    """Mark short runs of lines larger than the body text, or bold where it is not, as headings.

    A run is one to four lines of one style; a bold run at the body size or smaller must look
    like a title (``title_style``; a closing colon allowed), so a bold sentence stays a
    paragraph. Larger type ranks higher; at one size, bold ranks above regular. Returns how
    many headings were marked.
    """
    size, bold = body_style(lines)
    if not size:
        return 0
    runs: list[list[Line]] = []
    for index, line in enumerate(lines):
        larger = line.size >= size * 1.12
        if not (larger or (line.bold and not bold and line.size >= size * 0.8)):
            continue
        previous = lines[index - 1] if index else None
        if runs and previous is runs[-1][-1] and _same_style(previous, line) and _close(previous, line):
            runs[-1].append(line)
        else:
            runs.append([line])
    styles = set()
    accepted = []
    for run in runs:
        text = " ".join(line.text for line in run)
        if len(run) > 4 or len(text) > 160 or text[-1] in ",;" or sum(line.link for line in run) >= len(run) / 2:
            continue
        if run[0].size < size * 1.12 and title_style(normalise_line(text).rstrip(":")) is None:
            continue
        if run[0].size >= size * 1.12 and len(text.split()) > 25:
            continue
        accepted.append(run)
        styles.add((run[0].size, run[0].bold))
    # Ranks 1-9, above the 10 and more of the headings the text heuristics find (``headings.py``).
    ordered = sorted(styles, key=lambda s: (-s[0], not s[1]))
    ranks = {style: min(rank, 9) for rank, style in enumerate(ordered, 1)}
    for run in accepted:
        for line in run:
            line.heading = ranks[(run[0].size, run[0].bold)]
    return len(accepted)


def _same_style(a: Line, b: Line) -> bool:
    return abs(a.size - b.size) <= 0.1 * max(a.size, b.size) and a.bold == b.bold


def _close(a: Line, b: Line) -> bool:
    return a.page == b.page and 0 < a.bottom - b.bottom <= 1.8 * max(a.size, b.size)


# --------------------------------------------------------------------------- paragraphs


def _spacing(lines: Sequence[Line]) -> dict[float, float]:
    """The usual distance between baselines, per font size, from consecutive lines."""
    gaps: dict[float, list[float]] = {}
    for a, b in itertools.pairwise(lines):
        if a.page == b.page and a.size == b.size and 0 < a.bottom - b.bottom < 2.5 * a.size:
            gaps.setdefault(a.size, []).append(a.bottom - b.bottom)
    return {size: statistics.median(found) for size, found in gaps.items()}


def _continues(prev: Line, line: Line, spacing: dict[float, float], unit_right: float) -> bool:
    """Whether *line* goes on the paragraph that *prev* ends."""
    if prev.heading or line.heading:
        return prev.heading == line.heading and _close(prev, line)
    if LIST_MARKER.match(line.text) or not _same_style(prev, line):
        return False
    ended = prev.text[-1] in _TERMINAL
    if prev.page != line.page:  # a wrapped paragraph runs on over a page break unless it ended
        return not ended and (
            line.text[0].islower() or (len(prev.text) >= 40 and prev.x1 >= unit_right - 3 * prev.size)
        )
    step = prev.bottom - line.bottom
    usual = spacing.get(prev.size, 1.25 * prev.size)
    if step <= 0.3 * prev.size or step > usual * 1.3 + 0.5 or line.x0 >= prev.x1 or line.x1 <= prev.x0:
        return False
    em = prev.size
    # After a full stop, an indented line or a short last line before it starts a new paragraph.
    return not (ended and (abs(line.x0 - prev.x0) > em or prev.x1 < unit_right - 6 * em))


_HYPHENATED = re.compile(r"(\w+)-$")
_COMPOUND = re.compile(r"\w+(?:-\w+)+")


def _column_rights(lines: Sequence[Line]) -> dict[tuple[int, int], float]:
    """Where each column ends: the furthest right edge of the page's lines that start at, or a
    little left of, the same x (so an indented list measures against its paragraph)."""
    by_page: dict[int, list[Line]] = {}
    for line in lines:
        by_page.setdefault(line.page, []).append(line)
    rights: dict[tuple[int, int], float] = {}
    for line in lines:
        key = (line.page, round(line.x0 / 6))
        if key not in rights:
            em = line.size
            rights[key] = max(other.x1 for other in by_page[line.page] if line.x0 - 4 * em <= other.x0 <= line.x0 + em)
    return rights


def units_from_lines(lines: Sequence[Line]) -> list[Unit]:
    """Paragraph units from lines in reading order (headings as explicit heading units)."""
    spacing = _spacing(lines)
    rights = _column_rights(lines)
    compounds = Counter(match.casefold() for line in lines for match in _COMPOUND.findall(line.text))
    units: list[Unit] = []
    previous: Line | None = None
    right = 0.0
    gap = "start"
    for line in lines:
        # A line well short of its column's width ends where its writer ended it (a list item
        # whose bullet is a drawing, an address line): the next line starts a unit of its own,
        # as in plain text, and ``segment`` joins address lines again. A full line wraps on.
        short = previous is not None and previous.width < 0.6 * (
            rights[(previous.page, round(previous.x0 / 6))] - previous.x0
        )
        if previous is not None and _continues(previous, line, spacing, right):
            if short and not line.heading and not _HYPHENATED.search(units[-1].lines[-1]):
                units.append(Unit([line.text], "none", page=line.page))
            else:
                _append(units[-1], line, compounds)
            right = max(right, line.x1)
        else:
            role = "heading" if line.heading else ""
            units.append(Unit([line.text], gap, role, line.heading, explicit=bool(line.heading), page=line.page))
            right = line.x1
        gap = "blank"
        previous = line
    for unit in units:
        if unit.role == "heading":
            unit.lines = [" ".join(unit.lines)]
    return units


def _append(unit: Unit, line: Line, compounds: Counter[str]) -> None:
    """Add *line* to *unit*, joining a word split by a hyphen at the line end."""
    last = unit.lines[-1]
    if last.endswith("\xad"):
        unit.lines[-1] = last[:-1] + line.text
        return
    hyphen = _HYPHENATED.search(last)
    if hyphen and line.text[0].islower():
        following = re.match(r"\w+", line.text)
        compound = f"{hyphen.group(1)}-{following.group(0) if following else ''}".casefold()
        # A word split at a line end is joined; a compound broken at its own hyphen
        # ("third-" / "party", as browsers break) keeps it when the text spells it so elsewhere.
        unit.lines[-1] = last[:-1] + line.text if compounds[compound] == 0 else last + line.text
    else:
        unit.lines[-1] = f"{last} {line.text}"
