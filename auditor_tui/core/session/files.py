"""Session files on disk: saved atomically with a backup, loaded, restored from the backup, found."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from auditor_tui.core.atomic import atomic_write_bytes, atomic_write_text, backup_path
from auditor_tui.core.errors import SessionError
from auditor_tui.core.files import access_problem, is_regular_file, read_input_bytes
from auditor_tui.core.session.model import Session
from auditor_tui.core.session.toml_io import SessionDamaged, dumps_session, loads_session


def save_session(session: Session, path: str | Path) -> None:
    """Write the session atomically, keeping the previous save as ``PATH.bak``."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, dumps_session(session), backup=True)
    except OSError as error:
        raise SessionError(
            f"cannot save: {error.strerror or error}", path=path, hint="check the directory exists and is writable"
        ) from None


def load_session(path: str | Path) -> Session:
    """Read and check the session file at *path*."""
    path = Path(path)
    data = read_input_bytes(path, SessionError, "session", missing_hint="check the path, or list sessions/")
    try:
        text = data.decode("utf-8-sig")  # an editor may have added a BOM; checklists accept one too
        return loads_session(text, path)
    except (UnicodeDecodeError, SessionDamaged) as error:
        from auditor_tui.core.policy.readers import BY_SUFFIX  # only on this path: not at start-up

        if path.suffix.lower() in BY_SUFFIX:  # a policy given where a session is wanted
            raise SessionError(
                "not a session file (a saved audit is a .toml file, in sessions/)",
                path=path,
                hint=f"to start an audit of this policy, run 'auditor-tui review {shlex.quote(str(path))}'",
            ) from None
        if isinstance(error, SessionDamaged):
            raise
        raise SessionDamaged("not UTF-8 text: not a session file", path=path) from None


def backup_if_readable(path: str | Path) -> Path | None:
    """The previous good save of *path* (``PATH.bak``) if it exists and loads."""
    bak = backup_path(Path(path))
    if not is_regular_file(bak):
        return None
    try:
        load_session(bak)
    except SessionError:
        return None
    return bak


def restorable_backup(path: str | Path, error: SessionError) -> Path | None:
    """The backup to offer when loading *path* failed with *error*: only for a file whose
    content cannot be read as a session (never for one that is missing, unreadable for its
    permissions, or readable but refused for another reason), and only if the backup loads."""
    return backup_if_readable(path) if isinstance(error, SessionDamaged) else None


def restore_backup(path: str | Path) -> Path:
    """Put the previous good save back in place of a session file whose content is damaged;
    the damaged file is kept as ``PATH.broken`` (never deleted). A file that loads is never
    replaced. Returns where the broken file went."""
    from auditor_tui.core.lock import lock_or_fail  # the lock module imports this one

    path = Path(path)
    try:
        load_session(path)
    except SessionDamaged:
        pass
    except SessionError as error:
        raise SessionError(
            f"not restored: {error.message}", path=path, hint="only a damaged session file is replaced by its backup"
        ) from None
    else:
        raise SessionError(
            "not restored: the session file can be read, so it is kept",
            path=path,
            hint="its .bak is an older save; to undo a sign-off use 'auditor-tui reopen', to go back use git",
        )
    if backup_if_readable(path) is None:
        raise SessionError("no readable backup (.bak) of this session", path=path, hint="restore it from git")
    with lock_or_fail(path):
        broken = path.with_name(path.name + ".broken")
        number = 2
        while broken.exists():
            broken = path.with_name(f"{path.name}.broken-{number}")
            number += 1
        try:
            os.replace(path, broken)
            atomic_write_bytes(path, backup_path(path).read_bytes())
        except OSError as error:
            raise SessionError(f"not restored: {error.strerror or error}", path=path) from None
    return broken


def find_sessions(directory: str | Path = "sessions") -> list[tuple[Path, Session | SessionError]]:
    """Every ``*.toml`` session in *directory*, newest first; unreadable ones as their error.
    A folder that cannot be listed is a :class:`SessionError`."""
    directory = Path(directory)
    try:
        names = sorted(entry.name for entry in os.scandir(directory) if entry.name.endswith(".toml"))
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as error:
        problem = access_problem(error, directory / ".") if isinstance(error, PermissionError) else error.strerror
        raise SessionError(
            f"cannot list the audits in this folder: {problem}", path=directory, hint="ask its owner for access"
        ) from None
    found: list[tuple[Path, Session | SessionError]] = []
    for name in names:
        file = directory / name
        try:
            found.append((file, load_session(file)))
        except SessionError as error:
            found.append((file, error))

    def newest(entry: tuple[Path, Session | SessionError]) -> float:
        _, loaded = entry
        return loaded.updated.timestamp() if isinstance(loaded, Session) else 0.0

    return sorted(found, key=newest, reverse=True)
