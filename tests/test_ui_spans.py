"""Pilot tests of tagging part of a clause (``v``) in the review screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import TextArea

from auditor_tui.core.audit import Audit
from auditor_tui.core.session import load_session
from auditor_tui.core.workflow import submit
from auditor_tui.ui.app import AuditorApp
from auditor_tui.ui.screens.review import ReviewScreen
from auditor_tui.ui.screens.span import SpanDialog, shown_text
from tests.ui_helpers import autosave, make_audit
from tests.ui_helpers import review_screen as review

SIZE = (120, 40)


@pytest.fixture
def audit(workdir: Path) -> Audit:
    return make_audit(workdir)


async def open_span_dialog(app: AuditorApp, pilot) -> SpanDialog:
    await pilot.press("v")
    await pilot.pause()
    assert isinstance(app.screen, SpanDialog)
    return app.screen


async def test_shift_right_then_enter_tags_exactly_that_span(audit: Audit) -> None:
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        screen = review(app)
        item, clause = screen.item_id, screen.policy_view.clause
        assert not clause.text[:7].isspace() and " " not in clause.text[:7]
        dialog = await open_span_dialog(app, pilot)
        assert dialog.query_one(TextArea).text == shown_text(clause.text)
        await pilot.press(*["shift+right"] * 7, "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await autosave(pilot)
        (tag,) = load_session(audit.path).items[item].tags
        assert (tag.clause, tag.start, tag.end, tag.text) == (clause.id, 0, 7, clause.text[:7])
        evidence = str(screen.query_one("#detail-evidence").render())
        assert f"{clause.id} (part, characters 0-7)" in evidence and clause.text[:7] in evidence
        assert screen.policy_view.item_marks.get(clause.id) == [item]  # the gutter marks the clause as tagged
        # The same span again untags that span.
        await open_span_dialog(app, pilot)
        await pilot.press(*["shift+right"] * 7, "enter")
        await pilot.pause()
        await autosave(pilot)
        assert load_session(audit.path).items[item].tags == []
        assert clause.id not in screen.policy_view.item_marks


async def test_a_selection_ending_in_spaces_is_stripped_and_the_whole_clause_stays(audit: Audit) -> None:
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        screen = review(app)
        item, clause = screen.item_id, screen.policy_view.clause
        await pilot.press("t")  # the whole clause first
        await open_span_dialog(app, pilot)
        await pilot.press("ctrl+shift+right", "ctrl+shift+right", "enter")
        await pilot.pause()
        await autosave(pilot)
        tags = load_session(audit.path).items[item].tags
        assert len(tags) == 2 and (tags[0].start, tags[0].end) == (None, None)
        span = tags[1]
        assert span.text == clause.text[span.start : span.end] and span.text == span.text.strip()
        assert span.start == 0 and clause.text.startswith(span.text)


async def test_enter_with_nothing_selected_says_so_and_escape_tags_nothing(audit: Audit) -> None:
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        item = review(app).item_id
        before = len(review(app).session.history)
        dialog = await open_span_dialog(app, pilot)
        await pilot.press("right", "right", "enter")
        await pilot.pause()
        assert app.screen is dialog
        assert "Nothing is selected" in str(dialog.query_one("#span-problem").render())
        await pilot.press("shift+right", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert review(app).session.items[item].tags == []
        assert len(review(app).session.history) == before


async def test_a_whitespace_only_selection_is_refused_in_the_dialog(audit: Audit) -> None:
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        clause = next(c for c in audit.policy.clauses if " " in c.text)
        review(app).jump_to_clause(clause.id)
        await pilot.pause()
        assert review(app).policy_view.clause == clause
        space = clause.text.index(" ")
        dialog = await open_span_dialog(app, pilot)
        await pilot.press(*["right"] * space, "shift+right", "enter")
        await pilot.pause()
        assert app.screen is dialog
        assert "only whitespace" in str(dialog.query_one("#span-problem").render())


async def test_a_read_only_audit_refuses_v(audit: Audit) -> None:
    for item_id in audit.session.items:
        audit.session.set_status(item_id, "missing")
    submit(audit.session, by="alice")
    audit.save()
    before = audit.path.read_bytes()
    app = AuditorApp(Audit.open(audit.path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.check_action("tag_span", ()) is False
        assert any("Read-only" in n.message for n in app._notifications)
    assert audit.path.read_bytes() == before


async def test_the_mouse_selects_too(audit: Audit) -> None:
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        screen = review(app)
        item, clause = screen.item_id, screen.policy_view.clause
        dialog = await open_span_dialog(app, pilot)
        area = dialog.query_one(TextArea)
        await pilot.mouse_down(area, offset=(area.gutter.left + 0, area.gutter.top))
        await pilot.hover(area, offset=(area.gutter.left + 5, area.gutter.top))
        await pilot.mouse_up(area, offset=(area.gutter.left + 5, area.gutter.top))
        await pilot.pause()
        assert dialog.selection() == (0, 5)
        await pilot.press("enter")
        await pilot.pause()
        (tag,) = screen.session.items[item].tags
        assert (tag.start, tag.end, tag.text) == (0, 5, clause.text[:5].strip())
