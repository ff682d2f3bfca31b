"""The session file's TOML: written in a fixed order so a diff shows only what changed, read back
with every field checked (:func:`session_from_dict`)."""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, overload

import tomli_w

from auditor_tui.core import findings
from auditor_tui.core.errors import SessionError
from auditor_tui.core.history import Event, rechain
from auditor_tui.core.session.model import (
    SCHEMA_VERSION,
    STATUSES,
    WORKFLOW_STATES,
    ChecklistRef,
    Cursor,
    ItemConflict,
    ItemState,
    Origin,
    PolicyRef,
    Reuse,
    Session,
    SignOff,
)
from auditor_tui.core.session.tag import Proposal, Tag
from auditor_tui.core.text import sha256_text

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
    if session.reuse:
        data["reuse"] = _reuse_table(session.reuse)
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
            conflict=_conflict_table(state.conflict),
            tags=[
                {
                    "clause": tag.clause,
                    **_table(section=tag.section, page=tag.page),
                    "sha256": tag.sha256,
                    **_table(similarity=tag.similarity, recheck=tag.recheck, orphan=tag.orphan),
                    **_table(start=tag.start, end=tag.end),  # a span only: whole-clause tags as before
                    "text": tag.text,
                }
                for tag in state.tags
            ],
            proposed=[_proposal_table(p) for p in state.proposed],
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


def _reuse_table(reuse: Reuse) -> dict[str, Any]:
    return _table(
        session=reuse.session,
        audit_id=reuse.audit_id,
        checklist_id=reuse.checklist_id,
        policy_sha256=reuse.policy_sha256,
        crosswalk=reuse.crosswalk,
    )


def _proposal_table(p: Proposal) -> dict[str, Any]:
    return {
        "clause": p.clause,
        **_table(section=p.section, page=p.page),
        "sha256": p.sha256,
        "source_audit": p.source_audit,
        **_table(source_checklist=p.source_checklist),
        "source_item": p.source_item,
        "relation": p.relation,
        **_table(recheck=p.recheck),
        "text": p.text,
    }


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
        proposed = item.pop("proposed", [])
        conflict = item.pop("conflict", None)
        chunks.append("\n[[items]]\n" + _dumps_table(item))
        if conflict:  # a sub-table of the item just above, before its tags
            chunks.append("[items.conflict]\n" + _dumps_table(conflict))
        chunks.extend("\n[[items.tags]]\n" + _dumps_table(tag) for tag in tags)
        chunks.extend("\n[[items.proposed]]\n" + _dumps_table(p) for p in proposed)
    for event in history:
        data = event.pop("data", None)
        chunks.append("\n[[history]]\n" + _dumps_table(event))
        if data:  # a sub-table of the event just above (an inline table would not stay one line)
            chunks.append("[history.data]\n" + _dumps_table(data))
    return "".join(chunks)


class SessionDamaged(SessionError):
    """The file was read but its content is not a session: not UTF-8, not TOML, nested too
    deeply, or a field is missing or wrong. Only such a file may be replaced by its backup."""


