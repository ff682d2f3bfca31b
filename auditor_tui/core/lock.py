"""One writer per session: an advisory lock beside the session file.

``NAME.toml.lock`` is locked with ``fcntl.flock`` while an auditor has the session open for
changes, and holds who has it (user, host, pid, since) so a second instance can say so and
open the session read-only. The operating system drops the lock when its process dies, so a
lock left by a killed process is simply taken over by the next one (its stale holder line is
overwritten). Where ``fcntl`` does not exist (Windows) no lock is taken.
"""

from __future__ import annotations

import contextlib
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from auditor_tui.core.config import login_name
from auditor_tui.core.errors import SessionError
from auditor_tui.core.session import now_utc

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def lock_path(session_path: Path) -> Path:
    return session_path.with_name(session_path.name + ".lock")


@dataclass
class SessionLock:
    """A held lock; :meth:`release` (or process exit) frees it."""

    path: Path
    _fd: int | None

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
        os.close(self._fd)  # closing the descriptor drops the flock
        self._fd = None

    def __enter__(self) -> SessionLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def holder(session_path: Path) -> str:
    """Who holds the lock, as written in the lock file ("" if unknown)."""
    try:
        return lock_path(session_path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def try_lock(session_path: str | Path) -> SessionLock | None:
    """Take the session's lock, or None if another process holds it."""
    session_path = Path(session_path)
    path = lock_path(session_path)
    if fcntl is None:  # pragma: no cover - Windows
        return SessionLock(path, None)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        # A read-only directory: nobody can write the session here anyway.
        return SessionLock(path, None)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    info = f"{login_name()} on {socket.gethostname()}, pid {os.getpid()}, since {now_utc():%Y-%m-%d %H:%M} UTC\n"
    os.ftruncate(fd, 0)
    os.pwrite(fd, info.encode("utf-8"), 0)
    return SessionLock(path, fd)


def lock_or_fail(session_path: str | Path) -> SessionLock:
    """Take the lock for a command that changes the session, or say who has it."""
    lock = try_lock(session_path)
    if lock is None:
        who = holder(Path(session_path)) or "another auditor-tui"
        raise SessionError(
            f"the session is open for changes by {who}",
            path=session_path,
            hint="close it there first (q), then try again",
        )
    return lock
