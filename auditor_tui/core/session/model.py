"""The audit in memory: its items, tags and sign-off, and the :class:`Session` whose methods are
the only way to change it (each records its history event)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from auditor_tui.core import findings, undo
from auditor_tui.core.checklist import Checklist
from auditor_tui.core.config import identity
from auditor_tui.core.errors import SessionError, WorkflowError
from auditor_tui.core.history import Event, append, chain_break
from auditor_tui.core.policy import Clause, Policy
from auditor_tui.core.session.tag import Proposal, Tag, clause_order, span_label, tag_order

SCHEMA_VERSION = 2
"""2: history events are hash-chained and the sign-off names its digest schema. Files of
version 1 are read (their history is chained when read) and written back as version 2."""

STATUSES = ("open", "satisfied", "partial", "missing", "not-applicable", "re-review")
"""Item statuses. ``re-review`` is set by a re-audit when an item's evidence changed."""
UNDECIDED = frozenset({"open", "re-review"})

WORKFLOW_STATES = ("in-progress", "ready-for-review", "changes-requested", "signed-off")
EDITABLE_STATES = frozenset({"in-progress", "changes-requested"})


def now_utc() -> datetime:
    """The current UTC time to the second (what the session records)."""
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class ItemConflict:
    """The other side of an item two merged branches changed differently (``[items.conflict]``)."""

    ours_by: str
    theirs_by: str
    fields: list[str]
    """The fields that differ; the item holds OURS's values of them."""
    theirs: dict[str, Any] = field(default_factory=dict)
    """THEIRS's values of :attr:`fields` (a field missing here had its default)."""


@dataclass
class ItemState:
    """The auditor's decision on one checklist item."""

    id: str
    status: str = "open"
    note: str = ""
    tags: list[Tag] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    """Clause ids whose suggestion the auditor rejected for this item."""
    review_comment: str = ""
    """The reviewer's comment when changes were requested."""
    previous_status: str = ""
    """Re-audit only: the status in the audit this one was carried forward from."""
    severity: str = ""
    """The finding (see :mod:`auditor_tui.core.findings`): ``high``, ``medium``, ``low`` or ""."""
    recommendation: str = ""
    owner: str = ""
    """Who is to fix what the finding says."""
    due: date | None = None
    """By when the owner is to fix it."""
    reason: str = ""
    """Why the item is not applicable (required for that status)."""
    assignee: str = ""
    """Who is doing the item (in the team preparing the audit)."""
    proposed: list[Proposal] = field(default_factory=list)
    """Reuse only: evidence proposed from an audit against another checklist (not yet evidence)."""

    def proposal_for(self, clause_id: str) -> Proposal | None:
        return next((p for p in self.proposed if p.clause == clause_id), None)

    # -- issue 18 (team work): a merge's unresolved conflict (assignee is above).
    conflict: ItemConflict | None = None
    """Both sides of a git merge changed this item differently: these fields are OURS's, the
    other side's values are kept here until :meth:`Session.resolve_conflict`."""

    def tag_for(self, clause_id: str) -> Tag | None:
        """The live whole-clause tag of *clause_id* (spans of it are :meth:`spans_of`)."""
        return next((t for t in self.tags if t.clause == clause_id and not t.orphan and not t.is_span), None)

    def spans_of(self, clause_id: str) -> list[Tag]:
        """The live span tags of *clause_id*, by offset."""
        return [t for t in self.tags if t.clause == clause_id and not t.orphan and t.is_span]

    @property
    def decided(self) -> bool:
        return self.status not in UNDECIDED


@dataclass
class PolicyRef:
    path: str
    """The file read: the policy file as given, or the snapshot of a fetched page (beside the session)."""
    sha256: str
    """Fingerprint: SHA-256 of the normalised text."""
    clauses: int
    source: str = ""
    """Where the policy came from: the path as given, or the URL ("" in sessions older than this field)."""
    format: str = ""
    """How it was read: ``html``, ``text``, ``markdown``, ``pdf`` ..."""
    raw_sha256: str = ""
    """SHA-256 of the file's (or the fetched page's) raw bytes."""
    retrieved: datetime | None = None
    """When a URL was fetched (UTC); None for a file."""
    http_status: int | None = None
    content_type: str = ""
    """The Content-Type the server sent."""
    final_url: str = ""
    """Where redirects led, when not to the URL itself."""
    whole_page: bool = False
    """A web page read whole (``--whole-page``) rather than for its main content."""


