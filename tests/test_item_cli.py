"""``auditor-tui item``: one item changed from a script, with the review screen's refusals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from auditor_tui.cli import main
from auditor_tui.core.audit import Audit
from auditor_tui.core.lock import try_lock
from auditor_tui.core.session import load_session
from auditor_tui.core.workflow import submit
from tests.test_cli_workflow import CHECKLIST, POLICY


@pytest.fixture
def session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mini.toml").write_text(CHECKLIST, encoding="utf-8")
    (tmp_path / "policy.md").write_text(POLICY, encoding="utf-8")
    audit = Audit.start("policy.md", "mini.toml", session_path="s.toml", auditor="alice")
    audit.save()
    return tmp_path / "s.toml"


def test_item_sets_a_finding_and_prints_the_new_state(session: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "item",
            str(session),
            "a-1",
            "--status",
            "missing",
            "--severity",
            "high",
            "--recommendation",
            "Name the controller.",
            "--owner",
            "Legal",
            "--due",
            "2027-03-31",
            "--assign",
            "bob",
            "--note",
            "Not named.",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines() == [
        "a-1: missing; severity high; owner Legal; due 2027-03-31; assignee bob; "
        "recommendation Name the controller.; note Not named."
    ]
    state = load_session(session).items["a-1"]
    assert (state.status, state.severity, state.owner, state.due, state.assignee) == (
        "missing",
        "high",
        "Legal",
        dt.date(2027, 3, 31),
        "bob",
    )
    actions = [e.action for e in load_session(session).history[-4:]]
    assert actions == ["assign", "finding", "note", "status"]


def test_not_applicable_with_a_reason(session: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["item", str(session), "b-2", "--status", "not-applicable", "--reason", "No EU users."]) == 0
    assert capsys.readouterr().out == "b-2: not-applicable; reason No EU users.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["a-1", "--status", "not-applicable"], "not applicable needs a reason: "),
        (["nope", "--status", "missing"], "no item 'nope' in this audit"),
        (["a-1", "--due", "2027-13-01"], "due date '2027-13-01' is not a date"),
        (["a-1", "--severity", "critical"], "severity 'critical' is not one of high, medium, low"),
        (["a-1", "--owner", "x", "--due", "soon"], "due date 'soon' is not a date"),  # nothing half-done
        (["a-1"], "nothing to change"),
    ],
)
def test_refusals_are_one_line_and_leave_the_file(
    session: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    before = session.read_bytes()
    assert main(["item", str(session), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and str(session) in err
    assert session.read_bytes() == before


def test_a_submitted_audit_is_refused(session: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["item", str(session), "a-1", "--status", "satisfied"])
    main(["item", str(session), "b-2", "--status", "satisfied"])
    from auditor_tui.core.session import save_session

    s = load_session(session)
    submit(s)
    save_session(s, session)
    capsys.readouterr()
    before = session.read_bytes()
    assert main(["item", str(session), "a-1", "--severity", "low"]) == 2
    assert "waiting for review" in capsys.readouterr().err
    assert session.read_bytes() == before


def test_the_lock_is_respected(session: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lock = try_lock(session)
    assert lock is not None
    try:
        before = session.read_bytes()
        assert main(["item", str(session), "a-1", "--status", "missing"]) == 2
        assert "open for changes" in capsys.readouterr().err
        assert session.read_bytes() == before
    finally:
        lock.release()
