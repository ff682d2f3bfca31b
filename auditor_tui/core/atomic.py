"""Crash-safe writes: a file on disk is always either the old version or the new one.

The new content goes to a temporary file in the same directory, is flushed and fsynced, and
then replaces the target with :func:`os.replace` (atomic on POSIX and Windows). The directory
is fsynced too, so the rename itself survives a power cut. The previous version is kept as
``NAME.bak`` (a hard link where the file system allows it, so this costs no copy).

A temporary file is named ``.NAME.PID-HOST.XXXXXXXX.tmp`` (its writer's process id and a tag
of its host), so one left by a killed writer can be told from one being written:
:func:`clean_stale_temporaries` removes those of a file whose writer is gone or that are older
than a minute (no save takes that long).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import socket
import tempfile
import time
from pathlib import Path

STALE_AFTER = 60.0
"""Seconds after which a temporary file is left over whoever wrote it."""


def _host_tag() -> str:
    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]


def _writer_tag() -> str:
    return f"{os.getpid()}-{_host_tag()}"


def backup_path(path: Path) -> Path:
    """Where the previous good version of *path* is kept."""
    return path.with_name(path.name + ".bak")


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _keep_backup(path: Path) -> None:
    if not path.is_file():
        return
    bak = backup_path(path)
    tmp = bak.with_name(f".{bak.name}.{_writer_tag()}.link.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    try:
        os.link(path, tmp)
    except OSError:
        tmp.write_bytes(path.read_bytes())
    os.replace(tmp, bak)


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write_bytes(path: str | Path, data: bytes, *, backup: bool = False) -> None:
    """Write *data* to *path* atomically; with *backup*, keep the old file as ``.bak``."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.{_writer_tag()}.", suffix=".tmp", dir=directory)
    try:
        # mkstemp makes the file private (0600): give it the old file's mode, or the usual one.
        os.chmod(tmp_name, _mode_for(path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if backup:
            _keep_backup(path)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(directory)


def atomic_write_text(path: str | Path, text: str, *, backup: bool = False) -> None:
    """Write *text* (UTF-8) to *path* atomically."""
    atomic_write_bytes(path, text.encode("utf-8"), backup=backup)


def _writer_is_gone(pid: int, host: str) -> bool:
    if os.name != "posix" or host != _host_tag() or pid == os.getpid():
        # Another host's process cannot be looked up, our own may be writing, and on Windows
        # os.kill(pid, 0) would end the process rather than look for it.
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # it exists (another user's, say)
        return False
    return False


def clean_stale_temporaries(path: str | Path, *, max_age: float = STALE_AFTER) -> list[Path]:
    """Remove the temporary files that writes of *path* (and of its ``.bak``) left behind
    when killed: those whose writer process is gone, and any older than *max_age* seconds.
    A live writer's file is never touched. Call it while holding the file's lock. Returns
    what was removed."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    names = "|".join(re.escape(name) for name in (path.name, backup_path(path).name))
    pattern = re.compile(rf"\.(?:{names})\.(?:(?P<pid>\d+)-(?P<host>[0-9a-f]{{6}})\.)?[A-Za-z0-9_]+\.tmp")
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            old = now - entry.stat(follow_symlinks=False).st_mtime > max_age
            gone = match["pid"] is not None and _writer_is_gone(int(match["pid"]), match["host"])
            if old or gone:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue  # someone else's, or already gone: leave it
    return removed
