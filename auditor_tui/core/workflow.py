"""The review workflow: submit, request changes, sign off, reopen; the sign-off digest; verify.

States (``Session.state``)::

    in-progress --submit--> ready-for-review --signoff--> signed-off
         ^                     |       |                     |
         |                     |       +--request-changes--> changes-requested --submit--> ...
         +------reopen---------+-------------reopen----------+

* :func:`submit` (the preparer): refused while any item is ``open`` or ``re-review``.
* :func:`request_changes` (the reviewer): an overall comment and/or one per item
  (``ItemState.review_comment``); the audit goes back to the preparer.
* :func:`sign_off` (the reviewer): refused when the reviewer, or the person at the keyboard
  (:func:`~auditor_tui.core.session.identity`), is the preparer (``Session.auditor``),
  submitted the audit, or changed its content (four-eyes rule). Records a :class:`SignOff` with
  the **digest** of the audit's content and, with a key, an SSH signature. A signed-off audit is
  read-only (``Session.editable`` is False).
* :func:`reopen`: voids a sign-off (kept in the history as a ``void-signoff`` event carrying the
  reviewer, time and digest) or withdraws a submission; the audit is in-progress again.

Every transition goes into the history through :meth:`Session.record`.

The digest
----------
SHA-256 of a canonical JSON serialisation (keys sorted, no whitespace, UTF-8) of, for digest
schema 2 (``SignOff.schema``)::

    {"schema": "auditor-tui/audit-content/2",
     "audit":     {"id", "title", "auditor", "created"},
     "policy":    {"path", "sha256", "clauses"},    # sha256: the policy's fingerprint
     "checklist": {"id", "version", "sha256"},      # SHA-256 of the checklist file
     "origin":    {...} or {},                      # a re-audit's origin
     "history":   {"events", "head"},               # the chain up to the sign-off event
     "items": {ID: {"status", "note", "review_comment", [finding, reason, assignee: those set]
                    "tags": [{"clause", "section", "text", "sha256", "orphan", "recheck"}]}}}

Items are keyed by id and tags sorted by clause, so neither the file's formatting nor the order
of keys or tables matters; the cursor and the sign-off record itself are not part of it. The
history is covered through its chain head (see :mod:`auditor_tui.core.history`), and verify
also requires the sign-off to be the history's last event, so a voided sign-off pasted back is
refused. Schema 1 (sign-offs of session files of version 1) covered only the audit's id, title
and auditor, the policy's fingerprint, the checklist and the items; such sign-offs still
verify, with a note. ``SignOff.parts`` keeps a short hash of each part so
:func:`verify_session` can name what changed.

Signatures
----------
``sign_off(..., sign_key=PATH)`` runs ``ssh-keygen -Y sign -f PATH -n auditor-tui`` (as git does
with SSH keys) over :func:`signed_message`: the digest, reviewer, time and statement, so none of
them can be changed without breaking the signature. :func:`verify_signature` checks it with
``ssh-keygen -Y verify`` against an ``allowed_signers`` file, whose principal must be the
reviewer's name or the address in it (``Ann Reviewer <ann@example.org>``).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from auditor_tui.core.errors import WorkflowError
from auditor_tui.core.findings import content_fields, finding_dict
from auditor_tui.core.history import Event, chain_break, describe_break, iso, last_standing
from auditor_tui.core.history import head as history_head
from auditor_tui.core.session import Session, SignOff, clause_order, identity, now_utc

DIGEST_SCHEMA = 2
"""The digest schema new sign-offs use (recorded in ``SignOff.schema``)."""
DIGEST_SCHEMAS = {1: "auditor-tui/audit-content/1", 2: "auditor-tui/audit-content/2"}
SIGN_NAMESPACE = "auditor-tui"
DEFAULT_STATEMENT = (
    "I have reviewed every item of this audit, its status, note and evidence, and I sign it off "
    "as complete and correct."
)
PART_HASH_LENGTH = 16

PREPARER_ACTIONS = frozenset(
    {"create", "tag", "untag", "status", "note", "reject-suggestion", "drop-orphan", "submit"}
    | {"finding", "reason", "assign", "undo", "redo"}
)
"""History actions that make someone a preparer of the audit (and so not its reviewer)."""


# --------------------------------------------------------------------------- names and times


def clean_name(name: str | None) -> str:
    return " ".join((name or "").split())


def _same_person(a: str, b: str) -> bool:
    return clean_name(a).casefold() == clean_name(b).casefold()


# --------------------------------------------------------------------------- the digest


def canonical_json(data: Any) -> bytes:
    """The one byte string for *data*: keys sorted, no whitespace, UTF-8."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _tag_key(tag: Mapping[str, Any]) -> tuple[tuple[int, str], str]:
    return (clause_order(str(tag.get("clause", ""))), str(tag.get("text", "")))


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


