"""Helpers for the UI tests: audits in a temporary project with stable paths and times."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from auditor_tui.core.audit import Audit
from auditor_tui.core.history import Event, rechain
from tests.conftest import POLICY_2018

FIXED = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


def make_audit(project: Path, *, policy: Path = POLICY_2018, name: str = "iomart-2018.txt", **kwargs) -> Audit:
    """A new audit of a copy of *policy* at ``project/name``, with fixed times (for snapshots)."""
    shutil.copy(policy, project / name)
    kwargs.setdefault("session_path", Path("sessions") / f"{Path(name).stem}.toml")
    audit = Audit.start(
        name, kwargs.pop("checklist", "gdpr-transparency"), auditor=kwargs.pop("auditor", "alice"), **kwargs
    )
    freeze(audit)
    return audit


def freeze(audit: Audit) -> None:
    session = audit.session
    session.created = session.updated = FIXED
    session.history = [Event(FIXED, e.who, e.action, e.item, e.detail, e.data) for e in session.history]
    rechain(session.history, session.audit_id)
    audit.save()
