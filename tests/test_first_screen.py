"""The first screen of a long policy: drawn before the whole policy is wrapped, and the lines
wrapped lazily are the ones a full layout gives (issue 15). No timing is asserted."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor_tui.core.audit import Audit
from auditor_tui.ui.app import AuditorApp
from auditor_tui.ui.screens.review import ReviewScreen
from auditor_tui.ui.widgets.policy_view import PolicyView

SIZE = (120, 40)


def long_policy(folder: Path, clauses: int = 3_000) -> Path:
    lines = []
    for number in range(clauses):
        if number % 10 == 0:
            lines.append(f"Section {number // 10 + 1}")
        words = " ".join(f"word{(number * 7 + k) % 97}" for k in range(5 + number % 40))
        lines.append(f"Clause {number + 1} says that we keep {words}.")
    path = folder / "long.txt"
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return path


def start(folder: Path) -> Audit:
    return Audit.start(
        long_policy(folder), "gdpr-transparency", session_path=folder / "s.toml", auditor="alice", sessions_dir=folder
    )


def full_layout(view: PolicyView) -> list:
    """The lines of a layout done at once, at the view's width."""
    view._layout_width = -1
    view.finish_layout()
    return list(view._lines)


@pytest.mark.asyncio
async def test_the_first_lines_show_before_the_rest_is_wrapped(tmp_path, monkeypatch) -> None:
    # Hold back the background layout, so that what shows can only come from the lazy path.
    monkeypatch.setattr(PolicyView, "_lay_out_more", lambda self: None)
    audit = start(tmp_path)
    app = AuditorApp(audit, sessions_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        view = app.screen.query_one(PolicyView)
        assert not view.laid_out
        shown = "\n".join(view.render_line(y).text for y in range(view.size.height))
        assert "Section 1" in shown and "Clause 1 says" in shown
        lazy = list(view._lines)
        assert 0 < len(lazy) < 1_000
        for key in ["pagedown"] * 5 + ["down"] * 7:  # moving wraps what the move shows, no more
            await pilot.press(key)
        assert not view.laid_out
        assert view.clause.index > 0 and str(view.clause.index + 1) in "\n".join(
            view.render_line(y).text for y in range(view.size.height)
        )
        moved = list(view._lines)
        await pilot.press("end")  # the last clause needs everything
        assert view.laid_out and view.clause.index == len(audit.policy.clauses) - 1
        shown = "\n".join(view.render_line(y).text for y in range(view.size.height))
        assert f"Clause {len(audit.policy.clauses)} says" in shown
        everything = list(view._lines)
        assert full_layout(view) == everything
        assert everything[: len(moved)] == moved and everything[: len(lazy)] == lazy


@pytest.mark.asyncio
async def test_the_rest_is_wrapped_after_the_first_screen(tmp_path) -> None:
    audit = start(tmp_path)
    app = AuditorApp(audit, sessions_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        view = app.screen.query_one(PolicyView)
        for _ in range(200):  # each refresh wraps another chunk
            if view.laid_out:
                break
            await pilot.pause()
        assert view.laid_out
        lines = list(view._lines)
        assert view.virtual_size.height == len(lines)
        assert full_layout(view) == lines


@pytest.mark.asyncio
async def test_suggestions_are_computed_after_the_first_screen(tmp_path, monkeypatch) -> None:
    from auditor_tui.core.suggest import Suggester

    order: list[str] = []
    original_render = PolicyView.render_line
    original_score = Suggester.score

    def render_line(self: PolicyView, y: int):
        if "drawn" not in order:
            order.append("drawn")
        return original_render(self, y)

    def score(self, policy):
        order.append("scoring")
        return original_score(self, policy)

    monkeypatch.setattr(PolicyView, "render_line", render_line)
    monkeypatch.setattr(Suggester, "score", score)
    audit = start(tmp_path)
    app = AuditorApp(audit, sessions_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await app.workers.wait_for_complete()  # the worker exists from the start: this waits for it
        await pilot.pause()
        assert screen.scores is not None
        assert order[:2] == ["drawn", "scoring"]


async def test_the_collector_paused_for_the_start_is_back_on_after_the_first_frame(tmp_path) -> None:
    import gc

    from auditor_tui.ui.startup import pause_collector

    audit = start(tmp_path)
    pause_collector()  # as auditor_tui.cli.main does for the commands that open the app
    assert not gc.isenabled()
    try:
        app = AuditorApp(audit, sessions_dir=tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            await pilot.app.workers.wait_for_complete()  # the workers wait for the first frame
            assert screen.first_frame.is_set()
            assert gc.isenabled()
    finally:
        gc.enable()


def test_a_command_that_fails_leaves_the_collector_on(tmp_path, capsys) -> None:
    import gc

    from auditor_tui.cli import main

    assert main(["review", str(tmp_path / "missing.txt")]) == 2
    assert "auditor-tui: error:" in capsys.readouterr().err
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_program_itself_stays_off() -> None:
    import gc

    from auditor_tui.ui.startup import pause_collector, resume_collector

    gc.disable()
    try:
        pause_collector()
        resume_collector()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_what_the_start_made_is_not_left_to_the_youngest_generation() -> None:
    """Resuming moves what was made during the pause to the oldest generation, so the first
    allocation after it does not walk it all at once, and leaves nothing frozen for good."""
    import gc

    from auditor_tui.ui.startup import pause_collector, resume_collector

    pause_collector()
    try:
        made = [[index] for index in range(20_000)]
        assert gc.get_count()[0] >= 20_000
        resume_collector()
        assert gc.isenabled()
        assert gc.get_count()[0] < 1_000
        assert gc.get_freeze_count() == 0
        assert gc.is_tracked(made[0])
    finally:
        gc.enable()
