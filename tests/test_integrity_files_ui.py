"""The review and start screens when the audit's files fight back: a lock that cannot be
taken, a folder that cannot be written or searched, a save that fails on quitting, a
read-only screen beside a reviewer's command, exports over sessions, a deeply nested file
beside the audit, and a session that loads but is refused (no backup is offered for it)."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest
from textual.widgets import Static

from auditor_tui.cli import main
from auditor_tui.core.audit import Audit
from auditor_tui.core.errors import SessionError
from auditor_tui.core.lock import LockUnavailable, try_lock
from auditor_tui.core.session import load_session
from auditor_tui.ui.app import AuditorApp
from auditor_tui.ui.screens.dialogs import ConfirmDialog, MessageDialog
from auditor_tui.ui.screens.review import ReviewScreen
from auditor_tui.ui.screens.start import StartScreen
from tests.conftest import TINY_CHECKLIST
from tests.perm_helpers import as_other_user, shared_folder
from tests.test_ui_workflow import answer
from tests.ui_helpers import make_audit

SIZE = (120, 40)


@pytest.fixture
def shared_dir():
    yield from shared_folder()


posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX modes and locks")


def header(app: AuditorApp) -> str:
    """The header and the banner under it (where READ-ONLY and its reason are)."""
    screen = app.screen
    return "\n".join(str(screen.query_one(f"#audit-{part}", Static).render()) for part in ("header", "banner"))


def signoff_as_bob(path: Path) -> int:
    """The reviewer, bob, signs off from the command line."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AUDITOR_TUI_AUDITOR", "bob")
        return main(["signoff", str(path)])


def decided(project: Path) -> Audit:
    audit = make_audit(project)
    for item_id in audit.session.items:
        audit.session.set_status(item_id, "not-applicable", reason="not offered by this service")
    audit.save()
    return audit


# --------------------------------------------------------------------------- the lock


async def test_a_lock_that_cannot_be_taken_opens_the_screen_read_only(workdir, monkeypatch):
    audit = make_audit(workdir)
    reopened = Audit.open(audit.path)
    before = audit.path.read_bytes()

    def unavailable(path):
        raise LockUnavailable(
            "the session's lock file is not writable by you (it belongs to carol, mode 0644)",
            path=f"{path}.lock",
            hint="ask carol to make it as writable as the session file",
        )

    monkeypatch.setattr("auditor_tui.core.audit.try_lock", unavailable)
    app = AuditorApp(reopened)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert reopened.read_only
        assert "READ-ONLY" in header(app) and "carol" in header(app)
        await pilot.press("t", "1", "ctrl+s")
        await pilot.pause(0.8)
    assert audit.path.read_bytes() == before


async def test_a_read_only_screen_holds_no_lock_so_the_reviewer_can_sign_off(workdir):
    audit = decided(workdir)
    assert main(["submit", str(audit.path)]) == 0
    preparer = Audit.open(audit.path)
    app = AuditorApp(preparer)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert preparer.lock is None
        assert signoff_as_bob(audit.path) == 0  # not blocked
        assert load_session(audit.path).state == "signed-off"
        # The screen still shows the submitted audit; withdrawing it now must not undo the
        # sign-off made meanwhile: the file changed since the screen read it.
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog) and "changed elsewhere" in app.screen.message
        await pilot.press("enter")
        await pilot.pause()
        assert "changed elsewhere" in header(app)
    on_disk = load_session(audit.path)
    assert on_disk.state == "signed-off" and on_disk.signoff.reviewer == "bob"


async def test_reopening_in_the_screen_takes_the_lock_and_keeps_it_while_editable(workdir):
    audit = decided(workdir)
    main(["submit", str(audit.path)])
    signoff_as_bob(audit.path)
    reopened = Audit.open(audit.path)
    app = AuditorApp(reopened)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert try_lock(audit.path).release() is None  # free: a signed-off screen holds none
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert load_session(audit.path).state == "in-progress"
        assert try_lock(audit.path) is None  # held now: the audit is editable here
        await pilot.press("S", "y")  # submitted again (after asking): read-only, so the lock is let go
        await pilot.pause()
        assert load_session(audit.path).state == "ready-for-review"
        assert reopened.lock is None
    assert try_lock(audit.path) is not None


# --------------------------------------------------------------------------- quitting


