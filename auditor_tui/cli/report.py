"""CLI command ``auditor-tui report DIR``: every audit in a folder on one page."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from auditor_tui.core.atomic import atomic_write_bytes, atomic_write_text
from auditor_tui.core.errors import AuditorError
from auditor_tui.core.files import check_output_path, folder_of
from auditor_tui.core.report import REPORT_FORMATS, TEXT_RENDERERS, build_report, render_xlsx

SUFFIXES = {".txt": "text", ".md": "md", ".html": "html", ".htm": "html", ".csv": "csv", ".xlsx": "xlsx"}


class ReportError(AuditorError):
    """The report cannot be made or written."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this module's subcommands."""
    p = subparsers.add_parser(
        "report",
        help="one row per audit in a folder, and the items most often missing",
        description="Report on every audit in DIR: title, policy, checklist, state, decided/total, findings by "
        "severity, overdue remediations (due before today, still missing or partial), assignees with open "
        "items; then the items most often missing across them. An unreadable session is one row saying so.",
    )
    p.add_argument("directory", metavar="DIR", type=Path, help="a folder of session files (e.g. sessions)")
    p.add_argument("--format", choices=REPORT_FORMATS, default=None, help="default: from -o's suffix, else text")
    p.add_argument("-o", "--output", metavar="FILE", type=Path, help="write to FILE (atomically) instead of stdout")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    directory: Path = args.directory
    if not directory.is_dir():
        raise ReportError("not a folder", path=directory, hint="give the folder of the session files")
    named = SUFFIXES.get(args.output.suffix.lower()) if args.output else None
    fmt = args.format or named or "text"
    if named and named != fmt:
        raise ReportError(f"the file name says {named}, not {fmt}", path=args.output)
    if args.output is None and fmt == "xlsx":
        raise ReportError("xlsx is a binary format: it is written to a file only", hint="use -o FILE.xlsx")
    report = build_report(directory)
    if args.output is None:
        sys.stdout.write(TEXT_RENDERERS[fmt](report))
        return 0
    if check_output_path(args.output, ReportError) and not args.force:
        raise ReportError("already exists", path=args.output, hint="choose another name, or replace it with --force")
    try:
        folder_of(args.output).mkdir(parents=True, exist_ok=True)
        if fmt == "xlsx":
            atomic_write_bytes(args.output, render_xlsx(report))
        else:
            atomic_write_text(args.output, TEXT_RENDERERS[fmt](report))
    except OSError as error:
        raise ReportError(f"cannot write: {error.strerror or error}", path=args.output) from None
    print(f"wrote {args.output} ({fmt}, {len(report.rows)} audits)")
    return 0
