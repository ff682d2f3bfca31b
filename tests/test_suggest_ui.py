"""Pilot: the likely-missing flag in the detail area and the gaps view, with its probability and
reason; an item with tagged evidence or a decided status shows no flag."""

from __future__ import annotations

from textual.widgets import OptionList, Static

from auditor_tui.ui.app import AuditorApp
from auditor_tui.ui.screens.lists import ItemPicker
from auditor_tui.ui.widgets.checklist_list import ChecklistList
from tests.conftest import POLICIES
from tests.ui_helpers import make_audit

SHORT = POLICIES / "004_aa02e47dc2da3b1a.txt"
REPRESENTATIVE = "13-1-a-representative"
"""The policy names no representative in the EU: cold, the engine flags it."""
DPO = "13-1-b"
"""Nor a data protection officer."""


def banner(app: AuditorApp) -> str:
    return str(app.screen.query_one("#suggestions-label", Static).render())


async def gap_ids(app: AuditorApp, pilot) -> list[str]:
    await pilot.press("g")
    await pilot.pause()
    assert isinstance(app.screen, ItemPicker)
    options = app.screen.query(OptionList)
    ids = [o.id for o in options.first().options] if options else []
    await pilot.press("escape")
    await pilot.pause()
    return ids


async def test_tagged_or_decided_item_shows_no_flag(workdir):
    audit = make_audit(workdir, policy=SHORT, name="short.txt")
    app = AuditorApp(audit)
    async with app.run_test(size=(140, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        checklist = app.screen.query_one(ChecklistList)
        checklist.select_item(REPRESENTATIVE)
        checklist.focus()
        await pilot.pause()
        text = banner(app)
        assert "LIKELY MISSING" in text and "no clause speaks of representative in the EU or UK" in text
        assert "%" in text  # the probability
        assert {REPRESENTATIVE, DPO} <= set(await gap_ids(app, pilot))

        await pilot.press("4")  # not applicable (with its reason): decided
        await pilot.pause()
        await pilot.press(*"EU based", "enter")
        await pilot.pause()
        assert "LIKELY MISSING" not in banner(app)

        checklist.select_item(DPO)
        checklist.focus()
        await pilot.pause()
        assert "LIKELY MISSING" in banner(app)
        app.screen.policy_view.focus()
        await pilot.press("t")  # tag the current clause to the DPO item
        await pilot.pause()
        checklist.focus()
        await pilot.pause()
        assert "LIKELY MISSING" not in banner(app)
        gaps = await gap_ids(app, pilot)
        assert REPRESENTATIVE not in gaps and DPO not in gaps


async def test_a_wrapped_reason_keeps_its_indent_under_the_item(workdir):
    """At 80 columns a gap's reason takes two lines: the second starts under the first, not
    at the list's edge, and no line is wider than the list."""
    from auditor_tui.ui.screens.lists import NOTE_INDENT, NotedList

    audit = make_audit(workdir, policy=SHORT, name="short.txt")
    app = AuditorApp(audit)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        gaps = app.screen.query_one(NotedList)
        width = gaps.prompt_width
        assert width is not None
        wrapped = 0
        for option in gaps.options:
            _, *note_lines = str(option.prompt).split("\n")
            assert note_lines, option.id  # every flag says why
            wrapped += len(note_lines) > 1
            for line in note_lines:
                assert line.startswith(" " * NOTE_INDENT) and line[NOTE_INDENT] != " ", (option.id, line)
                assert len(line) <= width, (option.id, line)
        assert wrapped  # at this width some reason does wrap
