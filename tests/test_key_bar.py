"""The key bar at the bottom of the review and start screens (ui/widgets/key_bar.py)."""

from __future__ import annotations

from auditor_tui.core.audit import Audit
from auditor_tui.ui.app import AuditorApp
from auditor_tui.ui.widgets.key_bar import KeyBar
from tests.test_ui_screen_fixes import NARROW, WIDE, ready, signed_off_audit
from tests.ui_helpers import autosave, make_audit


def shown(app: AuditorApp) -> str:
    return app.screen.query_one(KeyBar).render().plain


async def test_the_bar_shows_the_keys_and_the_palette_at_the_right_edge(workdir) -> None:
    for size in (NARROW, WIDE):
        app = AuditorApp(make_audit(workdir, name=f"policy-{size[0]}.txt"))
        async with app.run_test(size=size) as pilot:
            await ready(pilot)
            line = shown(app)
            assert line.startswith(" t Tag  e Note ")
            assert "^s Save" in line and "q Quit" in line
            assert line.endswith("▏^p palette ")
            assert len(line) == size[0]


async def test_clicking_a_key_presses_it(workdir) -> None:
    audit = make_audit(workdir)
    app = AuditorApp(audit)
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(pilot)
        item = screen.item_id
        assert not audit.session.items[item].tags
        assert await pilot.click(KeyBar, offset=(1, 0))  # the "t" of " t Tag"
        await autosave(pilot)
        assert len(audit.session.items[item].tags) == 1


async def test_a_read_only_audit_shows_no_editing_key_until_it_is_reopened(workdir) -> None:
    audit = signed_off_audit(workdir)
    app = AuditorApp(Audit.open(audit.path))
    async with app.run_test(size=WIDE) as pilot:
        await ready(pilot)
        assert "Tag" not in shown(app) and "^s" not in shown(app)
        assert "q Quit" in shown(app)
        await pilot.press("ctrl+o", "y")  # reopen for changes (voids the sign-off)
        await pilot.pause()
        assert " t Tag " in shown(app) and "^s Save" in shown(app)


async def test_the_start_screen_keeps_its_palette_key_when_its_keys_overflow(workdir) -> None:
    app = AuditorApp(sessions_dir=workdir / "sessions")
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        line = shown(app)
        assert line.startswith(" n New audit ")
        assert line.endswith("▏^p palette ") and len(line) == NARROW[0]
