"""Undo and redo on the history: every change, across a restart, never crossing a transition."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from auditor_tui.core.checklist import load_checklist
from auditor_tui.core.policy import Policy, load_policy
from auditor_tui.core.session import Session, dumps_session, load_session, new_session, save_session
from auditor_tui.core.undo import UNDOABLE
from auditor_tui.core.workflow import reopen, submit
from tests.conftest import POLICY_2018


@pytest.fixture
def made(tiny_checklist: Path) -> tuple[Session, Policy]:
    policy = load_policy(POLICY_2018)
    return new_session(policy, load_checklist(tiny_checklist), policy_path=str(POLICY_2018), auditor="alice"), policy


def _items(session: Session) -> str:
    """The items part of the file (what undo must restore exactly)."""
    text = dumps_session(session)
    return text[text.index("[[items]]") : text.index("[[history]]")]


def test_every_change_is_undone_and_redone_in_turn(made: tuple[Session, Policy]) -> None:
    session, policy = made
    states = [_items(session)]
    changes = [
        lambda: session.reject_suggestion("controller", policy.clauses[3].id),
        lambda: session.toggle_tag("controller", policy.clauses[3]),  # lifts the rejection
        lambda: session.toggle_tag("controller", policy.clauses[7]),
        lambda: session.toggle_tag("controller", policy.clauses[7]),  # untag
        lambda: session.set_status("controller", "partial"),
        lambda: session.set_note("controller", "Only the group is named.\nSee 13-1-b."),
        lambda: session.set_finding("controller", severity="high", owner="Legal", due="2027-01-31"),
        lambda: session.set_reason("retention", "Nothing kept."),
        lambda: session.set_status("retention", "not-applicable"),
        lambda: session.assign("retention", "bob"),
    ]
    for change in changes:
        change()
        states.append(_items(session))
    actions = {event.action for event in session.history[1:]}
    assert actions == UNDOABLE - {"drop-orphan"}
    for expected in reversed(states[:-1]):
        assert session.undo() is not None
        assert _items(session) == expected
    assert session.undo() is None  # back at the creation: nothing more to undo
    for expected in states[1:]:
        assert session.redo() is not None
        assert _items(session) == expected
    assert session.redo() is None
    assert session.history_break() is None
    assert len(session.history) == 1 + 3 * len(changes)  # nothing removed, ever


def test_undo_survives_a_restart(made: tuple[Session, Policy], tmp_path: Path) -> None:
    session, _ = made
    session.set_finding("controller", severity="medium", due="2027-05-01")
    session.set_status("controller", "missing")
    path = tmp_path / "s.toml"
    save_session(session, path)
    loaded = load_session(path)
    undone = loaded.undo()
    assert undone is not None and undone.action == "status"
    assert loaded.items["controller"].status == "open"
    save_session(loaded, path)
    again = load_session(path)
    assert again.history[-1].action == "undo" and again.history[-1].data == {"of": undone.hash}
    again.undo()
    assert (again.items["controller"].severity, again.items["controller"].due) == ("", None)
    save_session(again, path)
    last = load_session(path)
    last.redo()
    assert last.items["controller"].due == dt.date(2027, 5, 1)
    assert last.history[-1].who == "alice"


def test_a_new_change_clears_the_redo(made: tuple[Session, Policy]) -> None:
    session, _ = made
    session.set_note("controller", "a")
    session.undo()
    assert session.can_redo()
    session.set_note("controller", "b")
    assert not session.can_redo() and session.redo() is None
    session.undo()
    assert session.items["controller"].note == ""


def test_undo_does_not_cross_a_workflow_transition(made: tuple[Session, Policy]) -> None:
    session, _ = made
    for item_id in session.items:
        session.set_status(item_id, "satisfied")
    submit(session, by="alice")
    reopen(session, by="alice")
    assert not session.can_undo() and session.undo() is None
    assert all(state.status == "satisfied" for state in session.items.values())


def test_undo_is_refused_on_a_submitted_audit(made: tuple[Session, Policy]) -> None:
    from auditor_tui.core.errors import WorkflowError

    session, _ = made
    for item_id in session.items:
        session.set_status(item_id, "satisfied")
    submit(session, by="alice")
    with pytest.raises(WorkflowError, match="waiting for review"):
        session.undo()


def test_an_item_edited_by_hand_is_not_overwritten(made: tuple[Session, Policy]) -> None:
    from auditor_tui.core.errors import SessionError

    session, _ = made
    session.set_note("controller", "mine")
    session.items["controller"].note = "edited in the file"
    with pytest.raises(SessionError, match="changed outside auditor-tui"):
        session.undo()
    assert session.items["controller"].note == "edited in the file"


def test_changes_from_before_undo_existed_are_a_barrier(made: tuple[Session, Policy]) -> None:
    session, _ = made
    session.set_note("controller", "old")
    session.history[-1].data = {}  # as an event written by an older auditor-tui
    session.set_note("controller", "new")
    assert session.undo() is not None and session.items["controller"].note == "old"
    assert session.undo() is None


def test_dropping_removed_evidence_is_undone(made: tuple[Session, Policy]) -> None:
    from auditor_tui.core.session import Tag

    session, _ = made
    session.items["controller"].tags.append(Tag("c999", "Old", "gone text", "ab" * 32, orphan=True, similarity=40.0))
    before = _items(session)
    session.drop_orphan("controller", "c999")
    assert session.items["controller"].tags == []
    session.undo()
    assert _items(session) == before
