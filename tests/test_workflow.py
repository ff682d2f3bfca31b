"""The review workflow: transitions, refusals, the sign-off digest, verify, SSH signatures."""

from __future__ import annotations

import copy
import shutil
import subprocess
from pathlib import Path

import pytest

from auditor_tui.core.audit import Audit
from auditor_tui.core.errors import SessionError, WorkflowError
from auditor_tui.core.session import dumps_session, load_session, loads_session, save_session
from auditor_tui.core.workflow import (
    DEFAULT_STATEMENT,
    reopen,
    request_changes,
    reviewer_conflict,
    session_digest,
    sign_off,
    signed_message,
    submit,
    verify_session,
    verify_signature,
    voided_signoff,
)

CHECKLIST = """\
[checklist]
id = "mini"
title = "Mini transparency checklist"
version = "1.0.0"

[[items]]
id = "a-1"
title = "Identity and contact details of the controller"
refs = ["GDPR Art. 13(1)(a)"]

[[items]]
id = "b-2"
title = "Purposes and legal basis"
refs = ["GDPR Art. 13(1)(c)"]

[[items]]
id = "c-3"
title = "Right to lodge a complaint"
refs = ["GDPR Art. 13(2)(d)"]
"""

POLICY = """\
# About us

We are Example Ltd, 1 High Street, London. Write to privacy@example.com.

# How we use your data

We use your data to provide the service, on the basis of our contract with you.

# Complaints

You may complain to the Information Commissioner's Office.
"""