@dataclass
class ChecklistRef:
    id: str
    version: str
    sha256: str
    path: str = ""


@dataclass
class Cursor:
    item: str = ""
    clause: str = ""


@dataclass
class SignOff:
    reviewer: str
    at: datetime
    statement: str
    digest: str
    signature: str = ""
    schema: int = 1
    """Which digest schema :attr:`digest` was computed with (see :mod:`auditor_tui.core.workflow`);
    1 for sign-offs written before the history was covered."""
    parts: dict[str, str] = field(default_factory=dict)
    """Short SHA-256 of each part of the signed content (``audit``, ``policy``, ``checklist``,
    ``item:ID``), so ``verify`` can name what changed; see :mod:`auditor_tui.core.workflow`."""


@dataclass
class Origin:
    """Where a re-audit was carried forward from."""

    session: str
    audit_id: str
    policy_path: str
    policy_sha256: str


@dataclass
class Reuse:
    """Where a reused audit's proposals came from: another checklist's audit of this policy."""

    session: str
    audit_id: str
    checklist_id: str
    policy_sha256: str
    crosswalk: str
    """The crosswalk id(s) used, comma-separated."""


def _proposal_data(proposal: Proposal) -> dict[str, str]:
    return {
        "source_audit": proposal.source_audit,
        "source_item": proposal.source_item,
        "relation": proposal.relation,
    }


