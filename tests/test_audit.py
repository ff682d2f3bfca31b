"""Opening audits: new sessions, resuming, and a policy that moved or changed."""

from __future__ import annotations

import shutil

import pytest

from auditor_tui.core.audit import Audit, sample_policy_path
from auditor_tui.core.errors import SessionError
from auditor_tui.core.session import load_session, save_session
from tests.conftest import POLICY_2017, POLICY_2018


def test_start_creates_a_readable_session_file_in_sessions(workdir, tiny_checklist):
    audit = Audit.start(POLICY_2018, str(tiny_checklist), auditor="alice")
    assert audit.path.parent.name == "sessions"
    assert audit.path.name.endswith("-002-7e1e5664a066436e-tiny.toml")
    assert load_session(audit.path) == audit.session
    assert not audit.read_only


def test_start_refuses_to_overwrite_a_session(workdir, tiny_checklist):
    path = workdir / "mine.toml"
    path.write_text("keep me")
    with pytest.raises(SessionError, match="already exists"):
        Audit.start(POLICY_2018, str(tiny_checklist), session_path=path)
    assert path.read_text() == "keep me"


def test_resume_restores_everything(workdir, tiny_checklist):
    audit = Audit.start(POLICY_2018, str(tiny_checklist), auditor="alice")
    clause = audit.policy.clauses[10]
    audit.session.toggle_tag("retention", clause)
    audit.session.move_cursor("retention", clause.id)
    audit.save()
    again = Audit.open(audit.path)
    assert again.session == audit.session
    assert again.session.cursor.clause == clause.id
    assert not again.read_only


def test_moved_policy_opens_read_only_on_the_quotes(workdir, tiny_checklist):
    copy = workdir / "policy.txt"
    shutil.copy(POLICY_2018, copy)
    audit = Audit.start("policy.txt", str(tiny_checklist))
    clause = audit.policy.clauses[7]
    audit.session.toggle_tag("controller", clause)
    audit.save()
    copy.unlink()
    again = Audit.open(audit.path)
    assert again.read_only and "missing" in again.read_only_reason
    assert again.policy.clause(clause.id).text == clause.text
    with pytest.raises(SessionError, match="not saved"):
        again.save()


def test_changed_policy_opens_read_only(workdir, tiny_checklist):
    copy = workdir / "policy.txt"
    shutil.copy(POLICY_2018, copy)
    audit = Audit.start("policy.txt", str(tiny_checklist))
    shutil.copy(POLICY_2017, copy)
    again = Audit.open(audit.path)
    assert again.read_only
    assert "fingerprint differs" in again.read_only_reason


def test_policy_path_relative_to_the_project_of_the_session(workdir, tiny_checklist, monkeypatch):
    project = workdir / "project"
    project.mkdir()
    shutil.copy(POLICY_2018, project / "p.txt")
    monkeypatch.chdir(project)
    audit = Audit.start("p.txt", str(tiny_checklist))
    monkeypatch.chdir(workdir)
    assert not Audit.open(project / audit.path).read_only


def test_session_items_not_in_checklist_are_refused(workdir, tiny_checklist):
    audit = Audit.start(POLICY_2018, str(tiny_checklist))
    from auditor_tui.core.session import ItemState

    audit.session.items["ghost"] = ItemState("ghost")
    save_session(audit.session, audit.path)
    with pytest.raises(SessionError, match="ghost are not in checklist tiny"):
        Audit.open(audit.path)


def test_sample_policy_is_bundled():
    assert sample_policy_path().is_file()
