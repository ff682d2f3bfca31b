"""``auditor-tui config``: where the config file is and the values in effect."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import tomli_w

from auditor_tui.cli._output import print_json, safe
from auditor_tui.core.config import CONFIG_ENV, Config, current


def settings() -> Config:
    """The user's config for a command; a warning about the file goes to stderr (once per command)."""
    config = current()
    if config.warning:
        print(f"auditor-tui: warning: {safe(config.warning)}", file=sys.stderr)
    return config


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "config",
        help="show the config file's path and the values in effect",
        description=f"Show where the config file is read from (${CONFIG_ENV} overrides it) and the values in "
        "effect: the file's over the defaults. The keymap lists every binding id with its keys.",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_config)


def effective(config: Config) -> tuple[dict[str, Any], list[str]]:
    """The values in effect, with every binding id in the keymap, and what the UI ignores."""
    from auditor_tui.ui.app import config_problems  # the UI knows its themes and bindings
    from auditor_tui.ui.keys import effective_keymap

    problems = config_problems(config)
    values = config.values()
    values["keymap"] = effective_keymap(config.keymap)
    return values, problems


def cmd_config(args: argparse.Namespace) -> int:
    config = settings()
    values, problems = effective(config)
    for problem in problems:
        print(f"auditor-tui: warning: {safe(problem)}", file=sys.stderr)
    if args.format == "json":
        print_json({"path": str(config.path), "found": config.found, "warning": config.warning, **values})
        return 0
    state = "found" if config.found and not config.warning else "ignored" if config.found else "not found"
    print(f"# config file: {safe(str(config.path))} ({state})")
    if not config.auditor:
        print("# auditor: not set, so your login name")
    print("# values in effect (copy any line into the file to change it):")
    sys.stdout.write(safe(tomli_w.dumps(values)))
    return 0
