"""An open audit: a session file with its policy and checklist, ready to review.

:class:`Audit` is what the review screen and the CLI work with. It ties the three files
together and checks they agree: the policy's fingerprint against the session's, the session's
items against the checklist. When the policy file is missing or has changed, the audit opens
**read-only** on a stand-in policy made of the quoted evidence, rather than guessing which
clause is which. Changes go to :attr:`Audit.session` through its methods, then
:meth:`Audit.save` writes the file atomically.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from auditor_tui.core.checklist import Checklist, find_checklist, load_checklist
from auditor_tui.core.config import DEFAULT_CHECKLIST as DEFAULT_CHECKLIST  # the defaults live with the config
from auditor_tui.core.config import SESSIONS_DIR as SESSIONS_DIR
from auditor_tui.core.errors import AuditorError, SessionError
from auditor_tui.core.files import folder_of, is_regular_file, write_problem
from auditor_tui.core.lock import LockUnavailable, SessionLock, holder, try_lock
from auditor_tui.core.policy import Block, Clause, Policy, assemble
from auditor_tui.core.session import (
    Session,
    SessionDamaged,
    Tag,
    check_against,
    clause_order,
    default_session_path,
    load_session,
    new_session,
    restorable_backup,
    save_session,
)
from auditor_tui.core.source import (
    DEFAULT_TIMEOUT,
    OpenedPolicy,
    is_url,
    open_policy,
    policy_ref,
    source_name,
    write_snapshot,
)


def sample_policy_path() -> Path:
    """The sample policy bundled with the package (iomart's 2018 privacy policy)."""
    return Path(str(resources.files("auditor_tui") / "samples" / "iomart-privacy-policy-2018.txt"))


SAMPLE_TITLE = "Sample: iomart privacy policy (2018)"


def start_sample(
    checklist: str | Path = DEFAULT_CHECKLIST, sessions_dir: str | Path = SESSIONS_DIR, *, auditor: str = ""
) -> Audit:
    """A new audit of the bundled sample policy, saved as ``sessions/DATE-sample-CHECKLIST.toml``:
    the repository's ``.gitignore`` ignores that name, so trying the sample in a clone leaves
    ``git status`` clean."""
    loaded = find_checklist(checklist)
    path = default_session_path("sample", loaded.id, sessions_dir)
    return Audit.start(
        sample_policy_path(), loaded.path or loaded.id, session_path=path, title=SAMPLE_TITLE, auditor=auditor
    )


def resolve_policy_path(given: str, session_path: Path) -> Path | None:
    """The policy file a session names: as given (relative to the working directory), else
    relative to the folder holding the ``sessions/`` folder, else beside the session."""
    path = Path(given)
    if path.is_absolute():
        return path if is_regular_file(path) else None
    for base in (Path.cwd(), session_path.resolve().parent.parent, session_path.resolve().parent):
        candidate = base / path
        if is_regular_file(candidate):
            return candidate
    return None


def policy_from_quotes(session: Session) -> Policy:
    """A stand-in policy made of the clauses quoted in *session*, in clause order, keeping
    their ids so the tags still point at their quotes (orphaned quotes of an earlier
    re-audit are left out: their ids belong to an older version)."""
    quotes: dict[str, Tag] = {}
    for state in session.items.values():
        for tag in state.tags:
            known = quotes.get(tag.clause)
            if not tag.orphan and (known is None or (known.is_span and not tag.is_span)):
                quotes[tag.clause] = tag  # the whole clause's quote rather than a span's
    ids = sorted(quotes, key=clause_order)
    blocks: list[Block] = []
    section: str | None = None
    for clause_id in ids:
        tag = quotes[clause_id]
        if tag.section != section:
            blocks.append(Block("heading", tag.section or "(no section)"))
            section = tag.section
        blocks.append(Block("clause", tag.text))
    if not blocks:
        blocks.append(Block("clause", "(no evidence was quoted in this audit yet)"))
        ids = ["c1"]
    policy = assemble(blocks, fmt="text", path=None, warnings=())
    clauses = tuple(Clause(ids[n], n, c.text, c.start, c.end, c.section) for n, c in enumerate(policy.clauses))
    return Policy(policy.text, policy.sections, clauses, "text", None, ())


def _on_disk(path: Path) -> tuple[int, int, int] | None:
    """What identifies the version of the file on disk (an atomic save makes a new inode)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


@dataclass
class Audit:
    """A session file opened with its policy and checklist.

    The session's lock is held only while the audit can be changed here: a read-only audit
    (signed off, waiting for review) holds none, so it never blocks the reviewer's sign-off.
    A save takes the lock if it is not held, refusing if the file changed since it was opened,
    and keeps it only for an editor (:meth:`acquire_lock`) while the audit stays editable.
    """

    session: Session
    path: Path
    policy: Policy
    checklist: Checklist
    read_only_reason: str = ""
    """Why the audit cannot be changed here ("" when it can)."""
    warnings: list[str] = field(default_factory=list)
    lock: SessionLock | None = field(default=None, repr=False, compare=False)
    disk_version: tuple[int, int, int] | None = field(default=None, repr=False, compare=False)
    """The session file as it was when opened or last saved here (None: not known)."""
    _editor: bool = field(default=False, repr=False, compare=False)

    @property
    def read_only(self) -> bool:
        return bool(self.read_only_reason) or not self.session.editable

    def acquire_lock(self) -> bool:
        """Hold the session's lock while this audit is open for interactive changes (the
        review screen calls it on opening). A read-only audit takes none now; a save that
        makes it editable (reopen, request changes) takes it. When another process holds the
        lock, or it cannot be taken, the audit becomes read-only saying why; False then."""
        self._editor = True
        if self.lock is not None or (not self.read_only_reason and not self.session.editable):
            return True
        if self.read_only_reason:
            return False
        self.lock = self._take_lock()
        return self.lock is not None

    def _take_lock(self) -> SessionLock | None:
        """The lock, or None with :attr:`read_only_reason` saying why not."""
        try:
            lock = try_lock(self.path)
        except LockUnavailable as error:
            self.read_only_reason = f"{error}; opened read-only"
            return None
        if lock is None:
            who = holder(self.path) or "another auditor-tui"
            self.read_only_reason = f"the session is open for changes by {who}; opened read-only"
            return None
        if self.disk_version is not None and _on_disk(self.path) != self.disk_version:
            lock.release()
            self.read_only_reason = (
                "the session file was changed elsewhere since it was opened here; opened read-only "
                "(open it again to see the changes)"
            )
            return None
        return lock

    def release_lock(self) -> None:
        self._editor = False
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    @property
    def policy_missing(self) -> bool:
        return self.policy.path is None

    def save(self) -> None:
        """Write the session file atomically, under its lock (refused when read-only for a
        file reason, or when the lock cannot be had: the audit then becomes read-only)."""
        if self.read_only_reason:
            raise SessionError(f"not saved: {self.read_only_reason}", path=self.path)
        if self.lock is None:
            try:
                folder_of(self.path).mkdir(parents=True, exist_ok=True)  # the lock lives beside the file
            except OSError as error:
                raise SessionError(f"cannot save: {error.strerror or error}", path=self.path) from None
        lock = self.lock or self._take_lock()
        if lock is None:
            raise SessionError(f"not saved: {self.read_only_reason}", path=self.path)
        try:
            save_session(self.session, self.path)
            self.disk_version = _on_disk(self.path)
        finally:
            if self._editor and self.session.editable:
                self.lock = lock
            else:
                lock.release()
                self.lock = None

    # ------------------------------------------------------------------ opening

    @classmethod
    def start(
        cls,
        policy_path: str | Path,
        checklist: str | Path = DEFAULT_CHECKLIST,
        *,
        session_path: str | Path | None = None,
        auditor: str = "",
        title: str = "",
        sessions_dir: str | Path = SESSIONS_DIR,
        whole_page: bool = False,
        timeout: float = DEFAULT_TIMEOUT,
        read: Callable[[], OpenedPolicy] | None = None,
    ) -> Audit:
        """Create a new audit of *policy_path* (a file or a URL) and save its session file.

        A URL is fetched and its bytes kept as a snapshot beside the session, which the session
        then reads (see :mod:`auditor_tui.core.source`). *read*, if given, gives the policy
        already on its way (:func:`~auditor_tui.core.source.open_policy_ahead` of the same path).
        """
        opened = read() if read is not None else open_policy(policy_path, whole_page=whole_page, timeout=timeout)
        policy = opened.policy
        loaded_checklist = find_checklist(checklist)
        folder = Path(sessions_dir) if session_path is None else folder_of(session_path)
        if os.path.lexists(folder) and (problem := write_problem(folder / "new.toml")):
            raise SessionError(f"cannot start an audit here: {problem}", path=folder, hint="work in a folder of yours")
        if is_url(policy_path) and not title:
            title = f"{source_name(policy_path)} against {loaded_checklist.id}"
        if session_path is None:
            name = f"{source_name(policy_path)}.url" if is_url(policy_path) else policy_path
            path = default_session_path(name, loaded_checklist.id, sessions_dir)
        else:
            path = Path(session_path)
            if os.path.lexists(path):
                raise SessionError(
                    "a session file already exists here", path=path, hint="resume it with 'auditor-tui resume'"
                )
        session = new_session(policy, loaded_checklist, policy_path=str(policy_path), title=title, auditor=auditor)
        read_from = write_snapshot(opened, path).name if opened.fetched else str(policy_path)
        session.policy = policy_ref(opened, read_from)
        audit = cls(session, path, policy, loaded_checklist, warnings=list(policy.warnings))
        audit.save()
        return audit

    @classmethod
    def open(cls, session_path: str | Path, *, checklist: str | Path | None = None) -> Audit:
        """Reopen a saved audit, checking its policy and checklist."""
        path = Path(session_path)
        disk_version = _on_disk(path)  # before reading: a save in between shows as a change
        try:
            session = load_session(path)
        except SessionError as error:
            if restorable_backup(path, error) is not None:
                raise SessionDamaged(
                    error.message,
                    path=error.path,
                    hint=f"the previous save loads: 'auditor-tui resume {path} --restore-backup' puts it back",
                ) from None
            raise
        loaded_checklist = _checklist_for(session, path, checklist)
        check_against(session, loaded_checklist, path)
        warnings: list[str] = []
        if loaded_checklist.sha256 and session.checklist.sha256 and loaded_checklist.sha256 != session.checklist.sha256:
            warnings.append(
                f"checklist {loaded_checklist.id} has changed since this audit was started "
                f"(version {session.checklist.version} -> {loaded_checklist.version})"
            )
        reasons: list[str] = []
        if problem := write_problem(path):
            reasons.append(f"{problem}, so no change could be saved; opened read-only")
        reason = ""
        policy_file = resolve_policy_path(session.policy.path, path)
        policy: Policy | None = None
        if policy_file is None:
            reason = f"the policy file {session.policy.path} is missing; showing the quoted evidence only"
        else:
            try:
                policy = load_recorded_policy(session, policy_file, warnings)
            except AuditorError as error:
                reason = f"the policy cannot be read ({error}); showing the quoted evidence only"
            else:
                if policy.sha256 != session.policy.sha256:
                    reason = (
                        f"the policy file {session.policy.path} has changed since this audit "
                        "(fingerprint differs); showing the quoted evidence only - re-audit it with "
                        "'auditor-tui review NEW_POLICY --from SESSION'"
                    )
                    policy = None
        if policy is None:
            policy = policy_from_quotes(session)
        reasons.extend([reason] if reason else [])
        return cls(
            session,
            path,
            policy,
            loaded_checklist,
            read_only_reason="; ".join(reasons),
            warnings=warnings,
            disk_version=disk_version,
        )


def load_recorded_policy(session: Session, policy_file: Path, warnings: list[str]) -> Policy:
    """The policy a session names, read as the session says it was (main content or whole page).

    Sessions made before web pages were read for their main content record no format: when
    the main content does not give their fingerprint, the whole page is tried. A snapshot whose
    bytes are not those fetched gets a warning (the fingerprint check still decides).
    """
    ref = session.policy
    opened = open_policy(policy_file, whole_page=ref.whole_page)
    if opened.policy.sha256 != ref.sha256 and not ref.format and opened.policy.format == "html":
        whole = open_policy(policy_file, whole_page=True)
        if whole.policy.sha256 == ref.sha256:
            opened = whole
    warnings.extend(opened.policy.warnings)
    if ref.retrieved is not None and ref.raw_sha256 and opened.provenance.raw_sha256 != ref.raw_sha256:
        warnings.append(
            f"the snapshot {ref.path} is not the page fetched from {ref.source} at "
            f"{ref.retrieved:%Y-%m-%dT%H:%M:%SZ} (its SHA-256 differs)"
        )
    return opened.policy


def _checklist_for(session: Session, path: Path, override: str | Path | None) -> Checklist:
    if override is not None:
        return find_checklist(override)
    if session.checklist.path:
        recorded = Path(session.checklist.path)
        candidates = (
            [recorded] if recorded.is_absolute() else [Path.cwd() / recorded, path.resolve().parent.parent / recorded]
        )
        for candidate in candidates:
            if is_regular_file(candidate):
                checklist = load_checklist(candidate)
                if checklist.id == session.checklist.id:
                    return checklist
    return find_checklist(session.checklist.id)