@dataclass
class Session:
    """One audit. Change it only through its methods, which keep the history."""

    audit_id: str
    title: str
    auditor: str
    created: datetime
    updated: datetime
    policy: PolicyRef
    checklist: ChecklistRef
    items: dict[str, ItemState]
    history: list[Event] = field(default_factory=list)
    cursor: Cursor = field(default_factory=Cursor)
    state: str = "in-progress"
    signoff: SignOff | None = None
    origin: Origin | None = None
    schema_version: int = SCHEMA_VERSION
    reuse: Reuse | None = None

    # ------------------------------------------------------------------ reading

    @property
    def editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def decided_count(self) -> int:
        return sum(1 for state in self.items.values() if state.decided)

    @property
    def progress(self) -> str:
        """``decided/total``, e.g. ``12/31``."""
        return f"{self.decided_count}/{len(self.items)}"

    def item(self, item_id: str) -> ItemState:
        try:
            return self.items[item_id]
        except KeyError:
            raise SessionError(f"no item {item_id!r} in this audit") from None

    def items_by_clause(self) -> dict[str, list[str]]:
        """For each tagged clause id, the ids of the items it is evidence for."""
        result: dict[str, list[str]] = {}
        for state in self.items.values():
            for tag in state.tags:
                ids = result.setdefault(tag.clause, []) if not tag.orphan else None
                if ids is not None and state.id not in ids:  # a clause and its spans: one mark
                    ids.append(state.id)
        return result

    def status_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for state in self.items.values():
            counts[state.status] += 1
        return counts

    # ------------------------------------------------------------------ changing

    def _require_editable(self) -> None:
        if not self.editable:
            what = {
                "signed-off": "it is signed off; reopen it first to make changes",
                "ready-for-review": "it is waiting for review; the reviewer must request changes first",
            }.get(self.state, f"its state is {self.state}")
            raise WorkflowError(f"this audit cannot be changed: {what}")

    def record(
        self,
        action: str,
        *,
        who: str | None = None,
        item: str = "",
        detail: str = "",
        data: dict[str, str] | None = None,
        at: datetime | None = None,
    ) -> Event:
        """Append to the (hash-chained) history and touch ``updated``. The author is *who*,
        else the person at the keyboard (:func:`identity`)."""
        self.updated = at or now_utc()
        event = Event(self.updated, who or identity(), action, item, detail, dict(data or {}))
        return append(self.history, event, self.audit_id)

    def history_break(self) -> int | None:
        """The index of the first history event that breaks the hash chain, or None."""
        return chain_break(self.history, self.audit_id)

    def toggle_tag(self, item_id: str, clause: Clause, *, who: str | None = None) -> bool:
        """Tag *clause* to the item, or untag it if it was tagged. True when now tagged."""
        self._require_editable()
        state = self.item(item_id)
        existing = state.tag_for(clause.id)
        if existing is not None:
            state.tags.remove(existing)
            self.record("untag", who=who, item=item_id, detail=clause.id, data={"tag": undo.tag_json(existing)})
            return False
        self._add_tag(item_id, state, Tag.of(clause), clause.id, who)
        return True

    def _add_tag(self, item_id: str, state: ItemState, tag: Tag, detail: str, who: str | None) -> None:
        """Add *tag* (a clause no longer rejected once tagged) and record it."""
        state.tags.append(tag)
        state.tags.sort(key=tag_order)
        data = {"tag": undo.tag_json(tag)}
        if tag.clause in state.rejected:
            state.rejected.remove(tag.clause)
            data["unrejected"] = "1"
        self.record("tag", who=who, item=item_id, detail=detail, data=data)

    def tag_span(self, item_id: str, clause: Clause, start: int, end: int, *, who: str | None = None) -> Tag:
        """Tag part of *clause* (``clause.text[start:end]``, its surrounding whitespace stripped)
        to the item; an item may hold several spans of a clause and the whole clause too.
        Refused (SessionError) for a blank span, offsets out of range or a span already tagged."""
        self._require_editable()
        state = self.item(item_id)
        tag = Tag.span_of(clause, start, end)
        if any(t.same_evidence(tag) for t in state.tags):
            raise SessionError(f"{item_id} already has {clause.id} {tag.span_label} as evidence")
        self._add_tag(item_id, state, tag, f"{clause.id} {tag.span_label}", who)
        return tag

    def untag_span(self, item_id: str, clause_id: str, start: int, end: int, *, who: str | None = None) -> None:
        """Remove the item's span tag of *clause_id* at exactly *start*-*end* (that span only)."""
        self._require_editable()
        state = self.item(item_id)
        tag = next((t for t in state.spans_of(clause_id) if (t.start, t.end) == (start, end)), None)
        if tag is None:
            raise SessionError(f"{item_id} has no evidence {clause_id} {span_label(start, end)}")
        state.tags.remove(tag)
        self.record(
            "untag", who=who, item=item_id, detail=f"{clause_id} {tag.span_label}", data={"tag": undo.tag_json(tag)}
        )

    def _change(self, item_id: str, action: str, new: dict[str, str], detail: str, who: str | None) -> bool:
        """Set the item's fields *new* (text values; ``due`` as YYYY-MM-DD) and record one
        *action* event carrying the old and new values (so it can be undone). False when
        nothing changed."""
        state = self.item(item_id)
        data = undo.field_data(undo.field_values(state, list(new)), new)
        if not data:
            return False
        for name, value in new.items():
            setattr(state, name, findings.parse_due(value) if name == "due" else value)
        self.record(action, who=who, item=item_id, detail=detail, data=data)
        return True

    def set_status(self, item_id: str, status: str, *, reason: str | None = None, who: str | None = None) -> None:
        """Set the status; ``not-applicable`` needs a reason (the item's, or *reason*)."""
        self._require_editable()
        if status not in STATUSES:
            raise SessionError(f"unknown status {status!r}", hint=f"use one of {', '.join(STATUSES)}")
        state = self.item(item_id)
        new = {"status": status}
        if reason is not None and reason.strip():
            new["reason"] = reason.strip()
        if status == "not-applicable" and not new.get("reason", state.reason):
            raise WorkflowError(
                f"not applicable needs a reason: say why {item_id} does not apply to this policy",
                hint="give one with the reason (--reason TEXT, or the form the review screen asks)",
            )
        self._change(item_id, "status", new, f"{state.status} -> {status}", who)

    def set_note(self, item_id: str, note: str, *, who: str | None = None) -> None:
        self._require_editable()
        self._change(item_id, "note", {"note": note}, f"{len(note)} characters", who)

    def set_finding(
        self,
        item_id: str,
        *,
        severity: str | None = None,
        recommendation: str | None = None,
        owner: str | None = None,
        due: str | date | None = None,
        who: str | None = None,
    ) -> bool:
        """Change the given fields of the item's finding (None: leave as is; "": clear). A
        finding is meant for missing or partial items but allowed on any. True if changed."""
        self._require_editable()
        self.item(item_id)
        new: dict[str, str] = {}
        if severity is not None:
            new["severity"] = findings.check_severity(severity)
        if recommendation is not None:
            new["recommendation"] = recommendation.strip()
        if owner is not None:
            new["owner"] = " ".join(owner.split())
        if due is not None:
            new["due"] = findings.due_text(findings.parse_due(due))
        old = undo.field_values(self.item(item_id), list(new))
        changed = {name: value for name, value in new.items() if old[name] != value}
        detail = ", ".join(f"{k} {v or '(cleared)'}" if k in ("severity", "due") else k for k, v in changed.items())
        return self._change(item_id, "finding", changed, detail, who)

    def set_reason(self, item_id: str, reason: str, *, who: str | None = None) -> bool:
        """Why the item does not apply. An item that is not applicable keeps needing one."""
        self._require_editable()
        state = self.item(item_id)
        reason = reason.strip()
        if not reason and state.status == "not-applicable":
            raise WorkflowError(
                f"not applicable needs a reason: {item_id} is not applicable, so its reason cannot be cleared",
                hint="change its status first",
            )
        return self._change(item_id, "reason", {"reason": reason}, f"{len(reason)} characters", who)

    def assign(self, item_id: str, name: str, *, who: str | None = None) -> bool:
        """Give the item to *name* ("" to nobody)."""
        self._require_editable()
        name = " ".join(name.split())
        return self._change(item_id, "assign", {"assignee": name}, name or "(nobody)", who)

    def undo(self, *, who: str | None = None) -> Event | None:
        """Take back the latest change still in effect (None if there is none); see
        :mod:`auditor_tui.core.undo`. The history keeps both the change and its undo."""
        return self._undo_redo("undo", who)

    def redo(self, *, who: str | None = None) -> Event | None:
        """Apply again the change undone last (None if there is none)."""
        return self._undo_redo("redo", who)

    def can_undo(self) -> bool:
        return bool(undo.stacks(self.history)[0])

    def can_redo(self) -> bool:
        return bool(undo.stacks(self.history)[1])

    def _undo_redo(self, action: str, who: str | None) -> Event | None:
        self._require_editable()
        done, undone = undo.stacks(self.history)
        pending = done if action == "undo" else undone
        if not pending:
            return None
        event = self.history[pending[-1]]
        undo.apply(self, event, forward=action == "redo")
        self.record(action, who=who, item=event.item, detail=undo.describe(event), data={"of": event.hash})
        return event

    def reject_suggestion(self, item_id: str, clause_id: str, *, who: str | None = None) -> None:
        """Hide a suggested clause for this item (remembered in the session)."""
        self._require_editable()
        state = self.item(item_id)
        if clause_id in state.rejected:
            return
        state.rejected.append(clause_id)
        state.rejected.sort(key=clause_order)
        self.record("reject-suggestion", who=who, item=item_id, detail=clause_id, data={"clause": clause_id})

    def move_cursor(self, item_id: str | None = None, clause_id: str | None = None) -> None:
        """Remember where the auditor is (not a change to the audit: no history)."""
        if item_id is not None:
            self.cursor.item = item_id
        if clause_id is not None:
            self.cursor.clause = clause_id

    # -- issue 18 (team work): merge conflicts (assignment is :meth:`assign` above, undoable).

    def resolve_conflict(self, item_id: str, keep: str, *, who: str | None = None) -> None:
        """End a merge conflict on the item, keeping ``ours`` (the values in the item) or ``theirs``."""
        self._require_editable()
        state = self.item(item_id)
        conflict = state.conflict
        if conflict is None:
            raise SessionError(f"item {item_id} has no merge conflict to resolve")
        if keep not in ("ours", "theirs"):
            raise SessionError(f"keep {keep!r}: say 'ours' or 'theirs'")
        if keep == "theirs":
            defaults = ItemState(item_id)
            for name in conflict.fields:
                setattr(state, name, conflict.theirs.get(name, getattr(defaults, name)))
        state.conflict = None
        by = conflict.ours_by if keep == "ours" else conflict.theirs_by
        self.record(
            "resolve",
            who=who,
            item=item_id,
            detail=f"kept {keep} (by {by}): {', '.join(conflict.fields)}",
            data={"keep": keep, "fields": ",".join(conflict.fields)},
        )

    def drop_orphan(self, item_id: str, clause_id: str, *, who: str | None = None) -> None:
        """Drop the item's evidence *clause_id* that a re-audit found removed from the policy."""
        self._require_editable()
        state = self.item(item_id)
        tag = next((t for t in state.tags if t.orphan and t.clause == clause_id), None)
        if tag is None:
            raise SessionError(f"item {item_id} has no removed evidence {clause_id!r}")
        state.tags.remove(tag)
        self.record("drop-orphan", who=who, item=item_id, detail=clause_id, data={"tag": undo.tag_json(tag)})

    def accept_proposal(self, item_id: str, clause_id: str, *, who: str | None = None) -> Tag:
        """Make a proposed clause (reuse) evidence for the item: it becomes a tag."""
        self._require_editable()
        state = self.item(item_id)
        proposal = state.proposal_for(clause_id)
        if proposal is None:
            raise SessionError(f"item {item_id} has no proposed evidence {clause_id!r}")
        state.proposed.remove(proposal)
        tag = state.tag_for(clause_id)
        if tag is None:
            tag = Tag(proposal.clause, proposal.section, proposal.text, proposal.sha256, page=proposal.page)
            state.tags.append(tag)
            state.tags.sort(key=tag_order)
        if clause_id in state.rejected:
            state.rejected.remove(clause_id)
        self.record("accept-proposal", who=who, item=item_id, detail=clause_id, data=_proposal_data(proposal))
        return tag

    def reject_proposal(self, item_id: str, clause_id: str, *, who: str | None = None) -> None:
        """Drop a proposed clause; it is remembered as rejected, as a rejected suggestion is."""
        self._require_editable()
        state = self.item(item_id)
        proposal = state.proposal_for(clause_id)
        if proposal is None:
            raise SessionError(f"item {item_id} has no proposed evidence {clause_id!r}")
        state.proposed.remove(proposal)
        if clause_id not in state.rejected and state.tag_for(clause_id) is None:
            state.rejected.append(clause_id)
            state.rejected.sort(key=clause_order)
        self.record("reject-proposal", who=who, item=item_id, detail=clause_id, data=_proposal_data(proposal))


