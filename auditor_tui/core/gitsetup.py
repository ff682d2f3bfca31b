"""Setting a git repository up so session files merge with auditor-tui's merge driver.

Two things make git use a merge driver: an attribute naming it for the files
(``sessions/*.toml merge=auditor-tui`` in ``.gitattributes``, committed so the whole team has
it) and the driver's command in the repository's config (``merge.auditor-tui.driver``, which
git never takes from a clone: each member runs ``auditor-tui git-setup`` once).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from auditor_tui.core.errors import AuditorError

DRIVER = "auditor-tui"
DEFAULT_PATTERN = "sessions/*.toml"
DEFAULT_COMMAND = "auditor-tui"
DRIVER_NAME = "auditor-tui: merge audits item by item, history kept whole"


class GitSetupError(AuditorError):
    """Not in a git repository, or git cannot be run."""


def _git(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    git = shutil.which("git")
    if git is None:
        raise GitSetupError("git is not installed (or not on PATH)", hint="install git, then run git-setup again")
    try:
        return subprocess.run([git, *args], cwd=directory, capture_output=True, text=True, check=False, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise GitSetupError(f"cannot run git: {error}") from None


def repository_root(directory: Path) -> Path:
    """The top of the git work tree *directory* is in (GitSetupError outside one)."""
    done = _git(directory, "rev-parse", "--show-toplevel")
    if done.returncode != 0 or not done.stdout.strip():
        raise GitSetupError(
            "not inside a git repository", path=directory, hint="run it from your audits' repository (or git init one)"
        )
    return Path(done.stdout.strip())


def driver_command(command: str = DEFAULT_COMMAND) -> str:
    return f"{command} merge-driver %O %A %B %P"


def git_setup(directory: Path, *, pattern: str = DEFAULT_PATTERN, command: str = DEFAULT_COMMAND) -> list[str]:
    """Write the attribute and the config if they are not there; what was done, in lines."""
    if not pattern.strip() or any(c.isspace() for c in pattern):
        raise GitSetupError(f"pattern {pattern!r} must be one path pattern without spaces, e.g. {DEFAULT_PATTERN}")
    root = repository_root(directory)
    done = [_attribute(root, pattern)]
    for key, value in ((f"merge.{DRIVER}.name", DRIVER_NAME), (f"merge.{DRIVER}.driver", driver_command(command))):
        current = _git(root, "config", "--local", "--get", key)
        if current.returncode == 0 and current.stdout.rstrip("\n") == value:
            done.append(f"git config {key} is already {value!r}")
            continue
        if _git(root, "config", "--local", key, value).returncode != 0:
            raise GitSetupError(f"cannot set git config {key}", path=root, hint="check .git/config is writable")
        done.append(f"set git config {key} = {value!r}")
    if all(" already " in line for line in done):
        done.append("nothing changed: this repository was already set up")
    else:
        done.append(f"commit {_relative(root / '.gitattributes', root)} so the team merges audits the same way")
    return done


def _relative(path: Path, root: Path) -> str:
    return str(path.relative_to(root))


def _attribute(root: Path, pattern: str) -> str:
    attributes = root / ".gitattributes"
    line = f"{pattern} merge={DRIVER}"
    try:
        text = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    except (OSError, UnicodeDecodeError) as error:
        raise GitSetupError(f"cannot read it: {error}", path=attributes) from None
    if any(existing.split() == line.split() for existing in text.splitlines()):
        return f".gitattributes already has '{line}'"
    try:
        with attributes.open("a", encoding="utf-8") as handle:
            handle.write(("\n" if text and not text.endswith("\n") else "") + line + "\n")
    except OSError as error:
        raise GitSetupError(f"cannot write it: {error.strerror or error}", path=attributes) from None
    return f"wrote '{line}' to .gitattributes"
