"""The export record: everything an export shows and verifies, built once from the audit.

:func:`build_record` makes it; the JSON export *is* the record, the other formats render it
and carry it along. :func:`record_content`, :func:`record_history` and :func:`record_signoff`
read the signed parts back out of a record, for ``auditor-tui verify``; ``_seal`` is the
record's own SHA-256 (its ``"auditor-tui-seal"`` key).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from auditor_tui import __version__
from auditor_tui.core.checklist import Checklist
from auditor_tui.core.errors import AuditorError
from auditor_tui.core.findings import finding_dict
from auditor_tui.core.history import Event, event_from_dict, event_to_dict, iso
from auditor_tui.core.session import STATUSES, Session, SignOff, span_label
from auditor_tui.core.workflow import (
    DIGEST_SCHEMA,
    build_content,
    canonical_json,
    content_digest,
    last_review_request,
    session_content,
    sha256_hex,
    signed_history,
    verify_session,
)

EXPORT_FORMAT = "auditor-tui-export"
EXPORT_FORMAT_VERSION = 1
SEAL_KEY = "auditor-tui-seal"
DRAFT_MARK = "DRAFT - not signed off"


class ExportError(AuditorError):
    """A file is not an export the tool can read."""


def _seal(record: Mapping[str, Any]) -> str:
    return sha256_hex(canonical_json({k: v for k, v in record.items() if k != SEAL_KEY}))


def _page(tag: Mapping[str, Any]) -> str:
    """``, p. 3`` after an evidence quote's section where the policy has pages; else ""."""
    return f", p. {tag['page']}" if tag.get("page") is not None else ""


def _flags(tag: Mapping[str, Any]) -> str:
    """`` (clause changed, recheck)`` and/or `` (removed from policy)`` after an evidence quote."""
    return "".join(
        f" ({flag})"
        for flag, on in (("clause changed, recheck", tag["recheck"]), ("removed from policy", tag["orphan"]))
        if on
    )


def _part(tag: Mapping[str, Any]) -> str:
    """``, part of clause c12, characters 10-52`` after a span's section; else ""."""
    if tag.get("start") is None:
        return ""
    return f", part of clause {tag['clause']}, {span_label(tag['start'], tag.get('end'))}"


def has_spans(record: Mapping[str, Any]) -> bool:
    """Whether any evidence of *record* is a span (the CSV and XLSX then add span columns)."""
    return any(tag.get("start") is not None for item in record["items"] for tag in item["evidence"])


def _item_records(session: Session, checklist: Checklist) -> list[dict[str, Any]]:
    """Each item of the audit as the record shows it: its checklist title and refs, its state."""
    items: list[dict[str, Any]] = []
    for state in session.items.values():
        item = checklist.item(state.id)
        items.append(
            {
                "id": state.id,
                "title": item.title if item else "",
                "refs": list(item.refs) if item else [],
                "group": item.group if item else "",
                "status": state.status,
                "note": state.note,
                "review_comment": state.review_comment,
                "finding": finding_dict(state),
                "reason": state.reason,
                "assignee": state.assignee,
                "evidence": [
                    {
                        "clause": tag.clause,
                        "section": tag.section,
                        # Only where the policy has pages (PDF), so other records are unchanged.
                        **({"page": tag.page} if tag.page is not None else {}),
                        **({"start": tag.start, "end": tag.end} if tag.is_span else {}),  # a span only
                        "text": tag.text,
                        "sha256": tag.sha256,
                        "orphan": tag.orphan,
                        "recheck": tag.recheck,
                    }
                    for tag in state.tags
                ],
            }
        )
    return items


def build_record(session: Session, checklist: Checklist, *, exported: datetime | None = None) -> dict[str, Any]:
    """The full record of an audit, from which every export is rendered.

    A signed-off audit is exported as signed off only when it verifies (the same checks as
    ``auditor-tui verify``): e.g. a checklist edited after sign-off is refused here, rather
    than giving an export that says "signed off" and then fails verification."""
    exported = exported or datetime.now(UTC).replace(microsecond=0)
    if session.state == "signed-off":
        check = verify_session(session)
        if not check.valid:
            raise ExportError(
                f"cannot export as signed off: {'; '.join(check.problems[:3])}",
                hint="run 'auditor-tui verify' on the session; reopen it to export a draft",
            )
    signoff = session.signoff if session.state == "signed-off" else None
    content = session_content(session)
    request = last_review_request(session.history) if session.state != "signed-off" else None
    items = _item_records(session, checklist)
    counts = session.status_counts()
    record: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_FORMAT_VERSION,
        "generator": f"auditor-tui {__version__}",
        "exported": iso(exported),
        "status": f"Signed off by {signoff.reviewer} at {iso(signoff.at)}" if signoff else DRAFT_MARK,
        "audit": {
            "id": session.audit_id,
            "title": session.title,
            "auditor": session.auditor,
            "state": session.state,
            "created": iso(session.created),
            "updated": iso(session.updated),
        },
        "policy": _policy_record(session),
        "origin": None
        if session.origin is None
        else {
            "session": session.origin.session,
            "audit_id": session.origin.audit_id,
            "policy_path": session.origin.policy_path,
            "policy_sha256": session.origin.policy_sha256,
        },
        "checklist": {
            "id": session.checklist.id,
            "title": checklist.title,
            "version": session.checklist.version,
            "sha256": session.checklist.sha256,
            "source": checklist.source,
        },
        "digest_schema": DIGEST_SCHEMA,
        "digest": content_digest(content),
        "signoff": None
        if signoff is None
        else {
            "reviewer": signoff.reviewer,
            "at": iso(signoff.at),
            "statement": signoff.statement,
            "schema": signoff.schema,
            "digest": signoff.digest,
            "signature": signoff.signature,
            "parts": dict(signoff.parts),
        },
        "changes_requested": None
        if request is None
        else {"by": request.who, "at": iso(request.at), "comment": request.detail},
        "summary": {**{status: counts[status] for status in STATUSES}, "total": len(session.items)},
        "items": items,
        "history": [event_to_dict(e) for e in session.history],
    }
    record[SEAL_KEY] = _seal(record)
    return record