# --------------------------------------------------------------------------- creating


def new_session(
    policy: Policy,
    checklist: Checklist,
    *,
    policy_path: str,
    title: str = "",
    auditor: str = "",
) -> Session:
    """A fresh audit with every item open."""
    created = now_utc()
    auditor = auditor or identity()
    session = Session(
        audit_id=str(uuid.uuid4()),
        title=title or f"{Path(policy_path).stem} against {checklist.id}",
        auditor=auditor,
        created=created,
        updated=created,
        policy=PolicyRef(path=policy_path, sha256=policy.sha256, clauses=len(policy.clauses)),
        checklist=ChecklistRef(
            id=checklist.id,
            version=checklist.version,
            sha256=checklist.sha256,
            path=checklist.portable_path(),
        ),
        items={item.id: ItemState(item.id) for item in checklist.items},
        cursor=Cursor(item=checklist.items[0].id if checklist.items else "", clause=policy.clauses[0].id),
    )
    session.record("create", at=created, detail=f"policy {policy.sha256[:12]}", data={"policy": policy.sha256})
    return session


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "audit"


def default_session_path(policy_path: str | Path, checklist_id: str, directory: str | Path = "sessions") -> Path:
    """A readable, unused file name: ``sessions/2026-11-22-privacy-policy-gdpr-transparency.toml``."""
    directory = Path(directory)
    stem = f"{now_utc():%Y-%m-%d}-{_slug(Path(policy_path).stem)}-{_slug(checklist_id)}"
    candidate = directory / f"{stem}.toml"
    number = 2
    while candidate.exists():
        candidate = directory / f"{stem}-{number}.toml"
        number += 1
    return candidate


def check_against(session: Session, checklist: Checklist, path: str | Path | None = None) -> None:
    """Check that the session's items are those of *checklist*; add items new to it as open."""
    unknown = [item_id for item_id in session.items if checklist.item(item_id) is None]
    if unknown:
        raise SessionError(
            f"items {', '.join(unknown[:5])} are not in checklist {checklist.id} {checklist.version}",
            path=path,
            hint="open it with the checklist it was made with (--checklist PATH)",
        )
    ordered = {item.id: session.items.get(item.id) or ItemState(item.id) for item in checklist.items}
    session.items = ordered


def iter_tags(session: Session) -> Iterable[tuple[str, Tag]]:
    """Every (item id, tag) pair of the audit, in checklist order."""
    for state in session.items.values():
        for tag in state.tags:
            yield state.id, tag
