"""The merge driver: two branches of one audit merged item by item by a real `git merge`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor_tui.cli import main
from auditor_tui.core.audit import Audit
from auditor_tui.core.errors import WorkflowError
from auditor_tui.core.merge import merge_list, merge_sessions, open_items_by_assignee
from auditor_tui.core.session import Session, dumps_session, load_session, loads_session, save_session
from auditor_tui.core.workflow import sign_off, submit, verify_session

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

CHECKLIST = """\
[checklist]
id = "mini"
title = "Mini transparency checklist"
version = "1.0.0"

[[items]]
id = "a-1"
title = "Identity and contact details of the controller"

[[items]]
id = "b-2"
title = "Purposes and legal basis"

[[items]]
id = "c-3"
title = "Rights of the data subject"
"""

POLICY = """\
# About us

We are Example Ltd, 1 High Street, London. Write to privacy@example.com.

# How we use your data

We use your data to provide the service, on the basis of our contract with you.

# Your rights

You may ask for a copy of your data, or for it to be erased.
"""

SESSION = Path("sessions/audit.toml")


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=check)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository set up with git-setup, holding one audit (all items open) on main."""
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.name", "Test")
    git(tmp_path, "config", "user.email", "test@example.com")
    git(tmp_path, "config", "commit.gpgsign", "false")
    assert main(["git-setup", "--command", f"{sys.executable} -m auditor_tui"]) == 0
    (tmp_path / ".gitignore").write_text("*.bak\n*.lock\n", encoding="utf-8")
    (tmp_path / "mini.toml").write_text(CHECKLIST, encoding="utf-8")
    (tmp_path / "policy.md").write_text(POLICY, encoding="utf-8")
    Audit.start("policy.md", "mini.toml", session_path=SESSION, auditor="alice").save()
    commit(tmp_path, "start the audit")
    return tmp_path


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def change(repo: Path, branch: str, edit, *, new: bool = True) -> None:
    """On *branch* (made from main when *new*), apply edit(session, clauses) and commit."""
    git(repo, "checkout", "-q", *(["-b", branch, "main"] if new else [branch]))
    audit = Audit.open(SESSION)
    edit(audit.session, audit.policy.clauses)
    audit.save()
    commit(repo, f"work on {branch}")


def merge(repo: Path, branch: str) -> subprocess.CompletedProcess[str]:
    return git(repo, "merge", "--no-edit", branch, check=False)


def test_different_items_merge_cleanly(repo: Path, as_user) -> None:
    def rights(s: Session, clauses) -> None:
        s.toggle_tag("c-3", clauses[2])
        s.set_status("c-3", "satisfied")

    def rest(s: Session, clauses) -> None:
        s.toggle_tag("a-1", clauses[0])
        s.set_status("a-1", "partial")
        s.set_note("b-2", "no legal basis given")

    as_user("alice")
    change(repo, "rights", rights)
    as_user("bob")
    change(repo, "rest", rest)
    done = merge(repo, "rights")  # rest <- rights: both changed the file since main
    assert done.returncode == 0, done.stderr
    merged = load_session(SESSION)
    assert merged.history_break() is None
    assert merged.items["c-3"].status == "satisfied" and merged.items["c-3"].tags[0].clause == "c3"
    assert merged.items["a-1"].status == "partial" and merged.items["b-2"].note == "no legal basis given"
    assert all(state.conflict is None for state in merged.items.values())
    actions = [(e.who, e.action, e.item) for e in merged.history]
    assert actions.count(("alice", "status", "c-3")) == 1 and ("bob", "note", "b-2") in actions
    assert actions[0][1] == "create" and actions[-1][1] == "merge"
    assert [e.at for e in merged.history] == sorted(e.at for e in merged.history)
    assert set(merged.history[-1].data) >= {"ours", "theirs"}
    assert "<<<<<<<" not in SESSION.read_text(encoding="utf-8")