# --------------------------------------------------------------------------- transitions


def undecided_items(session: Session) -> list[str]:
    return [state.id for state in session.items.values() if not state.decided]


def _list(ids: list[str], statuses: Mapping[str, str] | None = None, limit: int = 8) -> str:
    shown = [f"{i} ({statuses[i]})" if statuses else i for i in ids[:limit]]
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    return ", ".join(shown) + more


def submit(session: Session, *, by: str | None = None) -> None:
    """The preparer hands the audit to a reviewer (*by*: who, default the person at the keyboard)."""
    who = clean_name(by) or identity()
    if session.state == "ready-for-review":
        raise WorkflowError("cannot submit: it is already waiting for review")
    if session.state == "signed-off":
        raise WorkflowError("cannot submit: it is already signed off (reopen it first to change it)")
    undecided = undecided_items(session)
    if undecided:
        statuses = {i: session.items[i].status for i in undecided}
        raise WorkflowError(
            f"cannot submit: {len(undecided)} of {len(session.items)} items are not decided yet: "
            f"{_list(undecided, statuses)}",
            hint="set a status for each: open and re-review are not decisions",
        )
    session.state = "ready-for-review"
    session.record("submit", who=who, detail=f"{session.progress} items decided")


def _preparer_conflict(session: Session, name: str) -> str:
    if _same_person(name, session.auditor):
        return (
            f"{name!r} prepared this audit (it is the audit's auditor); "
            "a sign-off must be by a different person than the preparer (four-eyes rule)"
        )
    for event in session.history:
        if event.action in PREPARER_ACTIONS and _same_person(event.who, name):
            if event.action == "submit":
                what = f"submitted it for review on {iso(event.at)}"
            else:
                what = f"changed it ({event.action}{' of ' + event.item if event.item else ''} on {iso(event.at)})"
            return f"{name!r} {what}; the reviewer must not be one of its preparers (four-eyes rule)"
    return ""


def reviewer_conflict(session: Session, reviewer: str, *, actor: str | None = None) -> str:
    """Why *reviewer* (acting as *actor*, the person at the keyboard) may not review this
    audit ("" when they may): either one is its auditor or made a preparer's change."""
    name = clean_name(reviewer)
    if not name:
        return "the reviewer's name is empty"
    conflict = _preparer_conflict(session, name)
    acting = clean_name(actor)
    if not conflict and acting and not _same_person(acting, name):
        conflict = _preparer_conflict(session, acting)
        if conflict:
            conflict = f"you are signed in as {acting!r}: {conflict}"
    return conflict


def _require_reviewable(session: Session, action: str) -> None:
    if session.state == "ready-for-review":
        return
    if session.state == "signed-off":
        raise WorkflowError(f"cannot {action}: it is already signed off (reopen it to void the sign-off)")
    raise WorkflowError(
        f"cannot {action}: it has not been submitted for review (state: {session.state})",
        hint="the preparer submits it first with 'auditor-tui submit'",
    )


