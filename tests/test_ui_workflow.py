"""Pilot tests of sign-off, export and suggestion keys in the review screen."""

from __future__ import annotations

from pathlib import Path

from auditor_tui.core.audit import Audit
from auditor_tui.core.session import load_session
from auditor_tui.ui.app import AuditorApp
from auditor_tui.ui.screens.dialogs import AskDialog, ConfirmDialog, MessageDialog
from auditor_tui.ui.screens.review import ReviewScreen
from auditor_tui.ui.widgets.detail import SuggestionList
from tests.ui_helpers import autosave, make_audit

SIZE = (120, 40)


def decided_audit(project: Path) -> Audit:
    audit = make_audit(project)
    for item_id in audit.session.items:
        audit.session.set_status(item_id, "not-applicable", reason="not offered by this service")
    audit.save()
    return audit


async def answer(pilot, *fields: str) -> None:
    """Fill the AskDialog's inputs in order and press enter on the last."""
    await pilot.pause()
    assert isinstance(pilot.app.screen, AskDialog)
    inputs = list(pilot.app.screen.query("Input"))
    for field, text in zip(inputs, fields, strict=False):
        field.value = text
    inputs[-1].focus()
    await pilot.press("enter")
    await pilot.pause()


async def test_submit_then_reviewer_signs_off_then_reopen(workdir, as_user):
    audit = decided_audit(workdir)
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("S")  # asks first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert load_session(audit.path).state == "ready-for-review"
        await pilot.press("t")  # read-only now: nothing changes
        as_user("bob")  # the reviewer takes the keyboard
        await pilot.press("O")
        await answer(pilot, "bob", "Checked.")
        on_disk = load_session(audit.path)
        assert on_disk.state == "signed-off" and on_disk.signoff.reviewer == "bob"
        await pilot.press("ctrl+o")  # asks first: voiding a sign-off is not undone by a key
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "bob" in str(app.screen.message)
        await pilot.press("n")
        await pilot.pause()
        assert load_session(audit.path).state == "signed-off"
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        on_disk = load_session(audit.path)
        assert on_disk.state == "in-progress" and on_disk.signoff is None
        assert any(event.action == "void-signoff" for event in on_disk.history)
        banner = str(app.screen.query_one("#audit-banner").content)
        assert "SIGN-OFF VOID: voided sign-off by bob" in banner
        await pilot.press("ctrl+o")  # nothing left to reopen
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)


async def test_self_sign_off_is_refused_in_a_dialog(workdir):
    audit = decided_audit(workdir)
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("S", "y", "O")
        await answer(pilot, "alice", "")
        assert isinstance(app.screen, MessageDialog)
        assert "self sign-off refused" in app.screen.message
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
    assert load_session(audit.path).state == "ready-for-review"


async def test_submit_with_open_items_says_which(workdir):
    audit = make_audit(workdir)
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog) and "not decided yet" in app.screen.message
    assert load_session(audit.path).state == "in-progress"


async def test_request_changes_sends_it_back_with_a_comment(workdir, as_user):
    audit = decided_audit(workdir)
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        item = app.screen.item_id
        await pilot.press("S", "y")
        await pilot.pause()
        as_user("bob")
        await pilot.press("R")
        await answer(pilot, "bob", "Please look again.", "Name the DPO.")
    on_disk = load_session(audit.path)
    assert on_disk.state == "changes-requested"
    assert on_disk.items[item].review_comment == "Name the DPO."


async def test_export_writes_a_draft_file(workdir):
    audit = make_audit(workdir)
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("X")
        await answer(pilot, "out/audit.html")
    text = (workdir / "out" / "audit.html").read_text()
    assert "DRAFT - not signed off" in text and "<script" not in text


async def test_suggestions_accept_reject_and_jump(workdir):
    audit = make_audit(workdir)
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await app.workers.wait_for_complete()
        await pilot.pause()
        item = screen.item_id
        suggestions = screen.query_one(SuggestionList)
        assert suggestions.option_count > 0
        first = suggestions.get_option_at_index(0).id
        await pilot.press("a")
        await autosave(pilot)
        assert [t.clause for t in load_session(audit.path).items[item].tags] == [first]
        assert suggestions.get_option_at_index(0).id != first  # a tagged clause is no longer suggested
        second = suggestions.get_option_at_index(0).id
        await pilot.press("x")
        await autosave(pilot)
        assert second in load_session(audit.path).items[item].rejected
        third = suggestions.get_option_at_index(0).id
        assert third not in (first, second)
        await pilot.press("n")  # the next suggestion: the policy pane shows it
        await pilot.pause()
        assert screen.policy_view.clause.id == suggestions.get_option_at_index(1).id


async def test_likely_gaps_view_lists_items_and_jumps(workdir):
    from auditor_tui.ui.screens.lists import ItemPicker

    audit = make_audit(workdir)
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, ItemPicker)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
