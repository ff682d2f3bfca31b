"""An open audit: a session file with its policy and checklist, ready to review.

:class:`Audit` is what the review screen and the CLI work with. It ties the three files
together and checks they agree: the policy's fingerprint against the session's, the session's
items against the checklist. When the policy file is missing or has changed, the audit opens
**read-only** on a stand-in policy made of the quoted evidence, rather than guessing which
clause is which. Changes go to :attr:`Audit.session` through its methods, then
:meth:`Audit.save` writes the file atomically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from auditor_tui.core.checklist import Checklist, find_checklist, load_checklist
from auditor_tui.core.config import DEFAULT_CHECKLIST as DEFAULT_CHECKLIST  # the defaults live with the config
from auditor_tui.core.config import SESSIONS_DIR as SESSIONS_DIR
from auditor_tui.core.errors import AuditorError, SessionError
from auditor_tui.core.lock import SessionLock, holder, try_lock
from auditor_tui.core.policy import Block, Clause, Policy, assemble, load_policy
from auditor_tui.core.session import (
    Session,
    Tag,
    backup_if_readable,
    check_against,
    clause_order,
    default_session_path,
    load_session,
    new_session,
    save_session,
)


def sample_policy_path() -> Path:
    """The sample policy bundled with the package (iomart's 2018 privacy policy)."""
    return Path(str(resources.files("auditor_tui") / "samples" / "iomart-privacy-policy-2018.txt"))


def resolve_policy_path(given: str, session_path: Path) -> Path | None:
    """The policy file a session names: as given (relative to the working directory), else
    relative to the folder holding the ``sessions/`` folder, else beside the session."""
    path = Path(given)
    if path.is_absolute():
        return path if path.is_file() else None
    for base in (Path.cwd(), session_path.resolve().parent.parent, session_path.resolve().parent):
        candidate = base / path
        if candidate.is_file():
            return candidate
    return None


def policy_from_quotes(session: Session) -> Policy:
    """A stand-in policy made of the clauses quoted in *session*, in clause order, keeping
    their ids so the tags still point at their quotes (orphaned quotes of an earlier
    re-audit are left out: their ids belong to an older version)."""
    quotes: dict[str, Tag] = {}
    for state in session.items.values():
        for tag in state.tags:
            if not tag.orphan:
                quotes.setdefault(tag.clause, tag)
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


@dataclass
class Audit:
    """A session file opened with its policy and checklist."""

    session: Session
    path: Path
    policy: Policy
    checklist: Checklist
    read_only_reason: str = ""
    """Why the audit cannot be changed here ("" when it can)."""
    warnings: list[str] = field(default_factory=list)
    lock: SessionLock | None = field(default=None, repr=False, compare=False)

    @property
    def read_only(self) -> bool:
        return bool(self.read_only_reason) or not self.session.editable

    def acquire_lock(self) -> bool:
        """Take the session's lock for interactive changes. When another process holds it,
        the audit becomes read-only, saying who has it; returns False then."""
        if self.lock is not None:
            return True
        self.lock = try_lock(self.path)
        if self.lock is None:
            who = holder(self.path) or "another auditor-tui"
            self.read_only_reason = f"the session is open for changes by {who}; opened read-only"
            return False
        return True

    def release_lock(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    @property
    def policy_missing(self) -> bool:
        return self.policy.path is None

    def save(self) -> None:
        """Write the session file atomically (refused when read-only for a file reason)."""
        if self.read_only_reason:
            raise SessionError(f"not saved: {self.read_only_reason}", path=self.path)
        save_session(self.session, self.path)

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
    ) -> Audit:
        """Create a new audit of *policy_path* and save its session file."""
        policy = load_policy(policy_path)
        loaded_checklist = find_checklist(checklist)
        if session_path is None:
            path = default_session_path(policy_path, loaded_checklist.id, sessions_dir)
        else:
            path = Path(session_path)
            if path.exists():
                raise SessionError(
                    "a session file already exists here", path=path, hint="resume it with 'auditor-tui resume'"
                )
        session = new_session(policy, loaded_checklist, policy_path=str(policy_path), title=title, auditor=auditor)
        audit = cls(session, path, policy, loaded_checklist, warnings=list(policy.warnings))
        audit.save()
        return audit

    @classmethod
    def open(cls, session_path: str | Path, *, checklist: str | Path | None = None) -> Audit:
        """Reopen a saved audit, checking its policy and checklist."""
        path = Path(session_path)
        try:
            session = load_session(path)
        except SessionError as error:
            if path.is_file() and backup_if_readable(path) is not None:
                raise SessionError(
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
        reason = ""
        policy_file = resolve_policy_path(session.policy.path, path)
        policy: Policy | None = None
        if policy_file is None:
            reason = f"the policy file {session.policy.path} is missing; showing the quoted evidence only"
        else:
            try:
                policy = load_policy(policy_file)
            except AuditorError as error:
                reason = f"the policy cannot be read ({error}); showing the quoted evidence only"
            else:
                warnings.extend(policy.warnings)
                if policy.sha256 != session.policy.sha256:
                    reason = (
                        f"the policy file {session.policy.path} has changed since this audit "
                        "(fingerprint differs); showing the quoted evidence only - re-audit it with "
                        "'auditor-tui review NEW_POLICY --from SESSION'"
                    )
                    policy = None
        if policy is None:
            policy = policy_from_quotes(session)
        return cls(session, path, policy, loaded_checklist, read_only_reason=reason, warnings=warnings)


def _checklist_for(session: Session, path: Path, override: str | Path | None) -> Checklist:
    if override is not None:
        return find_checklist(override)
    if session.checklist.path:
        recorded = Path(session.checklist.path)
        candidates = (
            [recorded] if recorded.is_absolute() else [Path.cwd() / recorded, path.resolve().parent.parent / recorded]
        )
        for candidate in candidates:
            if candidate.is_file():
                checklist = load_checklist(candidate)
                if checklist.id == session.checklist.id:
                    return checklist
    return find_checklist(session.checklist.id)
