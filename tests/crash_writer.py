"""A process for tests/test_crash_safety.py to kill with SIGKILL while it saves a session.

    python tests/crash_writer.py save SESSION POLICY CHECKLIST
        Saves the session over and over with ``save_session``; save number N leaves a state
        that :func:`expected_state` describes (the note starts with ``save N``). Prints
        ``ready`` after the first save.

    python tests/crash_writer.py review SESSION SEED
        Opens the saved audit in the review screen, headless (``app.run_test()``), and presses
        tagging, status and moving keys in a loop, so the screen's autosave writes the file
        again and again. Prints ``ready`` once the first autosave is on disk.

Both run until they are killed.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
from pathlib import Path

FILLER = "x" * 20_000  # makes every save ~20 KB, so a kill often lands in the middle of a write
STATUS_CYCLE = ("satisfied", "partial", "missing", "not-applicable")
TAGGED_CLAUSES = 50
# "4" would open the reason dialog (and swallow the keys after it); "u" undoes under the kill instead.
REVIEW_KEYS = ["t", "1", "2", "3", "u", "0", "down", "down", "up", "pagedown", "t", "space", "j", "k"]


def orphaned(parent: int) -> bool:
    """True when the test that started this process is gone (so a failed test leaves no writer)."""
    return os.getppid() != parent


def expected_state(n: int) -> dict:
    """What save number *n* holds for the first item (and the history length)."""
    return {
        "note": f"save {n}\n{FILLER}",
        "status": STATUS_CYCLE[n % len(STATUS_CYCLE)],
        "tag": f"c{n % TAGGED_CLAUSES + 1}",
        # create; then save 0: note, status, tag; each later save: note, status, untag, tag.
        "history": 1 + 3 + 4 * n,
    }


def save_loop(session_path: Path, policy_path: Path, checklist_path: Path) -> None:
    from auditor_tui.core.checklist import load_checklist
    from auditor_tui.core.policy import load_policy
    from auditor_tui.core.session import new_session, save_session

    policy = load_policy(policy_path)
    checklist = load_checklist(checklist_path)
    session = new_session(policy, checklist, policy_path=str(policy_path), auditor="crash", title="crash test")
    item = checklist.items[0].id
    parent = os.getppid()
    n = 0
    while not orphaned(parent):
        state = expected_state(n)
        session.set_note(item, state["note"])
        session.set_status(item, state["status"], reason="crash test")
        if n:
            previous = policy.clause(expected_state(n - 1)["tag"])
            session.toggle_tag(item, previous)
        session.toggle_tag(item, policy.clause(state["tag"]))
        save_session(session, session_path)
        if n == 0:
            print("ready", flush=True)
        n += 1


async def review_loop(session_path: Path, seed: int) -> None:
    from auditor_tui.core.audit import Audit
    from auditor_tui.ui.app import AuditorApp
    from auditor_tui.ui.screens.review import AUTOSAVE_DELAY

    rng = random.Random(seed)
    parent = os.getppid()
    original = session_path.read_bytes()
    audit = Audit.open(session_path)
    app = AuditorApp(audit, sessions_dir=session_path.parent)
    async with app.run_test(size=(120, 40)) as pilot:
        ready = False
        while not orphaned(parent):
            await pilot.press(*rng.choices(REVIEW_KEYS, k=rng.randint(1, 4)))
            await pilot.pause(rng.uniform(0, 0.05))
            if not ready:
                await pilot.pause(AUTOSAVE_DELAY + 0.2)
                if session_path.read_bytes() != original:
                    print("ready", flush=True)
                    ready = True


def main(argv: list[str]) -> None:
    mode = argv[0]
    if mode == "save":
        save_loop(Path(argv[1]), Path(argv[2]), Path(argv[3]))
    elif mode == "review":
        asyncio.run(review_loop(Path(argv[1]), int(argv[2])))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
