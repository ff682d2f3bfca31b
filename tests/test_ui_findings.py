"""Pilot tests of the findings in the review screen: the form, N/A's reason, the filter, bulk, undo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from auditor_tui.core.audit import Audit
from auditor_tui.core.session import load_session
from auditor_tui.ui.app import AuditorApp
from auditor_tui.ui.screens.dialogs import AskDialog, ConfirmDialog
from auditor_tui.ui.screens.finding import FindingForm, PickDialog, SeverityChoice
from auditor_tui.ui.screens.review import ReviewScreen
from auditor_tui.ui.widgets.checklist_list import ChecklistList
from tests.ui_helpers import autosave, make_audit
from tests.ui_helpers import review_screen as review

SIZE = (120, 40)


@pytest.fixture
def audit(workdir: Path) -> Audit:
    return make_audit(workdir)


def listed(app: AuditorApp) -> list[str]:
    checklist = review(app).query_one(ChecklistList)
    return [
        checklist.get_option_at_index(i).id
        for i in range(checklist.option_count)
        if checklist.get_option_at_index(i).id
    ]


async def test_the_finding_form_is_keyboard_first_and_shows_in_the_detail(audit: Audit) -> None:
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        item = review(app).item_id
        await pilot.press("3", "f")
        await pilot.pause()
        assert isinstance(app.screen, FindingForm)
        assert app.screen.focused is app.screen.query_one(SeverityChoice)  # it opens on the severity
        await pilot.press("l", "left", "left")  # l chooses low; the arrows choose as they move
        await pilot.press("enter", *"Name the controller", "enter", *"Legal", "enter", *"2020-01-31")
        assert isinstance(app.screen, FindingForm)  # enter went from field to field
        await pilot.press("enter")  # on the last field: saves
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await autosave(pilot)
        state = load_session(audit.path).items[item]
        assert (state.severity, state.recommendation, state.owner, state.due) == (
            "high",
            "Name the controller",
            "Legal",
            dt.date(2020, 1, 31),
        )
        detail = str(app.screen.query_one("#detail-note").render())
        assert "HIGH" in detail and "Name the controller" in detail and "OVERDUE" in detail


async def test_a_bad_date_is_said_in_the_form_and_escape_cancels(audit: Audit) -> None:
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        item = review(app).item_id
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("enter", "enter", "enter", *"31/12/2027", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FindingForm)
        assert "is not a date" in str(app.screen.query_one("#finding-problem").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert review(app).session.items[item].due is None


async def test_enter_first_never_saves_an_empty_finding_and_ctrl_s_saves_from_any_field(audit: Audit) -> None:
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        screen = review(app)
        item = screen.item_id
        history = len(screen.session.history)
        await pilot.press("f", "enter", "enter")  # a fast typist's enters: from field to field
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FindingForm)
        assert form.focused is form.query_one("#finding-owner")
        assert len(screen.session.history) == history
        await pilot.press("shift+tab", "shift+tab", "m", "tab", *"Name the DPO", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        state = screen.session.items[item]
        assert (state.severity, state.recommendation) == ("medium", "Name the DPO")


async def test_not_applicable_asks_for_the_reason(audit: Audit) -> None:
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        item = review(app).item_id
        await pilot.press("4")
        await pilot.pause()
        assert isinstance(app.screen, AskDialog)
        await pilot.press("enter")  # empty: refused in the dialog
        assert isinstance(app.screen, AskDialog)
        await pilot.press(*"No EU users", "enter")
        await autosave(pilot)
        state = load_session(audit.path).items[item]
        assert (state.status, state.reason) == ("not-applicable", "No EU users")
        await pilot.press("0", "4")  # it has a reason now: no question
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert review(app).session.items[item].status == "not-applicable"


async def test_the_filter_shows_only_some_items_and_clears(audit: Audit) -> None:
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        every = listed(app)
        await pilot.press("tab", "down", "3", "down", "3")  # two items missing
        missing = [i for i, s in review(app).session.items.items() if s.status == "missing"]
        assert len(missing) == 2
        await pilot.press("F")
        await pilot.pause()
        assert isinstance(app.screen, PickDialog)
        await pilot.press("down", "down", "down", "enter")  # open, satisfied, partial, missing
        await pilot.pause()
        assert listed(app) == missing
        assert "only missing" in str(review(app).query_one(ChecklistList).border_title)
        await pilot.press("escape")
        await pilot.pause()
        assert listed(app) == every
        assert "only" not in str(review(app).query_one(ChecklistList).border_title)


async def test_bulk_sets_every_open_item_after_confirming_and_undo_takes_one_back(audit: Audit) -> None:
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        screen = review(app)
        total = len(screen.session.items)
        await pilot.press("1")
        await pilot.press("B")
        await pilot.pause()
        assert isinstance(app.screen, PickDialog)
        await pilot.press("down", "down", "enter")  # missing
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert f"{total - 1} open items" in app.screen.title_text
        await pilot.press("y")
        await autosave(pilot)
        statuses = [s.status for s in load_session(audit.path).items.values()]
        assert statuses.count("missing") == total - 1 and statuses.count("satisfied") == 1
        await pilot.press("u")
        await autosave(pilot)
        last = list(screen.session.items)[-1]
        assert load_session(audit.path).items[last].status == "open"
        await pilot.press("U")
        await autosave(pilot)
        assert load_session(audit.path).items[last].status == "missing"


async def test_undo_after_a_restart(audit: Audit, workdir: Path) -> None:
    app = AuditorApp(audit)
    async with app.run_test(size=SIZE) as pilot:
        item = review(app).item_id
        await pilot.press("t", "2")
        await autosave(pilot)
    reopened = Audit.open(audit.path)
    app = AuditorApp(reopened)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("u")
        await autosave(pilot)
        assert load_session(audit.path).items[item].status == "open"
        await pilot.press("u")
        await autosave(pilot)
        assert load_session(audit.path).items[item].tags == []
        assert [e.action for e in load_session(audit.path).history[-2:]] == ["undo", "undo"]
