"""The parsed policy: :class:`Policy`, its :class:`Section` headings and :class:`Clause` items.

:class:`Block` is what the readers produce before offsets are known; :func:`assemble` (in
``assemble.py``) numbers blocks into a Policy. A policy's fingerprint is the SHA-256 of its
normalised text (:attr:`Policy.sha256`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from auditor_tui.core.text import sha256_text


@dataclass(frozen=True, slots=True)
class Section:
    """A heading of the policy and the part of the document under it."""

    id: str
    """``s1``, ``s2``, ... in document order."""
    title: str
    level: int
    """1 for a top-level heading; deeper headings have larger numbers."""
    path: tuple[str, ...]
    """Titles from the top-level section down to this one."""
    start: int
    end: int
    """Offsets of the heading's title in the normalised text."""

    @property
    def label(self) -> str:
        """The path as one line: ``Your Rights › Right 1``."""
        return " › ".join(self.path)


@dataclass(frozen=True, slots=True)
class Clause:
    """A paragraph or list item: the unit an auditor tags as evidence."""

    id: str
    """``c1``, ``c2``, ... in document order."""
    index: int
    text: str
    start: int
    end: int
    """Offsets into the normalised text: ``policy.text[start:end] == text``."""
    section: Section | None
    page: int | None = None
    """The page (1-based) the clause starts on, for formats with pages (PDF); else None."""

    @property
    def sha256(self) -> str:
        return sha256_text(self.text)

    @property
    def section_label(self) -> str:
        """The clause's section path as one line ("" before the first heading)."""
        return self.section.label if self.section else ""


@dataclass(frozen=True, slots=True)
class Block:
    """One unit produced by a format reader, before offsets are known."""

    kind: str  # "heading" or "clause"
    text: str
    level: int = 1
    page: int | None = None
    """The page (1-based) the block starts on, for formats with pages."""


@dataclass(frozen=True)
class Policy:
    """A policy document as the auditor sees it."""

    text: str
    sections: tuple[Section, ...]
    clauses: tuple[Clause, ...]
    format: str = "text"
    path: Path | None = None
    warnings: tuple[str, ...] = ()
    _by_id: dict[str, Clause] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update((clause.id, clause) for clause in self.clauses)

    @cached_property
    def sha256(self) -> str:
        """Fingerprint: SHA-256 of the normalised text."""
        return sha256_text(self.text)

    @property
    def name(self) -> str:
        return self.path.name if self.path else "(policy)"

    def clause(self, clause_id: str) -> Clause | None:
        """The clause with this id, or None."""
        return self._by_id.get(clause_id)

    def clauses_in(self, section: Section) -> list[Clause]:
        """The clauses directly or indirectly under *section*."""
        return [c for c in self.clauses if c.section and c.section.path[: len(section.path)] == section.path]
