"""Integrity: the hash-chained history, a digest over the whole record, who really acted, and
exports that check what verify checks (issue 11, points 2, 3, 4 and 10)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from auditor_tui.cli import main
from auditor_tui.core.audit import Audit
from auditor_tui.core.errors import WorkflowError
from auditor_tui.core.export import ExportError, export_text, verify_text
from auditor_tui.core.history import Event, append, chain_break, genesis, rechain
from auditor_tui.core.session import dumps_session, load_session, loads_session
from auditor_tui.core.workflow import reopen, sign_off, submit, verify_session
from auditor_tui.ui.app import AuditorApp
from tests.test_workflow import make_audit
from tests.ui_helpers import make_audit as make_ui_audit

needs_ssh = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen (OpenSSH) is not installed")


def signed(tmp_path: Path, **kwargs) -> Audit:
    audit = make_audit(tmp_path)
    submit(audit.session)
    sign_off(audit.session, reviewer="bob", actor="bob", statement="Checked.", **kwargs)
    audit.save()
    return audit


def edited(path: Path, old: str, new: str, count: int = 1) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def history_blocks(text: str) -> tuple[str, list[str]]:
    """The file's text before its history, and each [[history]] block."""
    head, *blocks = text.split("\n[[history]]\n")
    return head, blocks


# --------------------------------------------------------------------------- the chain


def test_every_event_is_chained_to_the_one_before(tmp_path):
    session = make_audit(tmp_path).session
    assert session.history and all(len(e.hash) == 64 for e in session.history)
    assert session.history_break() is None
    assert chain_break(loads_session(dumps_session(session)).history, session.audit_id) is None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["tag", "note", "status"]), st.text(max_size=8)), min_size=2, max_size=12),
    st.data(),
)
def test_any_edit_removal_or_move_breaks_the_chain_at_that_event(events, data):
    from datetime import UTC, datetime

    history: list[Event] = []
    for action, detail in events:
        append(history, Event(datetime(2026, 1, 1, tzinfo=UTC), "alice", action, detail=detail), "audit-1")
    assert chain_break(history, "audit-1") is None
    index = data.draw(st.integers(0, len(history) - 1))
    kind = data.draw(st.sampled_from(["edit", "remove", "swap"]))
    if kind == "edit":
        history[index].who = history[index].who + "x"
        assert chain_break(history, "audit-1") == index
    elif kind == "remove":
        last = index == len(history) - 1
        del history[index]
        # Cutting the last events is a rollback the chain cannot see (what is left is intact):
        # the sign-off rule catches that, its own tests say how.
        assert chain_break(history, "audit-1") == (None if last else index)
    else:
        other = data.draw(st.integers(0, len(history) - 1).filter(lambda o: o != index))
        assume(history[other].hash != history[index].hash)
        history[index], history[other] = history[other], history[index]
        assert chain_break(history, "audit-1") == min(index, other)


def test_the_chain_starts_from_the_audit_so_histories_cannot_be_swapped(tmp_path):
    one, two = make_audit(tmp_path / "1").session, make_audit(tmp_path / "2").session
    assert genesis(one.audit_id) != genesis(two.audit_id)
    two.history = one.history
    assert two.history_break() == 0


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        pytest.param(
            lambda blocks: blocks.__setitem__(2, blocks[2].replace('who = "alice"', 'who = "mallory"')),
            "event 3",
            id="who",
        ),
        pytest.param(lambda blocks: blocks.pop(1), "event 2", id="removed"),
        pytest.param(lambda blocks: blocks.insert(1, blocks.pop(3)), "event 2", id="reordered"),
    ],
)
def test_verify_names_the_first_event_that_breaks_the_chain(tmp_path, edit, named):
    audit = signed(tmp_path)
    head, blocks = history_blocks(audit.path.read_text(encoding="utf-8"))
    edit(blocks)
    audit.path.write_text("\n[[history]]\n".join([head, *blocks]), encoding="utf-8")
    result = verify_session(load_session(audit.path))
    assert not result.valid
    broken = [p for p in result.problems if "the history was altered" in p]
    assert broken and f"{named} (" in broken[0], result.problems


def test_a_save_never_reseals_a_broken_chain(tmp_path):
    audit = make_audit(tmp_path)
    edited(audit.path, 'action = "status"', 'action = "statvs"')
    again = Audit.open(audit.path)
    broken = again.session.history_break()
    assert broken is not None
    again.session.set_note("c-3", "one more change")
    again.save()
    assert load_session(audit.path).history_break() == broken  # still visible after the save
    submit(again.session)
    with pytest.raises(WorkflowError, match="the history was altered"):
        sign_off(again.session, reviewer="bob", actor="bob")


# --------------------------------------------------------------------------- the record fields


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        pytest.param('path = "', 'path = "moved/', "the policy (its path", id="policy-path"),
        pytest.param("created = 20", "created = 19", "creation time", id="created"),
        pytest.param("updated = 20", "updated = 19", "'updated' time", id="updated"),
        pytest.param("clauses = ", "clauses = 1", "clause count", id="clause-count"),
    ],
)
def test_record_fields_are_covered_by_the_sign_off(tmp_path, old, new, named):
    audit = signed(tmp_path)
    result = verify_session(load_session(edited(audit.path, old, new)))
    assert not result.valid and any(named in p for p in result.problems), result.problems


def test_a_re_audit_origin_is_covered(tmp_path):
    from auditor_tui.core.session import Origin

    audit = make_audit(tmp_path)
    audit.session.origin = Origin("old.toml", "id-1", "old.md", "f" * 64)
    audit.save()
    submit(audit.session)
    sign_off(audit.session, reviewer="bob", actor="bob")
    audit.save()
    assert verify_session(load_session(audit.path)).valid
    result = verify_session(load_session(edited(audit.path, 'audit_id = "id-1"', 'audit_id = "id-2"')))
    assert not result.valid and any("origin" in p for p in result.problems)


