"""Blocks to a :class:`Policy`: the normalised text, offsets, section paths, ids."""

from __future__ import annotations

from pathlib import Path

from auditor_tui.core.policy.model import Block, Clause, Policy, Section


def assemble(blocks: list[Block], *, fmt: str, path: Path | None, warnings: tuple[str, ...]) -> Policy:
    """Join blocks into the normalised text, numbering sections and clauses."""
    parts: list[str] = []
    offset = 0
    sections: list[Section] = []
    clauses: list[Clause] = []
    stack: list[Section] = []
    current: Section | None = None
    for block in blocks:
        if parts:
            parts.append("\n\n")
            offset += 2
        start, end = offset, offset + len(block.text)
        parts.append(block.text)
        offset = end
        if block.kind == "heading":
            while stack and stack[-1].level >= block.level:
                stack.pop()
            path_titles = tuple(s.title for s in stack) + (block.text,)
            current = Section(f"s{len(sections) + 1}", block.text, block.level, path_titles, start, end)
            sections.append(current)
            stack.append(current)
        else:
            clauses.append(Clause(f"c{len(clauses) + 1}", len(clauses), block.text, start, end, current, block.page))
    return Policy(
        text="".join(parts),
        sections=tuple(sections),
        clauses=tuple(clauses),
        format=fmt,
        path=path,
        warnings=warnings,
    )
