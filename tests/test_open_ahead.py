"""A long policy read in a child process while the app loads (issue 15): the policy that
comes back is the one read in-process, field for field, and a failure there is the error
open_policy raises. No timing is asserted (benchmarks/first_screen.py measures it)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor_tui.core.errors import PolicyError
from auditor_tui.core.policy import load_policy, parse_policy
from auditor_tui.core.policy.transfer import policy_from_parts, policy_parts
from auditor_tui.core.source import AHEAD_MIN_BYTES, open_policy, open_policy_ahead
from tests.conftest import FIXTURES, POLICIES

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "path",
    [*sorted(POLICIES.glob("*.txt")), FIXTURES / "sample_policy.md", FIXTURES / "sample_policy.html"],
    ids=lambda path: path.name,
)
def test_the_flat_parts_give_back_the_same_policy(path: Path) -> None:
    policy = load_policy(path)
    again = policy_from_parts(policy_parts(policy))
    assert again == policy
    assert [c.section.id if c.section else None for c in again.clauses] == [
        c.section.id if c.section else None for c in policy.clauses
    ]
    assert again.sha256 == policy.sha256


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="ab c.\n:Ü#", min_size=0, max_size=40), max_size=12))
def test_any_parsed_text_survives_the_parts(paragraphs: list[str]) -> None:
    policy = parse_policy("\n\n".join(paragraphs), "text")
    assert policy_from_parts(policy_parts(policy)) == policy


def big_policy(folder: Path) -> Path:
    lines = []
    for number in range(AHEAD_MIN_BYTES // 60 + 200):
        if number % 25 == 0:
            lines.append(f"Section {number // 25 + 1}")
        lines.append(f"Clause {number} says that we keep the data of our users for {number % 40} months.")
    path = folder / "big.txt"
    path.write_text("\n\n".join(lines), encoding="utf-8")
    assert path.stat().st_size >= AHEAD_MIN_BYTES
    return path


CHILD = """
import json, sys, threading
from auditor_tui.core.errors import AuditorError
from auditor_tui.core.source import open_policy, open_policy_ahead
assert threading.active_count() == 1
read = open_policy_ahead(sys.argv[1])
forked = read.__name__ == "collect"
try:
    ahead = read()
except AuditorError as error:
    print(json.dumps({"forked": forked, "error": str(error)}))
    raise SystemExit(0)
here = open_policy(sys.argv[1])
print(json.dumps({
    "forked": forked,
    "same": ahead.policy == here.policy and ahead.provenance == here.provenance
    and ahead.data == here.data and ahead.suffix == here.suffix,
    "clauses": len(ahead.policy.clauses),
}))
"""


def run_child(path: Path) -> dict:
    """open_policy_ahead in a fresh single-threaded interpreter (pytest's workers have threads,
    where it never forks)."""
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, cwd=ROOT, timeout=120, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_long_policy_read_in_a_child_is_the_policy_read_here(tmp_path: Path) -> None:
    result = run_child(big_policy(tmp_path))
    assert result["forked"] is True
    assert result["same"] is True
    assert result["clauses"] > 4000


def test_a_failing_read_in_the_child_raises_the_error_open_policy_raises(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * (AHEAD_MIN_BYTES // 256 + 1))
    with pytest.raises(PolicyError) as here:
        open_policy(path)
    result = run_child(path)
    assert result["forked"] is True
    assert result["error"] == str(here.value)


def test_a_short_policy_or_a_threaded_process_reads_in_process(tmp_path: Path) -> None:
    short = POLICIES / "004_aa02e47dc2da3b1a.txt"
    assert open_policy_ahead(short).__name__ == "here"
    # With another thread running, forking could copy a lock that thread holds: no fork.
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        read = open_policy_ahead(big_policy(tmp_path))
    finally:
        release.set()
        other.join()
    assert read.__name__ == "here"
    assert read().policy == open_policy(tmp_path / "big.txt").policy