# --------------------------------------------------------------------------- reviving a voided sign-off


def revive(audit: Audit) -> None:
    """Reopen, then paste the old [signoff] table back and set the state to signed-off."""
    old = audit.path.read_text(encoding="utf-8")
    signoff_table = re.search(r"\n\[signoff\]\n(?:[^\[\n].*\n)+", old)
    assert signoff_table
    parts_table = re.search(r"\n\[signoff\.parts\]\n(?:.+\n)+", old)
    reopen(audit.session, by="alice", reason="policy update")
    audit.save()
    text = audit.path.read_text(encoding="utf-8").replace('state = "in-progress"', 'state = "signed-off"')
    pasted = signoff_table.group(0) + (parts_table.group(0) if parts_table else "")
    text = text.replace("\n[[items]]", pasted + "\n[[items]]", 1)
    audit.path.write_text(text, encoding="utf-8")


def test_a_voided_sign_off_pasted_back_does_not_verify(tmp_path):
    audit = signed(tmp_path)
    revive(audit)
    result = verify_session(load_session(audit.path))
    assert not result.valid
    assert any("this sign-off was voided by alice" in p for p in result.problems), result.problems


@needs_ssh
def test_a_voided_ssh_signed_sign_off_pasted_back_does_not_verify(tmp_path):
    key = tmp_path / "key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "t", "-f", str(key)], check=True)
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(f"bob {key.with_suffix('.pub').read_text()}", encoding="utf-8")
    audit = signed(tmp_path / "a", sign_key=key, allowed_signers=allowed)
    assert verify_session(load_session(audit.path), allowed_signers=allowed).valid
    revive(audit)
    result = verify_session(load_session(audit.path), allowed_signers=allowed)
    assert not result.valid and any("voided" in p for p in result.problems), result.problems


# --------------------------------------------------------------------------- who acted


async def test_the_review_screen_records_who_is_at_the_keyboard(workdir, as_user):
    audit = make_ui_audit(workdir)
    as_user("carol")  # someone else opens alice's audit
    app = AuditorApp(Audit.open(audit.path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("tab", "1", "ctrl+s")
        await pilot.pause()
    status = [e for e in load_session(audit.path).history if e.action == "status"]
    assert status and status[-1].who == "carol"


def test_whoever_edited_cannot_sign_off_under_another_name(tmp_path, as_user):
    audit = make_audit(tmp_path)
    as_user("bob")
    audit.session.set_note("c-3", "bob's edit")  # bob changes the content...
    submit(audit.session, by="alice")
    with pytest.raises(WorkflowError, match="you are signed in as 'bob'"):
        sign_off(audit.session, reviewer="carol")  # ...then signs off typing another name
    with pytest.raises(WorkflowError, match="'bob' changed it"):
        sign_off(audit.session)


@needs_ssh
def test_with_a_key_the_reviewer_is_the_keys_principal(tmp_path, capsys, monkeypatch):
    audit = make_audit(tmp_path)
    submit(audit.session)
    audit.save()
    key = tmp_path / "key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "t", "-f", str(key)], check=True)
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(f"dana@example.org {key.with_suffix('.pub').read_text()}", encoding="utf-8")
    monkeypatch.setenv("AUDITOR_TUI_AUDITOR", "dana")
    argv = ["signoff", str(audit.path), "--sign-key", str(key), "--allowed-signers", str(allowed)]
    assert main([*argv, "--reviewer", "erin"]) == 2
    assert "belongs to 'dana@example.org'" in capsys.readouterr().err
    assert main(argv) == 0
    session = load_session(audit.path)
    assert session.signoff.reviewer == "dana@example.org"
    assert session.history[-1].who == "dana" and session.history[-1].data["reviewer"] == "dana@example.org"
    assert verify_session(session, allowed_signers=allowed).valid


# --------------------------------------------------------------------------- export checks what verify checks


def test_export_refuses_a_sign_off_that_does_not_verify(tmp_path):
    audit = signed(tmp_path)
    checklist = tmp_path / "mini.toml"
    checklist.write_text(
        checklist.read_text(encoding="utf-8") + '\n[[items]]\nid = "new-item"\ntitle = "New"\nrefs = ["x"]\n',
        encoding="utf-8",
    )
    reopened = Audit.open(audit.path)
    with pytest.raises(ExportError, match=r"cannot export as signed off: .*item new-item was added after sign-off"):
        export_text(reopened.session, reopened.checklist, "md")
    good = Audit.open(signed(tmp_path / "fresh").path)
    assert verify_text(export_text(good.session, good.checklist, "md"), "x.md").valid


def test_an_export_with_an_edited_history_does_not_verify(tmp_path):
    audit = signed(tmp_path)
    opened = Audit.open(audit.path)
    text = export_text(opened.session, opened.checklist, "json")
    assert verify_text(text, "a.json").valid
    forged = text.replace('"who": "alice"', '"who": "mallory"', 1)
    result = verify_text(forged, "a.json")
    assert not result.valid


# --------------------------------------------------------------------------- older files


def test_a_session_written_before_the_chain_still_loads_and_verifies(tmp_path):
    """Version 1 files: no hashes, sign-off digest of schema 1. They load, chain as read, and
    verify with a note saying what the old digest does not cover."""
    legacy = Path(__file__).parent / "fixtures" / "legacy-v1-signed-off.toml"
    session = load_session(legacy)
    assert session.history_break() is None
    result = verify_session(session)
    assert result.valid, result.problems
    assert any("older auditor-tui" in n for n in result.notes)
    rechain(session.history, session.audit_id)  # idempotent on an intact chain
    assert session.history_break() is None