def _policy_record(session: Session) -> dict[str, Any]:
    ref = session.policy
    return {
        "path": ref.path,
        "sha256": ref.sha256,
        "clauses": ref.clauses,
        "source": ref.source or ref.path,
        "format": ref.format,
        "raw_sha256": ref.raw_sha256,
        "retrieved": iso(ref.retrieved) if ref.retrieved else None,
        "http_status": ref.http_status,
        "content_type": ref.content_type,
        "final_url": ref.final_url,
        "whole_page": ref.whole_page,
    }


def policy_provenance(policy: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The record's policy provenance as (label, value) rows, for the exports' headers.

    Records made before provenance was recorded have none of these fields: no rows.
    """
    rows: list[tuple[str, str]] = []
    source = policy.get("source")
    if source and source != policy["path"]:
        rows.append(("Policy source", str(source)))
    if policy.get("retrieved"):
        status = policy.get("http_status")
        detail = ", ".join(str(x) for x in (f"HTTP {status}" if status else "", policy.get("content_type")) if x)
        rows.append(("Retrieved", f"{policy['retrieved']}" + (f" ({detail})" if detail else "")))
        if policy.get("final_url"):
            rows.append(("Redirected to", str(policy["final_url"])))
    if policy.get("format"):
        how = " (whole page)" if policy.get("whole_page") else " (main content)" if policy["format"] == "html" else ""
        rows.append(("Policy format", f"{policy['format']}{how}"))
    if policy.get("raw_sha256"):
        rows.append(("Raw bytes SHA-256", str(policy["raw_sha256"])))
    return rows


def _parse_time(value: Any) -> datetime:
    return datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def record_history(record: Mapping[str, Any]) -> list[Event]:
    """The history events of a record (KeyError/ValueError/TypeError if malformed)."""
    return [event_from_dict(raw) for raw in record["history"]]


def record_content(record: Mapping[str, Any], *, schema: int = DIGEST_SCHEMA) -> dict[str, Any]:
    """The signed content, recomputed from a record."""
    audit = record["audit"]
    return build_content(
        schema=schema,
        audit={"id": audit["id"], "title": audit["title"], "auditor": audit["auditor"], "created": audit["created"]},
        policy=record["policy"],
        checklist=record["checklist"],
        origin=record.get("origin"),
        history=signed_history(record_history(record)),
        items=(
            {
                "id": item["id"],
                "status": item["status"],
                "note": item["note"],
                "review_comment": item["review_comment"],
                # Records exported before findings have none of these: their digest had none.
                **{key: item[key] for key in ("finding", "reason", "assignee") if key in item},
                "tags": item["evidence"],
            }
            for item in record["items"]
        ),
    )


def record_signoff(record: Mapping[str, Any]) -> SignOff | None:
    raw = record.get("signoff")
    if raw is None:
        return None
    return SignOff(
        reviewer=str(raw["reviewer"]),
        at=_parse_time(raw["at"]),
        statement=str(raw["statement"]),
        digest=str(raw["digest"]),
        signature=str(raw.get("signature", "")),
        schema=int(raw.get("schema", 1)),
        parts={str(k): str(v) for k, v in dict(raw.get("parts", {})).items()},
    )


# --------------------------------------------------------------------------- shared rendering


def finding_rows(item: Mapping[str, Any]) -> list[tuple[str, str]]:
    """An item's finding, reason and assignee as (label, value) rows, only those set, so the
    exports of records made before findings render as they did (and still verify)."""
    finding = item.get("finding") or {}
    rows = [
        ("Severity", finding.get("severity", "")),
        ("Recommendation", finding.get("recommendation", "")),
        ("Owner", finding.get("owner", "")),
        ("Due", finding.get("due", "")),
        ("Not applicable because", item.get("reason", "")),
        ("Assigned to", item.get("assignee", "")),
    ]
    return [(label, str(value)) for label, value in rows if value]
