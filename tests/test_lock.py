"""Two instances on one session: the second is read-only and says who holds it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from auditor_tui.cli import main
from auditor_tui.core.audit import Audit
from auditor_tui.core.errors import SessionError
from auditor_tui.core.lock import holder, lock_or_fail, try_lock
from auditor_tui.ui.app import AuditorApp
from tests.ui_helpers import autosave, make_audit

pytestmark = pytest.mark.skipif(os.name != "posix", reason="session locks use fcntl (POSIX only)")


def test_second_lock_is_refused_and_names_the_holder(tmp_path):
    session = tmp_path / "a.toml"
    session.write_text("x")
    first = try_lock(session)
    assert first is not None
    assert try_lock(session) is None
    assert f"pid {os.getpid()}" in holder(session) and "since" in holder(session)
    with pytest.raises(SessionError, match=r"open for changes by .*pid \d+"):
        lock_or_fail(session)
    first.release()
    again = try_lock(session)
    assert again is not None
    again.release()


def test_a_lock_left_by_a_killed_process_is_taken_over(tmp_path):
    session = tmp_path / "a.toml"
    session.write_text("x")
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from auditor_tui.core.lock import try_lock
                lock = try_lock({str(session)!r})
                print("locked", flush=True)
                time.sleep(60)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "locked"
        assert try_lock(session) is None
        assert f"pid {child.pid}" in holder(session)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    taken = try_lock(session)
    assert taken is not None and f"pid {os.getpid()}" in holder(session)
    taken.release()


def test_cli_change_is_refused_while_the_session_is_open(workdir, capsys):
    audit = make_audit(workdir)
    before = audit.path.read_bytes()
    lock = try_lock(audit.path)
    try:
        assert main(["reopen", str(audit.path)]) == 2
    finally:
        lock.release()
    err = capsys.readouterr().err
    assert "open for changes by" in err and err.count("\n") == 1
    assert audit.path.read_bytes() == before


async def test_second_app_on_the_same_session_is_read_only(workdir):
    audit = make_audit(workdir)
    first = AuditorApp(audit)
    async with first.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        second_audit = Audit.open(audit.path)
        second = AuditorApp(second_audit)
        async with second.run_test(size=(120, 40)) as pilot2:
            await pilot2.pause()
            assert second_audit.read_only
            assert f"pid {os.getpid()}" in second_audit.read_only_reason
            before = audit.path.read_bytes()
            await pilot2.press("t", "1", "ctrl+s")
            assert second.screen._save_timer is None  # read-only: no save was scheduled
            await pilot2.pause()
            assert audit.path.read_bytes() == before
        await pilot.press("1")
        await autosave(pilot)
        assert b'status = "satisfied"' in audit.path.read_bytes()
    assert try_lock(audit.path) is not None  # released when the review screen closed
