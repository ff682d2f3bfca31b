"""Plain text: paragraphs separated by blank lines, headings found by their look.

A ``.txt`` file that looks like markdown (web pages exported as text often are: ``# Title``,
``**bold**``, ``1\\.``) is read as markdown, so its structure is kept.
"""

from __future__ import annotations

import re
from pathlib import Path

from auditor_tui.core.policy.decode import decode_policy_bytes
from auditor_tui.core.policy.model import Block, Policy
from auditor_tui.core.policy.readers.base import Reader, policy_from_text
from auditor_tui.core.policy.readers.markdown import blocks_from_markdown
from auditor_tui.core.policy.segment import segment
from auditor_tui.core.policy.units import Unit, group_units, normalise_line


def read(data: bytes, path: Path) -> Policy:
    """The reader contract (see ``readers/__init__.py``) for a plain-text file's bytes."""
    text, warnings = decode_policy_bytes(data, path)
    if looks_like_markdown(text):
        return policy_from_text(text, "markdown", blocks_from_markdown, path=path, warnings=warnings)
    return policy_from_text(text, "text", blocks_from_text, path=path, warnings=warnings)


_MARKDOWN_HINTS = re.compile(r"^\s{0,3}(?:\d+\.\s+)?#{1,6}\s+\S|^\s*\*\*[^*\n]+\*\*\s*$|\d\\\.", re.M)


def looks_like_markdown(text: str) -> bool:
    """Two or more markdown signs (``# Title``, a bold-only line, ``1\\.``) near the start."""
    return len(_MARKDOWN_HINTS.findall(text[:200_000])) >= 2


def units_from_text(text: str) -> list[Unit]:
    """Units from lines: blank lines separate groups; a line of NBSP-like spaces is a filler break."""
    units: list[Unit] = []
    group: list[str] = []
    gap = "start"
    for raw in text.splitlines():
        line = normalise_line(raw)
        if line:
            group.append(line)
            continue
        if group:
            units.extend(group_units(group, gap))
            group = []
            gap = "blank"
        if units and raw.strip(" \t"):  # a line of NBSP or other unusual spaces: a filler line
            gap = "filler"
    if group:
        units.extend(group_units(group, gap))
    return units


def blocks_from_text(text: str) -> list[Block]:
    """Decoded plain text to blocks, with every heading heuristic."""
    return segment(units_from_text(text), heuristics=True)


READER = Reader("text", (".txt", ".text"), read, ("text/plain",), blocks_from_text)
