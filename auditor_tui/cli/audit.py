"""CLI commands to list checklists, show how a policy was read, and start or resume audits."""

from __future__ import annotations

import argparse
from pathlib import Path

from auditor_tui.cli._output import print_json, safe
from auditor_tui.cli.config import settings
from auditor_tui.core.audit import Audit, sample_policy_path, start_sample
from auditor_tui.core.checklist import list_checklists
from auditor_tui.core.config import Config
from auditor_tui.core.errors import AuditorError
from auditor_tui.core.policy import POLICY_KINDS, Clause, Policy, Section, read_policy_data
from auditor_tui.core.session import find_sessions, restore_backup
from auditor_tui.core.source import OpenedPolicy, open_policy, open_policy_ahead
from auditor_tui.core.urls import DEFAULT_TIMEOUT


def add_source_options(p: argparse.ArgumentParser) -> None:
    """``--whole-page`` and ``--timeout``: how a web page or a URL is read."""
    p.add_argument(
        "--whole-page",
        action="store_true",
        help="read all of a web page (menus, footers, hidden parts), not only its main content",
    )
    p.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="for a URL: how long to wait for the server (default: %(default)g)",
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("give a number of seconds between 0 and 3600")
    return value


CHECKLIST_HELP = "default: default_checklist from the config (auditor-tui config), else gdpr-transparency"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("checklists", help="list the checklists found", description="List the checklists found.")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_checklists)

    p = subparsers.add_parser(
        "clauses",
        help="show how a policy is read into sections and clauses",
        description="Show the sections and clauses a policy file is read into.",
    )
    p.add_argument("policy", metavar="POLICY", help=f"the policy: {POLICY_KINDS}, or an http(s) URL")
    p.add_argument("--format", choices=("text", "json"), default="text")
    add_source_options(p)
    p.set_defaults(func=cmd_clauses)

    p = subparsers.add_parser(
        "review", help="start a new audit of a policy", description="Start a new audit of POLICY in the review screen."
    )
    p.add_argument("policy", metavar="POLICY", help="the policy file to audit, or its http(s) URL")
    p.add_argument("--checklist", metavar="ID|PATH", help=CHECKLIST_HELP)
    p.add_argument("--session", type=Path, metavar="PATH", help="session file to create (default: in sessions_dir)")
    p.add_argument("--auditor", default="", metavar="NAME", help="default: the config's auditor, else your login name")
    p.add_argument("--title", default="", metavar="TEXT", help="the audit's title")
    p.add_argument(
        "--from",
        dest="from_session",
        type=Path,
        metavar="OLD_SESSION",
        help="re-audit: carry the audit of an earlier version of this policy forward",
    )
    p.add_argument(
        "--reuse",
        dest="reuse_session",
        type=Path,
        metavar="SESSION",
        help="start with the evidence of SESSION (an audit of this policy, or of an earlier version, against "
        "another checklist) proposed for the related items of --checklist (nothing is decided for you)",
    )
    add_source_options(p)
    p.set_defaults(func=cmd_review)

    p = subparsers.add_parser(
        "sample",
        help="open the bundled sample policy with the default checklist",
        description="Review the bundled sample policy (iomart, 2018) against the default checklist. "
        "Resumes your last unfinished sample audit in the sessions folder if there is one.",
    )
    p.add_argument("--checklist", metavar="ID|PATH", help=CHECKLIST_HELP)
    p.set_defaults(func=cmd_sample)

    p = subparsers.add_parser("resume", help="reopen a saved audit", description="Reopen a saved audit.")
    p.add_argument("session", metavar="SESSION", type=Path, help="a session file (sessions/*.toml)")
    p.add_argument("--checklist", default=None, metavar="ID|PATH", help="use this checklist file instead")
    p.add_argument(
        "--restore-backup",
        action="store_true",
        help="the session file is damaged (its content cannot be read): put back its previous save "
        "(SESSION.bak); the damaged file is kept as SESSION.broken. A session that loads is never replaced",
    )
    p.set_defaults(func=cmd_resume)

    p = subparsers.add_parser("start", help="open the start screen (the default)", description="Open the start screen.")
    p.set_defaults(func=cmd_start)


# --------------------------------------------------------------------------- listing


def cmd_checklists(args: argparse.Namespace) -> int:
    checklists = list_checklists()
    if args.format == "json":
        print_json(
            [
                {
                    "id": c.id,
                    "title": c.title,
                    "version": c.version,
                    "items": len(c.items),
                    "source": c.source,
                    "path": str(c.path),
                }
                for c in checklists
            ]
        )
        return 0
    if not checklists:
        print("No checklists found.")
        return 0
    width = max(len(c.id) for c in checklists)
    for c in checklists:
        print(f"{c.id:<{width}}  v{c.version:<7} {len(c.items):>3} items  {safe(c.title)}")
        print(f"{'':<{width}}  source: {safe(c.source)}")
        print(f"{'':<{width}}  path:   {c.path}")
    return 0


