"""A session: one audit of one policy against one checklist, saved as a TOML file.

The file is the audit's record, meant to be read, diffed and committed::

    schema_version = 1

    [audit]           id, title, auditor, created, updated, state
    [policy]          path (as given), sha256 (fingerprint), clauses (count); where it came from:
                      source (path or URL), format, raw_sha256, and for a URL retrieved,
                      http_status, content_type, final_url (path is then the snapshot);
                      whole_page when a web page was read whole
    [checklist]       id, version, sha256 (of the checklist file), path
    [cursor]          item, clause: where the auditor was
    [signoff]         reviewer, at, statement, schema, digest[, signature]   (once signed off)
    [origin]          session, audit_id, policy_path, policy_sha256  (only for a re-audit)
    [[items]]         id, status, note, rejected, review_comment, previous_status; the finding:
                      severity, recommendation, owner, due (a local date); reason, assignee
    [[items.tags]]    clause, section, sha256, text: the clause quoted, so the audit stands alone
    [[history]]       at, who, action, item, detail, data, hash: append-only and hash-chained
                      (see :mod:`auditor_tui.core.history`)

It is written with ``tomli_w`` in a fixed order (items in checklist order, tags in policy
order) so a ``git diff`` of two saves shows only what changed, and read back with ``tomllib``
through :func:`session_from_dict`, which checks every field and raises one clear
:class:`SessionError` naming the file, the field and the problem.

Every change goes through a method of :class:`Session` (``toggle_tag``, ``set_status``, ...)
that also appends to the history; the UI and the CLI never edit the fields directly.
"""

from __future__ import annotations

import os
import re
import tomllib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import tomli_w

from auditor_tui.core import findings, undo
from auditor_tui.core.atomic import atomic_write_bytes, atomic_write_text, backup_path
from auditor_tui.core.checklist import Checklist
from auditor_tui.core.config import identity
from auditor_tui.core.errors import SessionError, WorkflowError
from auditor_tui.core.files import access_problem, is_regular_file, read_input_bytes
from auditor_tui.core.history import Event, append, chain_break, rechain
from auditor_tui.core.policy import Clause, Policy
from auditor_tui.core.text import sha256_text

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
class Tag:
    """A clause given as evidence for an item, quoted so the audit stands alone."""

    clause: str
    section: str
    text: str
    sha256: str
    similarity: float | None = None
    """Re-audit only: how similar the clause is to the one originally tagged (0-100)."""
    recheck: bool = False
    """Re-audit only: the clause changed since it was tagged; the auditor should look again."""
    orphan: bool = False
    """Re-audit only: the clause is gone from the new policy; the quote is the old text."""
    page: int | None = None
    """The page the clause starts on, for policies with pages (PDF); written only when set."""

    @classmethod
    def of(cls, clause: Clause) -> Tag:
        return cls(
            clause=clause.id, section=clause.section_label, text=clause.text, sha256=clause.sha256, page=clause.page
        )

    @property
    def where(self) -> str:
        """``p. 3`` for a tag with a page, else ""."""
        return f"p. {self.page}" if self.page is not None else ""


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

    def tag_for(self, clause_id: str) -> Tag | None:
        return next((tag for tag in self.tags if tag.clause == clause_id and not tag.orphan), None)

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
                if not tag.orphan:
                    result.setdefault(tag.clause, []).append(state.id)
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
        tag = Tag.of(clause)
        state.tags.append(tag)
        state.tags.sort(key=_tag_order)
        data = {"tag": undo.tag_json(tag)}
        if clause.id in state.rejected:
            state.rejected.remove(clause.id)
            data["unrejected"] = "1"
        self.record("tag", who=who, item=item_id, detail=clause.id, data=data)
        return True

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

    def drop_orphan(self, item_id: str, clause_id: str, *, who: str | None = None) -> None:
        """Drop the item's evidence *clause_id* that a re-audit found removed from the policy."""
        self._require_editable()
        state = self.item(item_id)
        tag = next((t for t in state.tags if t.orphan and t.clause == clause_id), None)
        if tag is None:
            raise SessionError(f"item {item_id} has no removed evidence {clause_id!r}")
        state.tags.remove(tag)
        self.record("drop-orphan", who=who, item=item_id, detail=clause_id, data={"tag": undo.tag_json(tag)})


def clause_order(clause_id: str) -> tuple[int, str]:
    match = re.fullmatch(r"c(\d+)", clause_id)
    return (int(match.group(1)), "") if match else (1 << 62, clause_id)


def _tag_order(tag: Tag) -> tuple[int, str]:
    return clause_order(tag.clause)


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


