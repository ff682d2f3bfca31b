"""One writer per session: an advisory lock beside the session file.

``NAME.toml.lock`` is locked with ``fcntl.flock`` while an auditor has the session open for
changes, and holds who has it (user, host, pid, since) so a second instance can say so and
open the session read-only. The operating system drops the lock when its process dies, so a
lock left by a killed process is simply taken over by the next one (its stale holder line is
overwritten).

A session is never changed without its lock: when the lock cannot be taken or checked (the
lock file is someone else's and not writable, the folder is read-only, the file system has no
locks), :func:`try_lock` raises :class:`LockUnavailable` saying why and what to do, and the
audit opens read-only. The lock file is created as writable as the session file itself, so a
team sharing a folder (``chmod 666 sessions/*.toml``) shares its locks too.

Where ``fcntl`` does not exist (Windows) no lock is taken (see the README's *Limits*).
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import stat
from dataclasses import dataclass
from pathlib import Path

from auditor_tui.core.atomic import clean_stale_temporaries
from auditor_tui.core.config import login_name
from auditor_tui.core.errors import SessionError
from auditor_tui.core.files import folder_of, owner_and_mode
from auditor_tui.core.session import now_utc

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class LockUnavailable(SessionError):
    """The session's lock cannot be taken or checked, so the session must not be changed."""


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


def _shared_mode(session_path: Path) -> int | None:
    """The lock file's mode: the session file's read/write bits, and always its owner's
    (None: leave it to the umask)."""
    try:
        return stat.S_IMODE(os.stat(session_path).st_mode) & 0o666 | 0o600
    except OSError:
        return None


def _unavailable(problem: OSError, path: Path, session_path: Path, *, creating: bool) -> LockUnavailable:
    """The one-line reason the lock file at *path* cannot be used, with what to do."""
    cause = problem.errno
    if cause == errno.ELOOP:
        return LockUnavailable(
            "the session's lock file is a symbolic link: it is not followed",
            path=path,
            hint="remove the link; auditor-tui makes a new lock file",
        )
    if cause == errno.EROFS:
        return LockUnavailable(
            "the session's lock cannot be taken: the file system is read-only",
            path=path,
            hint="copy the audit to a writable folder to change it",
        )
    if cause in (errno.EACCES, errno.EPERM) and creating:
        folder = folder_of(path)
        return LockUnavailable(
            f"the session's lock file cannot be created: the folder {folder} is not writable by you "
            f"({owner_and_mode(folder)})",
            path=path,
            hint="ask its owner for write access, or copy the audit to a folder of yours to change it",
        )
    if cause in (errno.EACCES, errno.EPERM):
        owned = owner_and_mode(path)
        owner = owned.removeprefix("it belongs to ").split(",")[0] or "its owner"
        mode = _shared_mode(session_path)
        fix = f"chmod {mode:o} {path}" if mode else f"chmod a+w {path}"
        return LockUnavailable(
            f"the session's lock file is not writable by you ({owned}), so the lock cannot be checked",
            path=path,
            hint=f"ask {owner} to make it as writable as the session file ('{fix}'), "
            "or to delete it while nobody has the audit open",
        )
    verb = "created" if creating else "opened"
    return LockUnavailable(
        f"the session's lock file cannot be {verb}: {problem.strerror or problem}",
        path=path,
        hint="fix the problem, then open the audit again",
    )


def _open_lock_file(path: Path, session_path: Path) -> int:
    """A read-write descriptor on the lock file, creating it as writable as the session."""
    for _attempt in range(3):  # the file may be created or removed between the two opens
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC, 0o666)
        except FileExistsError:
            pass
        except OSError as problem:
            raise _unavailable(problem, path, session_path, creating=True) from None
        else:
            mode = _shared_mode(session_path)
            if mode is not None:
                with contextlib.suppress(OSError):
                    os.fchmod(fd, mode)  # not masked by the umask, unlike os.open's mode
            return fd
        try:
            return os.open(path, os.O_RDWR | _O_NOFOLLOW | _O_CLOEXEC)
        except FileNotFoundError:
            continue
        except OSError as problem:
            raise _unavailable(problem, path, session_path, creating=False) from None
    raise LockUnavailable("the session's lock file keeps disappearing", path=path, hint="try again")


def try_lock(session_path: str | Path) -> SessionLock | None:
    """Take the session's lock, or None if another process holds it. Raises
    :class:`LockUnavailable` when the lock cannot be taken or checked at all.

    Once the lock is held, temporary files left by a killed save of this session are removed.
    """
    session_path = Path(session_path)
    path = lock_path(session_path)
    if fcntl is None:  # pragma: no cover - Windows
        return SessionLock(path, None)
    fd = _open_lock_file(path, session_path)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise LockUnavailable(
                "the session's lock file is not a regular file",
                path=path,
                hint="remove it; auditor-tui makes a new one",
            )
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    except OSError as problem:
        os.close(fd)
        raise LockUnavailable(
            f"the session cannot be locked here: {problem.strerror or problem}",
            path=path,
            hint="the file system may not support locks; copy the audit to a local folder to change it",
        ) from None
    except BaseException:
        os.close(fd)
        raise
    who = f"{login_name()} on {socket.gethostname()}, pid {os.getpid()}, since {now_utc():%Y-%m-%d %H:%M} UTC\n"
    with contextlib.suppress(OSError):  # the lock is held; who holds it is only a courtesy
        os.ftruncate(fd, 0)
        os.pwrite(fd, who.encode("utf-8"), 0)
    mode = _shared_mode(session_path)
    if mode is not None and info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) != mode:
        # The session's mode changed since the lock file was made (the team chmod-ed it).
        with contextlib.suppress(OSError):
            os.fchmod(fd, mode)
    clean_stale_temporaries(session_path)
    return SessionLock(path, fd)


def lock_or_fail(session_path: str | Path) -> SessionLock:
    """Take the lock for a command that changes the session, or say who has it (or why it
    cannot be taken)."""
    lock = try_lock(session_path)
    if lock is None:
        who = holder(Path(session_path)) or "another auditor-tui"
        raise SessionError(
            f"the session is open for changes by {who}",
            path=session_path,
            hint="close it there first (q), then try again",
        )
    return lock
