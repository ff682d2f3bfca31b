"""The workflow commands: submit, signoff, request-changes, reopen, verify, export."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from auditor_tui.cli import main
from auditor_tui.core.audit import Audit
from auditor_tui.core.export import DRAFT_MARK
from auditor_tui.core.session import load_session

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
"""

POLICY = """\
# About us

We are Example Ltd, 1 High Street, London. Write to privacy@example.com.

# How we use your data

We use your data to provide the service, on the basis of our contract with you.
"""


@pytest.fixture
def session(tmp_path, monkeypatch) -> Path:
    """A session file with every item decided, prepared by 'alice'."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mini.toml").write_text(CHECKLIST, encoding="utf-8")
    (tmp_path / "policy.md").write_text(POLICY, encoding="utf-8")
    audit = Audit.start("policy.md", "mini.toml", session_path="s.toml", auditor="alice")
    s, clauses = audit.session, audit.policy.clauses
    s.toggle_tag("a-1", clauses[0])
    s.set_status("a-1", "satisfied")
    s.set_note("a-1", "Name and addresses given.")
    s.toggle_tag("b-2", clauses[1])
    s.set_status("b-2", "partial")
    s.set_note("b-2", "=cmd|' /C calc'!A0")
    audit.save()
    return tmp_path / "s.toml"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Run a command; a reviewer's command (with --reviewer NAME) is run by that reviewer."""
    args = [str(a) for a in argv]
    user = args[args.index("--reviewer") + 1].split("<")[-1].split("@")[0] if "--reviewer" in args else "alice"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AUDITOR_TUI_AUDITOR", user)
        code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def refused(capsys, path: Path, *argv: str, match: str) -> str:
    """Run a command that must be refused: exit 2, one line on stderr, the file untouched."""
    before = path.read_bytes()
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and err.startswith("auditor-tui: error: "), err
    assert match in err, err
    assert path.read_bytes() == before
    return err


def signed_off(capsys, session: Path) -> None:
    assert run(capsys, "submit", session)[0] == 0
    assert run(capsys, "signoff", session, "--reviewer", "bob", "--statement", "Reviewed.")[0] == 0


def test_full_flow(capsys, session):
    code, out, _ = run(capsys, "submit", session)
    assert code == 0 and out.startswith("submitted for review") and "2/2" in out
    code, out, _ = run(
        capsys,
        "request-changes",
        session,
        "--reviewer",
        "bob",
        "--comment",
        "Tighten b-2.",
        "--item",
        "b-2=Quote the legal basis.",
    )
    assert code == 0 and "changes requested" in out
    s = load_session(session)
    assert s.state == "changes-requested" and s.items["b-2"].review_comment == "Quote the legal basis."
    assert run(capsys, "submit", session)[0] == 0
    code, out, _ = run(capsys, "signoff", session, "--reviewer", "bob")
    assert code == 0 and out.startswith("signed off by bob at ") and "digest" in out
    s = load_session(session)
    assert s.state == "signed-off" and s.signoff.reviewer == "bob"
    code, out, _ = run(capsys, "verify", session)
    assert code == 0 and out.splitlines()[0] == f"valid, signed off by bob at {s.signoff.at:%Y-%m-%dT%H:%M:%SZ}"
    code, out, _ = run(capsys, "reopen", session, "--reason", "new policy")
    assert code == 0 and "voided" in out
    s = load_session(session)
    assert s.state == "in-progress" and s.signoff is None
    assert [e.action for e in s.history[-2:]] == ["void-signoff", "reopen"]
    code, out, _ = run(capsys, "verify", session)
    assert code == 1 and "not signed off" in out


def test_submit_refused_while_items_are_open(capsys, session):
    s = load_session(session)
    s.set_status("b-2", "open")
    from auditor_tui.core.session import save_session

    save_session(s, session)
    refused(capsys, session, "submit", session, match="b-2 (open)")


def test_self_sign_off_refused(capsys, session):
    run(capsys, "submit", session)
    err = refused(capsys, session, "signoff", session, "--reviewer", "alice", match="self sign-off refused")
    assert "different person" in err


