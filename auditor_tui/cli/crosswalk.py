"""CLI command to list the crosswalks between checklists and show one's pairs."""

from __future__ import annotations

import argparse
import shutil
import textwrap
from pathlib import Path
from typing import Any

from auditor_tui.cli._output import print_json, safe
from auditor_tui.core.checklist import Checklist, find_checklist
from auditor_tui.core.crosswalk import RELATIONS, Crosswalk, CrosswalkScan, find_crosswalk, scan_crosswalks
from auditor_tui.core.errors import AuditorError

EXIT_SOME_BROKEN = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this module's subcommands."""
    p = subparsers.add_parser(
        "crosswalks",
        help="list the crosswalks that pair items of two checklists",
        description="List the crosswalks found (pairs of related items across two checklists), or show one "
        "crosswalk's pairs with --show. Files that cannot be read are listed with their error; the exit "
        "status is then 1.",
    )
    p.add_argument("--show", metavar="ID|PATH", help="print the pairs of this crosswalk")
    p.add_argument(
        "--sessions",
        nargs=2,
        type=Path,
        metavar=("A", "B"),
        help="with --show: two audits of the crosswalk's two checklists; print each item of A with its "
        "counterparts in B and both statuses",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_crosswalks)


def cmd_crosswalks(args: argparse.Namespace) -> int:
    if args.sessions and not args.show:
        raise AuditorError("--sessions needs --show ID", hint="e.g. crosswalks --show gdpr-ccpa --sessions A B")
    if args.sessions:
        from auditor_tui.cli.crosswalk_sessions import show_sessions

        return show_sessions(find_crosswalk(args.show), *args.sessions, fmt=args.format)
    if args.show:
        crosswalk = find_crosswalk(args.show)
        if args.format == "json":
            print_json(_show_json(crosswalk))
        else:
            _print_show(crosswalk)
        return 0
    scan = scan_crosswalks()
    if args.format == "json":
        print_json(
            {
                "crosswalks": [_summary_json(c) for c in scan.crosswalks],
                "broken": [{"path": str(b.path), "error": str(b.error)} for b in scan.broken],
            }
        )
    else:
        _print_list(scan)
    return EXIT_SOME_BROKEN if scan.broken else 0


# --------------------------------------------------------------------------- listing


def _summary_json(crosswalk: Crosswalk) -> dict[str, Any]:
    return {
        "id": crosswalk.id,
        "title": crosswalk.title,
        "version": crosswalk.version,
        "a": crosswalk.a,
        "b": crosswalk.b,
        "pairs": len(crosswalk.pairs),
        "source": crosswalk.source,
        "reviewed": crosswalk.reviewed,
        "path": str(crosswalk.path),
    }


def _print_list(scan: CrosswalkScan) -> None:
    if not scan.crosswalks and not scan.broken:
        print("No crosswalks found.")
    if scan.crosswalks:
        width = max(len(c.id) for c in scan.crosswalks)
        for c in scan.crosswalks:
            print(f"{c.id:<{width}}  v{c.version:<7} {c.a} <-> {c.b}  {len(c.pairs)} pairs")
            print(f"{'':<{width}}  {safe(c.title)}")
            print(f"{'':<{width}}  source:   {safe(c.source)}")
            if c.reviewed:
                print(f"{'':<{width}}  reviewed: {c.reviewed}")
            print(f"{'':<{width}}  path:     {safe(str(c.path))}")
    if scan.broken:
        if scan.crosswalks:
            print()
        print(f"Could not be read ({len(scan.broken)}; fix or remove):")
        for bad in scan.broken:
            print(f"  {safe(str(bad.error))}")


# --------------------------------------------------------------------------- one crosswalk


def _titles(checklist_id: str) -> dict[str, str]:
    checklist: Checklist = find_checklist(checklist_id)
    return {item.id: item.title for item in checklist.items}


def _show_json(crosswalk: Crosswalk) -> dict[str, Any]:
    titles_a, titles_b = _titles(crosswalk.a), _titles(crosswalk.b)
    return {
        **_summary_json(crosswalk),
        "description": crosswalk.description,
        "sha256": crosswalk.sha256,
        "relations": RELATIONS,
        "pairs": [
            {
                "a": p.a,
                "a_title": titles_a.get(p.a, ""),
                "relation": p.relation,
                "b": p.b,
                "b_title": titles_b.get(p.b, ""),
                "note": p.note,
            }
            for p in crosswalk.pairs
        ],
    }


def _print_show(crosswalk: Crosswalk) -> None:
    titles_a, titles_b = _titles(crosswalk.a), _titles(crosswalk.b)
    width = max(60, min(shutil.get_terminal_size((100, 24)).columns, 120))
    print(f"{crosswalk.id}  v{crosswalk.version}  {safe(crosswalk.title)}")
    print(f"a: {crosswalk.a}    b: {crosswalk.b}    {len(crosswalk.pairs)} pairs")
    print(f"source:   {safe(crosswalk.source)}")
    if crosswalk.reviewed:
        print(f"reviewed: {crosswalk.reviewed}")
    print(f"path:     {safe(str(crosswalk.path))}")
    print()
    for name, meaning in RELATIONS.items():
        print(f"  {name:<10}  {meaning}")
    print()
    col_a = max(len(crosswalk.a), *(len(p.a) for p in crosswalk.pairs))
    col_r = max(len(r) for r in RELATIONS)
    print(f"{crosswalk.a:<{col_a}}  {'relation':<{col_r}}  {crosswalk.b}")
    print(f"{'-' * col_a}  {'-' * col_r}  {'-' * len(crosswalk.b)}")
    for pair in crosswalk.pairs:
        print(f"{pair.a:<{col_a}}  {pair.relation:<{col_r}}  {pair.b}")
        titles = f"{safe(titles_a.get(pair.a, ''))}  |  {safe(titles_b.get(pair.b, ''))}"
        for line in textwrap.wrap(titles, width - 4) + textwrap.wrap(safe(pair.note), width - 4):
            print(f"    {line}")
