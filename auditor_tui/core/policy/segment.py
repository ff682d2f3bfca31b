"""Segmenting: deciding the undecided units, and cutting very long paragraphs.

:func:`segment` runs, in order, table rows, addresses and (if asked) the heading heuristics of
``headings.py`` over a reader's units, then returns the blocks; :func:`split_long` cuts a
paragraph too long to read as one clause at sentence ends (or, failing that, anywhere).
"""

from __future__ import annotations

import re

from auditor_tui.core.policy.headings import find_headings, levels, title_style
from auditor_tui.core.policy.model import Block
from auditor_tui.core.policy.units import LIST_MARKER, Unit, undecided_line

_LONG_PARAGRAPH = 1200
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])")


def split_long(text: str) -> list[str]:
    """Split a very long paragraph into pieces of a readable size.

    Cut at sentence ends where there are any; a piece still far too long (a run-on list, a
    line of URLs, 100,000 characters without a full stop) is cut at its last ``;``, ``,`` or
    ``:``, else at a space, else anywhere. The pieces are slices of *text*: only the white
    space at a cut is lost.
    """
    if len(text) <= _LONG_PARAGRAPH:
        return [text]
    pieces: list[str] = []
    for piece in _split_at_sentences(text):
        pieces.extend(_split_anywhere(piece) if len(piece) > _TOO_LONG else [piece])
    return pieces


_TOO_LONG = 2 * _LONG_PARAGRAPH


