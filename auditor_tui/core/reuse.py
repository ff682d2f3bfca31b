"""Reusing an audit's evidence for another checklist: one policy, several frameworks.

:func:`propose_from` gives a new audit of a policy against checklist B the evidence an audit of
the same policy (or of an earlier version of it) against checklist A found, as **proposals**:
for each tag of A, each counterpart item in B (from the crosswalks between A and B) gets the
clause as a :class:`~auditor_tui.core.session.Proposal` naming where it came from (A's audit,
A's item, the relation). Nothing is decided: statuses stay open and a proposal becomes
evidence only when the auditor accepts it (:meth:`Session.accept_proposal`).

When A's policy is the same text (same fingerprint) the clause ids map directly. When it is
another version, the clauses are mapped through the clause diff (as a re-audit does): a
proposal whose clause changed is marked ``recheck``; one whose clause was removed is dropped,
and counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from auditor_tui.core.audit import SESSIONS_DIR, Audit, policy_from_quotes
from auditor_tui.core.checklist import Checklist, find_checklist
from auditor_tui.core.crosswalk import Crosswalk, counterparts, crosswalks_between, scan_crosswalks
from auditor_tui.core.diff import ClauseDiff, diff_policies
from auditor_tui.core.errors import SessionError
from auditor_tui.core.policy import Clause, Policy
from auditor_tui.core.session import Proposal, Reuse, Session, Tag, clause_order, load_session
from auditor_tui.core.source import DEFAULT_TIMEOUT

_RELATION_RANK = {"equivalent": 0, "superset": 1, "subset": 2, "overlaps": 3}
"""Which relation wins when two source items propose the same clause for one item."""


@dataclass
class ReuseSummary:
    """What :func:`propose_from` did, for the summary line and the history."""

    source_tags: int = 0
    proposals: int = 0
    items: int = 0
    recheck: int = 0
    dropped: int = 0
    """Source tags whose clause is not in this version of the policy."""
    unmapped: int = 0
    """Source tags of items with no counterpart in this checklist."""
    same_policy: bool = True
    source_checklist: str = ""
    source_audit: str = ""

    def line(self) -> str:
        parts = [
            f"reused {self.source_tags} tag(s) of the {self.source_checklist} audit {self.source_audit[:8]} "
            f"as {self.proposals} proposal(s) on {self.items} item(s)"
        ]
        if not self.same_policy:
            parts.append(f"{self.recheck} to re-check (clause changed)")
            parts.append(f"{self.dropped} dropped (clause removed)")
        if self.unmapped:
            parts.append(f"{self.unmapped} tag(s) of items with no counterpart")
        return "; ".join(parts)


def _source_policy(source: Session, source_path: Path) -> Policy:
    """The policy the source audit was made on (its file when it still fits, else its quotes)."""
    from auditor_tui.core.reaudit import _old_policy_for  # the same rule as a re-audit's

    policy, _warnings = _old_policy_for(source, source_path)
    return policy or policy_from_quotes(source)


def _mapper(source: Session, source_path: Path, policy: Policy) -> tuple[ClauseDiff | None, bool]:
    if source.policy.sha256 == policy.sha256:
        return None, True
    return diff_policies(_source_policy(source, source_path), policy), False


def _targets(tag: Tag, policy: Policy, diff: ClauseDiff | None) -> list[tuple[Clause, bool]]:
    """The clauses of *policy* a source tag becomes, each with whether it changed."""
    if diff is None:
        clause = policy.clause(tag.clause)
        return [(clause, False)] if clause is not None else []
    return [(c.new, c.kind == "modified") for c in diff.by_old_clause(tag.clause) if c.new is not None]


def propose_from(
    session: Session,
    policy: Policy,
    source: Session,
    source_path: str | Path,
    crosswalks: list[Crosswalk],
) -> ReuseSummary:
    """Add to *session* (a new audit of *policy*) the evidence of *source* as proposals, and
    record the reuse (``session.reuse`` and a ``reuse`` history event)."""
    to_id, from_id = session.checklist.id, source.checklist.id
    linking = crosswalks_between(crosswalks, from_id, to_id)
    diff, same = _mapper(source, Path(source_path), policy)
    summary = ReuseSummary(same_policy=same, source_checklist=from_id, source_audit=source.audit_id)
    best: dict[tuple[str, str], Proposal] = {}
    for item_id, state in source.items.items():
        related = [c for c in counterparts(linking, from_id, item_id, to_id) if c.item_id in session.items]
        for tag in state.tags:
            if tag.orphan:
                continue
            summary.source_tags += 1
            if not related:
                summary.unmapped += 1
                continue
            targets = _targets(tag, policy, diff)
            if not targets:
                summary.dropped += 1
                continue
            for counterpart in related:
                for clause, changed in targets:
                    proposal = Proposal(
                        clause=clause.id,
                        section=clause.section_label,
                        sha256=clause.sha256,
                        text=clause.text,
                        source_audit=source.audit_id,
                        source_item=item_id,
                        relation=counterpart.relation,
                        recheck=changed or tag.recheck,
                        source_checklist=from_id,
                        page=clause.page,
                    )
                    key = (counterpart.item_id, clause.id)
                    seen = best.get(key)
                    if seen is None or _RELATION_RANK[proposal.relation] < _RELATION_RANK[seen.relation]:
                        best[key] = proposal
    for (item_id, _clause), proposal in best.items():
        session.items[item_id].proposed.append(proposal)
    for state in session.items.values():
        state.proposed.sort(key=lambda p: clause_order(p.clause))
    summary.proposals = len(best)
    summary.items = len({item_id for item_id, _ in best})
    summary.recheck = sum(1 for p in best.values() if p.recheck)
    _record(session, source, str(source_path), linking, summary)
    return summary


def _record(
    session: Session, source: Session, source_path: str, linking: list[Crosswalk], summary: ReuseSummary
) -> None:
    crosswalk = ", ".join(c.id for c in linking)
    session.reuse = Reuse(source_path, source.audit_id, source.checklist.id, source.policy.sha256, crosswalk)
    session.record(
        "reuse",
        at=session.created,
        detail=f"from {source_path}: {summary.line()}",
        data={
            "session": source_path,
            "audit": source.audit_id,
            "checklist": source.checklist.id,
            "policy": source.policy.sha256,
            "crosswalk": crosswalk,
            "proposals": str(summary.proposals),
            "dropped": str(summary.dropped),
        },
    )


def check_reusable(source: Session, source_path: str | Path, checklist: Checklist) -> list[Crosswalk]:
    """The crosswalks that let *source* serve an audit against *checklist*, or one clear error."""
    if source.checklist.id == checklist.id:
        raise SessionError(
            f"the audit to reuse is already against {checklist.id}",
            path=source_path,
            hint="reuse it for another checklist (--checklist), or carry it forward with --from",
        )
    linking = crosswalks_between(scan_crosswalks().crosswalks, source.checklist.id, checklist.id)
    if not linking:
        raise SessionError(
            f"no crosswalk between {source.checklist.id} and {checklist.id}",
            path=source_path,
            hint="'auditor-tui crosswalks' lists them (docs/crosswalk-format.md says how to write one)",
        )
    return linking


def start_reuse(
    policy_path: str | Path,
    checklist: str | Path,
    source_path: str | Path,
    *,
    session_path: str | Path | None = None,
    auditor: str = "",
    title: str = "",
    sessions_dir: str | Path = SESSIONS_DIR,
    whole_page: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
) -> tuple[Audit, ReuseSummary]:
    """Start an audit of *policy_path* against *checklist* carrying the evidence of the audit
    *source_path* (against another checklist) as proposals, and save it."""
    source = load_session(source_path)
    loaded = find_checklist(checklist)
    linking = check_reusable(source, source_path, loaded)
    audit = Audit.start(
        policy_path,
        loaded.path or loaded.id,
        session_path=session_path,
        auditor=auditor,
        title=title,
        sessions_dir=sessions_dir,
        whole_page=whole_page,
        timeout=timeout,
    )
    summary = propose_from(audit.session, audit.policy, source, str(source_path), linking)
    audit.save()
    return audit, summary
