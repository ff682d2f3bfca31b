"""Shared fixtures: the real policies in tests/fixtures, a tiny checklist, a temp workspace."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor_tui.core.config import CONFIG_ENV, current

FIXTURES = Path(__file__).parent / "fixtures"
POLICIES = FIXTURES / "policies"
REPO = Path(__file__).parent.parent

POLICY_2017 = POLICIES / "000_1962084fed24df79.txt"
POLICY_2007 = POLICIES / "001_39e66615e43b07e0.txt"
POLICY_2018 = POLICIES / "002_7e1e5664a066436e.txt"

TINY_CHECKLIST = """\
[checklist]
id = "tiny"
title = "Tiny checklist"
version = "0.1"
source = "tests"

[[items]]
id = "controller"
title = "Who the controller is"
group = "Who"
refs = ["GDPR Art. 13(1)(a)"]
guidance = "The company's name and contact details."
keywords = ["controller", "contact"]
examples = ["We are Example Ltd."]

[[items]]
id = "retention"
title = "How long data is kept"
group = "Retention"
refs = ["GDPR Art. 13(2)(a)"]
guidance = "A period or the criteria."
keywords = ["retain", "keep"]
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean working directory (sessions/ is created inside it)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def tiny_checklist(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY_CHECKLIST, encoding="utf-8")
    return path


@pytest.fixture
def fresh(tiny_checklist: Path):
    """A new session of the 2018 policy against the tiny checklist, and the policy."""
    from auditor_tui.core.checklist import load_checklist
    from auditor_tui.core.policy import load_policy
    from auditor_tui.core.session import new_session

    policy = load_policy(POLICY_2018)
    return new_session(policy, load_checklist(tiny_checklist), policy_path=str(POLICY_2018), auditor="alice"), policy


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Keep the user's own config and checklists out of the tests (and each test's config out of the next)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    monkeypatch.setenv("AUDITOR_TUI_AUDITOR", "alice")  # the person at the keyboard: see as_user
    os.environ.pop("AUDITOR_TUI_DEBUG", None)
    current.cache_clear()
    yield
    current.cache_clear()


@pytest.fixture
def as_user(monkeypatch: pytest.MonkeyPatch):
    """``as_user("bob")``: from now on the person at the keyboard is bob."""

    def switch(name: str) -> None:
        monkeypatch.setenv("AUDITOR_TUI_AUDITOR", name)
        current.cache_clear()

    return switch