def cmd_clauses(args: argparse.Namespace) -> int:
    opened = open_policy(args.policy, whole_page=args.whole_page, timeout=args.timeout)
    policy = opened.policy
    if args.format == "json":
        print_json(
            {
                "policy": {
                    "path": args.policy,
                    "sha256": policy.sha256,
                    "clauses": len(policy.clauses),
                    **provenance_json(opened),
                },
                "sections": [
                    {"id": s.id, "title": s.title, "level": s.level, "path": list(s.path)} for s in policy.sections
                ],
                "clauses": [
                    {"id": c.id, "section": c.section_label, "text": c.text, "start": c.start, "end": c.end}
                    | ({"page": c.page} if c.page is not None else {})
                    for c in policy.clauses
                ],
            }
        )
        return 0
    for warning in policy.warnings:
        print(f"warning: {safe(warning)}")
    print(
        f"{safe(args.policy)}: {len(policy.sections)} sections, {len(policy.clauses)} clauses, sha256 {policy.sha256}"
    )
    for line in provenance_lines(opened):
        print(line)
    blocks: list[Section | Clause] = sorted([*policy.sections, *policy.clauses], key=lambda block: block.start)
    for block in blocks:
        if isinstance(block, Section):
            print(f"\n{'#' * block.level} {safe(block.title)}")
        else:
            text = safe(block.text).replace("\n", "\n        ")
            page = f"p. {block.page}  " if block.page is not None else ""
            print(f"  {block.id:>5}  {page}{text}")
    return 0


def provenance_json(opened: OpenedPolicy) -> dict[str, object]:
    p = opened.provenance
    return {
        "source": p.source,
        "format": p.format,
        "raw_sha256": p.raw_sha256,
        "retrieved": p.retrieved.strftime("%Y-%m-%dT%H:%M:%SZ") if p.retrieved else None,
        "http_status": p.http_status,
        "content_type": p.content_type or None,
        "final_url": p.final_url or None,
        "whole_page": p.whole_page,
    }


def provenance_lines(opened: OpenedPolicy) -> list[str]:
    """Where the policy came from, and for a web page how much of it was kept."""
    p = opened.provenance
    lines = []
    if p.retrieved is not None:
        lines.append(
            f"fetched {p.retrieved:%Y-%m-%dT%H:%M:%SZ}: HTTP {p.http_status}, {safe(p.content_type or 'no content type')}"
            + (f", redirected to {safe(p.final_url)}" if p.final_url else "")
            + f", {len(opened.data):,} bytes, raw sha256 {p.raw_sha256}"
        )
    else:
        lines.append(f"format {p.format}, {len(opened.data):,} bytes, raw sha256 {p.raw_sha256}")
    if p.format in ("html", "mhtml") and not p.whole_page:
        whole = _whole_page(opened)
        if whole is not None:
            share = _words(opened.policy) / max(1, _words(whole))
            lines.append(
                f"web page: kept {len(opened.policy.clauses)} of {len(whole.clauses)} clauses "
                f"({share:.0%} of the words); --whole-page reads everything"
            )
    return lines


def _whole_page(opened: OpenedPolicy) -> Policy | None:
    try:
        return read_policy_data(opened.data, opened.policy.path or Path("page.html"), whole_page=True)
    except AuditorError:
        return None


def _words(policy: Policy) -> int:
    return len(policy.text.split())


# --------------------------------------------------------------------------- the app


def _run(config: Config, audit: Audit | None = None) -> int:
    from auditor_tui.ui.app import AuditorApp  # Textual is imported only when the app runs

    app = AuditorApp(audit=audit, config=config)
    app.run()
    return app.return_code or 0


def cmd_start(args: argparse.Namespace) -> int:
    return _run(settings())


def cmd_review(args: argparse.Namespace) -> int:
    config = settings()
    if args.from_session is not None and args.reuse_session is not None:
        raise AuditorError("--from and --reuse cannot be combined", hint="re-audit first, then reuse the re-audit")
    # What every way of starting an audit takes from the command line.
    new = {
        "session_path": args.session,
        "auditor": args.auditor or config.identity(),
        "title": args.title,
        "sessions_dir": config.sessions_dir,
        "whole_page": args.whole_page,
        "timeout": args.timeout,
    }
    if args.reuse_session is not None:
        from auditor_tui.core.reuse import start_reuse

        audit, summary = start_reuse(args.policy, args.checklist or config.default_checklist, args.reuse_session, **new)
        print(f"Started {audit.path}: {summary.line()}")
        return _run(config, audit)
    if args.from_session is not None:
        from auditor_tui.core.reaudit import start_reaudit

        # checklist None: the old audit's checklist
        audit, diff = start_reaudit(args.policy, args.from_session, checklist=args.checklist, **new)
        print(f"Carried forward to {audit.path}: {diff.summary_line()}")
        return _run(config, audit)
    read = open_policy_ahead(args.policy, whole_page=args.whole_page, timeout=args.timeout)
    import auditor_tui.ui.app  # noqa: F401  (Textual loads here while a long policy is read in a child process)

    audit = Audit.start(args.policy, args.checklist or config.default_checklist, read=read, **new)
    return _run(config, audit)


def cmd_sample(args: argparse.Namespace) -> int:
    config = settings()
    sample = sample_policy_path()
    checklist = args.checklist or config.default_checklist
    for path, session in find_sessions(config.sessions_dir):
        if (
            not isinstance(session, Exception)
            and session.editable
            and Path(session.policy.path).name == sample.name
            and session.checklist.id == checklist
        ):
            return _run(config, Audit.open(path))
    return _run(config, start_sample(checklist, config.sessions_dir, auditor=config.identity()))


def cmd_resume(args: argparse.Namespace) -> int:
    if args.restore_backup:
        broken = restore_backup(args.session)
        print(f"Restored the previous save of {args.session}; the unreadable file is kept as {broken}")
    config = settings()
    return _run(config, Audit.open(args.session, checklist=args.checklist))
