"""CLI commands for the review workflow: submit, signoff, request-changes, reopen, verify, export.

Refusals (a self sign-off, an open item, the wrong state) are raised as
:class:`~auditor_tui.core.errors.WorkflowError`: one line on stderr, exit status 2, and the
session file is not touched. ``verify`` exits 0 when valid, 1 when something was changed after
sign-off (or it is not signed off), 2 when the file cannot be read.
"""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path

from auditor_tui.cli._output import safe
from auditor_tui.core.audit import Audit, resolve_policy_path
from auditor_tui.core.errors import AuditorError, SessionError, WorkflowError
from auditor_tui.core.export import (
    FORMATS,
    export_text,
    format_for,
    looks_like_export,
    verify_export,
    write_export,
)
from auditor_tui.core.files import is_regular_file, read_input_bytes
from auditor_tui.core.lock import lock_or_fail
from auditor_tui.core.session import Session, load_session, save_session
from auditor_tui.core.workflow import Verification, iso, reopen, request_changes, sign_off, submit, verify_session


def _locked(command):
    """Run a command that changes a session while holding the session's lock (refused when
    the session is open for changes in the review screen)."""

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        if not is_regular_file(args.session):
            return command(args)  # the command says what is wrong with the path
        with lock_or_fail(args.session):
            try:
                return command(args)
            except AuditorError as error:
                if error.path is None:  # a refusal about the audit: name the file it is about
                    error.path = str(args.session)
                raise

    return run


EXIT_VALID = 0
EXIT_INVALID = 1
EXIT_UNREADABLE = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this module's subcommands."""
    p = subparsers.add_parser(
        "submit",
        help="hand a finished audit to a reviewer",
        description="Mark the audit ready for review. Refused while any item is open or re-review.",
    )
    p.add_argument("session", metavar="SESSION", type=Path, help="the session file")
    p.set_defaults(func=cmd_submit)

    p = subparsers.add_parser(
        "signoff",
        help="sign off a submitted audit (as its reviewer)",
        description="Sign off an audit that is ready for review. The reviewer must not be its preparer. "
        "Records the digest of the audit's content; the audit becomes read-only.",
    )
    p.add_argument("session", metavar="SESSION", type=Path, help="the session file")
    p.add_argument(
        "--reviewer",
        default="",
        metavar="NAME",
        help="the name on the sign-off (default: you, as $AUDITOR_TUI_AUDITOR or your login; "
        "with --sign-key, the key's principal)",
    )
    p.add_argument("--statement", default="", metavar="TEXT", help="the sign-off statement")
    p.add_argument(
        "--sign-key",
        type=Path,
        metavar="PATH",
        help="also sign with this SSH key (ssh-keygen -Y sign -n auditor-tui, as git does); needs --allowed-signers",
    )
    p.add_argument(
        "--allowed-signers",
        type=Path,
        metavar="FILE",
        help="with --sign-key: the allowed_signers file whose principal for the key names the reviewer",
    )
    p.set_defaults(func=cmd_signoff)

    p = subparsers.add_parser(
        "request-changes",
        help="send a submitted audit back to its preparer",
        description="Send the audit back to its preparer with an overall comment and comments per item.",
    )
    p.add_argument("session", metavar="SESSION", type=Path, help="the session file")
    p.add_argument("--reviewer", default="", metavar="NAME", help="the name recorded (default: you)")
    p.add_argument("--comment", required=True, metavar="TEXT", help="the overall comment")
    p.add_argument("--item", action="append", default=[], metavar="ID=TEXT", help="a comment on one item (repeatable)")
    p.set_defaults(func=cmd_request_changes)

    p = subparsers.add_parser(
        "reopen",
        help="reopen a signed-off or submitted audit for changes",
        description="Make the audit editable again. A sign-off is voided (kept in the history).",
    )
    p.add_argument("session", metavar="SESSION", type=Path, help="the session file")
    p.add_argument("--reason", default="", metavar="TEXT", help="why (recorded in the history)")
    p.set_defaults(func=cmd_reopen)

    p = subparsers.add_parser(
        "verify",
        help="check that a signed-off session or export was not changed",
        description="Check a session file or an export (md, html, csv, json) against its sign-off digest. "
        "Exit status: 0 valid, 1 changed after sign-off or not signed off, 2 unreadable.",
    )
    p.add_argument("file", metavar="FILE", type=Path, help="a session file or an export")
    p.add_argument(
        "--allowed-signers",
        type=Path,
        metavar="FILE",
        help="also check the SSH signature against this allowed_signers file (ssh-keygen format)",
    )
    p.set_defaults(func=cmd_verify)

    p = subparsers.add_parser(
        "export",
        help="export an audit as Markdown, HTML, CSV or JSON",
        description="Export an audit. A draft (not signed off) is marked 'DRAFT - not signed off'.",
    )
    p.add_argument("session", metavar="SESSION", type=Path, help="the session file")
    p.add_argument("--format", choices=FORMATS, default=None, help="default: from -o's suffix, else md")
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write here (atomically); default: stdout. Never over a session file or a non-regular file",
    )
    p.add_argument("--force", action="store_true", help="replace FILE if it exists (an earlier export, say)")
    p.set_defaults(func=cmd_export)


