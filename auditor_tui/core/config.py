"""The user's settings: ``config.toml`` in the user's config directory.

The file (``user_config_dir("auditor-tui")/config.toml``, or the path in ``$AUDITOR_TUI_CONFIG``)
is optional and every key in it is optional::

    auditor = "Alice Martin"            # who is at the keyboard (default: the login name)
    default_checklist = "gdpr-transparency"
    sessions_dir = "~/audits"           # where audits are saved and listed (default: ./sessions)
    theme = "gruvbox"                   # a Textual theme

    [keymap]                            # binding id = keys (the ids: `auditor-tui config`)
    tag = "T"

A broken file never stops the tool: it is ignored as a whole, the defaults apply, and
:attr:`Config.warning` says once which file, line and key is wrong and how to fix it (the CLI
prints it on stderr, the TUI shows it as a notification). Which themes and binding ids exist is
the UI's business; :meth:`Config.problem` words its complaints the same way.
"""

from __future__ import annotations

import difflib
import getpass
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from auditor_tui.core.errors import AuditorError
from auditor_tui.core.files import read_input_bytes
from auditor_tui.core.text import printable, shorten

APP_NAME = "auditor-tui"
CONFIG_ENV = "AUDITOR_TUI_CONFIG"
CONFIG_NAME = "config.toml"
MAX_CONFIG_BYTES = 1024 * 1024

DEFAULT_CHECKLIST = "gdpr-transparency"
SESSIONS_DIR = Path("sessions")
DEFAULT_THEME = "textual-dark"

_STRING_KEYS = ("auditor", "default_checklist", "sessions_dir", "theme")
KNOWN_KEYS = (*_STRING_KEYS, "keymap")
_IGNORED = "the file is ignored and the defaults apply"


