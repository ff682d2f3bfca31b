"""``auditor-tui item``: change one item of an audit from a script, as the review screen would.

Every change goes through the session's methods (so the history records it and it can be
undone), under the session's lock, and is saved atomically once all of them are accepted: a
refusal (a signed-off or submitted audit, not applicable without a reason, an unknown item, a
bad date or severity) is one line, exit 2, and the file is not touched.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from auditor_tui.cli._output import safe
from auditor_tui.cli.workflow import _locked
from auditor_tui.core.errors import SessionError
from auditor_tui.core.findings import SEVERITIES, due_text
from auditor_tui.core.session import STATUSES, ItemState, Session, load_session, save_session


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``item`` subcommand."""
    p = subparsers.add_parser(
        "item",
        help="change one item: status, note, finding, reason, assignee",
        description="Change one item of an audit as the review screen would (recorded in the history, "
        "saved atomically). Prints the item's new state in one line.",
    )
    p.add_argument("session", metavar="SESSION", type=Path, help="the session file")
    p.add_argument("item_id", metavar="ITEM_ID", help="the checklist item's id, e.g. 13-1-a")
    p.add_argument("--status", choices=[s for s in STATUSES if s != "re-review"], help="the item's status")
    p.add_argument("--note", metavar="TEXT", help="the item's note (replaces it)")
    p.add_argument("--severity", metavar="|".join(SEVERITIES), help="the finding's severity ('' clears it)")
    p.add_argument("--recommendation", metavar="TEXT", help="what to do about the finding")
    p.add_argument("--owner", metavar="NAME", help="who is to fix it")
    p.add_argument("--due", metavar="YYYY-MM-DD", help="by when ('' clears it)")
    p.add_argument(
        "--reason", metavar="TEXT", help="why the item is not applicable (needed for --status not-applicable)"
    )
    p.add_argument("--assign", metavar="NAME", help="who is doing the item ('' for nobody)")
    p.set_defaults(func=cmd_item)


@_locked
def cmd_item(args: argparse.Namespace) -> int:
    session = load_session(args.session)
    state = session.item(args.item_id)
    if all(getattr(args, name) is None for name in _OPTIONS):
        raise SessionError("nothing to change", hint=f"give one of {', '.join('--' + n for n in _OPTIONS)}")
    _apply(session, args)
    save_session(session, args.session)
    print(describe_item(state))
    return 0


_OPTIONS = ("status", "note", "severity", "recommendation", "owner", "due", "reason", "assign")


def _apply(session: Session, args: argparse.Namespace) -> None:
    """Every change asked for, in memory; the first refusal stops before anything is saved."""
    item_id = args.item_id
    if args.assign is not None:
        session.assign(item_id, args.assign)
    session.set_finding(
        item_id, severity=args.severity, recommendation=args.recommendation, owner=args.owner, due=args.due
    )
    if args.note is not None:
        session.set_note(item_id, args.note)
    if args.status is not None:
        session.set_status(item_id, args.status, reason=args.reason)
    elif args.reason is not None:
        session.set_reason(item_id, args.reason)


def describe_item(state: ItemState) -> str:
    """``13-1-a: missing; severity high; owner Legal; due 2027-03-31; ...`` on one line."""
    parts = [f"{state.id}: {state.status}"]
    for label, value in (
        ("severity", state.severity),
        ("owner", state.owner),
        ("due", due_text(state.due)),
        ("assignee", state.assignee),
        ("evidence", str(len(state.tags)) if state.tags else ""),
        ("recommendation", state.recommendation),
        ("reason", state.reason),
        ("note", state.note),
    ):
        if value:
            parts.append(f"{label} {' '.join(value.split())}")
    return safe("; ".join(parts))
