"""`auditor-tui git-setup`: the attribute and the config git needs to use the merge driver, once."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from auditor_tui.cli import main

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def test_git_setup_twice_changes_nothing_the_second_time(tmp_path: Path, monkeypatch, capsys) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "sub").mkdir()
    (tmp_path / ".gitattributes").write_text("*.pdf binary", encoding="utf-8")  # no final newline
    monkeypatch.chdir(tmp_path / "sub")  # from a folder inside: the repository's top is set up
    assert main(["git-setup"]) == 0
    first = capsys.readouterr().out
    assert "wrote 'sessions/*.toml merge=auditor-tui' to .gitattributes" in first
    assert "set git config merge.auditor-tui.driver" in first
    attributes = (tmp_path / ".gitattributes").read_text(encoding="utf-8")
    assert attributes == "*.pdf binary\nsessions/*.toml merge=auditor-tui\n"
    assert git(tmp_path, "config", "merge.auditor-tui.driver").strip() == "auditor-tui merge-driver %O %A %B %P"
    assert git(tmp_path, "config", "merge.auditor-tui.name").strip()
    assert git(tmp_path, "check-attr", "merge", "sessions/a.toml").strip().endswith("merge: auditor-tui")
    config = (tmp_path / ".git" / "config").read_text(encoding="utf-8")

    assert main(["git-setup"]) == 0
    second = capsys.readouterr().out
    assert "nothing changed" in second and "wrote" not in second and "set git config" not in second
    assert (tmp_path / ".gitattributes").read_text(encoding="utf-8") == attributes
    assert (tmp_path / ".git" / "config").read_text(encoding="utf-8") == config


def test_git_setup_with_another_command_updates_the_driver(tmp_path: Path, monkeypatch, capsys) -> None:
    git(tmp_path, "init", "-q")
    monkeypatch.chdir(tmp_path)
    assert main(["git-setup"]) == 0
    assert main(["git-setup", "--command", "python3 -m auditor_tui"]) == 0
    out = capsys.readouterr().out
    assert ".gitattributes already has" in out
    assert (
        git(tmp_path, "config", "merge.auditor-tui.driver").strip() == "python3 -m auditor_tui merge-driver %O %A %B %P"
    )


def test_git_setup_outside_a_repository(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert main(["git-setup"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and "not inside a git repository" in captured.err
    assert not (tmp_path / ".gitattributes").exists()
