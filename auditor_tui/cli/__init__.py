"""The ``auditor-tui`` command: argparse subcommands, one module per area.

Each module in this package has ``register(subparsers)``, which adds its subcommands and sets
``func`` on them, and is listed in :data:`COMMANDS` by the subcommands it adds: a command line
imports only the module of the subcommand it runs (``--help`` and an unknown command import them
all), so ``auditor-tui verify`` never loads the policy readers nor Textual. Every command returns an exit code. Errors the user can fix are raised as
:class:`~auditor_tui.core.errors.AuditorError` and printed here as one line on stderr with
exit status 2; nothing else should escape.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from auditor_tui import __version__
from auditor_tui.core.errors import AuditorError
from auditor_tui.ui.startup import pause_collector, resume_collector

COMMANDS: dict[str, str] = {
    # subcommand: the module of auditor_tui.cli that registers it (one line per subcommand)
    "checklists": "audit",
    "clauses": "audit",
    "review": "audit",
    "sample": "audit",
    "resume": "audit",
    "start": "audit",
    "suggest": "suggest",
    "submit": "workflow",
    "signoff": "workflow",
    "request-changes": "workflow",
    "reopen": "workflow",
    "verify": "workflow",
    "export": "workflow",
    "diff": "reaudit",
    "crosswalks": "crosswalk",
    "config": "config",
    "report": "report",
    "item": "item",
    "merge-driver": "merge",
    "git-setup": "merge",
}
DEFAULT_COMMAND = "start"
APP_COMMANDS = frozenset({"review", "sample", "resume", "start"})
"""The subcommands that open the app: the cyclic garbage collector waits for its first frame."""

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line naming the fix."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser with every subcommand, or with only *command*'s module (when it is known)."""
    parser = _Parser(
        prog="auditor-tui",
        description="Audit a privacy policy against a compliance checklist, in the terminal. "
        "With no command, opens the start screen.",
    )
    parser.add_argument("--version", action="version", version=f"auditor-tui {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    names = [COMMANDS[command]] if command in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for name in names:
        importlib.import_module(f"auditor_tui.cli.{name}").register(subparsers)
    return parser


def _command(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line: the first word not an option (the top-level
    options take no value); the default with no arguments; None for ``--help`` alone."""
    if not argv:
        return DEFAULT_COMMAND
    return next((word for word in argv if not word.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    command = _command(argv)
    if command in APP_COMMANDS:
        pause_collector()  # until the app's first frame (auditor_tui/ui/startup.py)
    try:
        return _run(argv, command)
    finally:
        resume_collector()  # whatever happened, once the command ends


def _run(argv: list[str], command: str | None) -> int:
    parser = build_parser(command)
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:  # no command: the start screen
        func = importlib.import_module(f"auditor_tui.cli.{COMMANDS[DEFAULT_COMMAND]}").cmd_start
    try:
        return func(args)
    except AuditorError as error:
        print(f"auditor-tui: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (e.g. `| head`): not an error
        return 0
