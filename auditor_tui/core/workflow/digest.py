"""The digest a sign-off covers: the audit's content as canonical JSON, its SHA-256 and the short
hashes of its parts (so verify can name what changed). The schema is in the package docstring."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from auditor_tui.core.findings import content_fields, finding_dict
from auditor_tui.core.history import Event, iso
from auditor_tui.core.history import head as history_head
from auditor_tui.core.session import Session, clause_order

DIGEST_SCHEMA = 2
"""The digest schema new sign-offs use (recorded in ``SignOff.schema``)."""
DIGEST_SCHEMAS = {1: "auditor-tui/audit-content/1", 2: "auditor-tui/audit-content/2"}


PART_HASH_LENGTH = 16


def canonical_json(data: Any) -> bytes:
    """The one byte string for *data*: keys sorted, no whitespace, UTF-8."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _tag_key(tag: Mapping[str, Any]) -> tuple[tuple[int, str], int, str]:
    start = tag.get("start")
    return (clause_order(str(tag.get("clause", ""))), -1 if start is None else int(start), str(tag.get("text", "")))


def _span(tag: Mapping[str, Any]) -> dict[str, int]:
    """A span tag's offsets; nothing for a whole clause, so audits without spans keep their digest."""
    start, end = tag.get("start"), tag.get("end")
    return {} if start is None or end is None else {"start": int(start), "end": int(end)}


