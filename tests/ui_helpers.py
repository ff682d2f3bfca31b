"""Helpers for the UI tests: audits in a temporary project with stable paths and times."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot

from auditor_tui.core.audit import Audit
from auditor_tui.core.history import Event, rechain
from auditor_tui.ui.screens.review import ReviewScreen
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


async def autosave(pilot: Pilot) -> None:
    """Await the review screen's pending autosave, if a change scheduled one.

    The screen saves from a one-shot timer set by the first change after a save; Textual calls a
    timer's callback inside the timer's own task, so awaiting that task awaits the write itself:
    no sleep, and no guess at how long a save takes on a busy machine. (``pilot.press`` returns
    once the keys are handled, so a change they made has set the timer by then.)
    """
    screen = next((s for s in reversed(pilot.app.screen_stack) if isinstance(s, ReviewScreen)), None)
    timer = None if screen is None else screen._save_timer
    task = None if timer is None else timer._task
    if task is not None:
        await task
    await pilot.pause()


def review_screen(app) -> ReviewScreen:
    """The review screen of *app*, under any dialog open on top of it."""
    return next(screen for screen in app.screen_stack if isinstance(screen, ReviewScreen))
