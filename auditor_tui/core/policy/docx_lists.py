"""Word list numbering: the marker ("1.", "a)", "•") Word would show before a list paragraph.

A list paragraph names a numbering instance (``w:numId``) and a level (``w:ilvl``), in its own
properties or its style's; the instance points at an abstract definition whose level gives
the format (``decimal``, ``lowerLetter``, ``bullet`` ...), the start and the text pattern
(``%1.``, ``%1.%2``). :class:`Numbering` keeps a counter per instance and level, as Word does.
"""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn

_BULLET = "•"


def _roman(number: int) -> str:
    out = []
    for value, letters in (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def _letters(number: int) -> str:
    out = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def _format(number: int, kind: str) -> str:
    if kind in ("lowerLetter", "upperLetter"):
        text = _letters(number)
        return text.upper() if kind == "upperLetter" else text
    if kind in ("lowerRoman", "upperRoman"):
        text = _roman(number)
        return text.upper() if kind == "upperRoman" else text
    if kind == "decimalZero":
        return f"{number:02d}"
    return str(number)


def _val(element: Any, tag: str, default: str | None = None) -> str | None:
    child = element.find(qn(tag)) if element is not None else None
    value = child.get(qn("w:val")) if child is not None else None
    return value if value is not None else default


class Numbering:
    """The list markers of a document, in reading order (call :meth:`marker` in order)."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId -> ilvl -> (fmt, text, start)
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for definition in root.findall(qn("w:abstractNum")):
            abstract[definition.get(qn("w:abstractNumId"), "")] = _levels(definition)
        for instance in root.findall(qn("w:num")):
            levels = dict(abstract.get(_val(instance, "w:abstractNumId", "") or "", {}))
            for override in instance.findall(qn("w:lvlOverride")):
                level = int(override.get(qn("w:ilvl"), "0") or 0)
                found = override.find(qn("w:lvl"))
                if found is not None:
                    levels.update(_levels_of([found]))
                start = _val(override, "w:startOverride")
                if start is not None and level in levels and start.isdigit():
                    levels[level] = (levels[level][0], levels[level][1], int(start))
            self.levels[instance.get(qn("w:numId"), "")] = levels

    def marker(self, num_id: str, level: int) -> str | None:
        """The marker of the next paragraph of list *num_id* at *level*; None if it has none."""
        levels = self.levels.get(num_id)
        if not levels or level not in levels:
            return _BULLET  # a list style with no numbering definition shows a plain bullet
        kind, pattern, _start = levels[level]
        if kind == "none":
            return None
        counters = self.counters.setdefault(num_id, [])
        while len(counters) <= level:
            depth = len(counters)
            counters.append(levels.get(depth, ("", "", 1))[2] - 1)
        counters[level] += 1
        for deeper in range(level + 1, len(counters)):  # a new item restarts the levels under it
            counters[deeper] = levels.get(deeper, ("", "", 1))[2] - 1
        if kind == "bullet":
            return _BULLET
        text = pattern
        for depth in range(level, -1, -1):
            depth_kind = levels.get(depth, ("decimal", "", 1))[0]
            text = text.replace(f"%{depth + 1}", _format(max(counters[depth], 1), depth_kind))
        return text.strip() or None


def _levels(definition: Any) -> dict[int, tuple[str, str, int]]:
    return _levels_of(definition.findall(qn("w:lvl")))


def _levels_of(elements: list[Any]) -> dict[int, tuple[str, str, int]]:
    found = {}
    for element in elements:
        level = int(element.get(qn("w:ilvl"), "0") or 0)
        start = _val(element, "w:start", "1") or "1"
        found[level] = (
            _val(element, "w:numFmt", "decimal") or "decimal",
            _val(element, "w:lvlText", "") or "",
            int(start) if start.isdigit() else 1,
        )
    return found