def test_refusals_leave_the_file_untouched(capsys, session):
    refused(capsys, session, "signoff", session, "--reviewer", "bob", match="not been submitted")
    refused(
        capsys, session, "request-changes", session, "--reviewer", "bob", "--comment", "x", match="not been submitted"
    )
    refused(capsys, session, "reopen", session, match="nothing to reopen")
    run(capsys, "submit", session)
    refused(capsys, session, "submit", session, match="already waiting")
    refused(
        capsys,
        session,
        "request-changes",
        session,
        "--reviewer",
        "bob",
        "--comment",
        "x",
        "--item",
        "b-2",
        match="must be ID=TEXT",
    )
    refused(
        capsys,
        session,
        "request-changes",
        session,
        "--reviewer",
        "bob",
        "--comment",
        "x",
        "--item",
        "zz=?",
        match="no item 'zz'",
    )
    refused(capsys, session, "signoff", session, "--sign-key", "missing_key", match="needs --allowed-signers FILE")
    refused(
        capsys,
        session,
        "signoff",
        session,
        "--reviewer",
        "bob",
        "--sign-key",
        "missing_key",
        "--allowed-signers",
        "mini.toml",
        match="no such key file",
    )
    refused(capsys, session, "submit", session.with_name("nope.toml"), match="no such session file")


def test_sign_off_refused_when_the_policy_changed(capsys, session):
    run(capsys, "submit", session)
    (session.parent / "policy.md").write_text(POLICY + "\nA new clause.\n", encoding="utf-8")
    refused(capsys, session, "signoff", session, "--reviewer", "bob", match="has changed")


def test_verify_exit_codes(capsys, session, tmp_path):
    signed_off(capsys, session)
    assert run(capsys, "verify", session)[0] == 0
    text = session.read_text(encoding="utf-8")
    edited = tmp_path / "edited.toml"
    edited.write_text(text.replace("Name and addresses", "Name and addresser"), encoding="utf-8")
    code, out, _ = run(capsys, "verify", edited)
    assert code == 1 and out.startswith("invalid: ") and "item a-1 changed after sign-off" in out
    # Unreadable input: exit 2, one line.
    (tmp_path / "garbage.toml").write_bytes(b"\x00\x01 not toml [[[")
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    for bad in ("missing.toml", "garbage.toml", "notes.txt", "."):
        code, out, err = run(capsys, "verify", tmp_path / bad)
        assert code == 2 and err.count("\n") == 1 and err.startswith("auditor-tui: error: "), (bad, err)


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_export_and_verify_each_format(capsys, session, tmp_path, fmt):
    signed_off(capsys, session)
    out_file = tmp_path / f"audit.{fmt}"
    code, out, _ = run(capsys, "export", session, "--format", fmt, "-o", out_file)
    assert code == 0 and "signed off" in out
    code, out, _ = run(capsys, "verify", out_file)
    assert code == 0 and out.startswith("valid, signed off by bob at ")
    data = out_file.read_bytes()
    index = data.index(b"High Street")
    out_file.write_bytes(data[:index] + b"L" + data[index + 1 :])
    code, out, _ = run(capsys, "verify", out_file)
    assert code == 1 and out.startswith("invalid: ")


def test_export_to_stdout_draft_and_suffix(capsys, session, tmp_path):
    code, out, _ = run(capsys, "export", session, "--format", "csv")
    assert code == 0 and out.startswith("\ufeff") and DRAFT_MARK in out and "'=cmd|" in out
    code, out, _ = run(capsys, "export", session)
    assert code == 0 and out.startswith("<!-- auditor-tui export (Markdown)")
    code, _, _ = run(capsys, "export", session, "-o", tmp_path / "draft.html")
    assert code == 0 and (tmp_path / "draft.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    code, out, _ = run(capsys, "verify", tmp_path / "draft.html")
    assert code == 1 and "not signed off" in out
    refused(capsys, session, "export", session, "--format", "json", "-o", session, match="session file")


needs_ssh = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen (OpenSSH) is not installed")


@needs_ssh
def test_sign_key_and_allowed_signers(capsys, session, tmp_path):
    key = tmp_path / "key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "t", "-f", str(key)], check=True)
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(f"bob@example.org {key.with_suffix('.pub').read_text()}", encoding="utf-8")
    run(capsys, "submit", session)
    code, out, _ = run(
        capsys,
        "signoff",
        session,
        "--reviewer",
        "Bob <bob@example.org>",
        "--sign-key",
        key,
        "--allowed-signers",
        allowed,
    )
    assert code == 0 and "SSH-signed" in out
    code, out, _ = run(capsys, "verify", session, "--allowed-signers", allowed)
    assert code == 0 and "good SSH signature by bob@example.org" in out
    json_file = tmp_path / "a.json"
    run(capsys, "export", session, "-o", json_file)
    assert run(capsys, "verify", json_file, "--allowed-signers", allowed)[0] == 0
    other = tmp_path / "other_signers"
    other.write_text(f"carol@example.org {key.with_suffix('.pub').read_text()}", encoding="utf-8")
    code, out, _ = run(capsys, "verify", session, "--allowed-signers", other)
    assert code == 1 and "belongs to carol@example.org" in out
    code, _, err = run(capsys, "verify", session, "--allowed-signers", tmp_path / "none")
    assert code == 2 and "no such allowed-signers file" in err
