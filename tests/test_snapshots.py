"""Snapshot tests (pytest-textual-snapshot): what the screens look like.

Update after an intended change with ``pytest tests/test_snapshots.py --snapshot-update`` and
look at the report before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor_tui.ui.app import AuditorApp
from tests.ui_helpers import make_audit


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


@pytest.fixture
def project(workdir: Path) -> Path:
    return workdir


def test_start_screen(project, snap_compare):
    audit = make_audit(project, title="Example audit")
    audit.session.set_status(audit.session.cursor.item, "satisfied")
    from tests.ui_helpers import freeze

    freeze(audit)
    assert snap_compare(AuditorApp(sessions_dir="sessions"), terminal_size=(120, 30), run_before=_settle)


def _review_app(project: Path) -> AuditorApp:
    audit = make_audit(project, title="Example audit")
    session = audit.session
    item = session.cursor.item
    session.toggle_tag(item, audit.policy.clauses[2])
    session.set_status(item, "partial")
    session.set_note(item, "Names the group, not the legal entity [check].")
    from tests.ui_helpers import freeze

    freeze(audit)
    return AuditorApp(audit)


def test_review_screen_120x40(project, snap_compare):
    async def run_before(pilot) -> None:
        await _settle(pilot)
        await pilot.press("down", "down")
        await _settle(pilot)

    assert snap_compare(_review_app(project), terminal_size=(120, 40), run_before=run_before)


def test_review_screen_80x24(project, snap_compare):
    assert snap_compare(_review_app(project), terminal_size=(80, 24), run_before=_settle)


def test_help_screen(project, snap_compare):
    async def run_before(pilot) -> None:
        await _settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(_review_app(project), terminal_size=(120, 40), run_before=run_before)


# --------------------------------------------------------------------------- every screen and dialog

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]
DIALOG_KEYS = [
    pytest.param(("e",), id="note-editor"),
    pytest.param(("slash", *"retention"), id="search"),
    pytest.param(("g",), id="gaps"),
    pytest.param(("f",), id="finding-form"),
    pytest.param(("F",), id="filter"),
    pytest.param(("X",), id="export"),
    pytest.param(("S",), id="submit-refused"),
    pytest.param(("O",), id="signoff-dialog"),
]


async def _no_blink(pilot) -> None:
    """Inputs and text areas stop blinking, so a snapshot never catches the cursor half-way."""
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("keys", DIALOG_KEYS)
def test_dialogs(project, snap_compare, keys, size):
    async def run_before(pilot) -> None:
        await _settle(pilot)
        await pilot.press(*keys)
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await _no_blink(pilot)

    assert snap_compare(_review_app(project), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_review_screen_sizes(project, snap_compare, size):
    assert snap_compare(_review_app(project), terminal_size=size, run_before=_settle)
