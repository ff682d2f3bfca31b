"""Files the user names: reading an input, and checking where an output may be written.

Every way a path can be wrong gets one clear error: missing, a symlink loop, a directory, not
a regular file (a FIFO would block, ``/dev/zero`` never ends), too big, or not readable, and
then whose it is and what its mode is, so the user knows whom to ask.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from auditor_tui.core.errors import AuditorError

try:
    import pwd
except ImportError:  # pragma: no cover - Windows
    pwd = None  # type: ignore[assignment]

MAX_INPUT_BYTES = 64 * 1024 * 1024
"""Sessions, checklists and exports larger than this (64 MiB) are refused: no real one comes close."""

SYMLINK_LOOP = "a symlink loop (a link that leads back to itself)"

_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_NOCTTY = getattr(os, "O_NOCTTY", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)


def owner_and_mode(path: str | Path) -> str:
    """``it belongs to alice, mode 0644`` for *path* ("" if it cannot be looked at)."""
    try:
        info = os.stat(path)
    except OSError:
        return ""
    name = str(info.st_uid)
    with contextlib.suppress(KeyError, AttributeError):
        name = pwd.getpwuid(info.st_uid).pw_name
    return f"it belongs to {name}, mode {stat.S_IMODE(info.st_mode):04o}"


def folder_of(path: str | Path) -> Path:
    parent = Path(path).parent
    return parent if str(parent) else Path(".")


def why_missing(path: str | Path) -> str:
    """Why *path* cannot be found: ``no such file``, or a symlink loop (which ``exists()`` also
    reports as missing)."""
    try:
        os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return f"is {SYMLINK_LOOP}"
    return "no such file"


def is_regular_file(path: str | Path) -> bool:
    """True for a regular file (following links); False for anything else, never an error
    (``Path.is_file`` raises when a folder on the way cannot be searched)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def access_problem(error: OSError, path: str | Path) -> str:
    """What a permission error on *path* means: which folder or file, whose, what mode."""
    folder = folder_of(path)
    if os.name == "posix" and not os.access(folder, os.X_OK):
        return f"the folder {folder} cannot be searched by you ({owner_and_mode(folder)})"
    detail = owner_and_mode(path)
    return f"permission denied ({detail})" if detail else f"{(error.strerror or str(error)).lower()}"


def read_input_bytes(
    path: str | Path,
    error: type[AuditorError],
    kind: str,
    *,
    missing_hint: str,
    limit: int = MAX_INPUT_BYTES,
) -> bytes:
    """The bytes of the *kind* file at *path* ("session", "checklist", "session or export"),
    or an *error* saying it is missing, a loop, a directory, not a regular file, too big or
    unreadable. A FIFO or a device is never opened for a blocking read, and a file that grows
    while it is read stops being read at *limit*."""
    path = Path(path)
    hint = f"give the path of a {kind} file"
    fd = -1
    try:
        info = os.stat(path)
        if stat.S_ISREG(info.st_mode):  # anything else is refused without being opened
            fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_NOCTTY | _O_CLOEXEC | _O_BINARY)
    except FileNotFoundError:
        raise error(f"no such {kind} file", path=path, hint=missing_hint) from None
    except PermissionError as problem:
        raise error(
            f"cannot read file: {access_problem(problem, path)}", path=path, hint="ask its owner for read access"
        ) from None
    except OSError as problem:
        if problem.errno == errno.ELOOP:
            raise error(
                f"is {SYMLINK_LOOP}, not a {kind} file", path=path, hint="point the link at a real file"
            ) from None
        raise error(f"cannot read file: {problem.strerror or problem}", path=path) from None
    if stat.S_ISDIR(info.st_mode):
        raise error(f"is a directory, not a {kind} file", path=path, hint=hint)
    if not stat.S_ISREG(info.st_mode):
        raise error(f"is not a regular file, not a {kind} file", path=path, hint=hint)
    try:
        return _read_regular(fd, path, error, kind, limit)
    finally:
        os.close(fd)