def request_changes(
    session: Session,
    *,
    reviewer: str | None = None,
    comment: str = "",
    item_comments: Mapping[str, str] | None = None,
    actor: str | None = None,
) -> None:
    """The reviewer sends the audit back with an overall comment and/or comments per item.
    *actor* is the person at the keyboard (default :func:`identity`), *reviewer* the name
    recorded (default the actor)."""
    _require_reviewable(session, "request changes")
    acting = clean_name(actor) or identity()
    who = clean_name(reviewer) or acting
    conflict = reviewer_conflict(session, who, actor=acting)
    if conflict:
        raise WorkflowError(f"cannot request changes: {conflict}")
    comment = comment.strip()
    item_comments = {k: v.strip() for k, v in (item_comments or {}).items() if v.strip()}
    if not comment and not item_comments:
        raise WorkflowError(
            "cannot request changes without a comment", hint="give --comment TEXT and/or --item ID=TEXT"
        )
    for item_id in item_comments:
        session.item(item_id)  # raises SessionError for an unknown id, before anything changes
    for state in session.items.values():
        state.review_comment = ""
    for item_id, text in item_comments.items():
        session.items[item_id].review_comment = text
        session.record("review-comment", who=who, item=item_id, detail=text)
    session.state = "changes-requested"
    detail = comment or f"see the comments on {len(item_comments)} items"
    session.record("request-changes", who=who, detail=detail)


def signed_message(signoff: SignOff) -> bytes:
    """The bytes an SSH signature covers: the digest (and its schema), reviewer, time and statement."""
    message: dict[str, Any] = {
        "auditor-tui": "sign-off",
        "digest": signoff.digest,
        "reviewer": signoff.reviewer,
        "at": iso(signoff.at),
        "statement": signoff.statement,
    }
    if signoff.schema != 1:
        message["schema"] = signoff.schema
    return canonical_json(message)


def sign_off(
    session: Session,
    *,
    reviewer: str | None = None,
    statement: str = "",
    sign_key: str | Path | None = None,
    allowed_signers: str | Path | None = None,
    actor: str | None = None,
) -> SignOff:
    """The reviewer signs the audit off; it becomes read-only.

    *actor* is the person at the keyboard (default :func:`identity`); *reviewer* the name on
    the sign-off (default the actor). With *sign_key*, the reviewer's name is the key's
    principal in *allowed_signers* (required then), never a typed name: a typed *reviewer*
    must match it. Refused when either the reviewer or the actor prepared or changed the audit.
    """
    _require_reviewable(session, "sign off")
    acting = clean_name(actor) or identity()
    if sign_key is not None:
        if allowed_signers is None:
            raise WorkflowError(
                "signing with --sign-key needs --allowed-signers FILE",
                hint="the reviewer's name is taken from the key's principal in that file",
            )
        principal = key_principal(sign_key, allowed_signers)
        if reviewer and not _principal_matches(principal, reviewer):
            raise WorkflowError(
                f"the key {sign_key} belongs to {principal!r} in {allowed_signers}, not {clean_name(reviewer)!r}",
                hint="leave out --reviewer (the principal is used), or sign with your own key",
            )
        reviewer = clean_name(reviewer) or principal
    who = clean_name(reviewer) or acting
    conflict = reviewer_conflict(session, who, actor=acting)
    if conflict:
        raise WorkflowError(f"self sign-off refused: {conflict}")
    if (broken := session.history_break()) is not None:
        raise WorkflowError(f"cannot sign off: {describe_break(session.history, broken)}")
    undecided = undecided_items(session)
    if undecided:
        raise WorkflowError(f"cannot sign off: items not decided: {_list(undecided)}", hint="request changes instead")
    comments = {state.id: state.review_comment for state in session.items.values() if state.review_comment}
    for item_id in comments:  # resolved; they stay in the history
        session.items[item_id].review_comment = ""
    try:
        at = now_utc()
        session.updated = at  # the content covers the record as it will be saved
        content = session_content(session)
        signoff = SignOff(
            reviewer=who,
            at=at,
            statement=" ".join(statement.split()) or DEFAULT_STATEMENT,
            digest=content_digest(content),
            schema=DIGEST_SCHEMA,
            parts=content_parts(content),
        )
        if sign_key is not None:
            signoff.signature = ssh_sign(signed_message(signoff), sign_key)
    except BaseException:
        for item_id, text in comments.items():
            session.items[item_id].review_comment = text
        raise
    session.signoff = signoff
    session.state = "signed-off"
    detail = f"signed off as {who}, digest {signoff.digest}" + (" (SSH-signed)" if signoff.signature else "")
    data = {"reviewer": who, "at": iso(at), "digest": signoff.digest, "signed": "ssh" if signoff.signature else ""}
    session.record("signoff", who=acting, detail=detail, data=data, at=at)
    return signoff


