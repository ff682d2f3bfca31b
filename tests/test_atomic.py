"""Atomic writes: old or new, never half; a .bak of the previous version; sane permissions."""

from __future__ import annotations

import os
import stat

import pytest

from auditor_tui.core.atomic import atomic_write_text, backup_path


def test_write_replace_and_backup(tmp_path):
    path = tmp_path / "a.toml"
    atomic_write_text(path, "one", backup=True)
    assert path.read_text() == "one" and not backup_path(path).exists()
    atomic_write_text(path, "two", backup=True)
    assert path.read_text() == "two" and backup_path(path).read_text() == "one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.toml", "a.toml.bak"]


def test_new_file_follows_the_umask_and_an_old_file_keeps_its_mode(tmp_path):
    old = os.umask(0o022)
    try:
        path = tmp_path / "new.txt"
        atomic_write_text(path, "x")
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
        path.chmod(0o600)
        atomic_write_text(path, "y")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "a.txt"
    atomic_write_text(path, "old")

    def boom(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write_text(path, "new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
