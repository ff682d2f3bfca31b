"""Exemplars: the clauses a team tagged as evidence in earlier audits, read from session files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from auditor_tui.core.checklist import Checklist
    from auditor_tui.core.errors import SessionError
    from auditor_tui.core.session import Session

__all__ = ["NOT_EVIDENCE", "Exemplar", "load_exemplars", "sources_of"]

NOT_EVIDENCE = frozenset({"missing", "not-applicable"})
"""Statuses under which an item's tags are not evidence that the policy states it, but the
clauses the auditor cites for deciding that it does not (the controller's UK address, for a
representative in the EU not needed): they teach nothing of the item."""


@dataclass(frozen=True, slots=True)
class Exemplar:
    """A clause tagged as evidence for an item in an earlier audit."""

    text: str
    section: str = ""
    """The clause's section path as one line (``Your rights › Erasure``), "" if none."""
    audit: str = ""
    """The id of the audit that tagged it ("" if unknown)."""
    policy: str = ""
    """The fingerprint of the policy it was quoted from ("" if unknown)."""

    @property
    def source(self) -> str:
        """What taught it: the policy (audits of one policy teach once), else the audit."""
        return self.policy or self.audit


def sources_of(exemplars: Sequence[Exemplar]) -> int:
    """How many distinct past audits (of distinct policies) taught these exemplars; an exemplar
    with no known source counts as one of its own."""
    known = {e.source for e in exemplars if e.source}
    return len(known) + sum(1 for e in exemplars if not e.source)


def load_exemplars(
    sessions_dir: str | Path,
    checklist: Checklist | str,
    *,
    exclude_audit_id: str | None = None,
    warnings: list[str] | None = None,
    found: Sequence[tuple[Path, Session | SessionError]] | None = None,
) -> dict[str, list[Exemplar]]:
    """The clauses tagged per item (quote and section) in every readable session of *checklist*.

    Given a checklist rather than its id, an item that is a bundled checklist's item copied
    unchanged (:mod:`.bundled`: same id and title) also learns from the audits made with that
    bundled checklist: a firm's copy of ``gdpr-transparency`` keeps what the team's audits with
    the bundled one taught. (Audits made with a copy do not teach the bundled checklist or
    another copy: a session records its checklist's id and digest, not its items' titles.)

    The sessions are those of *sessions_dir*, or *found* when the caller has read the folder
    already (``find_sessions``), so that one read serves several uses.

    Unreadable session files are skipped; their one-line errors are appended to *warnings*
    when a list is given. The audit *exclude_audit_id* (e.g. the one being edited) is left
    out, and so are the tags of an item decided missing or not applicable (:data:`NOT_EVIDENCE`).
    Each distinct quote counts once per item and policy, with the section it was first
    found under: the same clause tagged in audits of several policies is several exemplars (they
    agree), in two audits of one policy it is one.
    """
    from auditor_tui.core.session import Session, find_sessions
    from auditor_tui.core.suggest.bundled import bundled_keys

    checklist_id = checklist if isinstance(checklist, str) else checklist.id
    borrowed: dict[str, set[str]] = {}  # per other (bundled) checklist id, the items it shares
    if not isinstance(checklist, str):
        for key in bundled_keys(checklist):
            if key is not None and key[0] != checklist_id:
                borrowed.setdefault(key[0], set()).add(key[1])
    taught: dict[str, dict[tuple[str, str], Exemplar]] = {}
    for _path, loaded in find_sessions(sessions_dir) if found is None else found:
        if not isinstance(loaded, Session):
            if warnings is not None:
                warnings.append(str(loaded))
            continue
        if exclude_audit_id and loaded.audit_id == exclude_audit_id:
            continue
        if loaded.checklist.id == checklist_id:
            wanted = None  # every item
        elif loaded.checklist.id in borrowed:
            wanted = borrowed[loaded.checklist.id]
        else:
            continue
        policy = loaded.policy.sha256
        for item_id, state in loaded.items.items():
            if state.status in NOT_EVIDENCE or (wanted is not None and item_id not in wanted):
                continue
            for tag in state.tags:
                text = tag.text.strip()
                if text:
                    exemplar = Exemplar(text, tag.section.strip(), loaded.audit_id, policy)
                    taught.setdefault(item_id, {}).setdefault((text, policy), exemplar)
    return {item_id: list(exemplars.values()) for item_id, exemplars in taught.items()}
