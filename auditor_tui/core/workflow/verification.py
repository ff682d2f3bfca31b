"""Checking a signed-off audit (a session or an export's record): the digest, the four-eyes
rule, the history's chain and last event, and the SSH signature."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from auditor_tui.core.history import Event, chain_break, describe_break, iso
from auditor_tui.core.session import Session, SignOff
from auditor_tui.core.workflow.digest import (
    DIGEST_SCHEMAS,
    content_digest,
    content_parts,
    describe_changes,
    session_content,
)
from auditor_tui.core.workflow.names import same_person
from auditor_tui.core.workflow.signing import verify_signature


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
    if not same_person(recorded, signoff.reviewer) or iso(last.at) != iso(signoff.at):
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