def config_path() -> Path:
    """Where the config file is read from: ``$AUDITOR_TUI_CONFIG``, else the user's config directory."""
    override = os.environ.get(CONFIG_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_dir  # only when needed: it looks at the OS

    return Path(user_config_dir(APP_NAME)) / CONFIG_NAME


IDENTITY_VARIABLE = "AUDITOR_TUI_AUDITOR"
"""Names the person at the keyboard for this process (scripts, CI), over the config file."""


def login_name() -> str:
    """The operating system's name for the person at the keyboard."""
    try:
        return getpass.getuser()
    except Exception:  # getpass raises OSError or KeyError when no name is set
        return "auditor"


@dataclass(frozen=True)
class Config:
    """The effective settings: the file's values over the defaults."""

    path: Path
    auditor: str = ""
    """The configured name ("" = the login name); :meth:`identity` is who is at the keyboard."""
    default_checklist: str = DEFAULT_CHECKLIST
    sessions_dir: Path = SESSIONS_DIR
    theme: str = DEFAULT_THEME
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> Textual key names (``"T"``, ``"ctrl+t,T"``)."""
    found: bool = False
    """Whether the file exists (and was read)."""
    warning: str = ""
    """Why the file was ignored, in one line naming the file, line and key ("" when it was not)."""
    lines: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def identity(self) -> str:
        """Who is at the keyboard: ``$AUDITOR_TUI_AUDITOR``, else the configured auditor, else
        the login name. Every change records this name, never the audit's ``auditor`` field."""
        return " ".join(os.environ.get(IDENTITY_VARIABLE, "").split()) or self.auditor or login_name()

    def line_of(self, key: str, table: str | None = None) -> int | None:
        """The line (from 1) where *key* (of *table*, or at the top) is set in the file."""
        return _line_of(self.lines, key, table)

    def problem(self, key: str, message: str, *, table: str | None = None) -> str:
        """A one-line complaint about *key* (of *table*), naming the file and line."""
        line = self.line_of(key, table)
        where = f"{self.path}:{line}" if line else str(self.path)
        name = f"[{table}] {key}" if table else key
        return f"{where}: {printable(name)}: {message}"

    def values(self) -> dict[str, Any]:
        """The effective values, as the file would write them."""
        return {
            "auditor": self.identity(),
            "default_checklist": self.default_checklist,
            "sessions_dir": str(self.sessions_dir),
            "theme": self.theme,
            "keymap": dict(self.keymap),
        }


def load_config(path: str | Path | None = None) -> Config:
    """Read the config file at *path* (default: :func:`config_path`). Never raises for a bad
    file: the defaults apply and :attr:`Config.warning` says what is wrong."""
    named = path is None and bool(os.environ.get(CONFIG_ENV, "").strip())
    path = config_path() if path is None else Path(path)
    defaults = Config(path=path)
    if not path.exists() and not path.is_symlink():
        # No file in the usual place is normal; a file named on purpose that is not there is a mistake.
        return (
            replace(defaults, warning=f"{path}: no such file (named by ${CONFIG_ENV}); the defaults apply")
            if named
            else defaults
        )
    try:
        raw = read_input_bytes(path, AuditorError, "config", missing_hint="", limit=MAX_CONFIG_BYTES)
        text = raw.decode("utf-8-sig")
    except AuditorError as error:
        return replace(defaults, found=True, warning=f"{error}; {_IGNORED}")
    except UnicodeDecodeError as error:
        return replace(defaults, found=True, warning=f"{path}: not UTF-8 text (byte {error.start}); {_IGNORED}")
    found = replace(defaults, found=True, lines=tuple(text.splitlines()))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return replace(found, warning=_syntax_warning(found, error))
    problems: list[str] = []
    values = _validate(found, data, problems)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return replace(found, warning=f"{problems[0]}{more}; {_IGNORED}")
    return replace(found, **values)


@cache
def current() -> Config:
    """The user's config, read once per process (``current.cache_clear()`` reads it again)."""
    return load_config()


def identity() -> str:
    """Who is at the keyboard (see :meth:`Config.identity`)."""
    return current().identity()


# --------------------------------------------------------------------------- checking


def _validate(config: Config, data: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    """The file's values as :class:`Config` fields; what is wrong goes to *problems*."""
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"the keys are {', '.join(KNOWN_KEYS)}"
            problems.append(config.problem(key, f"unknown key ({hint})"))
        elif key == "keymap":
            keymap = _keymap(config, value, problems)
            if keymap is not None:
                values["keymap"] = keymap
        elif not isinstance(value, str):
            problems.append(config.problem(key, f"must be a string in quotes, not {_kind(value)}"))
        elif "\n" in value or not value.isprintable():
            problems.append(config.problem(key, "must be one line of printable text"))
        elif not value.strip() and key != "auditor":
            problems.append(config.problem(key, "must not be empty (delete the line for the default)"))
        else:
            values[key] = value.strip()
    if "sessions_dir" in values:
        values["sessions_dir"] = Path(values["sessions_dir"]).expanduser()
    if "default_checklist" in values and values["default_checklist"].startswith("~"):
        values["default_checklist"] = str(Path(values["default_checklist"]).expanduser())
    return values


def _keymap(config: Config, value: object, problems: list[str]) -> dict[str, str] | None:
    if not isinstance(value, dict):
        problems.append(
            config.problem("keymap", f'must be a table ([keymap] then lines like tag = "T"), not {_kind(value)}')
        )
        return None
    keymap: dict[str, str] = {}
    for binding, keys in value.items():
        if not isinstance(keys, str) or not keys.strip() or not keys.isprintable():
            what = _kind(keys) if not isinstance(keys, str) else "an empty or unprintable string"
            problems.append(
                config.problem(binding, f'must be keys in quotes such as "T" or "ctrl+t", not {what}', table="keymap")
            )
        else:
            keymap[binding] = ",".join(part.strip() for part in keys.split(","))
    return keymap


def _kind(value: object) -> str:
    kinds = {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "a table"}
    for kind, name in kinds.items():
        if isinstance(value, kind):
            return name
    return "a string" if isinstance(value, str) else "a date or time"


def _syntax_warning(config: Config, error: tomllib.TOMLDecodeError) -> str:
    """``PATH:LINE: not valid TOML (...) near '...'``: tomllib gives the line in its message."""
    message = str(error)
    match = re.search(r"\(at line (\d+), column \d+\)|\(at end of document\)", message)
    reason = message[: match.start()].strip() if match else message
    if match and match.group(1):
        line = int(match.group(1))
        near = config.lines[line - 1].strip() if 0 < line <= len(config.lines) else ""
        shown = f" near '{printable(shorten(near, 40))}'" if near else ""
        return f"{config.path}:{line}: not valid TOML ({reason}){shown}; {_IGNORED}"
    return f"{config.path}: not valid TOML ({reason}); {_IGNORED}"


# --------------------------------------------------------------------------- finding a key's line

_HEADER = re.compile(r"^\s*\[\[?\s*([^\[\]#]+?)\s*\]\]?\s*(?:#.*)?$")
_PART = r'(?:"[^"]*"|\'[^\']*\'|[A-Za-z0-9_-]+)'
_ASSIGNMENT = re.compile(rf"^\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=")


def _dotted(text: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in re.findall(_PART, text))


def _line_of(lines: tuple[str, ...], key: str, table: str | None) -> int | None:
    """The first line setting *key* (inside *table* when given): ``key = ...`` under the
    table's header, a dotted ``table.key = ...`` at the top, or the table's header itself."""
    want = (table, key) if table else (key,)
    current: tuple[str, ...] = ()
    fallback: int | None = None
    for number, line in enumerate(lines, 1):
        header = _HEADER.match(line)
        if header:
            current = _dotted(header.group(1))
            if current[: len(want)] == want:
                return number
            if table and current == (table,):
                fallback = fallback or number
            continue
        assignment = _ASSIGNMENT.match(line)
        if assignment:
            path = current + _dotted(assignment.group(1))
            if path[: len(want)] == want:
                return number
            if table and path[:1] == (table,):
                fallback = fallback or number
    return fallback