# --------------------------------------------------------------------------- TOML


def _table(**values: Any) -> dict[str, Any]:
    """A TOML table without the empty values (TOML has no null; keep the file short)."""
    return {k: v for k, v in values.items() if not (v is None or v is False or (isinstance(v, (str, list)) and not v))}


def _policy_table(ref: PolicyRef) -> dict[str, Any]:
    return {
        "path": ref.path,
        "sha256": ref.sha256,
        "clauses": ref.clauses,
        **_table(
            source=ref.source,
            format=ref.format,
            raw_sha256=ref.raw_sha256,
            retrieved=ref.retrieved,
            http_status=ref.http_status,
            content_type=ref.content_type,
            final_url=ref.final_url,
            whole_page=ref.whole_page,
        ),
    }


def session_to_dict(session: Session) -> dict[str, Any]:
    """The session as plain data in the file's fixed order."""
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "audit": {
            "id": session.audit_id,
            "title": session.title,
            "auditor": session.auditor,
            "created": session.created,
            "updated": session.updated,
            "state": session.state,
        },
        "policy": _policy_table(session.policy),
        "checklist": _table(
            id=session.checklist.id,
            version=session.checklist.version,
            sha256=session.checklist.sha256,
            path=session.checklist.path,
        ),
        "cursor": _table(item=session.cursor.item, clause=session.cursor.clause),
    }
    if session.signoff:
        s = session.signoff
        data["signoff"] = _table(
            reviewer=s.reviewer, at=s.at, statement=s.statement, schema=s.schema, digest=s.digest, signature=s.signature
        )
        if s.parts:
            data["signoff"]["parts"] = dict(s.parts)
    if session.origin:
        o = session.origin
        data["origin"] = _table(
            session=o.session, audit_id=o.audit_id, policy_path=o.policy_path, policy_sha256=o.policy_sha256
        )
    data["items"] = [
        _table(
            id=state.id,
            status=state.status,
            note=state.note,
            previous_status=state.previous_status,
            review_comment=state.review_comment,
            severity=state.severity,
            recommendation=state.recommendation,
            owner=state.owner,
            due=state.due,
            reason=state.reason,
            assignee=state.assignee,
            rejected=list(state.rejected),
            tags=[
                {
                    "clause": tag.clause,
                    **_table(section=tag.section, page=tag.page),
                    "sha256": tag.sha256,
                    **_table(similarity=tag.similarity, recheck=tag.recheck, orphan=tag.orphan),
                    "text": tag.text,
                }
                for tag in state.tags
            ],
        )
        for state in session.items.values()
    ]
    data["history"] = [
        {
            "at": event.at,
            "who": event.who,
            "action": event.action,
            **_table(item=event.item, detail=event.detail),
            "hash": event.hash,
            **({"data": dict(sorted(event.data.items()))} if event.data else {}),
        }
        for event in session.history
    ]
    return data


def _dumps_table(table: dict[str, Any]) -> str:
    """A flat table; notes and quotes as readable multi-line strings where that is lossless.

    A TOML parser may turn a raw CR LF inside a multi-line string into LF, so a table with a
    carriage return in any string is written with escaped one-line strings instead.
    """
    lossless = not any(isinstance(value, str) and "\r" in value for value in _strings_in(table))
    return tomli_w.dumps(table, multiline_strings=lossless)


def _strings_in(value: Any) -> Iterable[Any]:
    if isinstance(value, dict):
        for inner in value.values():
            yield from _strings_in(inner)
    else:
        yield value


def dumps_session(session: Session) -> str:
    """The session file's text.

    The arrays of tables are written with explicit ``[[items]]``, ``[[items.tags]]`` and
    ``[[history]]`` headers: left to itself, ``tomli_w`` writes an array of small tables
    inline and switches style as soon as one grows, which would make diffs noisy.
    """
    data = session_to_dict(session)
    items = data.pop("items")
    history = data.pop("history")
    chunks = ["# auditor-tui session: one audit. Edit with auditor-tui; the history is append-only.\n"]
    chunks.append(_dumps_table(data))
    for item in items:
        tags = item.pop("tags", [])
        chunks.append("\n[[items]]\n" + _dumps_table(item))
        chunks.extend("\n[[items.tags]]\n" + _dumps_table(tag) for tag in tags)
    for event in history:
        data = event.pop("data", None)
        chunks.append("\n[[history]]\n" + _dumps_table(event))
        if data:  # a sub-table of the event just above (an inline table would not stay one line)
            chunks.append("[history.data]\n" + _dumps_table(data))
    return "".join(chunks)


