"""Pilot: proposals from a reused audit in the review screen (accept, reject, after a restart),
and the items of linked audits of the same policy named for the current clause."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Static

from auditor_tui.core.audit import Audit
from auditor_tui.core.reuse import start_reuse
from auditor_tui.core.session import load_session
from auditor_tui.ui.app import AuditorApp
from auditor_tui.ui.widgets.checklist_list import ChecklistList
from auditor_tui.ui.widgets.detail import SuggestionList
from tests.conftest import REPO
from tests.ui_helpers import autosave

EXAMPLE = REPO / "sessions" / "example-iomart-2018-gdpr-transparency.toml"
EXAMPLE_POLICY = REPO / "sessions" / "policies" / "iomart-privacy-policy-2018.txt"
ITEM = "retention"
"""Paired `equivalent` with GDPR 13-2-a, which the example audit tagged."""


@pytest.fixture
def reused(workdir: Path) -> Path:
    (workdir / "sessions" / "policies").mkdir(parents=True)
    shutil.copy(EXAMPLE_POLICY, workdir / "sessions" / "policies")
    shutil.copy(EXAMPLE, workdir / "sessions" / EXAMPLE.name)
    audit, _ = start_reuse(
        "sessions/policies/iomart-privacy-policy-2018.txt",
        "ccpa-privacy-policy",
        Path("sessions") / EXAMPLE.name,
        session_path="sessions/ccpa.toml",
    )
    return audit.path


def label(app: AuditorApp) -> str:
    return str(app.screen.query_one("#suggestions-label", Static).render())


def first_option(app: AuditorApp) -> tuple[str, str]:
    option = app.screen.query_one(SuggestionList).get_option_at_index(0)
    return str(option.id), str(option.prompt)


async def _select(app: AuditorApp, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    checklist = app.screen.query_one(ChecklistList)
    checklist.select_item(ITEM)
    checklist.focus()
    await pilot.pause()


async def test_accepted_proposal_becomes_a_tag_and_survives_a_restart(reused: Path) -> None:
    proposed = [p.clause for p in load_session(reused).items[ITEM].proposed]
    assert proposed
    app = AuditorApp(Audit.open(reused))
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(app, pilot)
        assert "proposed by a reused audit" in label(app)
        row = app.screen.query_one(ChecklistList).get_option(ITEM).prompt
        assert f"⇄{len(proposed)}" in str(row)  # the checklist pane shows the item has proposals
        clause_id, prompt = first_option(app)
        assert clause_id == proposed[0]
        assert "from gdpr-transparency 13-2-a (equivalent)" in prompt
        await pilot.press("a")
        await autosave(pilot)
        assert app.screen.session.items[ITEM].tag_for(clause_id) is not None
        await pilot.press("q")
    saved = load_session(reused)
    assert saved.items[ITEM].tag_for(clause_id) is not None
    assert saved.items[ITEM].proposal_for(clause_id) is None
    assert saved.items[ITEM].status == "open"  # accepting decides nothing
    assert saved.history[-1].action == "accept-proposal" and saved.history_break() is None
    app = AuditorApp(Audit.open(reused))
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(app, pilot)
        shown = [o.id for o in app.screen.query_one(SuggestionList).options]
        assert clause_id not in shown  # tagged now: neither proposed nor suggested
        assert "Evidence (1)" in str(app.screen.query_one("#detail-evidence", Static).render())
        await pilot.press("q")


async def test_rejected_proposal_does_not_come_back(reused: Path) -> None:
    app = AuditorApp(Audit.open(reused))
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(app, pilot)
        clause_id, _prompt = first_option(app)
        await pilot.press("x")
        await autosave(pilot)
        await pilot.press("q")
    saved = load_session(reused)
    assert saved.items[ITEM].proposal_for(clause_id) is None
    assert clause_id in saved.items[ITEM].rejected
    assert not saved.items[ITEM].tags
    assert saved.history[-1].action == "reject-proposal"
    app = AuditorApp(Audit.open(reused))
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(app, pilot)
        shown = [o.id for o in app.screen.query_one(SuggestionList).options]
        assert clause_id not in shown
        await pilot.press("q")


async def test_linked_audit_items_are_named_for_the_clause(reused: Path) -> None:
    gdpr = load_session(Path("sessions") / EXAMPLE.name)
    clause_id = gdpr.items["13-2-a"].tags[0].clause
    app = AuditorApp(Audit.open(reused))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.linked is not None
        app.screen.policy_view.move_to_id(clause_id, top=True)
        await pilot.pause()
        text = str(app.screen.query_one("#detail-clause-items", Static).render())
        assert "Tagged in linked audits" in text
        assert f"gdpr-transparency: 13-2-a ({gdpr.items['13-2-a'].status})" in text
        await pilot.press("q")


async def test_the_sessions_folder_is_read_once_for_linked_audits_and_exemplars(reused: Path, monkeypatch) -> None:
    import auditor_tui.core.linked as linked
    import auditor_tui.core.session as sessions

    reads: list[object] = []
    real = sessions.find_sessions

    def counting(directory="sessions"):
        reads.append(directory)
        return real(directory)

    monkeypatch.setattr(sessions, "find_sessions", counting)
    monkeypatch.setattr(linked, "find_sessions", counting)  # where it was imported by name
    app = AuditorApp(Audit.open(reused))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.linked is not None and app.screen.scores is not None
        assert len(reads) == 1
        await pilot.press("q")


async def test_start_screen_u_reuses_the_selected_audit(workdir: Path) -> None:
    from textual.widgets import Select

    from auditor_tui.ui.screens.reuse_form import ReuseScreen
    from auditor_tui.ui.screens.review import ReviewScreen

    (workdir / "sessions" / "policies").mkdir(parents=True)
    shutil.copy(EXAMPLE_POLICY, workdir / "sessions" / "policies")
    shutil.copy(EXAMPLE, workdir / "sessions" / EXAMPLE.name)
    app = AuditorApp(sessions_dir="sessions")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, ReuseScreen)
        select = app.screen.query_one("#new-checklist", Select)
        assert [value for _label, value in select._options if value != Select.NULL] == [
            "ccpa-privacy-policy",
            "opp115-data-practices",
        ]
        await pilot.click("#new-start")  # no checklist chosen yet: says so, starts nothing
        await pilot.pause()
        assert isinstance(app.screen, ReuseScreen)
        assert "Choose the checklist" in str(app.screen.query_one("#new-error", Static).render())
        select.value = "ccpa-privacy-policy"
        app.screen.query_one("#new-policy").focus()
        await pilot.press("enter")  # in the policy field: starts (in a worker)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        session = app.screen.session
        assert session.checklist.id == "ccpa-privacy-policy" and session.reuse is not None
        assert session.items[ITEM].proposed
        await pilot.press("q")