def _split_at_sentences(text: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    best: tuple[int, int] | None = None  # the last sentence end seen since *start*
    for match in _SENTENCE_END.finditer(text):
        if match.start() - start > _LONG_PARAGRAPH and best is not None:
            pieces.append(text[start : best[0]])
            start, best = best[1], None
        if match.start() > start:
            best = (match.start(), match.end())
    if len(text) - start > _LONG_PARAGRAPH and best is not None:
        pieces.append(text[start : best[0]])
        start = best[1]
    pieces.append(text[start:])
    return pieces


def _split_anywhere(text: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    while len(text) - start > _LONG_PARAGRAPH:
        window = text[start : start + _LONG_PARAGRAPH]
        half = _LONG_PARAGRAPH // 2
        mark = max(window.rfind("; "), window.rfind(", "), window.rfind(": "))
        space = window.rfind(" ")
        if mark > half:
            end = start + mark + 1  # keep the mark with the piece before it
        elif space > half:
            end = start + space
        else:
            end = start + _LONG_PARAGRAPH
        pieces.append(text[start:end])
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        pieces.append(text[start:])
    return pieces


# --------------------------------------------------------------------------- segmenting


def segment(units: list[Unit], *, heuristics: bool) -> list[Block]:
    """Decide the undecided units and return the blocks.

    In order: table rows ("Right 1" + its description) and their header; addresses (a run of
    short lines ending in a postcode, or with commas); then, if *heuristics*, headings among
    the short title-like lines. Everything left is a clause.
    """
    units = join_table_rows(units)
    units = join_addresses(units, heuristics=heuristics)
    if heuristics:
        find_headings(units)
    levels(units)
    blocks: list[Block] = []
    for unit in units:
        if unit.role == "heading":
            blocks.append(Block("heading", " ".join(unit.lines), unit.level, unit.page))
        else:
            blocks.extend(Block("clause", piece, page=unit.page) for piece in split_long(unit.text))
    return blocks


_ROW_LABEL = re.compile(r"([A-Z][A-Za-z]{1,20})\s+(\d{1,3}|[A-Z]|[IVX]{1,6})[.:)]?")


def join_table_rows(units: list[Unit]) -> list[Unit]:
    """Join a row label ("Right 1", "Step 2") with the description after it, as one clause.

    A label counts only when its word labels two or more rows. The title-like lines right above
    the first row (a table header such as "NUMBER" / "DESCRIPTION OF RIGHT") become one clause.
    """
    numbers: dict[str, set[str]] = {}
    for unit in units:
        line = undecided_line(unit)
        match = _ROW_LABEL.fullmatch(line) if line else None
        if match:
            numbers.setdefault(match.group(1).lower(), set()).add(match.group(2))
    words = {word for word, seen in numbers.items() if len(seen) >= 2}
    if not words:
        return units

    def label_word(unit: Unit) -> str | None:
        line = undecided_line(unit)
        match = _ROW_LABEL.fullmatch(line) if line else None
        return match.group(1).lower() if match and match.group(1).lower() in words else None

    out: list[Unit] = []
    index = 0
    while index < len(units):
        unit = units[index]
        following = units[index + 1] if index + 1 < len(units) else None
        if (
            label_word(unit)
            and following is not None
            and following.role != "heading"
            and following.gap != "filler"
            and label_word(following) is None
            and (len(following.text) >= 60 or following.role or title_style(following.lines[0]) is None)
        ):
            if not (out and out[-1].label):
                _join_table_header(out)
            out.append(Unit(unit.lines + following.lines, unit.gap, "clause", label=True, page=unit.page))
            index += 2
        else:
            out.append(unit)
            index += 1
    return out


def _join_table_header(out: list[Unit]) -> None:
    run: list[Unit] = []
    case = None
    for unit in reversed(out):
        line = undecided_line(unit)
        style = title_style(line) if line else None
        if style is None or style.case not in ("caps", "title") or style.end or (case and style.case != case):
            break
        case = style.case
        run.insert(0, unit)
    if len(run) >= 2:
        del out[-len(run) :]
        out.append(Unit([line for unit in run for line in unit.lines], run[0].gap, "clause", page=run[0].page))


_POSTCODE = re.compile(
    r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b"  # UK: G20 0SP, SW1A 1AA
    r"|\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b|^\d{5}(?:-\d{4})?$"  # US: CA 94105
    r"|\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b"  # Canada
    r"|^\d{4}\s?[A-Z]{2}\b|^(?:[A-Z]{1,2}-)?\d{4,5}\s+[A-Z]"  # NL 1012 AB, DE 10115 Berlin
    r"|\bP\.?\s?O\.?\s+Box\b",
    re.I,
)
_COUNTRIES = frozenset(
    "united kingdom|uk|great britain|england|scotland|wales|northern ireland|ireland|united states|"
    "united states of america|usa|us|canada|australia|new zealand|germany|deutschland|france|netherlands|"
    "the netherlands|belgium|luxembourg|spain|portugal|italy|switzerland|austria|sweden|norway|denmark|"
    "finland|poland|india|singapore|japan|hong kong|south africa|israel|brazil|mexico".split("|")
)
_CONTACT = re.compile(
    r"(?:tel|telephone|phone|fax|e-?mail|web|website|mobile|[tfew])\b\.?\s*:|(?:tel|phone|email|fax)\b|"
    r"[+(]?\d[\d\s()+-]{6,}$|\S+@\S+$|(?:https?://|www\.)\S+$",
    re.I,
)
_ADDRESS_ABBREVIATION = re.compile(r"(?:Ltd|Inc|Co|Corp|LLC|LLP|PLC|Plc|St|Rd|Ave|Ste|Blvd)\.$")


def _address_line(unit: Unit) -> str | None:
    line = undecided_line(unit)
    if line is None or len(line) > 60 or len(line.split()) > 8 or LIST_MARKER.match(line):
        return None
    if line[-1] in ".;:!?" and not _ADDRESS_ABBREVIATION.search(line):
        return None
    return line


def _after_postcode(line: str) -> bool:
    """A line that may follow the postcode in an address: a country, a phone, an e-mail."""
    return line.strip(" .,").lower() in _COUNTRIES or bool(_CONTACT.match(line))


def _is_address(lines: list[str]) -> bool:
    if len(lines) < 3:
        return False
    return any(_POSTCODE.search(line) for line in lines) or sum(line.endswith(",") for line in lines) >= 2


def join_addresses(units: list[Unit], *, heuristics: bool) -> list[Unit]:
    """Join a run of short address lines (ending in a postcode, or with commas) into one clause."""
    out: list[Unit] = []
    index = 0
    while index < len(units):
        first = _address_line(units[index])
        if first is None:
            out.append(units[index])
            index += 1
            continue
        lines = [first]
        seen_postcode = bool(_POSTCODE.search(first))
        end = index + 1
        while end < len(units) and units[end].gap != "filler":
            line = _address_line(units[end])
            if line is None or (seen_postcode and not _after_postcode(line)):
                break
            lines.append(line)
            seen_postcode = seen_postcode or bool(_POSTCODE.search(line))
            end += 1
        lead_in = bool(out) and (out[-1].role == "heading" or out[-1].lines[-1].endswith(":"))
        title = title_style(first) if heuristics and not lead_in else None
        if title is not None and title.strong and _is_address(lines[1:]):
            # "Contact Us" above the address is its heading, not its first line.
            out.append(units[index])
            index += 1
            lines = lines[1:]
        if _is_address(lines):
            out.append(Unit(lines, units[index].gap, "clause", page=units[index].page))
            index += len(lines)
        else:
            out.append(units[index])
            index += 1
    return out