def reopen(session: Session, *, by: str | None = None, reason: str = "") -> None:
    """Make the audit editable again: void its sign-off, or withdraw it from review."""
    who = clean_name(by) or identity()
    reason = " ".join(reason.split())
    if session.state == "signed-off":
        s = session.signoff
        if s is not None:
            detail = f"voided sign-off by {s.reviewer} at {iso(s.at)}" + (" (was SSH-signed)" if s.signature else "")
            if reason:
                detail += f"; reason: {reason}"
            data = {"reviewer": s.reviewer, "at": iso(s.at), "digest": s.digest, "reason": reason}
            session.record("void-signoff", who=who, detail=detail, data=data)
        session.signoff = None
        session.state = "in-progress"
        session.record("reopen", who=who, detail=reason or "reopened for changes")
    elif session.state == "ready-for-review":
        session.state = "in-progress"
        session.record("reopen", who=who, detail=reason or "withdrawn from review")
    else:
        raise WorkflowError(
            f"nothing to reopen: it can already be changed (state: {session.state})",
            hint="resume it to edit; reopen is for a signed-off audit or one submitted for review",
        )


def last_review_request(history: Sequence[Event]) -> Event | None:
    """The latest ``request-changes`` event, or None."""
    return last_standing(history, "request-changes", ("signoff", "void-signoff"))


def voided_signoff(session: Session) -> Event | None:
    """The ``void-signoff`` event when the audit's last sign-off was voided and it has not been
    signed off again since (the review screen says so plainly), else None."""
    if session.state == "signed-off":
        return None
    return last_standing(session.history, "void-signoff", ("signoff",))


def void_headline(event: Event) -> str:
    """What a ``void-signoff`` event voided: "voided sign-off by X at T"."""
    reviewer, at = event.data.get("reviewer"), event.data.get("at")
    if reviewer and at:
        return f"voided sign-off by {reviewer} at {at}"
    return event.detail.partition(", digest ")[0]  # written before events carried data


# --------------------------------------------------------------------------- SSH signatures


def _ssh_keygen() -> str:
    found = shutil.which("ssh-keygen")
    if not found:
        raise WorkflowError("ssh-keygen not found", hint="install OpenSSH 8.1 or later, or sign off without --sign-key")
    return found


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def ssh_sign(message: bytes, key: str | Path) -> str:
    """An armored SSH signature of *message* (namespace ``auditor-tui``) made with *key*."""
    key_path = Path(key)
    if not key_path.is_file():
        raise WorkflowError("no such key file", path=key_path, hint="give the private key (or its .pub with ssh-agent)")
    try:
        result = subprocess.run(
            [_ssh_keygen(), "-Y", "sign", "-f", str(key_path), "-n", SIGN_NAMESPACE],
            input=message,
            capture_output=True,
            check=False,
        )
    except OSError as error:
        raise WorkflowError(f"cannot run ssh-keygen: {error}") from None
    signature = result.stdout.decode("ascii", "replace")
    if result.returncode != 0 or "BEGIN SSH SIGNATURE" not in signature:
        raise WorkflowError(
            f"cannot sign with {key_path}: {_last_line(result.stderr.decode('utf-8', 'replace'))}",
            hint="check the key and its passphrase",
        )
    return signature.strip() + "\n"


def _principal_matches(principal: str, reviewer: str) -> bool:
    reviewer = clean_name(reviewer)
    if _same_person(principal, reviewer):
        return True
    if reviewer.endswith(">") and "<" in reviewer:
        return _same_person(reviewer[reviewer.rindex("<") + 1 : -1], principal)
    return False


