"""The ``auditor-tui`` command: argparse subcommands, one module per area.

Each module in this package has ``register(subparsers)``, which adds its subcommands and sets
``func`` on them. Every command returns an exit code. Errors the user can fix are raised as
:class:`~auditor_tui.core.errors.AuditorError` and printed here as one line on stderr with
exit status 2; nothing else should escape.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from auditor_tui import __version__
from auditor_tui.cli import audit, config, crosswalk, item, reaudit, suggest, workflow
from auditor_tui.core.errors import AuditorError

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line naming the fix."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="auditor-tui",
        description="Audit a privacy policy against a compliance checklist, in the terminal. "
        "With no command, opens the start screen.",
    )
    parser.add_argument("--version", action="version", version=f"auditor-tui {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    for module in (audit, suggest, workflow, item, reaudit, crosswalk, config):
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None) or audit.cmd_start
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
