"""Pilot tests of the review screen: every key, its effect on the session and on disk."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from auditor_tui.core.audit import Audit
from auditor_tui.core.session import load_session
from auditor_tui.ui.app import AuditorApp
from auditor_tui.ui.screens.help import HelpScreen
from auditor_tui.ui.screens.note import NoteEditor
from auditor_tui.ui.screens.review import ReviewScreen
from auditor_tui.ui.widgets.checklist_list import ChecklistList
from auditor_tui.ui.widgets.policy_view import PolicyView
from tests.conftest import POLICY_2017
from tests.ui_helpers import autosave, make_audit

SIZE = (120, 40)


@pytest.fixture
def audit(workdir: Path) -> Audit:
    return make_audit(workdir)


def review(app: AuditorApp) -> ReviewScreen:
    screen = app.screen
    assert isinstance(screen, ReviewScreen), screen
    return screen


async def settle(pilot) -> None:
    """Wait for the autosave the last change scheduled (every change is on disk within a second)."""
    await autosave(pilot)


def on_disk(audit: Audit):
    return load_session(audit.path)


async def test_t_and_space_tag_and_untag_the_current_clause(audit):
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        screen = review(app)
        await pilot.press("down", "down")
        clause = screen.policy_view.clause
        item = screen.item_id
        await pilot.press("t")
        await settle(pilot)
        assert [t.clause for t in on_disk(audit).items[item].tags] == [clause.id]
        assert screen.policy_view.current_tags == {clause.id}
        await pilot.press("space")
        await settle(pilot)
        assert on_disk(audit).items[item].tags == []


@pytest.mark.parametrize(
    ("key", "status"), [("1", "satisfied"), ("2", "partial"), ("3", "missing"), ("4", "not-applicable")]
)
async def test_number_keys_set_the_status(audit, key, status):
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        item = review(app).item_id
        await pilot.press(key)
        if status == "not-applicable":  # asks for the reason first
            await pilot.pause()
            await pilot.press(*"No EU users", "enter")
        await settle(pilot)
        assert on_disk(audit).items[item].status == status
        await pilot.press("0")
        await settle(pilot)
        assert on_disk(audit).items[item].status == "open"


async def test_e_edits_the_note_ctrl_s_keeps_escape_discards(audit):
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        item = review(app).item_id
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"Named", "enter", *"[/] kept")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await settle(pilot)
        assert on_disk(audit).items[item].note == "Named\n[/] kept"
        await pilot.press("e")
        await pilot.pause()
        await pilot.press(*" not this")
        await pilot.press("escape")
        await settle(pilot)
        assert on_disk(audit).items[item].note == "Named\n[/] kept"


async def test_a_note_typed_faster_than_the_screen_draws_is_kept_whole(audit):
    # A terminal delivers typed text and ctrl+s in one burst (seen in tmux: the note was cut
    # short when ctrl+s was a priority binding, handled before the keys queued for the editor).
    from textual import events

    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        item = review(app).item_id
        await pilot.press("e")
        await pilot.pause()
        text = "Names the controller and its address."
        for char in text:
            app.post_message(events.Key(char, char))
        app.post_message(events.Key("ctrl+s", None))
        await pilot.pause()
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert on_disk(audit).items[item].note == text


async def test_moving_keys_in_the_policy(audit):
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        view = review(app).policy_view
        assert view.has_focus and view.cursor == 0
        await pilot.press("down", "j")
        assert view.cursor == 2
        await pilot.press("k", "up")
        assert view.cursor == 0
        await pilot.press("pagedown")
        assert view.cursor > 3
        await pilot.press("pageup")
        assert view.cursor == 0
        await pilot.press("end")
        assert view.cursor == len(audit.policy.clauses) - 1
        await pilot.press("home")
        assert view.cursor == 0


async def test_brackets_move_by_section(audit):
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        view = review(app).policy_view
        await pilot.press("right_square_bracket")
        first = view.clause
        await pilot.press("right_square_bracket")
        second = view.clause
        assert first.section is not second.section
        assert audit.policy.clauses[second.index - 1].section is not second.section  # first clause of its section
        await pilot.press("left_square_bracket")
        assert view.clause is first


async def test_tab_moves_between_panes_and_the_checklist_moves_items(audit):
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        screen = review(app)
        first = screen.item_id
        await pilot.press("tab")
        assert isinstance(app.focused, ChecklistList)
        await pilot.press("j")
        second = screen.item_id
        assert second != first
        await pilot.press("k")
        assert screen.item_id == first
        await pilot.press("down")
        await settle(pilot)
        assert on_disk(audit).cursor.item == second
        await pilot.press("shift+tab")
        assert isinstance(app.focused, PolicyView)


async def test_slash_searches_and_enter_jumps(audit):
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        view = review(app).policy_view
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"data protection officer")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert "Data Protection Officer" in view.clause.text or "DPO" in view.clause.text


async def test_slash_then_escape_returns_where_you_were(audit):
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        view = review(app).policy_view
        await pilot.press("down", "down", "down")
        here = view.cursor
        await pilot.press("slash", *"retain")
        await app.workers.wait_for_complete()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and view.cursor == here


@pytest.mark.parametrize("key", ["question_mark", "f1"])
async def test_help_opens_and_closes(audit, key):
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)


async def test_ctrl_s_saves_at_once(audit):
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        screen = review(app)
        await pilot.press("1", "ctrl+s")
        assert on_disk(audit).items[screen.item_id].status == "satisfied"


async def test_q_saves_and_quits(audit):
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        item = review(app).item_id
        await pilot.press("3", "q")
        await pilot.pause()
    assert not app.is_running
    assert on_disk(audit).items[item].status == "missing"


async def test_command_palette_jumps_to_an_item(audit):
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        screen = review(app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Item 13-2-a")
        await app.workers.wait_for_complete()  # the palette gathers its hits in a worker
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert screen.item_id == "13-2-a"


async def test_command_palette_sets_a_status(audit):
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        screen = review(app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Set status: partial")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert on_disk(audit).items[screen.item_id].status == "partial"


async def test_whole_flow_tag_status_note_quit_resume(workdir):
    audit = make_audit(workdir)
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        screen = review(app)
        view = screen.policy_view
        # item 1: two clauses
        await pilot.press("down", "down", "t", "down", "t", "1")
        first_item, first_tags = screen.item_id, [view.policy.clauses[2].id, view.policy.clauses[3].id]
        # item 2: one clause, a status and a note
        await pilot.press("tab", "down", "shift+tab", "down", "down", "down", "t", "2", "e")
        await pilot.pause()
        await pilot.press(*"Only a trading name.", "ctrl+s")
        await pilot.pause()
        second_item, second_tag = screen.item_id, view.clause.id
        position = (screen.item_id, view.clause.id)
        await pilot.press("q")
        await pilot.pause()
    resumed = Audit.open(audit.path)
    items = resumed.session.items
    assert [t.clause for t in items[first_item].tags] == first_tags and items[first_item].status == "satisfied"
    assert [t.clause for t in items[second_item].tags] == [second_tag]
    assert items[second_item].status == "partial" and items[second_item].note == "Only a trading name."
    app = AuditorApp(resumed)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = review(app)
        assert (screen.item_id, screen.policy_view.clause.id) == position
        assert screen.policy_view.current_tags == {second_tag}


async def test_changed_policy_is_read_only_and_keys_change_nothing(workdir):
    audit = make_audit(workdir)
    shutil.copy(POLICY_2017, workdir / "iomart-2018.txt")
    before = audit.path.read_text()
    reopened = Audit.open(audit.path)
    app = AuditorApp(reopened)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t", "1", "e", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
    assert audit.path.read_text() == before


MARKUP_POLICY = (
    "Evil Policy\n\n"
    "We keep [/] your data [@click=app.quit]click me[/] and [bold]more[/bold] for ever.\n\n"
    "Escape \x1b[2J\x1b[31mred\x1b[0m and bell \x07 and bidi \u202eevil\u202c text in this clause.\n"
)


async def test_policy_full_of_markup_and_escapes_shows_literally(workdir):
    (workdir / "evil.txt").write_text(MARKUP_POLICY)
    audit = Audit.start("evil.txt", "gdpr-transparency", auditor="alice")
    audit.session.set_note(audit.session.cursor.item, "[/] note [@click=app.quit]x[/] \x1b[31m")
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = review(app).policy_view
        lines = "".join(view.render_line(y).text for y in range(view.size.height))
        assert "[@click=app.quit]click me[/]" in lines
        assert "[bold]more[/bold]" in lines
        assert "\x1b" not in lines and "␛[2J" in lines and "<U+202E>" in lines
        await pilot.press("t", "slash", *"click")
        await app.workers.wait_for_complete()
        await pilot.press("enter", "e", "escape", "question_mark", "escape")
        await pilot.pause()
        await pilot.click(PolicyView, offset=(30, 2))
        assert app.is_running and isinstance(app.screen, ReviewScreen)


async def test_d_shows_the_detail_area_on_a_narrow_terminal(audit):
    from auditor_tui.ui.widgets.detail import DetailPane

    app = AuditorApp(audit)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        detail = app.screen.query_one(DetailPane)
        checklist = app.screen.query_one(ChecklistList)
        assert not detail.display or detail.region.width == 0
        await pilot.press("d")
        await pilot.pause()
        assert detail.region.width > 0 and checklist.region.width == 0
        await pilot.press("d")
        await pilot.pause()
        assert checklist.region.width > 0


async def test_start_screen_offers_the_backup_of_an_unreadable_session(workdir):
    from auditor_tui.ui.screens.dialogs import ConfirmDialog
    from auditor_tui.ui.screens.start import StartScreen

    audit = make_audit(workdir)
    audit.session.set_status(audit.session.cursor.item, "satisfied")
    audit.save()
    audit.path.write_text("schema_version = 1\n[audit\n")  # torn
    app = AuditorApp(sessions_dir="sessions")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
    assert (workdir / "sessions" / "iomart-2018.toml.broken").read_text() == "schema_version = 1\n[audit\n"
    assert load_session(audit.path).items[audit.session.cursor.item].status == "open"


async def test_start_screen_lists_sessions_and_enter_resumes(workdir):
    from auditor_tui.ui.screens.start import StartScreen

    audit = make_audit(workdir)
    (workdir / "sessions" / "garbage.toml").write_text("not = [toml")
    app = AuditorApp(sessions_dir="sessions")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.audit.path.name == audit.path.name
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)  # q from a review opened here returns to the list
        await pilot.press("down", "enter")
        await pilot.pause()
        from auditor_tui.ui.screens.dialogs import MessageDialog

        assert isinstance(app.screen, MessageDialog) and "not valid TOML" in app.screen.message
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen) and app.is_running


async def test_start_screen_new_audit_with_a_path_and_a_checklist(workdir):
    import shutil

    from auditor_tui.ui.screens.start import NewAuditScreen
    from tests.conftest import POLICY_2018

    shutil.copy(POLICY_2018, workdir / "acme.txt")
    app = AuditorApp(sessions_dir="sessions")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NewAuditScreen)
        await pilot.press(*"missing.txt", "enter")
        await app.workers.wait_for_complete()  # the audit is opened in a worker
        await pilot.pause()
        assert isinstance(app.screen, NewAuditScreen)  # the error is shown in the dialog
        assert "no such file" in str(app.screen.query_one("#new-error").render())
        app.screen.query_one("#new-policy").value = ""
        await pilot.press(*"acme.txt", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.session.checklist.id == "gdpr-transparency"
    assert len(list((workdir / "sessions").glob("*-acme-gdpr-transparency.toml"))) == 1


async def test_start_screen_reaudit_carries_an_audit_forward(workdir):
    import shutil

    from tests.conftest import POLICY_2007, POLICY_2017

    old = make_audit(workdir, policy=POLICY_2007, name="policy-2007.txt")
    for clause in old.policy.clauses:
        if "strict security measures" in clause.text:
            old.session.toggle_tag("32-security", clause)
    old.session.set_status("32-security", "satisfied")
    old.save()
    shutil.copy(POLICY_2017, workdir / "policy-2017.txt")
    app = AuditorApp(sessions_dir="sessions")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        await pilot.press(*"policy-2017.txt", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.session.origin is not None and screen.changes is not None
        assert screen.session.items["32-security"].tags
        await pilot.press("c")
        await pilot.pause()
        from auditor_tui.ui.screens.changes import ChangesScreen

        assert isinstance(app.screen, ChangesScreen)


@pytest.mark.parametrize("key", ["e", "slash", "question_mark", "g", "X", "S", "O", "R", "c"])
async def test_keys_typed_just_after_q_do_nothing(audit, key, monkeypatch):
    # Seen in tmux: "q" then "e" in one burst opened the note editor on a closing app and
    # crashed it with a traceback. Keys already queued behind "q" must be ignored.
    from textual import events

    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        char = {"slash": "/", "question_mark": "?"}.get(key, key)
        before = audit.path.read_bytes()
        pushed, shown = [], []
        push = app.push_screen
        monkeypatch.setattr(app, "push_screen", lambda screen, *a, **k: pushed.append(screen) or push(screen, *a, **k))
        monkeypatch.setattr(app, "notify", lambda message, **kwargs: shown.append(message))
        app.post_message(events.Key("q", "q"))
        app.post_message(events.Key(key, char))
        await pilot.pause()
    assert app.return_code == 0 and not app.is_running
    assert pushed == [] and shown == []  # no editor, dialog or refusal
    assert audit.path.read_bytes() == before  # nothing was submitted, signed off, exported...
