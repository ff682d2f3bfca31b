"""Reading an input file the user named, with one clear error for each way it can be wrong."""

from __future__ import annotations

import stat
from pathlib import Path

from auditor_tui.core.errors import AuditorError

MAX_INPUT_BYTES = 64 * 1024 * 1024
"""Sessions and checklists larger than this (64 MiB) are refused: no real one comes close."""


def read_input_bytes(
    path: str | Path,
    error: type[AuditorError],
    kind: str,
    *,
    missing_hint: str,
    limit: int = MAX_INPUT_BYTES,
) -> bytes:
    """The bytes of the *kind* file at *path* ("session", "checklist"), or an *error* saying
    it is missing, a directory, not a regular file (a FIFO would block), too big or unreadable."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise error(f"no such {kind} file", path=path, hint=missing_hint) from None
    except OSError as problem:
        raise error(f"cannot read file: {problem.strerror or problem}", path=path) from None
    if stat.S_ISDIR(info.st_mode):
        raise error(f"is a directory, not a {kind} file", path=path, hint=f"give the path of a {kind} .toml file")
    if not stat.S_ISREG(info.st_mode):
        raise error(
            f"is not a regular file, not a {kind} file", path=path, hint=f"give the path of a {kind} .toml file"
        )
    if info.st_size > limit:
        raise error(
            f"is {info.st_size / 1_048_576:.0f} MiB: too big for a {kind} file",
            path=path,
            hint=f"check that this is a {kind} file",
        )
    try:
        return path.read_bytes()
    except OSError as problem:
        raise error(f"cannot read file: {problem.strerror or problem}", path=path) from None