def _public_key(key: Path) -> str:
    """The public key ("TYPE BASE64") of a private key file or of its ``.pub``."""
    candidates = [key] if key.suffix == ".pub" else [key.with_name(key.name + ".pub")]
    for candidate in candidates:
        if candidate.is_file():
            try:
                fields = candidate.read_text(encoding="utf-8", errors="replace").split()
            except OSError:
                continue
            if len(fields) >= 2:
                return f"{fields[0]} {fields[1]}"
    result = subprocess.run(
        [_ssh_keygen(), "-y", "-f", str(key)], capture_output=True, check=False, timeout=60, stdin=subprocess.DEVNULL
    )
    fields = result.stdout.decode("ascii", "replace").split()
    if result.returncode != 0 or len(fields) < 2:
        raise WorkflowError(
            f"cannot read the public key of {key}: {_last_line(result.stderr.decode('utf-8', 'replace'))}",
            hint="put its .pub beside it",
        )
    return f"{fields[0]} {fields[1]}"


def key_principal(key: str | Path, allowed_signers: str | Path) -> str:
    """The principal that *allowed_signers* (ssh-keygen's format) lists for *key*."""
    allowed = Path(allowed_signers)
    if not allowed.is_file():
        raise WorkflowError("no such allowed-signers file", path=allowed)
    if not Path(key).is_file():
        raise WorkflowError("no such key file", path=key, hint="give the private key (or its .pub with ssh-agent)")
    wanted = _public_key(Path(key))
    text = allowed.read_text(encoding="utf-8", errors="replace")
    for line in text.splitlines():
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        # principals [options] keytype base64 [comment]: find the key among the fields
        for n in range(1, len(fields) - 1):
            if f"{fields[n]} {fields[n + 1]}" == wanted:
                principals = [p for p in fields[0].split(",") if p and "*" not in p and "?" not in p]
                if principals:
                    return principals[0]
    raise WorkflowError(
        f"the key {key} is not listed in {allowed}",
        hint="add 'NAME KEYTYPE KEY' for it to the allowed-signers file, or sign with a listed key",
    )


def verify_signature(signoff: SignOff, allowed_signers: str | Path) -> tuple[bool, str]:
    """Check the sign-off's SSH signature; (ok, what was found)."""
    allowed = Path(allowed_signers)
    if not allowed.is_file():
        raise WorkflowError("no such allowed-signers file", path=allowed)
    if not signoff.signature:
        return False, "the sign-off has no SSH signature (it was not signed with --sign-key)"
    message = signed_message(signoff)
    with tempfile.TemporaryDirectory(prefix="auditor-tui-") as tmp:
        sig = Path(tmp) / "signoff.sig"
        sig.write_text(signoff.signature, encoding="ascii", errors="replace")
        keygen = _ssh_keygen()
        found = subprocess.run(
            [keygen, "-Y", "find-principals", "-s", str(sig), "-f", str(allowed)],
            capture_output=True,
            check=False,
            timeout=60,
        )
        principals = [p for p in found.stdout.decode("utf-8", "replace").split() if p]
        if found.returncode != 0 or not principals:
            return False, f"the signature is not by a key in {allowed} (or the signature is damaged)"
        chosen = next((p for p in principals if _principal_matches(p, signoff.reviewer)), None)
        if chosen is None:
            return False, (
                f"the signing key belongs to {', '.join(principals)} in {allowed}, but the reviewer is recorded as "
                f"{signoff.reviewer!r} (name the reviewer as the principal, e.g. 'Name <{principals[0]}>')"
            )
        checked = subprocess.run(
            [keygen, "-Y", "verify", "-f", str(allowed), "-I", chosen, "-n", SIGN_NAMESPACE, "-s", str(sig)],
            input=message,
            capture_output=True,
            check=False,
            timeout=60,
        )
    if checked.returncode != 0:
        return False, (
            "the SSH signature does not match the sign-off (digest, reviewer, time or statement changed): "
            f"{_last_line(checked.stderr.decode('utf-8', 'replace'))}"
        )
    return True, f"good SSH signature by {chosen} (key listed in {allowed})"


# --------------------------------------------------------------------------- verify


@dataclass
class Verification:
    """The outcome of checking a session or an export."""

    kind: str
    signoff: SignOff | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.signoff is not None and not self.problems

    def summary(self) -> str:
        if self.valid:
            assert self.signoff is not None
            return f"valid, signed off by {self.signoff.reviewer} at {iso(self.signoff.at)}"
        return f"invalid {self.kind}: {self.problems[0] if self.problems else 'not signed off'}"