def _read_regular(fd: int, path: Path, error: type[AuditorError], kind: str, limit: int) -> bytes:
    def too_big(size: int) -> AuditorError:
        return error(
            f"is {size / 1_048_576:.0f} MiB: too big for a {kind} file",
            path=path,
            hint=f"check that this is a {kind} file",
        )

    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # replaced between stat() and open()
            raise error(f"is not a regular file, not a {kind} file", path=path, hint=f"give the path of a {kind} file")
        if info.st_size > limit:
            raise too_big(info.st_size)
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as problem:
        raise error(f"cannot read file: {problem.strerror or problem}", path=path) from None
    if total > limit:
        raise too_big(total)
    return b"".join(chunks)


# --------------------------------------------------------------------------- writing


def write_problem(path: str | Path) -> str:
    """Why an atomic save (a new file in the same folder renamed over *path*) would fail here,
    or "" if it can be done: a folder that is not writable or searchable, a file that is not
    writable by you, a sticky folder (``+t``) where the file is someone else's, a read-only
    file system."""
    path = Path(path)
    folder = folder_of(path)
    if os.name != "posix":  # pragma: no cover - the modes below are POSIX
        return ""
    try:
        folder_info = os.stat(folder)
    except OSError as error:
        return f"the folder {folder} cannot be used ({error.strerror or error})"
    with contextlib.suppress(OSError, AttributeError):
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return f"the folder {folder} is on a read-only file system"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder {folder} is not writable by you ({owner_and_mode(folder)})"
    try:
        file_info = os.stat(path)
    except FileNotFoundError:
        return ""
    except OSError as error:
        return f"the file cannot be used ({error.strerror or error})"
    if not os.access(path, os.W_OK):
        return f"the file is not writable by you ({owner_and_mode(path)})"
    me = os.geteuid()
    if folder_info.st_mode & stat.S_ISVTX and me != 0 and me not in (file_info.st_uid, folder_info.st_uid):
        return (
            f"the folder {folder} is sticky (+t) and the file is not yours ({owner_and_mode(path)}): "
            "only its owner can replace it"
        )
    return ""


def looks_like_session(path: str | Path) -> bool:
    """True if the regular file at *path* is (or was) an auditor-tui session, by its name
    (``.toml``, ``.toml.bak``, ``.toml.broken``) or by its first lines."""
    path = Path(path)
    if ".toml" in (suffix.lower() for suffix in path.suffixes):
        return True
    try:
        fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_NOCTTY | _O_CLOEXEC | _O_BINARY)
    except OSError:
        return False
    try:
        head = os.read(fd, 4096)
    except OSError:
        return False
    finally:
        os.close(fd)
    return head.lstrip(b"\xef\xbb\xbf").startswith(b"# auditor-tui session") or (
        b"schema_version" in head and b"[audit]" in head
    )


def check_output_path(path: str | Path, error: type[AuditorError]) -> bool:
    """Refuse (raise *error*) to write an output (an export) to *path* when that would replace
    a session file or anything that is not a regular file (a device node, a FIFO, a symbolic
    link, a folder). True when another regular file is there (replace it only when asked)."""
    path = Path(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    except OSError as problem:
        message = f"is {SYMLINK_LOOP}" if problem.errno == errno.ELOOP else f"cannot be checked ({problem.strerror})"
        raise error(message, path=path, hint="choose another file name") from None
    kinds = {stat.S_IFLNK: "a symbolic link", stat.S_IFDIR: "a folder", stat.S_IFIFO: "a FIFO"}
    if not stat.S_ISREG(info.st_mode):
        what = kinds.get(stat.S_IFMT(info.st_mode), "a device or special file")
        raise error(f"is {what}, not a regular file: not replaced", path=path, hint="give the name of a new file")
    if looks_like_session(path):
        raise error(
            "is an audit session file: an export never replaces one", path=path, hint="choose another file name"
        )
    return True
