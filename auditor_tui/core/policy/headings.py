"""Heading heuristics: which short lines look like titles, which of them are headings, ranks.

:func:`title_style` says how a line looks as a heading (case, end mark, numbering) or that it
cannot be one; :func:`find_headings` marks the undecided units that read as headings;
:func:`levels` ranks all headings 1, 2, ... .
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor_tui.core.policy.units import LIST_MARKER, Unit, undecided_line
from auditor_tui.core.text import plain_apostrophes

_SMALL_WORDS = frozenset("a an and as at but by for from in into nor of on or per the to via vs with".split())
_OPEN_ENDINGS = _SMALL_WORDS | frozenset("including that which such your our its their".split())
_AUXILIARIES = frozenset(
    "is are was were be been being am will would shall should can could may might must has have had do does did"
    " isn't aren't wasn't weren't won't wouldn't can't cannot couldn't don't doesn't didn't hasn't haven't"
    " shouldn't".split()
)
_WH_WORDS = frozenset("how what why when where who whom whose which".split())
_PRONOUNS = frozenset("we i you they it he she there".split())
_NUMBERED = re.compile(r"(\d{1,3}(?:\.\d{1,3})*)[.)]?\s+(\S.*)")
_TWO_SENTENCES = re.compile(r"[.!?]\s+[A-Z]")
_WORD_STRIP = "\"'“”‘’()[]{}<>.,;:!?*_"


@dataclass(frozen=True, slots=True)
class Title:
    """How a short line looks as a heading."""

    case: str  # "caps", "title" (Title Case) or "sentence"
    end: str  # "", ".", "!" or "?"
    depth: int  # 1 for "1. ...", 2 for "1.2 ...", 0 if not numbered

    @property
    def strong(self) -> bool:
        """Looks like a heading on its own; a sentence-case title needs structural support."""
        return self.case != "sentence" or self.end == "?" or self.depth > 0

    @property
    def rank(self) -> int:
        if self.depth:
            return 20 + 10 * self.depth
        if self.case == "caps":
            return 20
        if self.end in (".", "!"):
            return 40
        if self.end == "?" or self.case == "title":
            return 30
        return 40


def title_style(line: str) -> Title | None:
    """How *line* looks as a heading, or None if it cannot be one (too long, a sentence, ...)."""
    core = line.strip("*_ ")
    if not core or len(core) > 100:
        return None
    tokens = core.split()
    if len(tokens) > 14 or core[-1] in ",;:-–—/(&" or tokens[-1].lower() in _OPEN_ENDINGS:
        return None
    if "://" in core or "www." in core or "@" in core:
        return None
    depth, rest = 0, core
    numbered = _NUMBERED.fullmatch(core)
    if numbered:
        depth, rest = numbered.group(1).count(".") + 1, numbered.group(2)
    elif LIST_MARKER.match(core):
        return None
    first = rest[0]
    if not (first.isupper() or (first.isalpha() and not first.islower())):
        return None
    if _TWO_SENTENCES.search(rest):
        return None
    words = [w for w in (t.strip(_WORD_STRIP) for t in rest.split()) if w and w[0].isalpha()]
    if not words:
        return None
    lower = [plain_apostrophes(w.lower()) for w in words]
    letters = [c for c in rest if c.isalpha()]
    end = core[-1] if core[-1] in ".!?" else ""
    significant = [w for i, w in enumerate(words) if i == 0 or lower[i] not in _SMALL_WORDS]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        case = "caps"
    elif sum(1 for w in significant if w[0].isupper()) >= 0.75 * len(significant):
        case = "title"
    else:
        case = "sentence"
    if case == "sentence" or depth:
        # "Remote access support is optional." is a sentence; "How long we keep your
        # information." and "Information you give us." are titles.
        if lower[0] in _PRONOUNS or (lower[0] not in _WH_WORDS and any(w in _AUXILIARIES for w in lower)):
            return None
    if case == "sentence" and not depth and (len(core) > 70 or len(tokens) > 8):
        return None
    return Title(case, end, depth)


def find_headings(units: list[Unit]) -> None:
    """Mark the undecided short title-like lines that read as headings.

    A line that looks like a heading (Title Case, ALL CAPS, numbered, a question) is one unless
    it is the last line, or one of a list: two or more such lines after a lead-in ending in
    ":", or three or more of the same style in a row. A sentence-case title ("How long we keep
    your information.") needs more: a document with sections (filler lines between them, or two
    or more headings of the kinds above), a body paragraph after it, and if the document marks
    its sections with filler lines, a filler line (or a heading) before it.
    """
    styles = [(title_style(line) if (line := undecided_line(unit)) else None) for unit in units]
    filler_breaks = sum(1 for unit in units if unit.gap == "filler") >= 2
    count = len(units)
    index = 0
    while index < count:  # runs of consecutive title-like lines
        if styles[index] is None:
            index += 1
            continue
        end = index
        while end + 1 < count and styles[end + 1] is not None and units[end + 1].gap != "filler":
            end += 1
        length = end - index + 1
        lead_in = index > 0 and units[index - 1].role != "heading" and units[index - 1].lines[-1].endswith(":")
        same_style = len({(s.case, s.end, s.depth) for s in styles[index : end + 1] if s}) == 1
        if (length >= 2 and lead_in) or (length >= 3 and same_style):
            for k in range(index, end + 1):
                styles[k] = None
        index = end + 1
    strong = 0
    for index, (unit, style) in enumerate(zip(units, styles, strict=False)):
        if style is not None and style.strong and index + 1 < count:
            unit.role, unit.level = "heading", style.rank
            strong += 1
    if not filler_breaks and strong < 2:
        return  # no section structure to fit sentence-case titles into
    for index, (unit, style) in enumerate(zip(units, styles, strict=False)):
        if style is None or style.strong or index + 1 >= count:
            continue
        following = units[index + 1]
        body = (
            following.role != "heading"
            and styles[index + 1] is None
            and (len(following.text) >= 60 or following.text.endswith(":"))
        )
        after_break = unit.gap in ("start", "filler") or (index > 0 and units[index - 1].role == "heading")
        if body and (after_break or not filler_breaks):
            unit.role, unit.level = "heading", style.rank


_DOCUMENT_TITLE = re.compile(r"privacy|policy|notice|statement|terms|cookie|data protection|gdpr", re.I)


def levels(units: list[Unit]) -> None:
    """Rank the headings: the document's title first, then by style; number the ranks 1, 2, ..."""
    headings = [i for i, unit in enumerate(units) if unit.role == "heading"]
    guessed = [i for i in headings if not units[i].explicit]
    if guessed and guessed[0] == headings[0]:
        first = guessed[0]
        before = units[:first]
        unique = sum(1 for i in guessed if units[i].level == units[first].level) == 1
        if len(before) <= 1 and all(len(u.text) <= 100 for u in before):
            if _DOCUMENT_TITLE.search(units[first].lines[0]) or unique:
                units[first].level = 10
    for i in guessed:
        # A heading directly above one of the same rank is the parent of it and the ones after
        # ("Top Layer Privacy Notice" over "How Will We Use Your Information").
        following = units[i + 1] if i + 1 < len(units) else None
        if (
            following is not None
            and following.role == "heading"
            and not following.explicit
            and following.level == units[i].level
            and units[i].level > 10
        ):
            units[i].level -= 5
    ranks = {level: rank for rank, level in enumerate(sorted({units[i].level for i in headings}), start=1)}
    for i in headings:
        units[i].level = ranks[units[i].level]
