"""Carrying an audit forward to a new version of the policy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from auditor_tui.core.audit import policy_from_quotes
from auditor_tui.core.checklist import find_checklist, load_checklist
from auditor_tui.core.diff import affected_items, normalise
from auditor_tui.core.errors import SessionError
from auditor_tui.core.policy import Policy, load_policy
from auditor_tui.core.reaudit import CarriedForward, carry_forward, carry_forward_from_files
from auditor_tui.core.session import Session, iter_tags, load_session, new_session, save_session
from tests.conftest import POLICY_2007, POLICY_2017, POLICY_2018

CHECKLIST = "gdpr-transparency"

# (item, clause text to find in the 2007 policy, status, note)
EVIDENCE_2007 = [
    ("13-1-a", "Lister Pavilion", "satisfied", "postal address and phone"),  # address: reworded in 2017
    ("14-1-d", "We do not use Cookies", "satisfied", "says no cookies"),  # gone in 2017
    ("13-1-f", "transfer your personal information to other companies located in countries outside", "satisfied", ""),
    ("13-1-e", "We will not sell, rent or share", "satisfied", "no selling"),
    ("13-1-c-purposes", "We may monitor and record calls", "partial", "monitoring only"),  # one word dropped
    ("13-1-c-purposes", "may be used by us and/or our agents", "partial", "monitoring only"),
    ("13-2-a", "We maintain strict security measures", "open", ""),  # tagged but undecided
]


def clause_with(policy: Policy, needle: str):
    found = [c for c in policy.clauses if needle in c.text]
    assert found, f"no clause with {needle!r}"
    return found[0]


def make_session(policy_path: Path, evidence, tmp_path: Path, name: str = "old.toml") -> tuple[Session, Path]:
    policy = load_policy(policy_path)
    session = new_session(policy, find_checklist(CHECKLIST), policy_path=str(policy_path.resolve()), auditor="ann")
    for item, needle, status, note in evidence:
        clause = clause_with(policy, needle)
        if session.item(item).tag_for(clause.id) is None:
            session.toggle_tag(item, clause)
        if status != "open":
            session.set_status(item, status)
        if note:
            session.set_note(item, note)
    if not session.item("13-1-b").tags:
        session.set_status("13-1-b", "missing")  # decided with no evidence
    path = tmp_path / name
    save_session(session, path)
    return session, path


@pytest.fixture
def old_2007(tmp_path: Path) -> tuple[Session, Path]:
    return make_session(POLICY_2007, EVIDENCE_2007, tmp_path)


def tags_of(session: Session, item: str):
    return session.item(item).tags


# --------------------------------------------------------------------------- 2007 -> 2017


def test_2007_to_2017_carries_every_tag_whose_clause_still_exists(old_2007):
    old, path = old_2007
    before = path.read_bytes()
    result = carry_forward_from_files(path, POLICY_2017)
    assert isinstance(result, CarriedForward) and not result.diff.partial
    session = result.session
    assert path.read_bytes() == before  # the old session is never changed
    new_policy = load_policy(POLICY_2017)
    new_keys = {normalise(c.text) for c in new_policy.clauses}
    for item_id, tag in iter_tags(old):
        if normalise(tag.text) in new_keys:
            carried = [t for t in tags_of(session, item_id) if not t.orphan and not t.recheck]
            assert any(normalise(t.text) == normalise(tag.text) for t in carried), tag.text
            assert all(new_policy.clause(t.clause).text == t.text for t in carried)


def test_2007_to_2017_statuses(old_2007):
    _, path = old_2007
    session, diff = carry_forward_from_files(path, POLICY_2017)  # unpacks like carry_forward
    # Cookies: clause removed -> orphaned with its old quote, item back to re-review.
    [orphan] = tags_of(session, "14-1-d")
    assert orphan.orphan and "We do not use Cookies" in orphan.text and not orphan.recheck
    state = session.item("14-1-d")
    assert (state.status, state.previous_status, state.note) == ("re-review", "satisfied", "says no cookies")
    # Monitoring: "training purposes" -> "training": modified, kept to recheck.
    monitoring = [t for t in tags_of(session, "13-1-c-purposes") if "monitor and record" in t.text]
    [tag] = monitoring
    assert tag.recheck and not tag.orphan and 90 <= tag.similarity < 100
    assert "training purposes" not in tag.text  # the quote is the new text
    state = session.item("13-1-c-purposes")
    assert (state.status, state.previous_status, state.note) == ("re-review", "partial", "monitoring only")
    # Transfers and selling: unchanged clauses, status and note kept.
    for item, note in (("13-1-f", ""), ("13-1-e", "no selling")):
        state = session.item(item)
        assert (state.status, state.previous_status, state.note) == ("satisfied", "", note)
        assert state.tags and not any(t.recheck or t.orphan for t in state.tags)
    # Decided without evidence: kept. Undecided with changed-or-not evidence: stays open.
    assert session.item("13-1-b").status == "missing"
    assert session.item("13-2-a").status == "open" and session.item("13-2-a").previous_status == ""
    # The changes found are what affected_items reports, on the old and on the new audit.
    old = load_session(path)
    for audit in (old, session):
        affected = affected_items(audit, diff)
        assert {"14-1-d", "13-1-c-purposes"} <= set(affected)
        assert "13-1-f" not in affected and "13-1-e" not in affected
        assert [c.kind for c in affected["14-1-d"]] == ["removed"]


def test_new_session_records_its_origin_and_history(old_2007, tmp_path):
    old, path = old_2007
    session, diff = carry_forward_from_files(path, POLICY_2017, auditor="bob", title="2017 re-audit")
    assert session.audit_id != old.audit_id and session.title == "2017 re-audit" and session.auditor == "bob"
    assert session.policy.sha256 == load_policy(POLICY_2017).sha256 and session.policy.path == str(POLICY_2017)
    origin = session.origin
    assert (origin.session, origin.audit_id) == (str(path), old.audit_id)
    assert (origin.policy_path, origin.policy_sha256) == (old.policy.path, old.policy.sha256)
    first = session.history[0]
    assert first.action == "carry-forward" and first.who == "alice"  # who ran it, not the auditor named
    s = diff.summary()
    assert f"{s['unchanged']} unchanged" in first.detail and f"{s['removed']} removed" in first.detail
    assert "1 orphaned" in first.detail and "to re-review" in first.detail
    sent_back = {e.item for e in session.history[1:] if e.action == "re-review"}
    assert sent_back == {s.id for s in session.items.values() if s.status == "re-review"}
    assert {"14-1-d", "13-1-c-purposes"} <= sent_back
    assert all(e.action != "create" for e in session.history)
    # Saved and read back, the re-audit fields survive.
    saved = tmp_path / "new.toml"
    save_session(session, saved)
    again = load_session(saved)
    assert again.origin == session.origin
    assert again.items["14-1-d"].tags[0].orphan and again.items["14-1-d"].previous_status == "satisfied"
    tag = next(t for t in again.items["13-1-c-purposes"].tags if t.recheck)
    assert tag.similarity == next(t for t in session.items["13-1-c-purposes"].tags if t.recheck).similarity


def test_old_policy_missing_falls_back_to_the_quotes(old_2007, tmp_path):
    _, path = old_2007
    copy = tmp_path / "policy-2007.txt"
    shutil.copy(POLICY_2007, copy)
    session, _ = make_session(copy, EVIDENCE_2007, tmp_path, "moved.toml")
    copy.unlink()
    result = carry_forward_from_files(tmp_path / "moved.toml", POLICY_2017)
    assert result.diff.partial and any("missing" in w for w in result.warnings)
    assert len(result.diff.old.clauses) == len({t.clause for _, t in iter_tags(session)})
    reference = carry_forward_from_files(path, POLICY_2017).session
    for item_id in ("14-1-d", "13-1-c-purposes", "13-1-f", "13-1-e", "13-1-a"):
        assert result.session.item(item_id).status == reference.item(item_id).status
        assert [(t.clause, t.orphan, t.recheck) for t in result.session.item(item_id).tags] == [
            (t.clause, t.orphan, t.recheck) for t in reference.item(item_id).tags
        ]
    assert "quoted evidence only" in result.session.history[0].detail


def test_old_policy_changed_since_the_audit_uses_the_quotes(old_2007, tmp_path):
    copy = tmp_path / "policy-2007.txt"
    shutil.copy(POLICY_2007, copy)
    _session, session_path = make_session(copy, EVIDENCE_2007, tmp_path, "edited.toml")
    copy.write_text(
        copy.read_text(encoding="utf-8").replace("We do not use Cookies", "We use Cookies"), encoding="utf-8"
    )
    result = carry_forward_from_files(session_path, POLICY_2017)
    assert result.diff.partial and any("changed since the audit" in w for w in result.warnings)
    assert result.session.item("14-1-d").tags[0].orphan
    assert "We do not use Cookies" in result.session.item("14-1-d").tags[0].text


def test_policy_from_quotes_keeps_the_clause_ids(old_2007):
    old, _ = old_2007
    stand_in = policy_from_quotes(old)
    for _, tag in iter_tags(old):
        assert stand_in.clause(tag.clause).text == tag.text


# --------------------------------------------------------------------------- 2017 -> 2018


def test_2017_to_2018_rewrite_orphans_most_evidence(tmp_path):
    policy = load_policy(POLICY_2017)
    items = [item.id for item in find_checklist(CHECKLIST).items]
    # Tag every clause of 2017 as evidence for some item, and decide every item.
    evidence = [(items[n % len(items)], c.text[:60], "satisfied", "") for n, c in enumerate(policy.clauses)]
    old, path = make_session(POLICY_2017, evidence, tmp_path)
    session, _diff = carry_forward_from_files(path, POLICY_2018)
    tags = [t for _, t in iter_tags(session)]
    orphans = [t for t in tags if t.orphan]
    rechecks = [t for t in tags if t.recheck]
    kept = [t for t in tags if not t.orphan and not t.recheck]
    assert len(orphans) >= 0.7 * len(policy.clauses)
    assert len(kept) <= 2  # nothing survived word for word (bar, perhaps, a very short clause)
    # Every carried tag points at a genuinely similar clause of 2018.
    new_policy = load_policy(POLICY_2018)
    for tag in rechecks:
        assert tag.similarity >= 60 and new_policy.clause(tag.clause).text == tag.text
    security = next(t for t in rechecks if "strict security measures" in t.text)
    assert "Payment Card Industry" in security.text
    decided_with_evidence = [s for s in old.items.values() if s.tags and s.status == "satisfied"]
    sent_back = [s for s in session.items.values() if s.status == "re-review"]
    assert len(sent_back) >= 0.8 * len(decided_with_evidence)
    assert all(s.previous_status == "satisfied" for s in sent_back)


# --------------------------------------------------------------------------- edge cases


def test_carry_forward_refuses_another_checklist(old_2007, tiny_checklist):
    old, path = old_2007
    with pytest.raises(SessionError, match="checklist"):
        carry_forward(
            old,
            load_policy(POLICY_2017),
            new_policy_path=str(POLICY_2017),
            checklist=load_checklist(tiny_checklist),
            old_session_path=str(path),
        )


def test_carry_forward_without_old_policy_is_partial(old_2007):
    old, path = old_2007
    session, diff = carry_forward(
        old,
        load_policy(POLICY_2017),
        new_policy_path=str(POLICY_2017),
        checklist=find_checklist(CHECKLIST),
        old_session_path=str(path),
    )
    assert diff.partial and session.item("14-1-d").status == "re-review"


def test_carrying_forward_again_keeps_the_original_decision(old_2007, tmp_path):
    _, path = old_2007
    first = carry_forward_from_files(path, POLICY_2017).session
    first_path = tmp_path / "first.toml"
    save_session(first, first_path)
    second = carry_forward_from_files(first_path, POLICY_2017).session
    # Same policy: nothing changed, so statuses stay; the pending re-review keeps its decision.
    state = second.item("13-1-c-purposes")
    assert (state.status, state.previous_status) == ("re-review", "partial")
    # The tag still to recheck stays flagged; the earlier orphan is not carried again.
    assert any(t.recheck for t in state.tags)
    assert second.item("14-1-d").tags == []
    assert "not carried" in second.history[0].detail
    assert second.origin.session == str(first_path)


def test_rejected_suggestions_follow_unchanged_clauses(tmp_path):
    policy = load_policy(POLICY_2007)
    session = new_session(policy, find_checklist(CHECKLIST), policy_path=str(POLICY_2007.resolve()))
    transfers = clause_with(policy, "outside of the UK")
    cookies = clause_with(policy, "We do not use Cookies")
    session.reject_suggestion("13-1-f", transfers.id)
    session.reject_suggestion("13-1-f", cookies.id)
    path = tmp_path / "s.toml"
    save_session(session, path)
    new, _ = carry_forward_from_files(path, POLICY_2017)
    new_transfers = clause_with(load_policy(POLICY_2017), "outside of the UK")
    assert new.item("13-1-f").rejected == [new_transfers.id]


def test_core_does_not_import_textual():
    import subprocess
    import sys

    code = "import sys, auditor_tui.core.diff, auditor_tui.core.reaudit; assert 'textual' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
