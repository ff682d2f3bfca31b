"""CLI commands to list checklists, show how a policy was read, and start or resume audits."""

from __future__ import annotations

import argparse
from pathlib import Path

from auditor_tui.cli._output import print_json, safe
from auditor_tui.core.audit import DEFAULT_CHECKLIST, SESSIONS_DIR, Audit, sample_policy_path
from auditor_tui.core.checklist import list_checklists
from auditor_tui.core.policy import Section, load_policy
from auditor_tui.core.session import find_sessions, restore_backup


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("checklists", help="list the checklists found", description="List the checklists found.")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_checklists)

    p = subparsers.add_parser(
        "clauses",
        help="show how a policy is read into sections and clauses",
        description="Show the sections and clauses a policy file is read into.",
    )
    p.add_argument("policy", metavar="POLICY", help="a .txt, .md or .html policy file")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_clauses)

    p = subparsers.add_parser(
        "review", help="start a new audit of a policy", description="Start a new audit of POLICY in the review screen."
    )
    p.add_argument("policy", metavar="POLICY", help="the policy file to audit")
    p.add_argument("--checklist", default=DEFAULT_CHECKLIST, metavar="ID|PATH", help="default: %(default)s")
    p.add_argument("--session", type=Path, metavar="PATH", help="session file to create (default: in ./sessions/)")
    p.add_argument("--auditor", default="", metavar="NAME", help="default: your login name")
    p.add_argument("--title", default="", metavar="TEXT", help="the audit's title")
    p.add_argument(
        "--from",
        dest="from_session",
        type=Path,
        metavar="OLD_SESSION",
        help="re-audit: carry the audit of an earlier version of this policy forward",
    )
    p.set_defaults(func=cmd_review)

    p = subparsers.add_parser(
        "sample",
        help="open the bundled sample policy with the default checklist",
        description="Review the bundled sample policy (iomart, 2018) against the default checklist. "
        "Resumes your last unfinished sample audit in ./sessions/ if there is one.",
    )
    p.add_argument("--checklist", default=DEFAULT_CHECKLIST, metavar="ID|PATH", help="default: %(default)s")
    p.set_defaults(func=cmd_sample)

    p = subparsers.add_parser("resume", help="reopen a saved audit", description="Reopen a saved audit.")
    p.add_argument("session", metavar="SESSION", type=Path, help="a session file (sessions/*.toml)")
    p.add_argument("--checklist", default=None, metavar="ID|PATH", help="use this checklist file instead")
    p.add_argument(
        "--restore-backup",
        action="store_true",
        help="the session file is unreadable: put back its previous save (SESSION.bak); "
        "the broken file is kept as SESSION.broken",
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
    policy = load_policy(args.policy)
    if args.format == "json":
        print_json(
            {
                "policy": {"path": args.policy, "sha256": policy.sha256, "clauses": len(policy.clauses)},
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
    blocks = sorted([*policy.sections, *policy.clauses], key=lambda block: block.start)
    for block in blocks:
        if isinstance(block, Section):
            print(f"\n{'#' * block.level} {safe(block.title)}")
        else:
            text = safe(block.text).replace("\n", "\n        ")
            page = f"p. {block.page}  " if block.page is not None else ""
            print(f"  {block.id:>5}  {page}{text}")
    return 0


# --------------------------------------------------------------------------- the app


def _run(audit: Audit | None = None) -> int:
    from auditor_tui.ui.app import AuditorApp  # Textual is imported only when the app runs

    app = AuditorApp(audit=audit, sessions_dir=SESSIONS_DIR)
    app.run()
    return app.return_code or 0


def cmd_start(args: argparse.Namespace) -> int:
    return _run()


def cmd_review(args: argparse.Namespace) -> int:
    if args.from_session is not None:
        from auditor_tui.core.reaudit import start_reaudit

        audit, diff = start_reaudit(
            args.policy,
            args.from_session,
            session_path=args.session,
            checklist=None if args.checklist == DEFAULT_CHECKLIST else args.checklist,
            auditor=args.auditor,
            title=args.title,
        )
        print(f"Carried forward to {audit.path}: {diff.summary_line()}")
        return _run(audit)
    audit = Audit.start(args.policy, args.checklist, session_path=args.session, auditor=args.auditor, title=args.title)
    return _run(audit)


def cmd_sample(args: argparse.Namespace) -> int:
    sample = sample_policy_path()
    for path, session in find_sessions(SESSIONS_DIR):
        if (
            not isinstance(session, Exception)
            and session.editable
            and Path(session.policy.path).name == sample.name
            and session.checklist.id == args.checklist
        ):
            return _run(Audit.open(path))
    return _run(Audit.start(sample, args.checklist, title="Sample: iomart privacy policy (2018)"))


def cmd_resume(args: argparse.Namespace) -> int:
    if args.restore_backup:
        broken = restore_backup(args.session)
        print(f"Restored the previous save of {args.session}; the unreadable file is kept as {broken}")
    return _run(Audit.open(args.session, checklist=args.checklist))
