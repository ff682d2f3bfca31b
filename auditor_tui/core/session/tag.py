"""Evidence: a :class:`Tag` (a clause, or a span of one, quoted so the audit stands alone) and a
:class:`Proposal` (evidence another audit found, until the auditor accepts it).

A span tag (issue 16, "tagging part of a clause") has character offsets ``start``/``end`` into
its clause's text (0-based, end exclusive) and quotes exactly ``clause.text[start:end]``; its
``sha256`` is still the whole clause's, so a re-audit can tell whether the clause changed. A
whole-clause tag has neither offset, and its file, history and digest are as before spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor_tui.core.errors import SessionError
from auditor_tui.core.policy import Clause


@dataclass
class Tag:
    """A clause (or a span of one) given as evidence for an item, quoted so the audit stands alone."""

    clause: str
    section: str
    text: str
    sha256: str
    """The SHA-256 of the whole clause's text (for a span too)."""
    similarity: float | None = None
    """Re-audit only: how similar the clause (or the span) is to the one originally tagged (0-100)."""
    recheck: bool = False
    """Re-audit only: the clause changed since it was tagged; the auditor should look again."""
    orphan: bool = False
    """Re-audit only: the clause is gone from the new policy; the quote is the old text."""
    page: int | None = None
    """The page the clause starts on, for policies with pages (PDF); written only when set."""
    start: int | None = None
    """A span only: where the quote starts in the clause's text (0-based)."""
    end: int | None = None
    """A span only: where the quote ends in the clause's text (exclusive)."""

    @classmethod
    def of(cls, clause: Clause) -> Tag:
        return cls(
            clause=clause.id, section=clause.section_label, text=clause.text, sha256=clause.sha256, page=clause.page
        )

    @classmethod
    def span_of(cls, clause: Clause, start: int, end: int) -> Tag:
        """A tag of ``clause.text[start:end]`` with its surrounding whitespace stripped (the
        offsets moved in to match); SessionError for offsets out of range or a blank span."""
        start, end = strip_span(clause.text, start, end, clause.id)
        tag = cls.of(clause)
        tag.text, tag.start, tag.end = clause.text[start:end], start, end
        return tag

    @property
    def is_span(self) -> bool:
        return self.start is not None

    @property
    def where(self) -> str:
        """``p. 3`` for a tag with a page, else ""."""
        return f"p. {self.page}" if self.page is not None else ""

    @property
    def span_label(self) -> str:
        """``characters 10-52`` for a span (its offsets, as the file and the exports give them), else ""."""
        return span_label(self.start, self.end)

    def same_evidence(self, other: Tag) -> bool:
        """The same clause (or the same span of it), both live or both orphaned."""
        return (self.clause, self.start, self.end, self.orphan) == (other.clause, other.start, other.end, other.orphan)


def span_label(start: int | None, end: int | None) -> str:
    """:attr:`Tag.span_label` for plain offsets (an export record's evidence)."""
    return "" if start is None or end is None else f"characters {start}-{end}"


def strip_span(text: str, start: int, end: int, clause_id: str = "the clause") -> tuple[int, int]:
    """*start*/*end* moved in past the whitespace around ``text[start:end]``; SessionError when
    they are out of range or the span holds no text."""
    if isinstance(start, bool) or isinstance(end, bool) or not (0 <= start <= end <= len(text)):
        raise SessionError(
            f"span {start}-{end} is outside {clause_id}, whose text has {len(text)} characters",
            hint="select part of the clause's text",
        )
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        raise SessionError(
            f"the selection in {clause_id} is {'empty' if not piece else 'only whitespace'}: nothing to tag",
            hint="select the words to tag",
        )
    start += len(piece) - len(piece.lstrip())
    return start, start + len(stripped)


def clause_order(clause_id: str) -> tuple[int, str]:
    match = re.fullmatch(r"c(\d+)", clause_id)
    return (int(match.group(1)), "") if match else (1 << 62, clause_id)


def tag_order(tag: Tag) -> tuple[int, str, int, int]:
    """Tags in policy order: by clause, the whole clause before its spans, spans by offset."""
    number, name = clause_order(tag.clause)
    return (number, name, -1 if tag.start is None else tag.start, -1 if tag.end is None else tag.end)


@dataclass
class Proposal:
    """Evidence another audit of this policy found for a related item (reuse across checklists):
    proposed only, never evidence until the auditor accepts it (it then becomes a :class:`Tag`)."""

    clause: str
    section: str
    sha256: str
    text: str
    source_audit: str
    """The audit id of the session it came from (its path is in :class:`Reuse`)."""
    source_item: str
    """The item of the other checklist the clause was tagged to."""
    relation: str
    """How the source item relates to this one, from the crosswalk (``equivalent``, ``subset``...)."""
    recheck: bool = False
    """The clause changed between the version audited there and this one: look again."""
    source_checklist: str = ""
    page: int | None = None
