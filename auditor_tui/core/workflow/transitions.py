"""The review workflow's transitions: submit, request changes, sign off, reopen; and the
four-eyes rule that keeps a preparer from signing off their own audit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from auditor_tui.core.errors import WorkflowError
from auditor_tui.core.history import Event, describe_break, iso, last_standing
from auditor_tui.core.session import Session, SignOff, identity, now_utc
from auditor_tui.core.text import counted
from auditor_tui.core.workflow.digest import DIGEST_SCHEMA, content_digest, content_parts, session_content
from auditor_tui.core.workflow.names import clean_name, same_person
from auditor_tui.core.workflow.signing import key_principal, principal_matches, signed_message, ssh_sign

DEFAULT_STATEMENT = (
    "I have reviewed every item of this audit, its status, note and evidence, and I sign it off "
    "as complete and correct."
)


PREPARER_ACTIONS = frozenset(
    {
        "create",
        "tag",
        "untag",
        "status",
        "note",
        "reject-suggestion",
        "drop-orphan",
        "submit",
        "reuse",
        "accept-proposal",
        "reject-proposal",
        "resolve",
        "finding",
        "reason",
        "assign",
        "undo",
        "redo",
    }
)
"""History actions that make someone a preparer of the audit (and so not its reviewer)."""


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
    conflicts = [state.id for state in session.items.values() if state.conflict is not None]
    if conflicts:
        raise WorkflowError(
            f"cannot submit: {counted(len(conflicts), 'item')} still {'has' if len(conflicts) == 1 else 'have'} "
            f"a merge conflict: {_list(conflicts)}",
            hint="resolve each in the review screen (keep ours or theirs)",
        )
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
    if same_person(name, session.auditor):
        return (
            f"{name!r} prepared this audit (it is the audit's auditor); "
            "a sign-off must be by a different person than the preparer (four-eyes rule)"
        )
    for event in session.history:
        if event.action in PREPARER_ACTIONS and same_person(event.who, name):
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
    if not conflict and acting and not same_person(acting, name):
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
    detail = comment or f"see the comments on {counted(len(item_comments), 'item')}"
    session.record("request-changes", who=who, detail=detail)


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
        if reviewer and not principal_matches(principal, reviewer):
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