@pytest.mark.parametrize("key", ["q", "ctrl+q"])
async def test_quitting_is_always_possible_when_the_save_fails(workdir, monkeypatch, key):
    audit = make_audit(workdir)
    before = audit.path.read_bytes()

    def disk_full(session, path):
        raise SessionError("cannot save: No space left on device", path=path)

    app = AuditorApp(Audit.open(audit.path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        monkeypatch.setattr("auditor_tui.core.audit.save_session", disk_full)
        await pilot.press("1")
        await pilot.pause(0.8)  # the autosave fails, and says so
        assert isinstance(app.screen, MessageDialog) and "No space left" in app.screen.message
        await pilot.press("enter")
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "No space left" in app.screen.message
        await pilot.press("n")  # stay: the change is still in memory
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and app.is_running
        await pilot.press(key)
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not app.is_running
    assert audit.path.read_bytes() == before  # unchanged since the last save that worked


def _review_in_a_read_only_folder(session: str) -> tuple[bool, str, bytes]:
    """In a forked child as another user: open the review screen, try to change the audit
    and quit. Returns (read-only, header, file bytes)."""

    async def drive() -> tuple[bool, str]:
        audit = Audit.open(session)
        app = AuditorApp(audit)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            text = header(app)
            await pilot.press("t", "1", "q")
            await pilot.pause()
            return audit.read_only and not app.is_running, text

    read_only, text = asyncio.run(drive())
    return read_only, text, Path(session).read_bytes()


@posix_only
def test_a_read_only_folder_opens_the_screen_read_only_and_q_quits(shared_dir):
    audit = make_audit(shared_dir)
    audit.path.chmod(0o666)
    (shared_dir / "sessions").chmod(0o555)
    before = audit.path.read_bytes()
    quit_read_only, text, after = as_other_user(_review_in_a_read_only_folder, str(audit.path))
    assert quit_read_only and "READ-ONLY" in text and "not writable by you" in text
    assert after == before


# --------------------------------------------------------------------------- export


async def test_the_screen_export_refuses_a_session_and_asks_before_replacing(workdir):
    audit = make_audit(workdir)
    other = workdir / "sessions" / "other.toml"
    shutil.copy(audit.path, other)
    before = other.read_bytes()
    report = workdir / "report.md"
    report.write_text("mine\n")
    app = AuditorApp(Audit.open(audit.path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("X")
        await answer(pilot, str(other))
        assert isinstance(app.screen, MessageDialog) and "session" in app.screen.message
        await pilot.press("enter")
        await pilot.press("X")
        await answer(pilot, str(report))
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert report.read_text() == "mine\n"
        await pilot.press("X")
        await answer(pilot, str(report))
        await pilot.press("y")
        await pilot.pause()
    assert other.read_bytes() == before
    assert "DRAFT - not signed off" in report.read_text()


# --------------------------------------------------------------------------- the start screen


async def test_a_deeply_nested_file_beside_the_audit_breaks_nothing(workdir):
    good = make_audit(workdir)
    (workdir / "sessions" / "deep.toml").write_text("x = " + "[" * 3000 + "]" * 3000 + "\n")
    app = AuditorApp(sessions_dir="sessions")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen) and len(app.screen.paths) == 2
        app.screen.query_one("DataTable").move_cursor(row=0)
        await pilot.press("enter")  # the good one is newest: first
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and app.screen.audit.path.name == good.path.name
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.scores is not None  # the suggestion worker read the folder and went on


async def test_no_backup_is_offered_for_a_session_that_loads(workdir):
    (workdir / "checklists").mkdir()
    checklist = workdir / "checklists" / "tiny.toml"
    checklist.write_text(TINY_CHECKLIST)
    audit = make_audit(workdir, checklist="tiny")
    audit.save()  # a readable .bak too
    checklist.write_text(TINY_CHECKLIST.replace('"retention"', '"kept-for"'))  # the checklist moved on
    before = audit.path.read_bytes()
    app = AuditorApp(sessions_dir="sessions")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog) and "not in checklist" in app.screen.message
    assert audit.path.read_bytes() == before
    assert not audit.path.with_name(audit.path.name + ".broken").exists()


async def test_a_folder_that_cannot_be_listed_is_said_on_the_start_screen(workdir, monkeypatch):
    def denied(directory):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("auditor_tui.core.session.files.os.scandir", denied)
    app = AuditorApp(sessions_dir="sessions")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        hint = str(app.screen.query_one("#start-hint", Static).render())
        assert "cannot list the audits" in hint