def test_same_item_changed_on_both_sides_conflicts(repo: Path, as_user) -> None:
    as_user("alice")
    change(repo, "alice", lambda s, c: (s.set_status("a-1", "missing"), s.set_status("b-2", "satisfied")))
    as_user("bob")
    change(repo, "bob", lambda s, c: (s.set_status("a-1", "partial"), s.set_status("c-3", "partial")))
    git(repo, "checkout", "-q", "alice")
    done = merge(repo, "bob")
    assert done.returncode != 0
    assert "item a-1: CONFLICT: ours by alice: missing / theirs by bob: partial" in done.stderr
    assert "item b-2" not in done.stderr and "item c-3" not in done.stderr
    assert ": 1 item in conflict, both versions kept" in done.stderr
    merged = load_session(SESSION)  # still a session, not a file of conflict markers
    assert merged.history_break() is None
    a1 = merged.items["a-1"]
    assert a1.status == "missing" and a1.conflict is not None
    assert (a1.conflict.ours_by, a1.conflict.theirs_by, a1.conflict.theirs) == ("alice", "bob", {"status": "partial"})
    assert merged.items["b-2"].status == "satisfied" and merged.items["c-3"].status == "partial"
    assert "[items.conflict]" in SESSION.read_text(encoding="utf-8")
    assert merged.history[-1].detail.endswith("; 1 item in conflict")
    with pytest.raises(WorkflowError, match="1 item still has a merge conflict"):
        submit(merged)
    merged.resolve_conflict("a-1", "theirs")
    assert merged.items["a-1"].status == "partial" and merged.items["a-1"].conflict is None
    assert merged.history[-1].action == "resolve" and merged.history_break() is None
    save_session(merged, SESSION)
    assert load_session(SESSION).items["a-1"].conflict is None


def test_a_signed_off_side_changed_by_the_other_is_not_signed_off(repo: Path, as_user) -> None:
    def decide(s: Session, clauses) -> None:
        for item_id in s.items:
            s.set_status(item_id, "satisfied")

    as_user("alice")
    change(repo, "main", decide, new=False)
    git(repo, "checkout", "-q", "-b", "review")
    audit = Audit.open(SESSION)
    submit(audit.session)
    as_user("carol")
    sign_off(audit.session, statement="checked")
    audit.save()
    commit(repo, "signed off")
    as_user("alice")
    change(repo, "late", lambda s, c: s.set_note("b-2", "one more thing"))
    git(repo, "checkout", "-q", "review")
    done = merge(repo, "late")
    assert done.returncode != 0
    assert "NOT signed off" in done.stderr and "carol" in done.stderr
    merged = load_session(SESSION)
    assert merged.state == "in-progress" and merged.signoff is None
    assert merged.items["b-2"].note == "one more thing"
    assert merged.history_break() is None
    actions = [e.action for e in merged.history]
    assert "signoff" in actions and actions[-2:] == ["void-signoff", "reopen"]
    assert not verify_session(merged).valid


def test_a_side_with_nothing_new_keeps_the_sign_off(repo: Path, as_user) -> None:
    """Theirs has no event ours lacks: ours (signed off) is the merge, untouched."""
    as_user("alice")
    audit = Audit.open(SESSION)
    for item_id in audit.session.items:
        audit.session.set_status(item_id, "satisfied")
    submit(audit.session)
    as_user("carol")
    sign_off(audit.session)
    base = load_session(SESSION)
    result = merge_sessions(base, audit.session, base)
    assert result.clean and result.session.state == "signed-off"
    assert verify_session(result.session).valid


def test_both_added_the_same_audit(repo: Path, tmp_path: Path, as_user, capsys) -> None:
    """add/add: git gives an empty BASE; items changed differently from the defaults conflict."""
    ours, theirs, base = tmp_path / "ours.toml", tmp_path / "theirs.toml", tmp_path / "base.toml"
    base.write_text("", encoding="utf-8")
    one, two = load_session(SESSION), load_session(SESSION)
    one.set_status("a-1", "missing")
    as_user("bob")
    two.set_note("b-2", "from bob")
    ours.write_text(dumps_session(one), encoding="utf-8")
    theirs.write_text(dumps_session(two), encoding="utf-8")
    assert main(["merge-driver", str(base), str(ours), str(theirs), "sessions/audit.toml"]) == 0
    merged = load_session(ours)
    assert merged.items["a-1"].status == "missing" and merged.items["b-2"].note == "from bob"
    assert merged.history_break() is None


