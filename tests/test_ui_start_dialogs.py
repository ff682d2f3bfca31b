"""The start screen's dialogs (new audit, re-audit, reuse) on a short terminal, and a new audit
of a URL."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
from textual.widgets import Button

from auditor_tui.ui.app import AuditorApp
from auditor_tui.ui.screens.review import ReviewScreen
from auditor_tui.ui.screens.start import NewAuditScreen, StartScreen
from tests.conftest import POLICY_2018
from tests.ui_helpers import make_audit
from tests.web_server import send, serve

NARROW = (80, 24)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@contextmanager
def slow_server():
    """A server whose /slow.txt answers (the 2018 policy) only once ``release`` is set."""
    release = threading.Event()

    def slow(handler) -> None:
        release.wait(10)
        send(handler, 200, "text/plain; charset=utf-8", POLICY_2018.read_bytes())

    with serve({"/slow.txt": slow}) as server:
        yield server, release


async def start_reading(app: AuditorApp, pilot, url: str) -> None:
    """Open the new-audit form, give it *url* and press enter."""
    await pilot.pause()
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(app.screen, NewAuditScreen)
    app.screen.query_one("#new-policy").value = url
    await pilot.press("enter")
    await pilot.pause()


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


async def test_a_new_audit_of_a_url_from_the_start_screen(workdir) -> None:
    page = POLICY_2018.read_bytes()
    with serve({"/privacy.txt": (200, "text/plain; charset=utf-8", page)}) as server:
        app = AuditorApp(sessions_dir="sessions")
        async with app.run_test(size=(160, 48)) as pilot:
            await start_reading(app, pilot, server.url("/privacy.txt"))
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen), app.screen.query_one("#new-error").render()
            assert app.screen.session.policy.path.endswith(".snapshot.txt")


async def test_a_slow_url_leaves_the_screen_answering_and_the_start_button_waiting(workdir) -> None:
    """The policy is read in a worker: while a slow server answers, the dialog says what it
    reads and the start button is disabled (no second audit of it)."""
    with slow_server() as (server, release):
        app = AuditorApp(sessions_dir="sessions")
        async with app.run_test(size=(160, 48)) as pilot:
            url = server.url("/slow.txt")
            await start_reading(app, pilot, url)
            assert isinstance(app.screen, NewAuditScreen)
            assert app.screen.query_one("#new-start", Button).disabled
            assert f"Reading {url}" in str(app.screen.query_one("#new-error").render())
            release.set()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen)


async def test_closing_the_dialog_while_it_reads_leaves_the_start_screen_and_says_where_the_audit_is(
    workdir,
) -> None:
    with slow_server() as (server, release):
        app = AuditorApp(sessions_dir="sessions")
        async with app.run_test(size=(160, 48)) as pilot:
            await start_reading(app, pilot, server.url("/slow.txt"))
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