def save_session(session: Session, path: str | Path) -> None:
    """Write the session atomically, keeping the previous save as ``PATH.bak``."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, dumps_session(session), backup=True)
    except OSError as error:
        raise SessionError(
            f"cannot save: {error.strerror or error}", path=path, hint="check the directory exists and is writable"
        ) from None


class SessionDamaged(SessionError):
    """The file was read but its content is not a session: not UTF-8, not TOML, nested too
    deeply, or a field is missing or wrong. Only such a file may be replaced by its backup."""


class _Reader:
    """Typed field access that names the file and field in every error."""

    def __init__(self, path: str | Path | None):
        self.path = path

    def fail(self, where: str, problem: str) -> SessionError:
        return SessionDamaged(f"{where}: {problem}", path=self.path, hint="restore the file from its .bak or from git")

    def get(self, table: dict, key: str, kind: type | tuple[type, ...], where: str, default: Any = ...) -> Any:
        if key not in table:
            if default is ...:
                raise self.fail(where, f"missing field '{key}'")
            return default
        value = table[key]
        if isinstance(value, bool) and kind in (int, float, (int, float)):
            raise self.fail(where, f"field '{key}' must be a number, not a boolean")
        if not isinstance(value, kind):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise self.fail(where, f"field '{key}' must be {_TYPE_NAMES.get(names, names)}, not {_type_name(value)}")
        return value

    def table(self, data: dict, key: str, *, required: bool = True) -> dict | None:
        if key not in data and not required:
            return None
        return self.get(data, key, dict, "session", {} if not required else ...)

    def moment(self, table: dict, key: str, where: str) -> datetime:
        value = self.get(table, key, datetime, where)
        if value.tzinfo is None:
            raise self.fail(where, f"field '{key}' must be a UTC time with an offset, e.g. 2026-01-01T00:00:00Z")
        try:
            return value.astimezone(UTC)
        except (OverflowError, ValueError):
            raise self.fail(where, f"field '{key}' is out of range once in UTC") from None


_TYPE_NAMES = {"str": "a string", "int": "an integer", "dict": "a table", "list": "a list", "datetime": "a date-time"}


def _type_name(value: Any) -> str:
    return {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "a boolean",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def session_from_dict(data: dict[str, Any], path: str | Path | None = None) -> Session:
    """Build a :class:`Session` from parsed TOML, checking every field."""
    r = _Reader(path)
    version = r.get(data, "schema_version", int, "session")
    if version > SCHEMA_VERSION:
        raise SessionError(
            f"schema_version {version} is newer than this auditor-tui understands ({SCHEMA_VERSION})",
            path=path,
            hint="upgrade auditor-tui",
        )
    if version < 1:
        raise r.fail("session", f"schema_version {version} is not valid")
    audit = r.table(data, "audit")
    state = r.get(audit, "state", str, "[audit]", "in-progress")
    if state not in WORKFLOW_STATES:
        raise r.fail("[audit]", f"state {state!r} is not one of {', '.join(WORKFLOW_STATES)}")
    pol = r.table(data, "policy")
    chk = r.table(data, "checklist")
    cur = r.table(data, "cursor", required=False) or {}
    raw_items = r.get(data, "items", list, "session")
    if not raw_items:  # every checklist has items, so a session always has some
        raise r.fail("session", "has no items")
    items: dict[str, ItemState] = {}
    for number, raw in enumerate(raw_items, 1):
        if not isinstance(raw, dict):
            raise r.fail(f"items[{number}]", "must be a table")
        item_id = r.get(raw, "id", str, f"items[{number}]")
        where = f"item {item_id!r}"
        if item_id in items:
            raise r.fail(where, "appears twice")
        status = r.get(raw, "status", str, where)
        if status not in STATUSES:
            raise r.fail(where, f"status {status!r} is not one of {', '.join(STATUSES)}")
        rejected = r.get(raw, "rejected", list, where, [])
        if not all(isinstance(c, str) for c in rejected):
            raise r.fail(where, "field 'rejected' must be a list of clause ids")
        tags = []
        for tag_number, raw_tag in enumerate(r.get(raw, "tags", list, where, []), 1):
            tag_where = f"{where} tag {tag_number}"
            if not isinstance(raw_tag, dict):
                raise r.fail(tag_where, "must be a table")
            text = r.get(raw_tag, "text", str, tag_where)
            similarity = r.get(raw_tag, "similarity", (int, float), tag_where, None)
            page = r.get(raw_tag, "page", int, tag_where, None)
            if page is not None and page < 1:
                raise r.fail(tag_where, "field 'page' must be a page number, 1 or more")
            tags.append(
                Tag(
                    clause=r.get(raw_tag, "clause", str, tag_where),
                    section=r.get(raw_tag, "section", str, tag_where, ""),
                    text=text,
                    sha256=r.get(raw_tag, "sha256", str, tag_where, sha256_text(text)),
                    similarity=None if similarity is None else float(similarity),
                    recheck=r.get(raw_tag, "recheck", bool, tag_where, False),
                    orphan=r.get(raw_tag, "orphan", bool, tag_where, False),
                    page=page,
                )
            )
        items[item_id] = ItemState(
            id=item_id,
            status=status,
            note=r.get(raw, "note", str, where, ""),
            tags=tags,
            rejected=list(rejected),
            review_comment=r.get(raw, "review_comment", str, where, ""),
            previous_status=r.get(raw, "previous_status", str, where, ""),
            **findings.read_item_fields(raw, r.fail, where),
        )
    history = []
    for number, raw in enumerate(r.get(data, "history", list, "session", []), 1):
        where = f"history[{number}]"
        if not isinstance(raw, dict):
            raise r.fail(where, "must be a table")
        event_data = r.get(raw, "data", dict, where, {})
        if not all(isinstance(v, str) for v in event_data.values()):
            raise r.fail(where, "field 'data' must map names to strings")
        history.append(
            Event(
                at=r.moment(raw, "at", where),
                who=r.get(raw, "who", str, where),
                action=r.get(raw, "action", str, where),
                item=r.get(raw, "item", str, where, ""),
                detail=r.get(raw, "detail", str, where, ""),
                data=dict(event_data),
                hash=r.get(raw, "hash", str, where, ""),
            )
        )
    signoff = None
    if (raw := r.table(data, "signoff", required=False)) is not None:
        signoff = SignOff(
            reviewer=r.get(raw, "reviewer", str, "[signoff]"),
            at=r.moment(raw, "at", "[signoff]"),
            statement=r.get(raw, "statement", str, "[signoff]", ""),
            digest=r.get(raw, "digest", str, "[signoff]"),
            signature=r.get(raw, "signature", str, "[signoff]", ""),
            schema=r.get(raw, "schema", int, "[signoff]", 1),
            parts=r.get(raw, "parts", dict, "[signoff]", {}),
        )
        if not all(isinstance(v, str) for v in signoff.parts.values()):
            raise r.fail("[signoff]", "field 'parts' must map part names to hashes")
    origin = None
    if (raw := r.table(data, "origin", required=False)) is not None:
        origin = Origin(
            session=r.get(raw, "session", str, "[origin]", ""),
            audit_id=r.get(raw, "audit_id", str, "[origin]", ""),
            policy_path=r.get(raw, "policy_path", str, "[origin]", ""),
            policy_sha256=r.get(raw, "policy_sha256", str, "[origin]", ""),
        )
    clauses = r.get(pol, "clauses", int, "[policy]")
    if clauses < 0:
        raise r.fail("[policy]", "field 'clauses' must not be negative")
    audit_id = r.get(audit, "id", str, "[audit]")
    if version == 1:  # written before events were chained: chain them as read
        rechain(history, audit_id)
    return Session(
        audit_id=audit_id,
        title=r.get(audit, "title", str, "[audit]", ""),
        auditor=r.get(audit, "auditor", str, "[audit]"),
        created=r.moment(audit, "created", "[audit]"),
        updated=r.moment(audit, "updated", "[audit]"),
        state=state,
        policy=_policy_ref(r, pol, clauses),
        checklist=ChecklistRef(
            id=r.get(chk, "id", str, "[checklist]"),
            version=r.get(chk, "version", str, "[checklist]", ""),
            sha256=r.get(chk, "sha256", str, "[checklist]", ""),
            path=r.get(chk, "path", str, "[checklist]", ""),
        ),
        cursor=Cursor(item=r.get(cur, "item", str, "[cursor]", ""), clause=r.get(cur, "clause", str, "[cursor]", "")),
        items=items,
        history=history,
        signoff=signoff,
        origin=origin,
        schema_version=version,
    )


def _policy_ref(r: _Reader, pol: dict[str, Any], clauses: int) -> PolicyRef:
    status = r.get(pol, "http_status", int, "[policy]", None)
    return PolicyRef(
        path=r.get(pol, "path", str, "[policy]"),
        sha256=r.get(pol, "sha256", str, "[policy]"),
        clauses=clauses,
        source=r.get(pol, "source", str, "[policy]", ""),
        format=r.get(pol, "format", str, "[policy]", ""),
        raw_sha256=r.get(pol, "raw_sha256", str, "[policy]", ""),
        retrieved=r.moment(pol, "retrieved", "[policy]") if "retrieved" in pol else None,
        http_status=status,
        content_type=r.get(pol, "content_type", str, "[policy]", ""),
        final_url=r.get(pol, "final_url", str, "[policy]", ""),
        whole_page=r.get(pol, "whole_page", bool, "[policy]", False),
    )


def loads_session(text: str, path: str | Path | None = None) -> Session:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SessionDamaged(
            f"not valid TOML ({error}); the file may be truncated or hand-edited",
            path=path,
            hint="restore it from its .bak or from git",
        ) from None
    except RecursionError:  # tomllib recurses once per level of [[[...]]] or {a={b=...}}
        raise SessionDamaged(
            "not a session file: its lists or tables are nested too deeply to read",
            path=path,
            hint="restore it from its .bak or from git",
        ) from None
    return session_from_dict(data, path)


def load_session(path: str | Path) -> Session:
    """Read and check the session file at *path*."""
    path = Path(path)
    data = read_input_bytes(path, SessionError, "session", missing_hint="check the path, or list sessions/")
    try:
        text = data.decode("utf-8-sig")  # an editor may have added a BOM; checklists accept one too
    except UnicodeDecodeError:
        raise SessionDamaged("not UTF-8 text: not a session file", path=path) from None
    return loads_session(text, path)


def backup_if_readable(path: str | Path) -> Path | None:
    """The previous good save of *path* (``PATH.bak``) if it exists and loads."""
    bak = backup_path(Path(path))
    if not is_regular_file(bak):
        return None
    try:
        load_session(bak)
    except SessionError:
        return None
    return bak


def restorable_backup(path: str | Path, error: SessionError) -> Path | None:
    """The backup to offer when loading *path* failed with *error*: only for a file whose
    content cannot be read as a session (never for one that is missing, unreadable for its
    permissions, or readable but refused for another reason), and only if the backup loads."""
    return backup_if_readable(path) if isinstance(error, SessionDamaged) else None


def restore_backup(path: str | Path) -> Path:
    """Put the previous good save back in place of a session file whose content is damaged;
    the damaged file is kept as ``PATH.broken`` (never deleted). A file that loads is never
    replaced. Returns where the broken file went."""
    from auditor_tui.core.lock import lock_or_fail  # the lock module imports this one

    path = Path(path)
    try:
        load_session(path)
    except SessionDamaged:
        pass
    except SessionError as error:
        raise SessionError(
            f"not restored: {error.message}", path=path, hint="only a damaged session file is replaced by its backup"
        ) from None
    else:
        raise SessionError(
            "not restored: the session file can be read, so it is kept",
            path=path,
            hint="its .bak is an older save; to undo a sign-off use 'auditor-tui reopen', to go back use git",
        )
    if backup_if_readable(path) is None:
        raise SessionError("no readable backup (.bak) of this session", path=path, hint="restore it from git")
    with lock_or_fail(path):
        broken = path.with_name(path.name + ".broken")
        number = 2
        while broken.exists():
            broken = path.with_name(f"{path.name}.broken-{number}")
            number += 1
        try:
            os.replace(path, broken)
            atomic_write_bytes(path, backup_path(path).read_bytes())
        except OSError as error:
            raise SessionError(f"not restored: {error.strerror or error}", path=path) from None
    return broken


def find_sessions(directory: str | Path = "sessions") -> list[tuple[Path, Session | SessionError]]:
    """Every ``*.toml`` session in *directory*, newest first; unreadable ones as their error.
    A folder that cannot be listed is a :class:`SessionError`."""
    directory = Path(directory)
    try:
        names = sorted(entry.name for entry in os.scandir(directory) if entry.name.endswith(".toml"))
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as error:
        problem = access_problem(error, directory / ".") if isinstance(error, PermissionError) else error.strerror
        raise SessionError(
            f"cannot list the audits in this folder: {problem}", path=directory, hint="ask its owner for access"
        ) from None
    found: list[tuple[Path, Session | SessionError]] = []
    for name in names:
        file = directory / name
        try:
            found.append((file, load_session(file)))
        except SessionError as error:
            found.append((file, error))

    def newest(entry: tuple[Path, Session | SessionError]) -> float:
        _, loaded = entry
        return loaded.updated.timestamp() if isinstance(loaded, Session) else 0.0

    return sorted(found, key=newest, reverse=True)


def iter_tags(session: Session) -> Iterable[tuple[str, Tag]]:
    """Every (item id, tag) pair of the audit, in checklist order."""
    for state in session.items.values():
        for tag in state.tags:
            yield state.id, tag
