"""The start screen's dialogs (new audit, re-audit, reuse) on a short terminal, and a new audit
of a URL."""

from __future__ import annotations

import pytest
from textual.widgets import Button

from auditor_tui.ui.app import AuditorApp
from auditor_tui.ui.screens.review import ReviewScreen
from auditor_tui.ui.screens.start import NewAuditScreen
from tests.conftest import POLICY_2018
from tests.ui_helpers import make_audit
from tests.web_server import serve

NARROW = (80, 24)


@pytest.mark.parametrize("key", ["n", "f", "u"])
async def test_each_dialog_reaches_its_start_button_at_80x24(workdir, key: str) -> None:
    make_audit(workdir)
    app = AuditorApp(sessions_dir="sessions")
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        button = app.screen.query_one("#new-start", Button)
        button.focus()  # as tab does
        await pilot.pause()
        dialog = app.screen.query_one(".new-dialog")
        assert dialog.region.height <= NARROW[1]
        assert dialog.region.contains_region(button.region), (dialog.region, button.region)


async def test_a_new_audit_of_a_url_from_the_start_screen(workdir, monkeypatch) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    page = POLICY_2018.read_bytes()
    with serve({"/privacy.txt": (200, "text/plain; charset=utf-8", page)}) as server:
        app = AuditorApp(sessions_dir="sessions")
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            await pilot.press("n")
            await pilot.pause()
            assert isinstance(app.screen, NewAuditScreen)
            app.screen.query_one("#new-policy").value = server.url("/privacy.txt")
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen), app.screen.query_one("#new-error").render()
            assert app.screen.session.policy.path.endswith(".snapshot.txt")


async def test_a_slow_url_leaves_the_screen_answering_and_the_start_button_waiting(workdir, monkeypatch) -> None:
    """The policy is read in a worker: while a slow server answers, the dialog says what it
    reads, the start button is disabled (no second audit of it), and escape still works."""
    import threading

    from tests.web_server import send

    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    release = threading.Event()

    def slow(handler) -> None:
        release.wait(10)
        send(handler, 200, "text/plain; charset=utf-8", POLICY_2018.read_bytes())

    with serve({"/slow.txt": slow}) as server:
        app = AuditorApp(sessions_dir="sessions")
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            await pilot.press("n")
            await pilot.pause()
            url = server.url("/slow.txt")
            app.screen.query_one("#new-policy").value = url
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, NewAuditScreen)
            assert app.screen.query_one("#new-start", Button).disabled
            assert f"Reading {url}" in str(app.screen.query_one("#new-error").render())
            release.set()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen)


async def test_closing_the_dialog_while_it_reads_leaves_the_start_screen_and_says_where_the_audit_is(
    workdir, monkeypatch
) -> None:
    import threading

    from auditor_tui.ui.screens.start import StartScreen
    from tests.web_server import send

    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    release = threading.Event()

    def slow(handler) -> None:
        release.wait(10)
        send(handler, 200, "text/plain; charset=utf-8", POLICY_2018.read_bytes())

    with serve({"/slow.txt": slow}) as server:
        app = AuditorApp(sessions_dir="sessions")
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            await pilot.press("n")
            await pilot.pause()
            app.screen.query_one("#new-policy").value = server.url("/slow.txt")
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, StartScreen)
            release.set()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, StartScreen)
            saved = list((workdir / "sessions").glob("*.toml"))
            assert len(saved) == 1
            assert any("The audit was saved as" in str(n.message) for n in app._notifications)
