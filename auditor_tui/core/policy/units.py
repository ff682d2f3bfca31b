"""Units: runs of normalised lines that each become one heading or one clause.

Every reader turns its format into a list of :class:`Unit`; the markup decides some of them
(a markdown or HTML heading, a list item, a code block), and the others are left for
:func:`auditor_tui.core.policy.segment.segment`. Also here: normalising a line's white space
and the text as a whole (:func:`clean_text`), and the helpers readers use to emit units.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Unicode spaces (NBSP, thin space, ideographic space, ...) become plain spaces.
_SPACES = re.compile(r"[^\S\n]+")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def normalise_line(line: str) -> str:
    """One line with every run of white space (NBSP included) as one space, trimmed."""
    if "  " not in line and line.isprintable():
        return line.strip(" ")  # the common line: its only white space is single spaces
    return _SPACES.sub(" ", line).strip()


def clean_text(text: str) -> str:
    """Decoded text as every reader gets it: lone surrogates replaced, then NFC-normalised."""
    return unicodedata.normalize("NFC", _SURROGATES.sub("\ufffd", text))


@dataclass(slots=True)
class Unit:
    """One or more normalised lines that will become one heading or one clause."""

    lines: list[str]
    gap: str = "none"
    """What separates the unit from the one before: start, none, blank (an empty line or a
    new markup block) or filler (a line of only NBSP-like spaces, used as a section break)."""
    role: str = ""
    """"" while undecided, then "heading" or "clause"."""
    level: int = 0
    """Heading rank: smaller is higher. Only the order matters; see :func:`levels`."""
    explicit: bool = False
    """Decided by the markup, not by the heuristics."""
    label: bool = False
    """A table row "Right 1" joined with its description."""
    page: int | None = None
    """The page (1-based) the unit starts on, for formats with pages (PDF)."""

    @property
    def single(self) -> bool:
        return len(self.lines) == 1

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


# A line that starts a list item: a bullet, "1.", "2.1", "a)", "(iv)".
LIST_MARKER = re.compile(
    r"(?:[•·▪▫‣◦●○■□◆◇►▸➢✓✔]\s*|[-*+–—]\s+|\d{1,3}(?:\.\d{1,3})*[.)]\s+|\d{1,3}(?:\.\d{1,3})+\s+"
    r"|[A-Za-z][.)]\s+|\((?:\d{1,3}|[A-Za-z]|[ivxIVX]{1,6})\)\s+)"
)


def group_units(lines: list[str], gap: str) -> list[Unit]:
    """Units from a run of non-empty lines with no blank line between them.

    A line continues the unit before it when the run is hard-wrapped prose, or when the line
    before is long, open (no end punctuation) and this line starts in lower case. Otherwise,
    as in files with one paragraph per line, every line is a unit of its own. A line starting
    with a list marker always starts a unit.
    """
    wrapped_from = _wrapped_from(lines)
    # Lines longer than any wrapping width: the text has one paragraph per line.
    per_line = max(map(len, lines)) > 120
    units: list[Unit] = []
    for index, line in enumerate(lines):
        wrapped = wrapped_from is not None and index > wrapped_from
        if units and not per_line and _continues(units[-1].lines[-1], line, wrapped):
            units[-1].lines.append(line)
        else:
            units.append(Unit([line], gap if not units else "none"))
    return units


def _wrapped_from(lines: list[str]) -> int | None:
    """If *lines* are hard-wrapped prose (from line 0, or 1 after a short title), that index."""
    if len(lines) < 2:
        return None
    start = 1 if len(lines) > 2 and len(lines[0]) < 0.6 * max(map(len, lines[1:])) else 0
    body = lines[start:]
    inner = body[:-1]
    width = max(map(len, body))
    if not inner or not 40 <= width <= 100 or any(len(line) < 0.6 * width for line in inner):
        return None
    open_ends = sum(1 for line in inner if line[-1] not in ".!?:;")
    return start if open_ends * 2 >= len(inner) else None


def _continues(previous: str, line: str, wrapped: bool) -> bool:
    if LIST_MARKER.match(line):
        return False
    if wrapped:
        return True
    if _LIST_ITEM_END.search(previous):
        return False
    return len(previous) >= 40 and previous[-1] not in ".!?:;" and line[0].islower()


_LIST_ITEM_END = re.compile(r"[;,]\s*(?:and|or|and/or)$")


def undecided_line(unit: Unit) -> str | None:
    """The unit's one line if it is a single line no rule has decided yet, else None."""
    return unit.lines[0] if unit.role == "" and len(unit.lines) == 1 else None


def explicit_headings(units: list[Unit]) -> int:
    """How many headings the markup stated (readers guess more only when there are under 2)."""
    return sum(1 for unit in units if unit.role == "heading")


class Gap:
    """The gap before the next unit a reader emits."""

    def __init__(self) -> None:
        self.value = "start"

    def take(self) -> str:
        value, self.value = self.value, "blank"
        return value

    def filler(self) -> None:
        if self.value != "start":
            self.value = "filler"


def add_heading(units: list[Unit], gap: Gap, title: str, level: int) -> None:
    """Append a heading the markup states (*level*: 10 for h1, 20 for h2, ...; see ``levels``)."""
    title = normalise_line(title)
    if title:
        units.append(Unit([title], gap.take(), "heading", level, explicit=True))


def add_text(units: list[Unit], gap: Gap, text: str, *, listed: bool = False) -> None:
    """Append the units of a block of text (a list item's are clauses); blank text only marks a gap."""
    lines = [line for line in (normalise_line(line) for line in text.split("\n")) if line]
    if not lines:
        if text.strip(" \t\n"):
            gap.filler()
        return
    new = group_units(lines, gap.take())
    if listed:  # a list item is a clause, whatever it looks like
        for unit in new:
            unit.role, unit.explicit = "clause", True
    units.extend(new)


def add_verbatim(units: list[Unit], gap: Gap, text: str) -> None:
    """Append preformatted text (a code block) as one clause, its lines kept."""
    lines = [line for line in (normalise_line(line) for line in text.splitlines()) if line]
    if lines:
        units.append(Unit(lines, gap.take(), "clause", explicit=True))
