"""CLI commands for a team on one audit: ``merge-driver`` (git's merge driver) and ``git-setup``.

``merge-driver BASE OURS THEIRS [PATH]`` takes the arguments git passes for ``%O %A %B %P`` and
writes the merged session to OURS, as git expects: exit 0 when merged cleanly, 1 when items
conflict or a sign-off was dropped (the file still loads; resolve in the review screen, then
``git add``), 2 when a file cannot be read (OURS untouched).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from auditor_tui.cli._output import safe
from auditor_tui.core.gitsetup import DEFAULT_COMMAND, DEFAULT_PATTERN, git_setup
from auditor_tui.core.merge import merge_files
from auditor_tui.core.text import counted

EXIT_CONFLICT = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this module's subcommands."""
    p = subparsers.add_parser(
        "merge-driver",
        help="git merge driver: merge two branches of one audit item by item",
        description="Merge the three versions of a session git hands a merge driver (%O %A %B %P); "
        "the result is written to OURS. Exit 1 when items conflict (both kept, resolve them in the "
        "review screen), 2 when a file cannot be read. Set it up with 'auditor-tui git-setup'.",
    )
    p.add_argument("base", metavar="BASE", type=Path, help="the common ancestor (%%O)")
    p.add_argument("ours", metavar="OURS", type=Path, help="our version; the result is written here (%%A)")
    p.add_argument("theirs", metavar="THEIRS", type=Path, help="their version (%%B)")
    p.add_argument("path", metavar="PATH", nargs="?", default="", help="the file's path in the repository (%%P)")
    p.set_defaults(func=cmd_merge_driver)

    p = subparsers.add_parser(
        "git-setup",
        help="make git merge session files with auditor-tui (in this repository)",
        description="Write the .gitattributes line for session files (merge=auditor-tui) and the "
        "repository's merge.auditor-tui config. Running it again changes nothing.",
    )
    p.add_argument("--pattern", default=DEFAULT_PATTERN, help=f"the session files (default {DEFAULT_PATTERN})")
    p.add_argument(
        "--command",
        default=DEFAULT_COMMAND,
        help=f"how git runs auditor-tui (default {DEFAULT_COMMAND!r}; e.g. 'python3 -m auditor_tui')",
    )
    p.set_defaults(func=cmd_git_setup)


def cmd_merge_driver(args: argparse.Namespace) -> int:
    label = args.path or str(args.ours)
    result = merge_files(args.base, args.ours, args.theirs, label=args.path)
    for line in result.conflicts:
        print(f"auditor-tui: {safe(label)}: {safe(line)}", file=sys.stderr)
    if result.signoff_dropped:
        print(f"auditor-tui: {safe(label)}: {safe(result.signoff_dropped)}", file=sys.stderr)
    if result.conflicts:
        print(
            f"auditor-tui: {safe(label)}: {counted(len(result.conflicts), 'item')} in conflict, both versions kept; "
            "resolve them in the review screen, then git add the file",
            file=sys.stderr,
        )
    return 0 if result.clean else EXIT_CONFLICT


def cmd_git_setup(args: argparse.Namespace) -> int:
    for line in git_setup(Path.cwd(), pattern=args.pattern, command=args.command):
        print(safe(line))
    return 0
