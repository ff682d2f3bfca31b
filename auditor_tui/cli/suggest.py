"""CLI command ``suggest``: likely evidence for every checklist item, and likely gaps."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from auditor_tui.cli._output import dumps_json, print_json, safe
from auditor_tui.cli.audit import add_source_options
from auditor_tui.core.audit import DEFAULT_CHECKLIST, SESSIONS_DIR
from auditor_tui.core.checklist import Checklist, find_checklist
from auditor_tui.core.errors import AuditorError
from auditor_tui.core.policy import POLICY_KINDS, Policy
from auditor_tui.core.source import open_policy
from auditor_tui.core.suggest import Scores, Suggester, load_exemplars

QUOTE_CHARS = 110


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this module's subcommands."""
    p = subparsers.add_parser(
        "suggest",
        help="suggest the clauses that evidence each checklist item, and likely gaps",
        description="Score every clause of each POLICY against every item of the checklist and show, per "
        "item, the most likely evidence and the items the policy probably does not cover. Clauses tagged "
        "in the audits of --sessions-dir (same checklist) are used as examples. With several policies and "
        "--format json, prints one JSON object per line (JSON Lines), in the order given.",
    )
    p.add_argument("policies", nargs="+", metavar="POLICY", help=f"a policy: {POLICY_KINDS}, or an http(s) URL")
    add_source_options(p)
    p.add_argument("--checklist", default=DEFAULT_CHECKLIST, metavar="ID|PATH", help="default: %(default)s")
    p.add_argument("--top", type=int, default=3, metavar="K", help="clauses shown per item (default: %(default)s)")
    p.add_argument(
        "--sessions-dir",
        type=Path,
        default=SESSIONS_DIR,
        metavar="DIR",
        help="audits whose tags are used as examples (default: ./%(default)s)",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_suggest)


def result_dict(path: str, policy: Policy, checklist: Checklist, scores: Scores, top: int) -> dict[str, Any]:
    """The JSON object for one policy."""
    items = []
    for item in checklist.items:
        suggestions = []
        for suggestion in scores.for_item(item.id, top=top):
            clause = policy.clause(suggestion.clause_id)
            assert clause is not None
            suggestions.append(
                {
                    "clause": clause.id,
                    "section": clause.section_label,
                    "score": suggestion.score,
                    "text": clause.text,
                }
            )
        gap = scores.gap(item.id)
        items.append(
            {
                "id": item.id,
                "title": item.title,
                "refs": list(item.refs),
                "likely_missing": gap.likely_missing,
                "missing_probability": round(gap.probability, 3),
                "gap_reason": gap.reason,
                "suggestions": suggestions,
            }
        )
    return {
        "policy": {"path": path, "sha256": policy.sha256, "clauses": len(policy.clauses)},
        "checklist": {"id": checklist.id, "version": checklist.version},
        "items": items,
    }


def _quote(text: str) -> str:
    line = " ".join(text.split())
    if len(line) > QUOTE_CHARS:
        line = line[: QUOTE_CHARS - 1].rstrip() + "…"
    return safe(line)


def print_text(result: dict[str, Any], checklist: Checklist) -> None:
    policy = result["policy"]
    print(
        f"{safe(policy['path'])}: {policy['clauses']} clauses, checklist {safe(checklist.id)} {safe(checklist.version)}"
    )
    gaps = []
    for item in result["items"]:
        flag = f"  [likely missing, {item['missing_probability']:.0%}]" if item["likely_missing"] else ""
        print(f"\n{safe(item['id'])}  {safe(item['title'])}{flag}")
        if item["likely_missing"]:
            gaps.append(item)
        if not item["suggestions"]:
            print("    (no matching clause)")
        for s in item["suggestions"]:
            where = f" [{_quote(s['section'])}]" if s["section"] else ""
            print(f"  {s['clause']:>6} {s['score']:5.1f}{where} {_quote(s['text'])}")
    print()
    if gaps:
        print(f"Likely gaps ({len(gaps)}):")
        for item in gaps:
            refs = f" ({safe(', '.join(item['refs']))})" if item["refs"] else ""
            print(f"  - {safe(item['id'])}  {safe(item['title'])}{refs}: {safe(item['gap_reason'])}")
    else:
        print("Likely gaps: none")


def cmd_suggest(args: argparse.Namespace) -> int:
    if args.top < 1:
        raise AuditorError(f"--top must be at least 1, not {args.top}")
    checklist = find_checklist(args.checklist)
    # Read every policy first, so a bad path fails before anything is printed.
    policies = [
        (source, open_policy(source, whole_page=args.whole_page, timeout=args.timeout).policy)
        for source in args.policies
    ]
    warnings: list[str] = []
    exemplars = load_exemplars(args.sessions_dir, checklist, warnings=warnings)
    for warning in warnings:
        print(f"auditor-tui: warning: skipped session {safe(warning)}", file=sys.stderr)
    suggester = Suggester(checklist, exemplars)  # the item side, built once for all policies
    several = len(policies) > 1
    for number, (path, policy) in enumerate(policies):
        for warning in policy.warnings:
            print(f"auditor-tui: warning: {safe(warning)}", file=sys.stderr)
        result = result_dict(path, policy, checklist, suggester.score(policy), args.top)
        if args.format == "json":
            if several:
                sys.stdout.write(dumps_json(result, indent=None) + "\n")
            else:
                print_json(result)
        else:
            if number:
                print("\n" + "=" * 72 + "\n")
            print_text(result, checklist)
    return 0
