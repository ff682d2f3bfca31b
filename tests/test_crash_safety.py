"""Crash safety: a session file killed mid-save is always a complete save, never a torn one.

A real process (tests/crash_writer.py) saves a session in a loop and is killed with SIGKILL at
random moments, dozens of times. Each time, the file on disk must load and be exactly one of
the states the writer saved (the note holds the save's number; status, tag and history length
follow from it), and the ``.bak`` beside it, when there is one, must load too and be the same
save or the one before. The same for the review screen's autosave: the app runs headless in a
child process, keys are pressed in a loop, and the process is killed at random moments.

No timing is asserted; the random seed is in every failure message.
"""

from __future__ import annotations

import os
import random
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from auditor_tui.core.atomic import backup_path
from auditor_tui.core.audit import Audit
from auditor_tui.core.checklist import load_checklist
from auditor_tui.core.policy import load_policy
from auditor_tui.core.session import Session, check_against, find_sessions, load_session
from tests.conftest import POLICY_2018, REPO
from tests.crash_writer import FILLER, expected_state

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")

WRITER = Path(__file__).with_name("crash_writer.py")
CHECKLIST = REPO / "checklists" / "gdpr-transparency.toml"
SAVE_KILLS = 40
REVIEW_KILLS = 10
SEED = int(os.environ.get("CRASH_SEED", random.randrange(1 << 30)))


def start_writer(*args: str, cwd: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen(
        [sys.executable, str(WRITER), *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_ready(process: subprocess.Popen, timeout: float = 60.0) -> None:
    """Wait for the writer's "ready" line (its first save is on disk)."""
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    line = process.stdout.readline() if ready else ""
    if line.strip() != "ready":
        process.kill()
        _, err = process.communicate(timeout=10)
        pytest.fail(f"writer not ready (exit {process.returncode}): {line!r}\n{err[-3000:]}")


def kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    process.stdout.close()
    process.stderr.close()


def save_number(session: Session, where: str) -> int:
    """The save a loaded session is, checked against everything that save must hold."""
    state = session.items["13-1-a"]
    head, _, filler = state.note.partition("\n")
    assert head.startswith("save ") and head[5:].isdigit(), f"{where}: note {head!r}"
    assert filler == FILLER, f"{where}: the note is cut short ({len(filler)} of {len(FILLER)})"
    n = int(head[5:])
    expected = expected_state(n)
    assert state.status == expected["status"], where
    assert [tag.clause for tag in state.tags] == [expected["tag"]], where
    assert len(session.history) == expected["history"], where
    return n


class Writers:
    """Writer processes started one ahead (the next one starts up while the current one is
    killed and checked); any still running at the end are killed."""

    def __init__(self, launch) -> None:
        self.launch = launch
        self.live: list[subprocess.Popen] = []

    def __enter__(self) -> Writers:
        return self

    def __exit__(self, *exc: object) -> None:
        for process in self.live:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)

    def rounds(self, count: int):
        pending = self._start(0)
        for round_ in range(count):
            process = pending
            wait_ready(process)
            if round_ + 1 < count:
                pending = self._start(round_ + 1)
            yield round_, process

    def _start(self, round_: int) -> subprocess.Popen:
        process = self.launch(round_)
        self.live.append(process)
        return process


def test_save_session_killed_at_random_moments_leaves_a_whole_save(tmp_path):
    rng = random.Random(SEED)
    policy = tmp_path / "policy.txt"
    shutil.copy(POLICY_2018, policy)
    clauses = {c.id: c.text for c in load_policy(policy).clauses}
    numbers = []

    def launch(round_: int) -> subprocess.Popen:
        folder = tmp_path / f"r{round_}"
        folder.mkdir()
        return start_writer("save", str(folder / "audit.toml"), str(policy), str(CHECKLIST), cwd=tmp_path)

    with Writers(launch) as writers:
        for round_, process in writers.rounds(SAVE_KILLS):
            where = f"seed {SEED}, round {round_}"
            folder = tmp_path / f"r{round_}"
            path = folder / "audit.toml"
            time.sleep(rng.choice([0, rng.uniform(0, 0.003), rng.uniform(0, 0.02), rng.uniform(0.02, 0.08)]))
            kill(process)

            session = load_session(path)
            n = save_number(session, where)
            tag = session.items["13-1-a"].tags[0]
            assert tag.text == clauses[tag.clause], where  # the quote is the clause's whole text
            numbers.append(n)
            bak = backup_path(path)
            if bak.exists():
                previous = save_number(load_session(bak), f"{where} (.bak)")
                assert previous in (n - 1, n), f"{where}: .bak is save {previous}, file is save {n}"
            else:
                assert n == 0, f"{where}: no .bak after {n + 1} saves"
            # Left-over temporary files are never taken for sessions.
            assert [p.name for p, _ in find_sessions(folder)] == ["audit.toml"], where
    assert max(numbers) > 0, f"seed {SEED}: the writer never got past its first save: {numbers}"


def test_review_screen_autosave_killed_at_random_moments_leaves_a_loadable_file(tmp_path):
    rng = random.Random(SEED)
    policy_file = tmp_path / "policy.txt"
    shutil.copy(POLICY_2018, policy_file)
    policy = load_policy(policy_file)
    checklist = load_checklist(CHECKLIST)
    template = Audit.start(policy_file, CHECKLIST, session_path=tmp_path / "template.toml", auditor="alice")
    template_bytes = template.path.read_bytes()
    changed = 0

    def launch(round_: int) -> subprocess.Popen:
        folder = tmp_path / f"r{round_}"
        folder.mkdir()
        (folder / "audit.toml").write_bytes(template_bytes)
        return start_writer("review", str(folder / "audit.toml"), str(rng.randrange(1 << 30)), cwd=tmp_path)

    with Writers(launch) as writers:
        for round_, process in writers.rounds(REVIEW_KILLS):
            where = f"seed {SEED}, round {round_}"
            path = tmp_path / f"r{round_}" / "audit.toml"
            time.sleep(rng.uniform(0, 1.5))
            kill(process)

            for file in (path, backup_path(path)):
                if not file.exists():
                    continue
                session = load_session(file)  # never torn
                check_against(session, checklist, file)
                for state in session.items.values():
                    for tag in state.tags:
                        clause = policy.clause(tag.clause)
                        assert clause is not None and tag.text == clause.text, f"{where}: {file.name} {tag.clause}"
                assert session.policy.sha256 == policy.sha256, where
            changed += path.read_bytes() != template_bytes
            # The killed app's session opens again for changes (a lock dies with its process).
            reopened = Audit.open(path)
            assert not reopened.read_only, f"{where}: {reopened.read_only_reason}"
            assert reopened.acquire_lock(), f"{where}: {reopened.read_only_reason}"
            reopened.release_lock()
    # How many rounds saved before their kill depends on the machine's speed (a loaded one may
    # be killed before its first save): the property is that every file loads, not a count.
    assert changed > 0, f"seed {SEED}: no round saved anything (the writer never reached a save)"
