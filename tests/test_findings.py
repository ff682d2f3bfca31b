"""Findings: severity, recommendation, owner, due; the reason for not applicable; the assignee."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from auditor_tui.core.checklist import load_checklist
from auditor_tui.core.errors import SessionError, WorkflowError
from auditor_tui.core.policy import load_policy
from auditor_tui.core.session import Session, dumps_session, load_session, loads_session, new_session, save_session
from auditor_tui.core.workflow import PREPARER_ACTIONS, session_digest
from tests.conftest import POLICY_2018


@pytest.fixture
def session(tiny_checklist: Path) -> Session:
    policy = load_policy(POLICY_2018)
    return new_session(policy, load_checklist(tiny_checklist), policy_path=str(POLICY_2018), auditor="alice")


def test_a_finding_round_trips_through_the_file(session: Session, tmp_path: Path) -> None:
    assert session.set_finding("controller", severity="High", recommendation="Name the controller.", owner="Legal ")
    assert session.set_finding("controller", due="2027-03-31")
    session.assign("retention", "  Bob   Smith ")
    path = tmp_path / "s.toml"
    save_session(session, path)
    text = path.read_text()
    assert "due = 2027-03-31\n" in text  # a TOML local date, not a string
    assert 'severity = "high"' in text and 'assignee = "Bob Smith"' in text
    loaded = load_session(path)
    state = loaded.items["controller"]
    assert (state.severity, state.recommendation, state.owner, state.due) == (
        "high",
        "Name the controller.",
        "Legal",
        dt.date(2027, 3, 31),
    )
    assert loaded.items["retention"].assignee == "Bob Smith"
    assert [e.action for e in loaded.history[-3:]] == ["finding", "finding", "assign"]
    assert dumps_session(loaded) == text


def test_unset_fields_are_not_written(session: Session) -> None:
    text = dumps_session(session)
    for name in ("severity", "recommendation", "owner", "due", "reason", "assignee"):
        assert f"\n{name} =" not in text


def test_a_finding_leaves_the_other_fields_alone_and_empty_clears(session: Session) -> None:
    session.set_finding("controller", severity="low", owner="IT")
    session.set_finding("controller", severity="")
    state = session.items["controller"]
    assert (state.severity, state.owner) == ("", "IT")
    assert session.set_finding("controller", owner="IT") is False  # no change, no event


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"severity": "critical"}, "severity 'critical' is not one of high, medium, low"),
        ({"due": "31/03/2027"}, "due date '31/03/2027' is not a date"),
        ({"due": "2027-02-30"}, "due date '2027-02-30' is not a date"),
        ({"due": "2027-3-1"}, "is not a date"),
    ],
)
def test_bad_finding_fields_are_refused(session: Session, kwargs: dict, message: str) -> None:
    before = dumps_session(session)
    with pytest.raises(SessionError, match=message):
        session.set_finding("controller", **kwargs)
    assert dumps_session(session) == before


def test_an_unknown_item_is_refused(session: Session) -> None:
    with pytest.raises(SessionError, match="no item 'nope'"):
        session.set_finding("nope", severity="high")


def test_not_applicable_needs_a_reason(session: Session) -> None:
    with pytest.raises(WorkflowError, match=r"^not applicable needs a reason: "):
        session.set_status("controller", "not-applicable")
    assert session.items["controller"].status == "open"
    session.set_status("controller", "not-applicable", reason="The service has no EU users.")
    state = session.items["controller"]
    assert (state.status, state.reason) == ("not-applicable", "The service has no EU users.")
    assert session.history[-1].action == "status"  # one event for both
    with pytest.raises(WorkflowError, match="reason cannot be cleared"):
        session.set_reason("controller", " ")


def test_a_reason_given_first_allows_not_applicable(session: Session) -> None:
    session.set_reason("retention", "No data is kept.")
    session.set_status("retention", "not-applicable")
    assert session.items["retention"].status == "not-applicable"
    assert session.history[-2].action == "reason"


def test_signed_off_audits_refuse_findings(session: Session) -> None:
    session.state = "signed-off"
    for change in (
        lambda: session.set_finding("controller", severity="high"),
        lambda: session.set_reason("controller", "x"),
        lambda: session.assign("controller", "bob"),
    ):
        with pytest.raises(WorkflowError, match="signed off"):
            change()


def test_new_actions_make_a_preparer() -> None:
    assert {"finding", "reason", "assign", "undo", "redo"} <= PREPARER_ACTIONS


def test_the_digest_covers_the_finding_and_old_digests_stay(session: Session) -> None:
    before = session_digest(session)
    session.set_finding("controller", recommendation="Name it.")
    after = session_digest(session)
    assert after != before
    session.items["controller"].recommendation = "Name it!"
    assert session_digest(session) != after
    session.items["controller"].recommendation = ""
    session.history = session.history[:-1]  # as it was: no finding key at all in the digest
    assert session_digest(session) == before


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('severity = "urgent"', "field 'severity' is 'urgent', not one of high, medium, low"),
        ('due = "2027-03-31"', "field 'due' must be a date such as 2027-03-31"),
        ("due = 2027-03-31T10:00:00Z", "field 'due' must be a date"),
        ("owner = 3", "field 'owner' must be a string"),
        ("reason = true", "field 'reason' must be a string"),
    ],
)
def test_bad_fields_in_the_file_give_one_clear_error(session: Session, line: str, message: str) -> None:
    text = dumps_session(session).replace('[[items]]\nid = "controller"\n', f'[[items]]\nid = "controller"\n{line}\n')
    with pytest.raises(SessionError, match=message) as caught:
        loads_session(text, "s.toml")
    assert "\n" not in str(caught.value) and "item 'controller'" in str(caught.value)


def test_an_old_session_without_findings_loads(session: Session) -> None:
    loaded = loads_session(dumps_session(session))
    state = loaded.items["controller"]
    assert (state.severity, state.due, state.reason, state.assignee) == ("", None, "", "")


def test_a_checklist_item_may_give_a_default_severity(tmp_path: Path) -> None:
    from auditor_tui.core.errors import ChecklistError
    from tests.conftest import TINY_CHECKLIST

    path = tmp_path / "c.toml"
    path.write_text(TINY_CHECKLIST.replace('group = "Who"\n', 'group = "Who"\nseverity = "high"\n'))
    checklist = load_checklist(path)
    assert [item.severity for item in checklist.items] == ["high", ""]
    path.write_text(TINY_CHECKLIST.replace('group = "Who"\n', 'group = "Who"\nseverity = "huge"\n'))
    with pytest.raises(ChecklistError, match="severity 'huge' is not one of high, medium, low"):
        load_checklist(path)


# --------------------------------------------------------------------------- exports

EXPORT_FORMATS = ("md", "html", "csv", "json")
RECOMMENDATION = "Give the DPO's <b>e-mail</b> =SUM(A1)"


@pytest.fixture
def signed_with_findings(tmp_path: Path):
    from auditor_tui.core.workflow import sign_off, submit
    from tests.test_export import make_audit

    audit = make_audit(tmp_path / "audit")
    s = audit.session
    s.set_finding("c-3", severity="high", recommendation=RECOMMENDATION, owner="Legal team", due="2027-03-31")
    s.set_status("b-2", "not-applicable", reason="No contract with users.")
    s.assign("a-1", "carol")
    submit(s)
    sign_off(s, reviewer="bob", actor="bob", statement="Reviewed.")
    audit.save()
    return audit


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_findings_are_in_every_export_and_it_verifies(signed_with_findings, fmt: str) -> None:
    import json

    from auditor_tui.core.export import build_record, export_text, verify_text

    audit = signed_with_findings
    record = build_record(audit.session, audit.checklist)
    items = {item["id"]: item for item in record["items"]}
    assert items["c-3"]["finding"] == {
        "severity": "high",
        "recommendation": RECOMMENDATION,
        "owner": "Legal team",
        "due": "2027-03-31",
    }
    assert items["b-2"]["reason"] == "No contract with users." and items["a-1"]["assignee"] == "carol"
    assert items["a-1"]["finding"] == {"severity": "", "recommendation": "", "owner": "", "due": ""}
    text = export_text(audit.session, audit.checklist, fmt)
    for value in ("Legal team", "2027-03-31", "No contract with users.", "carol", "high"):
        assert value in text, value
    assert verify_text(text, f"x.{fmt}").valid
    if fmt == "csv":
        header = next(line for line in text.splitlines() if line.startswith("id,"))
        assert header.endswith(",note,severity,recommendation,owner,due,reason,assignee")
        assert "'=SUM" not in text or "<b>" in text  # the cell is neutralised only when it starts with =
    if fmt == "json":
        assert json.loads(text)["items"][2]["finding"]["due"] == "2027-03-31"
    if fmt == "html":
        assert "<b>e-mail</b>" not in text and "&lt;b&gt;e-mail" in text


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_a_one_character_edit_of_a_finding_is_caught(signed_with_findings, fmt: str) -> None:
    from auditor_tui.core.export import export_text, verify_text

    audit = signed_with_findings
    text = export_text(audit.session, audit.checklist, fmt)
    for old, new in (("Legal team", "Legal teem"), ("2027-03-31", "2027-03-30"), ("carol", "carql")):
        assert old in text
        edited = text.replace(old, new)  # every copy: the visible one and, in JSON, the record
        result = verify_text(edited, f"x.{fmt}")
        assert not result.valid and result.problems, (fmt, old)


def test_an_edited_finding_in_the_session_breaks_its_sign_off(signed_with_findings) -> None:
    from auditor_tui.core.workflow import verify_session

    session = signed_with_findings.session
    assert verify_session(session).valid
    session.items["c-3"].owner = "Legal tean"
    result = verify_session(session)
    assert not result.valid and any("c-3" in problem for problem in result.problems)
