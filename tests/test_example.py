"""The example audit in sessions/ is genuine, signed off, and its four exports verify.

If the policy parser or the checklist changes, regenerate it with
``python docs/example/make_example.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor_tui.core.audit import Audit, sample_policy_path
from auditor_tui.core.export import DRAFT_MARK, verify_export
from auditor_tui.core.policy import load_policy
from auditor_tui.core.session import load_session
from auditor_tui.core.workflow import session_digest, verify_session

REPO = Path(__file__).resolve().parent.parent
SESSION = REPO / "sessions" / "example-iomart-2018-gdpr-transparency.toml"
POLICY = "sessions/policies/iomart-privacy-policy-2018.txt"
REGENERATE = "regenerate it with: python docs/example/make_example.py"


@pytest.fixture
def example(monkeypatch) -> Audit:
    monkeypatch.chdir(REPO)
    assert SESSION.is_file(), f"the example session is missing; {REGENERATE}"
    return Audit.open(SESSION)


def test_the_policy_is_the_bundled_2018_sample(example):
    assert example.session.policy.path == POLICY
    assert (REPO / POLICY).read_bytes() == sample_policy_path().read_bytes()
    assert load_policy(REPO / POLICY).sha256 == example.session.policy.sha256, f"policy parser changed; {REGENERATE}"


def test_the_session_is_signed_off_by_someone_else_and_verifies(example):
    s = example.session
    assert s.state == "signed-off" and not s.editable
    assert s.checklist.id == "gdpr-transparency"
    assert s.signoff.reviewer.casefold() != s.auditor.casefold()
    assert verify_session(load_session(SESSION)).valid
    assert s.signoff.digest == session_digest(s)
    assert example.checklist.sha256 == s.checklist.sha256, f"checklist changed; {REGENERATE}"
    actions = [e.action for e in s.history]
    assert actions.index("submit") < actions.index("request-changes") < actions.index("signoff")


def test_every_item_is_decided_with_real_evidence_and_a_note(example):
    s, policy = example.session, example.policy
    assert not example.read_only_reason, example.read_only_reason
    assert set(s.items) == {item.id for item in example.checklist.items}
    for state in s.items.values():
        assert state.decided, state.id
        assert state.tags, f"{state.id} has no evidence"
        assert len(state.note) > 60, f"{state.id} has no real note"
        for tag in state.tags:
            clause = policy.clause(tag.clause)
            quoted = clause.text[tag.start : tag.end] if clause is not None and tag.is_span else None
            assert clause is not None and (quoted or clause.text) == tag.text, (
                f"{state.id}: {tag.clause} is stale; {REGENERATE}"
            )


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_each_export_verifies_and_carries_the_digest(example, fmt):
    path = SESSION.with_suffix(f".{fmt}")
    assert path.is_file(), f"{path.name} is missing; {REGENERATE}"
    result = verify_export(path)
    assert result.valid, result.problems
    assert result.signoff.digest == example.session.signoff.digest
    text = path.read_text(encoding="utf-8")
    assert example.session.signoff.digest in text and DRAFT_MARK not in text
