"""CLI command for re-audits: ``auditor-tui diff OLD NEW``, the clause diff of two policy versions."""

from __future__ import annotations

import argparse
from typing import Any

from auditor_tui.cli._output import print_json, safe
from auditor_tui.cli.audit import add_source_options
from auditor_tui.core.diff import Change, ClauseDiff, diff_policies
from auditor_tui.core.source import open_policy


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this module's subcommands."""
    p = subparsers.add_parser(
        "diff",
        help="compare two versions of a policy clause by clause",
        description="Compare two versions of a policy clause by clause: which clauses of NEW are "
        "unchanged, modified (with a word diff) or added, and which clauses of OLD were removed.",
    )
    p.add_argument("old", metavar="OLD", help="the old version of the policy (a file or an http(s) URL)")
    p.add_argument("new", metavar="NEW", help="the new version of the policy (a file or an http(s) URL)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    add_source_options(p)
    p.set_defaults(func=cmd_diff)


def _policy_json(path: str, diff: ClauseDiff, new: bool) -> dict[str, Any]:
    policy = diff.new if new else diff.old
    return {"path": path, "sha256": policy.sha256, "clauses": len(policy.clauses)}


def change_json(change: Change) -> dict[str, Any]:
    """One change as plain data (the ``changes`` entries of ``diff --format json``)."""
    return {
        "kind": change.kind,
        "old": change.old.id if change.old else None,
        "new": change.new.id if change.new else None,
        "similarity": change.similarity,
        "old_text": change.old_text or None,
        "new_text": change.new_text or None,
        "section": change.section,
        "old_section": change.old_section if change.old else None,
        "old_clauses": [c.id for c in change.old_group],
        "new_clauses": [c.id for c in change.new_group],
        "diff": [[op, text] for op, text in change.diff],
    }


def render_diff(ops: list[tuple[str, str]]) -> str:
    """A word diff as text: ``[-deleted-]`` and ``{+inserted+}`` around the changed words."""
    parts = []
    previous = ("", "")
    for op, text in ops:
        if op == "equal":
            parts.append(text)
        else:
            lead = text[: len(text) - len(text.lstrip())]
            body = text.strip()
            if op == "insert" and previous[0] == "delete" and lead == previous[1]:
                lead = ""  # "a [-b-]{+c+}" rather than "a [-b-] {+c+}"
            mark = ("[-", "-]") if op == "delete" else ("{+", "+}")
            parts.append(f"{lead}{mark[0]}{body}{mark[1]}" if body else text)
            previous = (op, text[: len(text) - len(text.lstrip())])
            continue
        previous = (op, "")
    return "".join(parts)


def _indent(text: str) -> str:
    return "    " + safe(text).replace("\n", "\n    ")


def cmd_diff(args: argparse.Namespace) -> int:
    old = open_policy(args.old, whole_page=args.whole_page, timeout=args.timeout).policy
    new = open_policy(args.new, whole_page=args.whole_page, timeout=args.timeout).policy
    diff = diff_policies(old, new)
    diff.warnings.extend([*old.warnings, *new.warnings])
    if args.format == "json":
        print_json(
            {
                "old": _policy_json(args.old, diff, False),
                "new": _policy_json(args.new, diff, True),
                "summary": diff.summary(),
                "changes": [change_json(change) for change in diff.changes],
                "warnings": diff.warnings,
            }
        )
        return 0
    for warning in diff.warnings:
        print(f"warning: {safe(warning)}")
    print(f"{safe(args.old)} -> {safe(args.new)}: {diff.summary_line()}")
    for change in diff.changes:
        if change.kind == "unchanged":
            continue
        section = f"  [{safe(change.section)}]" if change.section else ""
        if change.kind == "added":
            assert change.new is not None  # an added clause has its new version (core.diff.Change)
            print(f"\nadded {change.new.id}{section}")
            print(_indent(change.new_text))
        elif change.kind == "removed":
            assert change.old is not None  # a removed clause has its old version (core.diff.Change)
            print(f"\nremoved {change.old.id} (old){section}")
            print(_indent(change.old_text))
        else:
            if change.new is not change.new_group[0]:
                continue  # a later piece of a split: shown with the first
            olds = ", ".join(c.id for c in change.old_group)
            news = ", ".join(c.id for c in change.new_group)
            how = " (split)" if change.split else " (merged)" if change.merged else ""
            print(f"\nmodified {news} (was {olds}, similarity {change.similarity:.0f}){how}{section}")
            for clause in change.new_group:
                piece = diff.by_new_clause(clause.id)
                if piece is not None:
                    print(_indent(render_diff(piece.diff)))
    return 0