def check_signed(
    result: Verification,
    *,
    state: str,
    signoff: SignOff | None,
    content_for: Callable[[int], Mapping[str, Any]],
    history: Sequence[Event],
    audit_id: str,
    updated: datetime | None,
    allowed_signers: str | Path | None = None,
) -> Verification:
    """The checks shared by sessions and exports. *content_for(schema)* gives the signed
    content computed the way digest schema *schema* defines it."""
    result.signoff = signoff
    if signoff is None:
        result.problems.append(f"not signed off (state: {state})")
        return result
    if state != "signed-off":
        result.problems.append(f"has a sign-off record but its state is {state}, not signed-off")
    if signoff.schema not in DIGEST_SCHEMAS:
        result.problems.append(f"the sign-off's digest schema {signoff.schema} is unknown")
        return result
    broken = chain_break(history, audit_id)
    if broken is not None and signoff.schema != 1:
        result.problems.append(describe_break(history, broken))
    _check_last_event(result, signoff, history)
    if signoff.schema != 1 and updated is not None and iso(updated) != iso(signoff.at):
        result.problems.append(
            f"the audit's 'updated' time ({iso(updated)}) is not the sign-off's ({iso(signoff.at)}): "
            "it was edited after sign-off"
        )
    content = content_for(signoff.schema)
    digest = content_digest(content)
    if digest != signoff.digest:
        result.problems.append(
            f"the content differs from what was signed off (digest at sign-off {signoff.digest[:16]}…, now {digest[:16]}…)"
        )
        if signoff.parts:
            result.problems.extend(describe_changes(signoff.parts, content))
    elif signoff.parts and signoff.parts != content_parts(content):
        result.problems.append("the sign-off's part hashes were changed")
    if allowed_signers is not None:
        ok, message = verify_signature(signoff, allowed_signers)
        (result.notes if ok else result.problems).append(message)
    elif signoff.signature:
        result.notes.append("SSH signature present but not checked (give --allowed-signers FILE)")
    else:
        result.notes.append("no SSH signature (integrity digest only: it does not prove who signed)")
    if signoff.schema == 1:
        result.notes.append(
            "signed off by an older auditor-tui: the digest covers the items, the policy's fingerprint and "
            "the checklist, not the history or the record's times and paths"
        )
    result.notes.insert(0, f"digest sha256 {signoff.digest}")
    return result


def _check_last_event(result: Verification, signoff: SignOff, history: Sequence[Event]) -> None:
    """The sign-off must be the history's last event and agree with the record: a sign-off
    pasted back after it was voided, or one the history does not show, is refused."""
    events = [n for n, e in enumerate(history) if e.action == "signoff"]
    if not events:
        result.problems.append("the history has no sign-off event")
        return
    last = history[events[-1]]
    later = history[events[-1] + 1 :]
    if later:
        void = next((e for e in later if e.action == "void-signoff"), None)
        if void is not None:
            result.problems.append(
                f"this sign-off was voided by {void.who} at {iso(void.at)} (the history goes on after it: "
                f"{', '.join(e.action for e in later)}); it must be signed off again"
            )
        else:
            result.problems.append(
                f"the history goes on after the sign-off ({', '.join(e.action for e in later)}): "
                "it was changed after sign-off"
            )
    recorded = last.data.get("reviewer", last.who)
    if not _same_person(recorded, signoff.reviewer) or iso(last.at) != iso(signoff.at):
        result.problems.append(
            f"the sign-off record (reviewer {signoff.reviewer}, {iso(signoff.at)}) does not match the "
            f"history's sign-off event ({recorded}, {iso(last.at)})"
        )
    if last.data.get("digest", "") != signoff.digest and signoff.digest not in last.detail:
        result.problems.append("the sign-off record's digest does not match the history's sign-off event")


def verify_session(session: Session, *, allowed_signers: str | Path | None = None) -> Verification:
    """Check a signed-off session: its content against the sign-off's digest (and signature)."""
    return check_signed(
        Verification("session"),
        state=session.state,
        signoff=session.signoff,
        content_for=lambda schema: session_content(session, schema=schema),
        history=session.history,
        audit_id=session.audit_id,
        updated=session.updated,
        allowed_signers=allowed_signers,
    )
