"""The review screen after a git merge: the conflict shown on the item, resolved by a key; assigning."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from auditor_tui.core.audit import Audit
from auditor_tui.core.merge import merge_sessions
from auditor_tui.core.session import load_session, save_session
from auditor_tui.ui.app import AuditorApp
from auditor_tui.ui.screens.dialogs import AskDialog
from auditor_tui.ui.widgets.checklist_list import ChecklistList
from tests.ui_helpers import autosave, make_audit

SIZE = (120, 40)


@pytest.fixture
def conflicted(workdir: Path, as_user) -> Audit:
    """An audit whose first item alice set to missing and bob to partial on two branches."""
    audit = make_audit(workdir)
    base = load_session(audit.path)
    item = next(iter(base.items))
    ours, theirs = load_session(audit.path), load_session(audit.path)
    ours.set_status(item, "missing")
    as_user("bob")
    theirs.set_status(item, "partial")
    as_user("alice")
    result = merge_sessions(base, ours, theirs)
    assert result.conflicts
    save_session(result.session, audit.path)
    return Audit.open(audit.path)


def note_text(app: AuditorApp) -> str:
    return str(app.screen.query_one("#detail-note", Static).render())


async def test_the_conflict_is_shown_and_greater_than_keeps_theirs(conflicted: Audit) -> None:
    app = AuditorApp(conflicted)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "CONFLICT: ours by alice: missing / theirs by bob: partial" in note_text(app)
        row = app.screen.query_one(ChecklistList).get_option_at_index(1).prompt
        assert "CONFLICT" in str(row)
        await pilot.press("greater_than_sign")
        await autosave(pilot)
        state = next(iter(load_session(conflicted.path).items.values()))
        assert state.status == "partial" and state.conflict is None
        assert "CONFLICT" not in note_text(app)
        await pilot.press("less_than_sign")  # nothing left to resolve: said, not raised
        await pilot.pause()


async def test_less_than_keeps_ours(conflicted: Audit) -> None:
    app = AuditorApp(conflicted)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("less_than_sign")
        await autosave(pilot)
        session = load_session(conflicted.path)
        state = next(iter(session.items.values()))
        assert state.status == "missing" and state.conflict is None
        assert session.history[-1].action == "resolve" and session.history_break() is None


async def test_capital_a_assigns_the_item(workdir: Path) -> None:
    audit = make_audit(workdir)
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, AskDialog)
        await pilot.press(*"bob", "enter")
        await autosave(pilot)
        state = next(iter(load_session(audit.path).items.values()))
        assert state.assignee == "bob"
        assert "Assigned to bob" in note_text(app)
