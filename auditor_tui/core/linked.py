"""Linked audits: the other audits of the same policy text against other checklists.

Two sessions are linked when their policies have the same fingerprint (so their clause ids
name the same clauses) and their checklists differ. The review screen shows, for the current
clause, the items of linked audits it is tagged to (``ccpa-privacy-policy: retention
(satisfied)``); :func:`crosswalk_rows` lays two audits side by side through a crosswalk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor_tui.core.crosswalk import Crosswalk
from auditor_tui.core.errors import SessionError
from auditor_tui.core.session import Session, find_sessions


@dataclass(frozen=True)
class LinkedItem:
    """An item of a linked audit that a clause is tagged to."""

    checklist_id: str
    item_id: str
    status: str
    path: Path

    @property
    def label(self) -> str:
        return f"{self.checklist_id}: {self.item_id} ({self.status})"


@dataclass
class LinkedAudits:
    """For each clause id, the items of linked audits it is tagged to."""

    by_clause: dict[str, list[LinkedItem]]
    sessions: list[tuple[Path, Session]]

    def for_clause(self, clause_id: str) -> list[LinkedItem]:
        return self.by_clause.get(clause_id, [])


def linked_audits(
    session: Session, sessions_dir: str | Path, *, found: Sequence[tuple[Path, Session | SessionError]] | None = None
) -> LinkedAudits:
    """The audits in *sessions_dir* (or *found*, the folder already read by ``find_sessions``) of
    the same policy text as *session* against another checklist (unreadable files are skipped:
    the start screen names them)."""
    if found is None:
        try:
            found = find_sessions(sessions_dir)
        except SessionError:
            found = []
    linked: list[tuple[Path, Session]] = []
    by_clause: dict[str, list[LinkedItem]] = {}
    for path, other in found:
        if (
            not isinstance(other, Session)
            or other.audit_id == session.audit_id
            or other.policy.sha256 != session.policy.sha256
            or other.checklist.id == session.checklist.id
        ):
            continue
        linked.append((path, other))
        for state in other.items.values():
            for tag in state.tags:
                if not tag.orphan:
                    item = LinkedItem(other.checklist.id, state.id, state.status, path)
                    by_clause.setdefault(tag.clause, []).append(item)
    return LinkedAudits(by_clause, linked)


@dataclass(frozen=True)
class CrosswalkRow:
    """One item of audit A, its status and evidence count, and one counterpart in audit B."""

    a_item: str
    a_status: str
    a_tags: int
    relation: str
    b_item: str
    b_status: str
    b_tags: int


def crosswalk_rows(crosswalk: Crosswalk, a: Session, b: Session) -> list[CrosswalkRow]:
    """For each item of audit *a* (checklist order), its counterparts in audit *b* through
    *crosswalk* with both statuses; an item with no counterpart gets one row with ``b_item`` ""."""
    if not crosswalk.joins(a.checklist.id, b.checklist.id):
        raise SessionError(
            f"crosswalk {crosswalk.id} links {crosswalk.a} and {crosswalk.b}, "
            f"not {a.checklist.id} and {b.checklist.id}",
            hint="give two audits of its two checklists",
        )
    rows: list[CrosswalkRow] = []
    for item_id, state in a.items.items():
        live = sum(1 for t in state.tags if not t.orphan)
        related = crosswalk.counterparts(a.checklist.id, item_id)
        if not related:
            rows.append(CrosswalkRow(item_id, state.status, live, "", "", "", 0))
        for counterpart in related:
            other = b.items.get(counterpart.item_id)
            b_tags = sum(1 for t in other.tags if not t.orphan) if other else 0
            rows.append(
                CrosswalkRow(
                    item_id,
                    state.status,
                    live,
                    counterpart.relation,
                    counterpart.item_id,
                    other.status if other else "(not in this audit)",
                    b_tags,
                )
            )
    return rows