def make_audit(tmp_path: Path, *, decide: bool = True) -> Audit:
    """A three-item audit by 'alice', every item decided unless *decide* is false."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "mini.toml").write_text(CHECKLIST, encoding="utf-8")
    (tmp_path / "policy.md").write_text(POLICY, encoding="utf-8")
    audit = Audit.start(
        tmp_path / "policy.md", tmp_path / "mini.toml", session_path=tmp_path / "s.toml", auditor="alice"
    )
    if decide:
        s, clauses = audit.session, audit.policy.clauses
        s.toggle_tag("a-1", clauses[0])
        s.set_status("a-1", "satisfied")
        s.set_note("a-1", "Names the controller and a postal and e-mail address.")
        s.toggle_tag("b-2", clauses[1])
        s.set_status("b-2", "partial")
        s.set_note("b-2", "Contract is named; other purposes lack a legal basis.")
        s.set_status("c-3", "missing")
        s.set_note("c-3", "No supervisory authority is named.")
        audit.save()
    return audit


def signed(tmp_path: Path):
    audit = make_audit(tmp_path)
    submit(audit.session)
    sign_off(audit.session, reviewer="bob", actor="bob", statement="Checked.")
    audit.save()
    return audit


# --------------------------------------------------------------------------- transitions


def test_submit_refused_while_items_open_and_names_them(tmp_path):
    audit = make_audit(tmp_path, decide=False)
    audit.session.set_status("a-1", "satisfied")
    with pytest.raises(WorkflowError) as error:
        submit(audit.session)
    message = str(error.value)
    assert "b-2 (open)" in message and "c-3 (open)" in message and "a-1" not in message
    assert "\n" not in message
    assert audit.session.state == "in-progress"


def test_submit_refused_while_an_item_needs_re_review(tmp_path):
    audit = make_audit(tmp_path)
    audit.session.set_status("b-2", "re-review")
    with pytest.raises(WorkflowError, match=r"b-2 \(re-review\)"):
        submit(audit.session)


def test_submit_makes_it_ready_for_review_and_read_only(tmp_path):
    audit = make_audit(tmp_path)
    submit(audit.session)
    s = audit.session
    assert s.state == "ready-for-review" and not s.editable
    assert (s.history[-1].action, s.history[-1].who) == ("submit", "alice")
    with pytest.raises(WorkflowError, match="waiting for review"):
        s.set_status("a-1", "missing")
    with pytest.raises(WorkflowError, match="already waiting"):
        submit(s)


def test_self_sign_off_is_refused_and_says_why(tmp_path):
    audit = make_audit(tmp_path)
    submit(audit.session)
    for name in ("alice", " Alice ", "ALICE"):
        with pytest.raises(WorkflowError) as error:
            sign_off(audit.session, reviewer=name, actor=name)
        assert "self sign-off refused" in str(error.value)
        assert "prepared this audit" in str(error.value) and "different person" in str(error.value)
    assert audit.session.state == "ready-for-review" and audit.session.signoff is None


def test_sign_off_refused_for_whoever_submitted_or_changed_it(tmp_path):
    audit = make_audit(tmp_path, decide=False)
    s = audit.session
    for item in s.items:
        s.set_status(item, "not-applicable", reason="not offered", who="carol")
    submit(s, by="dave")
    with pytest.raises(WorkflowError, match="'dave' submitted it"):
        sign_off(s, reviewer="dave", actor="dave")
    with pytest.raises(WorkflowError, match=r"'carol' changed it \(status of a-1"):
        sign_off(s, reviewer="carol", actor="carol")
    assert reviewer_conflict(s, "") == "the reviewer's name is empty"
    assert reviewer_conflict(s, "erin") == ""


def test_sign_off_refused_before_submission(tmp_path):
    audit = make_audit(tmp_path)
    with pytest.raises(WorkflowError, match="not been submitted"):
        sign_off(audit.session, reviewer="bob", actor="bob")


def test_sign_off_records_the_digest_and_makes_it_read_only(tmp_path):
    audit = signed(tmp_path)
    s = audit.session
    assert s.state == "signed-off" and not s.editable
    so = s.signoff
    assert so.reviewer == "bob" and so.statement == "Checked." and so.signature == ""
    assert so.at.tzinfo is not None and so.digest == session_digest(s)
    assert set(so.parts) == {"audit", "policy", "checklist", "origin", "history", "item:a-1", "item:b-2", "item:c-3"}
    event = s.history[-1]
    assert (event.action, event.who, event.at) == ("signoff", "bob", so.at)
    assert so.digest in event.detail
    with pytest.raises(WorkflowError, match="signed off; reopen"):
        s.set_note("a-1", "sneaky")
    with pytest.raises(WorkflowError, match="already signed off"):
        sign_off(s, reviewer="erin", actor="erin")
    # The record survives a save and a load, parts included.
    again = load_session(audit.path)
    assert again.signoff == so and again.state == "signed-off"
    assert verify_session(again).valid


def test_default_statement(tmp_path):
    audit = make_audit(tmp_path)
    submit(audit.session)
    assert sign_off(audit.session, reviewer="bob", actor="bob").statement == DEFAULT_STATEMENT


def test_request_changes_sends_it_back_with_comments(tmp_path):
    audit = make_audit(tmp_path)
    s = audit.session
    submit(s)
    request_changes(
        s, reviewer="bob", actor="bob", comment="Please look again.", item_comments={"b-2": "Quote the legal basis."}
    )
    assert s.state == "changes-requested" and s.editable
    assert s.items["b-2"].review_comment == "Quote the legal basis."
    assert s.items["a-1"].review_comment == ""
    actions = [(e.action, e.who, e.item, e.detail) for e in s.history[-2:]]
    assert actions == [
        ("review-comment", "bob", "b-2", "Quote the legal basis."),
        ("request-changes", "bob", "", "Please look again."),
    ]
    # The preparer fixes it and resubmits; the comments stay for the reviewer to check ...
    s.set_note("b-2", "Only the contract basis is stated.")
    submit(s)
    assert s.items["b-2"].review_comment
    # ... and are resolved by the sign-off (they stay in the history).
    sign_off(s, reviewer="bob", actor="bob")
    assert all(not item.review_comment for item in s.items.values())
    assert verify_session(s).valid


def test_request_changes_refusals_change_nothing(tmp_path):
    audit = make_audit(tmp_path)
    s = audit.session
    with pytest.raises(WorkflowError, match="not been submitted"):
        request_changes(s, reviewer="bob", actor="bob", comment="x")
    submit(s)
    before = dumps_session(s)
    with pytest.raises(WorkflowError, match="without a comment"):
        request_changes(s, reviewer="bob", actor="bob", comment="  ")
    with pytest.raises(SessionError, match="no item 'zz-9'"):
        request_changes(s, reviewer="bob", actor="bob", comment="x", item_comments={"zz-9": "?"})
    with pytest.raises(WorkflowError, match="prepared this audit"):
        request_changes(s, reviewer="alice", actor="alice", comment="x")
    assert dumps_session(s) == before


def test_reopen_voids_the_sign_off_and_keeps_it_in_the_history(tmp_path):
    audit = signed(tmp_path)
    s = audit.session
    old = s.signoff
    reopen(s, by="alice", reason="policy update")
    assert s.state == "in-progress" and s.editable and s.signoff is None
    void, back = s.history[-2], s.history[-1]
    assert void.action == "void-signoff" and void.who == "alice"
    assert "bob" in void.detail and void.data["digest"] == old.digest and void.data["reviewer"] == "bob"
    assert old.at.strftime("%Y-%m-%dT%H:%M:%SZ") in void.detail and "policy update" in void.detail
    assert back.action == "reopen"
    assert not verify_session(s).valid
    s.set_note("a-1", "Edited after reopening.")  # editable again


def test_a_voided_sign_off_is_reported_until_the_audit_is_signed_off_again(tmp_path):
    audit = signed(tmp_path)
    s = audit.session
    assert voided_signoff(s) is None
    reopen(s, by="alice")
    void = voided_signoff(s)
    assert void is not None and void.action == "void-signoff" and "bob" in void.detail
    submit(s)
    assert voided_signoff(s) is void  # still unsigned: the void still stands
    sign_off(s, reviewer="carol", actor="carol")
    assert voided_signoff(s) is None


def test_reopen_withdraws_a_submission_and_refuses_when_already_editable(tmp_path):
    audit = make_audit(tmp_path)
    s = audit.session
    with pytest.raises(WorkflowError, match="nothing to reopen"):
        reopen(s)
    submit(s)
    reopen(s)
    assert s.state == "in-progress" and s.history[-1].detail == "withdrawn from review"


# --------------------------------------------------------------------------- the digest


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda s: setattr(s.items["a-1"], "status", "partial"), id="status"),
        pytest.param(lambda s: setattr(s.items["a-1"], "note", s.items["a-1"].note + "."), id="note"),
        pytest.param(
            lambda s: setattr(s.items["a-1"].tags[0], "text", s.items["a-1"].tags[0].text[:-1]), id="tag-text"
        ),
        pytest.param(lambda s: setattr(s.items["a-1"].tags[0], "section", "Other"), id="tag-section"),
        pytest.param(lambda s: s.items["c-3"].tags.append(copy.copy(s.items["a-1"].tags[0])), id="tag-added"),
        pytest.param(lambda s: setattr(s.policy, "sha256", "0" * 64), id="policy-sha"),
        pytest.param(lambda s: setattr(s.checklist, "sha256", "0" * 64), id="checklist-sha"),
        pytest.param(lambda s: setattr(s.checklist, "version", "1.0.1"), id="checklist-version"),
        pytest.param(lambda s: setattr(s, "auditor", "mallory"), id="preparer"),
        pytest.param(lambda s: setattr(s, "title", s.title + "!"), id="title"),
        pytest.param(lambda s: setattr(s.items["b-2"], "review_comment", "hm"), id="review-comment"),
        pytest.param(lambda s: setattr(s.policy, "path", "elsewhere/policy.md"), id="policy-path"),
        pytest.param(lambda s: s.record("open", who="someone"), id="history-event"),
        pytest.param(lambda s: s.history.pop(2), id="history-removed"),
        pytest.param(lambda s: setattr(s, "created", s.created.replace(year=2020)), id="created"),
    ],
)
def test_digest_changes_when_anything_that_matters_changes(tmp_path, change):
    s = make_audit(tmp_path).session
    before = session_digest(s)
    change(s)
    assert session_digest(s) != before


def test_digest_ignores_formatting_cursor_and_order(tmp_path):
    s = make_audit(tmp_path).session
    digest = session_digest(s)
    # Re-serialising.
    assert session_digest(loads_session(dumps_session(s))) == digest
    # The cursor.
    s.move_cursor("c-3", "c3")
    assert session_digest(s) == digest
    # Key order and table order in the file.
    s.items = dict(reversed(list(s.items.items())))
    assert session_digest(s) == digest
    text = dumps_session(s)
    shuffled = text.replace('title = "', 'zz = 1\ntitle = "', 1).replace("zz = 1\n", "")
    assert session_digest(loads_session(shuffled)) == digest


def test_digest_ignores_tag_order(tmp_path):
    audit = make_audit(tmp_path)
    s = audit.session
    s.toggle_tag("a-1", audit.policy.clauses[2])
    digest = session_digest(s)
    s.items["a-1"].tags.reverse()
    assert session_digest(s) == digest


# --------------------------------------------------------------------------- verify a session


def test_verify_a_signed_off_session(tmp_path):
    audit = signed(tmp_path)
    result = verify_session(load_session(audit.path))
    assert result.valid
    assert result.summary().startswith("valid, signed off by bob at ")


def _edited(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    out = path.with_name("edited.toml")
    out.write_text(text.replace(old, new, 1), encoding="utf-8")
    return out


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("postal and e-mail", "postal and e-mall", "item a-1 changed"),
        ('status = "missing"', 'status = "partial"', "item c-3 changed"),
        ("High Street", "High Streat", "item a-1 changed"),
        ('[[items]]\nid = "b-2"', '[[items]]\nid = "b-3"', "item b-3 was added"),
        ('auditor = "alice"', 'auditor = "alicf"', "preparer"),
        ('version = "1.0.0"', 'version = "1.0.1"', "checklist"),
    ],
)
def test_verify_catches_a_one_character_edit_in_a_session(tmp_path, old, new, named):
    audit = signed(tmp_path)
    edited = _edited(audit.path, old, new)
    try:
        session = load_session(edited)
    except SessionError:  # the edit broke the file (e.g. an item the checklist lacks): unreadable
        pytest.fail("edit should leave the file readable")
    result = verify_session(session)
    assert not result.valid
    assert "differs from what was signed off" in result.problems[0]
    assert any(named in p for p in result.problems), result.problems


def test_verify_catches_edits_to_fingerprints_and_the_sign_off_record(tmp_path):
    audit = signed(tmp_path)
    s = audit.session
    sha = s.policy.sha256
    result = verify_session(load_session(_edited(audit.path, sha, sha[:-1] + ("0" if sha[-1] != "0" else "1"))))
    assert any("the policy (its path, fingerprint or clause count) changed" in p for p in result.problems)
    result = verify_session(load_session(_edited(audit.path, 'reviewer = "bob"', 'reviewer = "bot"')))
    assert not result.valid and any("does not match the history" in p for p in result.problems)
    digest = s.signoff.digest
    result = verify_session(load_session(_edited(audit.path, f'digest = "{digest}"', f'digest = "{digest[:-1]}x"')))
    assert not result.valid


def test_verify_an_unsigned_session_is_not_valid(tmp_path):
    result = verify_session(make_audit(tmp_path).session)
    assert not result.valid and result.problems == ["not signed off (state: in-progress)"]


# --------------------------------------------------------------------------- SSH signatures

needs_ssh = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen (OpenSSH) is not installed")


def make_key(tmp_path: Path, principal: str) -> tuple[Path, Path]:
    key = tmp_path / "reviewer_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", str(key)], check=True)
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(f'{principal} namespaces="auditor-tui" {key.with_suffix(".pub").read_text()}', encoding="utf-8")
    return key, allowed


@needs_ssh
def test_ssh_signature_round_trip(tmp_path):
    key, allowed = make_key(tmp_path, "bob@example.org")
    audit = make_audit(tmp_path)
    submit(audit.session)
    so = sign_off(
        audit.session, reviewer="Bob Reviewer <bob@example.org>", actor="bob", sign_key=key, allowed_signers=allowed
    )
    assert so.signature.startswith("-----BEGIN SSH SIGNATURE-----")
    audit.save()
    again = load_session(audit.path)
    ok, message = verify_signature(again.signoff, allowed)
    assert ok, message
    result = verify_session(again, allowed_signers=allowed)
    assert result.valid and any("good SSH signature by bob@example.org" in n for n in result.notes)
    # The signature covers the digest, the reviewer, the time and the statement.
    again.signoff.statement += "!"
    ok, message = verify_signature(again.signoff, allowed)
    assert not ok and "does not match" in message
    assert signed_message(again.signoff) != signed_message(load_session(audit.path).signoff)


@needs_ssh
def test_ssh_signature_by_someone_else_or_missing(tmp_path):
    key, allowed = make_key(tmp_path, "carol@example.org")
    audit = make_audit(tmp_path)
    submit(audit.session)
    before = dumps_session(audit.session)
    with pytest.raises(WorkflowError, match=r"belongs to 'carol@example\.org'"):
        sign_off(audit.session, reviewer="bob", actor="bob", sign_key=key, allowed_signers=allowed)
    assert dumps_session(audit.session) == before
    # Signed with carol's key and named after her principal, the verifier names her.
    so = sign_off(audit.session, actor="bob", sign_key=key, allowed_signers=allowed)
    assert so.reviewer == "carol@example.org"
    assert verify_session(audit.session, allowed_signers=allowed).valid
    other = make_audit(tmp_path / "unsigned")
    submit(other.session)
    sign_off(other.session, reviewer="bob", actor="bob")
    result = verify_session(other.session, allowed_signers=allowed)
    assert not result.valid and any("no SSH signature" in p for p in result.problems)


@needs_ssh
def test_signing_with_a_bad_key_changes_nothing(tmp_path):
    audit = make_audit(tmp_path)
    submit(audit.session)
    audit.session.items["a-1"].review_comment = "pending"
    before = dumps_session(audit.session)
    (tmp_path / "not_a_key").write_text("nope", encoding="utf-8")
    _, allowed = make_key(tmp_path, "bob")
    for key in (tmp_path / "missing_key", tmp_path / "not_a_key"):
        with pytest.raises(WorkflowError):
            sign_off(audit.session, reviewer="bob", actor="bob", sign_key=key, allowed_signers=allowed)
        assert dumps_session(audit.session) == before


def test_save_keeps_a_signed_session_verifiable(tmp_path):
    audit = signed(tmp_path)
    save_session(audit.session, audit.path)  # re-saving is only formatting
    assert verify_session(load_session(audit.path)).valid