def _content_items(items: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    content_items: dict[str, Any] = {}
    for item in items:
        tags = [
            {
                "clause": str(tag.get("clause", "")),
                "section": str(tag.get("section", "")),
                "text": str(tag.get("text", "")),
                "sha256": str(tag.get("sha256", "")),
                "orphan": bool(tag.get("orphan", False)),
                "recheck": bool(tag.get("recheck", False)),
                **_span(tag),
            }
            for tag in item.get("tags", ())
        ]
        content_items[str(item["id"])] = {
            "status": str(item.get("status", "")),
            "note": str(item.get("note", "")),
            "review_comment": str(item.get("review_comment", "")),
            "tags": sorted(tags, key=_tag_key),
            **content_fields(item),  # only those set: audits signed before findings keep their digest
        }
    return content_items


def build_content(
    *,
    schema: int = DIGEST_SCHEMA,
    audit: Mapping[str, str],
    policy: Mapping[str, Any],
    checklist: Mapping[str, str],
    origin: Mapping[str, str] | None,
    history: Sequence[Event],
    items: Iterable[Mapping[str, Any]],
) -> dict[str, Any]:
    """The signed content from plain values (a session's, or an export record's).

    *audit* has ``id``, ``title``, ``auditor``, ``created`` (ISO text); *policy* ``path``,
    ``sha256``, ``clauses``; *checklist* ``id``, ``version``, ``sha256``; *history* is the
    history before the sign-off event. Each item is a mapping with ``id``, ``status``,
    ``note``, ``review_comment`` and ``tags`` (mappings with ``clause``, ``section``, ``text``,
    ``sha256`` and optional ``orphan``/``recheck``). Schema 1 (sign-offs made before the
    history and record fields were covered) takes only the audit's id, title and auditor,
    the policy's fingerprint, the checklist and the items.
    """
    content: dict[str, Any] = {
        "audit": {"id": str(audit["id"]), "title": str(audit["title"]), "auditor": str(audit["auditor"])},
        "policy": {"sha256": str(policy["sha256"])},
        "checklist": {
            "id": str(checklist["id"]),
            "version": str(checklist["version"]),
            "sha256": str(checklist["sha256"]),
        },
        "items": _content_items(items),
    }
    if schema == 1:
        return {"schema": DIGEST_SCHEMAS[1], **content}
    content["audit"]["created"] = str(audit["created"])
    content["policy"] = {
        "path": str(policy["path"]),
        "sha256": str(policy["sha256"]),
        "clauses": int(policy["clauses"]),
    }
    content["origin"] = {k: str(v) for k, v in sorted((origin or {}).items())}
    content["history"] = {"events": len(history), "head": history_head(history)}
    return {"schema": DIGEST_SCHEMAS[schema], **content}


def signed_history(history: Sequence[Event]) -> Sequence[Event]:
    """The part of *history* a sign-off covers: everything before its final sign-off event."""
    return history[:-1] if history and history[-1].action == "signoff" else history


def session_content(session: Session, *, schema: int = DIGEST_SCHEMA) -> dict[str, Any]:
    """The part of *session* a sign-off covers (see the module docstring)."""
    origin = session.origin
    return build_content(
        schema=schema,
        audit={
            "id": session.audit_id,
            "title": session.title,
            "auditor": session.auditor,
            "created": iso(session.created),
        },
        policy={"path": session.policy.path, "sha256": session.policy.sha256, "clauses": session.policy.clauses},
        checklist={
            "id": session.checklist.id,
            "version": session.checklist.version,
            "sha256": session.checklist.sha256,
        },
        origin=None
        if origin is None
        else {
            "session": origin.session,
            "audit_id": origin.audit_id,
            "policy_path": origin.policy_path,
            "policy_sha256": origin.policy_sha256,
        },
        history=signed_history(session.history),
        items=(
            {
                "id": state.id,
                "status": state.status,
                "note": state.note,
                "review_comment": state.review_comment,
                "finding": finding_dict(state),
                "reason": state.reason,
                "assignee": state.assignee,
                "tags": [
                    {
                        "clause": t.clause,
                        "section": t.section,
                        "text": t.text,
                        "sha256": t.sha256,
                        "orphan": t.orphan,
                        "recheck": t.recheck,
                        **({} if t.start is None else {"start": t.start, "end": t.end}),
                    }
                    for t in state.tags
                ],
            }
            for state in session.items.values()
        ),
    )


def content_digest(content: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical serialisation of *content*."""
    return sha256_hex(canonical_json(content))


def session_digest(session: Session) -> str:
    return content_digest(session_content(session))


_PARTS = ("audit", "policy", "checklist", "origin", "history")


def content_parts(content: Mapping[str, Any]) -> dict[str, str]:
    """A short hash of each part of *content*, to name what changed."""
    parts = {name: sha256_hex(canonical_json(content[name]))[:PART_HASH_LENGTH] for name in _PARTS if name in content}
    for item_id, item in content["items"].items():
        parts[f"item:{item_id}"] = sha256_hex(canonical_json(item))[:PART_HASH_LENGTH]
    return parts


def _part_labels(content: Mapping[str, Any]) -> dict[str, str]:
    labels = {
        "audit": "the audit's id, title, preparer (auditor) or creation time changed after sign-off",
        "policy": "the policy (its path, fingerprint or clause count) changed after sign-off "
        f"(fingerprint now {content['policy']['sha256'][:16]}…)",
        "checklist": "the checklist id, version or SHA-256 changed after sign-off "
        f"(now {content['checklist']['id']} {content['checklist']['version']}, "
        f"{content['checklist']['sha256'][:16]}…)",
        "origin": "the re-audit's origin (the audit it was carried forward from) changed after sign-off",
    }
    if "history" in content:
        labels["history"] = (
            "the history before the sign-off changed (events added, removed or rewritten; "
            f"it now has {content['history']['events']} events)"
        )
    return labels


def describe_changes(signed_parts: Mapping[str, str], content: Mapping[str, Any]) -> list[str]:
    """What differs between the parts recorded at sign-off and *content* now."""
    now = content_parts(content)
    problems = [
        text for name, text in _part_labels(content).items() if name in now and signed_parts.get(name) != now[name]
    ]
    for name, value in now.items():
        if not name.startswith("item:"):
            continue
        item_id = name[5:]
        if name not in signed_parts:
            problems.append(f"item {item_id} was added after sign-off")
        elif signed_parts[name] != value:
            item = content["items"][item_id]
            problems.append(
                f"item {item_id} changed after sign-off (its status, note, review comment or evidence; "
                f"status now {item['status']}, {len(item['tags'])} evidence clauses)"
            )
    for name in signed_parts:
        if name.startswith("item:") and name not in now:
            problems.append(f"item {name[5:]} was removed after sign-off")
    return problems
