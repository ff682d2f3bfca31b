"""The start screen as a dashboard: the report's columns sized to the terminal, sort and filter."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from auditor_tui.core.workflow import sign_off, submit
from auditor_tui.ui.app import AuditorApp
from auditor_tui.ui.screens.start import COLUMNS, StartScreen
from tests.ui_helpers import freeze, make_audit


@pytest.fixture
def folder(workdir: Path, as_user) -> Path:
    first = make_audit(workdir, title="Zeta draft audit")
    first.session.set_status(first.session.cursor.item, "missing")
    freeze(first)
    second = make_audit(workdir, name="iomart-2019.txt", title="Alpha signed audit")
    for item in second.session.items:
        second.session.set_status(item, "satisfied")
    submit(second.session)
    as_user("bob")
    sign_off(second.session, reviewer="bob", actor="bob", statement="Reviewed.")
    freeze(second)
    (workdir / "sessions" / "broken.toml").write_text("schema_version = [\n", encoding="utf-8")
    return workdir / "sessions"


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_dashboard_160x48(folder, snap_compare):
    assert snap_compare(AuditorApp(sessions_dir="sessions"), terminal_size=(160, 48), run_before=_settle)


def test_dashboard_80x24(folder, snap_compare):
    assert snap_compare(AuditorApp(sessions_dir="sessions"), terminal_size=(80, 24), run_before=_settle)


def _headers(table: DataTable) -> list[str]:
    return [str(column.label).removesuffix(" ▾") for column in table.columns.values()]


def _titles(table: DataTable) -> list[str]:
    return [str(table.get_row(key)[0]) for key in table.rows]


async def test_columns_follow_the_width(folder):
    app = AuditorApp(sessions_dir="sessions")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert _headers(table) == list(COLUMNS)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        narrow = _headers(table)
        assert "Assignees" not in narrow and "Checklist" not in narrow
        assert narrow[0] == "Title" and "State" in narrow and "Decided" in narrow


async def test_o_cycles_the_sort_and_slash_filters(folder):
    app = AuditorApp(sessions_dir="sessions")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StartScreen)
        table = screen.query_one(DataTable)
        await pilot.press("o")  # by title, A to Z
        assert screen.sort_column == 0
        assert _titles(table) == ["Alpha signed audit", "broken.toml", "Zeta draft audit"]
        assert str(next(iter(table.columns.values())).label).endswith("▾")
        for _ in range(len(COLUMNS)):
            await pilot.press("o")
        assert screen.sort_column is None  # back to newest first
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"zeta")
        await pilot.pause()
        assert _titles(table) == ["Zeta draft audit"]
        await pilot.press("enter")
        assert isinstance(app.focused, DataTable) and _titles(table) == ["Zeta draft audit"]
        await pilot.press("escape")
        await pilot.pause()
        assert len(_titles(table)) == 3 and screen.filter_text == ""


async def test_broken_session_is_a_row_saying_so(folder):
    app = AuditorApp(sessions_dir="sessions")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        broken = table.get_row(str(Path("sessions") / "broken.toml"))
        assert "unreadable" in [str(cell) for cell in broken]