@pytest.mark.parametrize("broken", ["theirs", "base", "ours"])
def test_unreadable_input_exits_2_and_leaves_ours(repo: Path, tmp_path: Path, capsys, broken: str) -> None:
    paths = {name: tmp_path / f"{name}.toml" for name in ("base", "ours", "theirs")}
    for path in paths.values():
        shutil.copyfile(SESSION, path)
    paths[broken].write_text("<<<<<<< not a session\n", encoding="utf-8")
    before = paths["ours"].read_bytes()
    assert main(["merge-driver", *(str(paths[n]) for n in ("base", "ours", "theirs")), "sessions/audit.toml"]) == 2
    assert paths["ours"].read_bytes() == before
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not valid TOML" in err


def test_different_audits_are_refused(repo: Path, tmp_path: Path, capsys) -> None:
    other = Audit.start("policy.md", "mini.toml", session_path=tmp_path / "other.toml", auditor="bob")
    other.save()
    ours = tmp_path / "ours.toml"
    shutil.copyfile(SESSION, ours)
    before = ours.read_bytes()
    assert main(["merge-driver", str(tmp_path / "none.toml"), str(ours), str(tmp_path / "other.toml")]) == 2
    assert ours.read_bytes() == before and "different audits" in capsys.readouterr().err


@given(
    st.sets(st.sampled_from([f"c{n}" for n in range(8)])),
    st.sets(st.sampled_from([f"c{n}" for n in range(8)])),
    st.sets(st.sampled_from([f"c{n}" for n in range(8)])),
)
def test_merge_list_is_the_three_way_set_merge(base: set[str], ours: set[str], theirs: set[str]) -> None:
    merged = merge_list(sorted(base), sorted(ours), sorted(theirs))
    expected = (ours & theirs) | (ours - base) | (theirs - base)
    expected -= (base - ours) | (base - theirs)
    assert set(merged) == expected
    assert set(merge_list(sorted(base), sorted(theirs), sorted(ours))) == expected
    assert merge_list(sorted(base), sorted(base), sorted(theirs)) == sorted(theirs, key=lambda c: int(c[1:]))


def test_assign_and_open_items_by_assignee(repo: Path, as_user) -> None:
    s = load_session(SESSION)
    s.assign("a-1", "bob")
    s.assign("c-3", " bob ")
    s.assign("b-2", "alice")
    s.set_status("b-2", "satisfied")
    assert s.history[-2].action == "assign" and s.history[-2].data["new.assignee"] == "alice"
    again = loads_session(dumps_session(s))
    assert again.items["a-1"].assignee == "bob" and again.history_break() is None
    found = open_items_by_assignee([again])
    assert list(found) == ["bob"] and [item for _, item in found["bob"]] == ["a-1", "c-3"]
    assert found["bob"][0][0].audit_id == s.audit_id


def test_a_conflict_withdraws_a_submitted_audit_from_review(repo: Path, as_user) -> None:
    """A conflict is resolved by an edit, so a submitted side goes back to in-progress."""
    base = load_session(SESSION)
    ours, theirs = load_session(SESSION), load_session(SESSION)
    for item_id in ours.items:
        ours.set_status(item_id, "satisfied")
    submit(ours)
    as_user("bob")
    theirs.set_status("a-1", "missing")
    result = merge_sessions(base, ours, theirs)
    assert result.session.state == "in-progress" and result.session.items["a-1"].conflict is not None
    assert any("withdrawn from review" in line for line in result.conflicts)
    assert result.session.history[-1].action == "reopen" and result.session.history_break() is None