# --------------------------------------------------------------------------- transitions


def _open_for_review(path: Path) -> Audit:
    """The audit, refused when its policy file exists but is no longer the one audited."""
    audit = Audit.open(path)
    if audit.read_only_reason and resolve_policy_path(audit.session.policy.path, path) is not None:
        raise WorkflowError(f"refused: {audit.read_only_reason}")
    for warning in audit.warnings:
        if "checklist" in warning:
            print(f"auditor-tui: warning: {safe(warning)}", file=sys.stderr)
    if audit.policy_missing:
        print(
            f"auditor-tui: warning: policy file {safe(audit.session.policy.path)} not found; "
            "only the quoted evidence can be reviewed",
            file=sys.stderr,
        )
    return audit


@_locked
def cmd_submit(args: argparse.Namespace) -> int:
    audit = _open_for_review(args.session)
    submit(audit.session)
    save_session(audit.session, args.session)
    print(f"submitted for review: {safe(str(args.session))} ({audit.session.progress} items decided)")
    return 0


@_locked
def cmd_signoff(args: argparse.Namespace) -> int:
    audit = _open_for_review(args.session)
    signoff = sign_off(
        audit.session,
        reviewer=args.reviewer,
        statement=args.statement,
        sign_key=args.sign_key,
        allowed_signers=args.allowed_signers,
    )
    save_session(audit.session, args.session)
    signed = ", SSH-signed" if signoff.signature else ""
    print(f"signed off by {safe(signoff.reviewer)} at {iso(signoff.at)}{signed}: digest {signoff.digest}")
    return 0


def _item_comments(values: list[str], session: Session) -> dict[str, str]:
    comments: dict[str, str] = {}
    for value in values:
        item_id, sep, text = value.partition("=")
        item_id = item_id.strip()
        if not sep or not item_id or not text.strip():
            raise WorkflowError(f"--item {value!r} must be ID=TEXT", hint="e.g. --item 13-1-a='quote the DPO clause'")
        session.item(item_id)
        comments[item_id] = f"{comments[item_id]}\n{text.strip()}" if item_id in comments else text.strip()
    return comments


@_locked
def cmd_request_changes(args: argparse.Namespace) -> int:
    session = load_session(args.session)
    comments = _item_comments(args.item, session)
    request_changes(session, reviewer=args.reviewer, comment=args.comment, item_comments=comments)
    save_session(session, args.session)
    print(f"changes requested: {safe(str(args.session))} is back with its preparer ({len(comments)} item comments)")
    return 0


@_locked
def cmd_reopen(args: argparse.Namespace) -> int:
    session = load_session(args.session)
    voided = session.signoff if session.state == "signed-off" else None
    reopen(session, reason=args.reason)
    save_session(session, args.session)
    if voided:
        print(f"reopened: sign-off by {safe(voided.reviewer)} at {iso(voided.at)} voided (kept in the history)")
    else:
        print("reopened: withdrawn from review")
    return 0


# --------------------------------------------------------------------------- verify and export


def _report(path: Path, result: Verification) -> int:
    if result.valid:
        print(safe(result.summary()))
        for note in result.notes:
            print(f"  {safe(note)}")
        return EXIT_VALID
    print(f"invalid: {safe(str(path))} ({result.kind})")
    for problem in result.problems or ["not signed off"]:
        print(f"  - {safe(problem)}")
    for note in result.notes:
        print(f"  note: {safe(note)}")
    return EXIT_INVALID


def cmd_verify(args: argparse.Namespace) -> int:
    path: Path = args.file
    if args.allowed_signers is not None and not is_regular_file(args.allowed_signers):
        raise WorkflowError("no such allowed-signers file", path=args.allowed_signers)
    data = read_input_bytes(path, SessionError, "session or export", missing_hint="check the path")
    text = data.decode("utf-8", "replace")
    if path.suffix.lower() != ".toml" and (format_for(path) or looks_like_export(text)):
        return _report(path, verify_export(path, allowed_signers=args.allowed_signers))
    try:
        session = load_session(path)
    except AuditorError as error:
        raise SessionError(f"not a readable session or export ({error.message})", path=path) from None
    return _report(path, verify_session(session, allowed_signers=args.allowed_signers))


def cmd_export(args: argparse.Namespace) -> int:
    audit = Audit.open(args.session)
    for warning in audit.warnings:
        if "checklist" in warning:
            print(f"auditor-tui: warning: {safe(warning)}", file=sys.stderr)
    if args.output is None:
        text = export_text(audit.session, audit.checklist, args.format or "md")
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
        return 0
    fmt = write_export(audit.session, audit.checklist, args.output, args.format, force=args.force)
    state = "signed off" if audit.session.state == "signed-off" else "DRAFT - not signed off"
    print(f"wrote {safe(str(args.output))} ({fmt}, {state})")
    return 0
