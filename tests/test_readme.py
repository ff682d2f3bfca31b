"""The README stays true: CI runs its test command verbatim, and every key is documented."""

from __future__ import annotations

import re

from auditor_tui.ui.keys import REVIEW_KEYS, display_keys
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _quick_start_commands() -> list[str]:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", quick)


def test_quick_start_has_exactly_two_commands():
    commands = _quick_start_commands()
    assert len(commands) == 2
    assert "auditor-tui sample" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert _quick_start_commands()[1] in ci


def test_every_review_key_is_in_the_readme():
    table = README.split("## The review screen", 1)[1].split("\n## ", 1)[0]
    for key in REVIEW_KEYS:
        for name in re.split(r" or | / ", display_keys(key.keys)):
            assert f"`{name}`" in table, name