class _Reader:
    """Typed field access that names the file and field in every error."""

    def __init__(self, path: str | Path | None):
        self.path = path

    def fail(self, where: str, problem: str) -> SessionError:
        return SessionDamaged(f"{where}: {problem}", path=self.path, hint="restore the file from its .bak or from git")

    def get(
        self, table: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str, default: Any = ...
    ) -> Any:
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

    @overload
    def table(self, data: dict[str, Any], key: str) -> dict[str, Any]: ...
    @overload
    def table(self, data: dict[str, Any], key: str, *, required: bool) -> dict[str, Any] | None: ...
    def table(self, data: dict[str, Any], key: str, *, required: bool = True) -> dict[str, Any] | None:
        if key not in data and not required:
            return None
        found: dict[str, Any] = self.get(data, key, dict, "session", {} if not required else ...)
        return found

    def moment(self, table: dict[str, Any], key: str, where: str) -> datetime:
        value: datetime = self.get(table, key, datetime, where)
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
                    **_read_span(r, raw_tag, tag_where, text),
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
            conflict=_read_conflict(r, raw, where),
        )
        items[item_id].proposed = _read_proposals(r, raw, where)
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
    reuse = None
    if (raw := r.table(data, "reuse", required=False)) is not None:
        reuse = Reuse(
            session=r.get(raw, "session", str, "[reuse]", ""),
            audit_id=r.get(raw, "audit_id", str, "[reuse]", ""),
            checklist_id=r.get(raw, "checklist_id", str, "[reuse]", ""),
            policy_sha256=r.get(raw, "policy_sha256", str, "[reuse]", ""),
            crosswalk=r.get(raw, "crosswalk", str, "[reuse]", ""),
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
        reuse=reuse,
    )


def _read_proposals(r: _Reader, raw: dict[str, Any], where: str) -> list[Proposal]:
    proposals = []
    for number, table in enumerate(r.get(raw, "proposed", list, where, []), 1):
        at = f"{where} proposal {number}"
        if not isinstance(table, dict):
            raise r.fail(at, "must be a table")
        text = r.get(table, "text", str, at)
        page = r.get(table, "page", int, at, None)
        if page is not None and page < 1:
            raise r.fail(at, "field 'page' must be a page number, 1 or more")
        proposals.append(
            Proposal(
                clause=r.get(table, "clause", str, at),
                section=r.get(table, "section", str, at, ""),
                sha256=r.get(table, "sha256", str, at, sha256_text(text)),
                text=text,
                source_audit=r.get(table, "source_audit", str, at, ""),
                source_item=r.get(table, "source_item", str, at, ""),
                relation=r.get(table, "relation", str, at, ""),
                recheck=r.get(table, "recheck", bool, at, False),
                source_checklist=r.get(table, "source_checklist", str, at, ""),
                page=page,
            )
        )
    return proposals


def _read_span(r: _Reader, raw: dict[str, Any], where: str, text: str) -> dict[str, int]:
    """A span tag's ``start`` and ``end`` (both or neither), which must frame its quote."""
    start = r.get(raw, "start", int, where, None)
    end = r.get(raw, "end", int, where, None)
    if start is None and end is None:
        return {}
    if start is None or end is None:
        raise r.fail(where, "a span needs both 'start' and 'end'")
    if not 0 <= start < end or end - start != len(text):
        raise r.fail(where, f"span {start}-{end} does not frame its quote of {len(text)} characters")
    return {"start": start, "end": end}


def _conflict_table(conflict: ItemConflict | None) -> dict[str, Any] | None:
    if conflict is None:
        return None
    theirs = {k: v for k, v in conflict.theirs.items() if v is not None}
    return {"ours_by": conflict.ours_by, "theirs_by": conflict.theirs_by, "fields": list(conflict.fields), **theirs}


def _read_conflict(r: _Reader, raw: dict[str, Any], where: str) -> ItemConflict | None:
    table = r.get(raw, "conflict", dict, where, None)
    if table is None:
        return None
    where = f"{where} [items.conflict]"
    names = r.get(table, "fields", list, where)
    known = {f.name for f in dataclasses.fields(ItemState)} - {"id", "tags", "conflict"}
    if not names or not all(isinstance(n, str) and n in known for n in names):
        raise r.fail(where, "field 'fields' must list the item's fields in conflict")
    if "status" in table and table["status"] not in STATUSES:
        raise r.fail(where, f"status {table['status']!r} is not one of {', '.join(STATUSES)}")
    return ItemConflict(
        ours_by=r.get(table, "ours_by", str, where, ""),
        theirs_by=r.get(table, "theirs_by", str, where, ""),
        fields=list(names),
        theirs={n: table[n] for n in names if n in table},
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
