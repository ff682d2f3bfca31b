"""The user's config file: where it is, what it holds, what a broken one does, and its wiring."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor_tui.cli import main
from auditor_tui.core import config as config_module
from auditor_tui.core.config import (
    CONFIG_ENV,
    DEFAULT_CHECKLIST,
    SESSIONS_DIR,
    Config,
    config_path,
    load_config,
    login_name,
)
from auditor_tui.core.session import load_session
from auditor_tui.ui.app import AuditorApp, config_problems
from auditor_tui.ui.keys import REVIEW_KEYS, binding_ids
from auditor_tui.ui.screens.help import HelpScreen, help_rows
from auditor_tui.ui.screens.review import ReviewScreen
from tests.conftest import POLICY_2018, REPO
from tests.ui_helpers import autosave, make_audit


@pytest.fixture(autouse=True)
def _no_identity_override(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the config file's auditor: no $AUDITOR_TUI_AUDITOR over it."""
    monkeypatch.delenv("AUDITOR_TUI_AUDITOR", raising=False)


SIZE = (120, 40)
GOOD = """\
auditor = "Alice Martin"
default_checklist = "ccpa-privacy-policy"
sessions_dir = "~/audits"
theme = "nord"

[keymap]
tag = "T"
status-satisfied = "ctrl+1, 5"
"""


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "config.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def use(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Make *path* the user's config for this test (as $AUDITOR_TUI_CONFIG does)."""
    monkeypatch.setenv(CONFIG_ENV, str(path))
    config_module.current.cache_clear()


# --------------------------------------------------------------------------- where it is


def test_the_file_is_in_the_user_config_directory_unless_the_variable_names_one(tmp_path, monkeypatch):
    assert config_path() == Path(os.environ["XDG_CONFIG_HOME"]) / "auditor-tui" / "config.toml"
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path / "mine.toml"))
    assert config_path() == tmp_path / "mine.toml"


def test_no_file_means_the_defaults_and_no_warning():
    config = load_config()
    assert (config.found, config.warning) == (False, "")
    assert (config.auditor, config.default_checklist, config.sessions_dir) == ("", DEFAULT_CHECKLIST, SESSIONS_DIR)
    assert config.keymap == {} and config.identity() == login_name()


def test_a_file_named_by_the_variable_that_is_not_there_is_a_warning(tmp_path, monkeypatch):
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path / "typo.toml"))
    config = load_config()
    assert "typo.toml" in config.warning and CONFIG_ENV in config.warning
    assert config == Config(path=tmp_path / "typo.toml", warning=config.warning)


# --------------------------------------------------------------------------- what it holds


def test_every_key_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    config = load_config(write(tmp_path, GOOD))
    assert config.warning == "" and config.found
    assert config.auditor == "Alice Martin" and config.identity() == "Alice Martin"
    assert config.default_checklist == "ccpa-privacy-policy"
    assert config.sessions_dir == tmp_path / "audits"
    assert config.theme == "nord"
    assert config.keymap == {"tag": "T", "status-satisfied": "ctrl+1,5"}


def test_identity_is_the_configured_auditor_else_the_login_name(tmp_path, monkeypatch):
    assert config_module.identity() == login_name()
    use(monkeypatch, write(tmp_path, 'auditor = "Bob Reviewer"\n'))
    assert config_module.identity() == "Bob Reviewer"


# --------------------------------------------------------------------------- a broken file


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('auditor = "Alice"\ntheme = "nord\n', ":2: not valid TOML"),
        ('auditor = "Alice"\n\nthem = "nord"\n', ":3: them: unknown key (did you mean 'theme'?)"),
        ('theme = "nord"\nauditor = 42\n', ":2: auditor: must be a string in quotes, not a number"),
        ('sessions_dir = ""\n', ":1: sessions_dir: must not be empty"),
        ('auditor = "two\\nlines"\n', ":1: auditor: must be one line"),
        ('keymap = "T"\n', ":1: keymap: must be a table"),
        ('auditor = "A"\n[keymap]\nnote = "e"\ntag = ["T"]\n', ":4: [keymap] tag: must be keys in quotes"),
        ('[keymap]\n"tag" = 1\n', ":2: [keymap] tag: must be keys"),
        ("keymap.tag = 1\n", ":1: [keymap] tag: must be keys"),
        ("[ui]\ncolour = 1\n", ":1: ui: unknown key"),
    ],
)
def test_a_broken_file_is_ignored_with_one_line_naming_file_line_and_key(tmp_path, text, says):
    path = write(tmp_path, text)
    config = load_config(path)
    assert config.warning.startswith(str(path)), config.warning
    assert says in config.warning and "\n" not in config.warning
    assert "defaults apply" in config.warning
    assert (config.auditor, config.theme, config.keymap) == ("", "textual-dark", {})


def test_several_problems_make_one_warning_counting_the_rest(tmp_path):
    config = load_config(write(tmp_path, "auditor = 1\ntheme = 2\nextra = 3\n"))
    assert ":1: auditor:" in config.warning and "(and 2 more)" in config.warning


@pytest.mark.parametrize("content", [b"\xff\xfeauditor", None], ids=["not-utf8", "directory"])
def test_an_unreadable_file_is_a_warning_too(tmp_path, content):
    path = tmp_path / "config.toml"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    config = load_config(path)
    assert str(path) in config.warning and "defaults apply" in config.warning
    assert config.default_checklist == DEFAULT_CHECKLIST


_SUPPRESS = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
_TOMLISH = st.lists(
    st.sampled_from(
        ['auditor = "A"', "auditor = 1", "theme = ", '"theme" = "x"', "[keymap]", 'tag = "T"', "tag = []", "[[x]]"]
    )
    | st.text(max_size=30),
    max_size=8,
).map("\n".join)


@settings(max_examples=150, deadline=None, suppress_health_check=_SUPPRESS)
@given(st.one_of(_TOMLISH, st.binary(max_size=80)))
def test_any_file_loads_and_a_warning_means_the_defaults(tmp_path, text):
    config = load_config(write(tmp_path, text))
    assert config.found
    assert "\n" not in config.warning
    if config.warning:
        assert config.warning.startswith(str(tmp_path))
        assert config.values() == Config(path=config.path).values()


# --------------------------------------------------------------------------- what the UI ignores


def test_the_ui_ignores_an_unknown_theme_and_binding_id_saying_where(tmp_path):
    config = load_config(write(tmp_path, 'theme = "nrod"\n\n[keymap]\ntagg = "T"\nnote = "N"\n'))
    assert config.warning == ""
    theme, binding = config_problems(config)
    assert ":1: theme: no such theme (did you mean 'nord'?)" in theme
    assert ":4: [keymap] tagg: no such binding id (did you mean 'tag'?)" in binding
    assert config_problems(load_config(write(tmp_path, GOOD))) == []


def test_every_key_that_runs_an_action_has_a_unique_binding_id():
    with_action = [key for key in REVIEW_KEYS if key.action]
    assert all(key.id for key in with_action), [key.keys for key in with_action if not key.id]
    assert len(set(binding_ids())) == len(binding_ids()) == len(with_action)


def test_the_help_lists_each_binding_id_with_its_keys():
    rows = [row for row in help_rows({"tag": "T"}) if isinstance(row, tuple)]
    assert [binding for _keys, binding, _what in rows if binding] == list(binding_ids())
    assert ("T", "tag") in [(keys, binding) for keys, binding, _what in rows]
    assert ("e", "note") in [(keys, binding) for keys, binding, _what in rows]


# --------------------------------------------------------------------------- the CLI


def test_config_command_prints_the_path_and_the_values_in_effect(tmp_path, monkeypatch, capsys):
    use(monkeypatch, write(tmp_path, GOOD))
    assert main(["config", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["path"] == str(tmp_path / "config.toml") and data["found"] and data["warning"] == ""
    assert data["auditor"] == "Alice Martin" and data["theme"] == "nord"
    assert data["keymap"]["tag"] == "T" and data["keymap"]["note"] == "e"  # every id, remapped or not
    assert set(data["keymap"]) == set(binding_ids())
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert str(tmp_path / "config.toml") in out and 'auditor = "Alice Martin"' in out and 'tag = "T"' in out


def test_config_command_warns_on_stderr_in_one_line_and_shows_the_defaults(tmp_path, monkeypatch, capsys):
    use(monkeypatch, write(tmp_path, 'auditor = "Alice"\ncolour = "red"\n'))
    assert main(["config"]) == 0
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and err.startswith("auditor-tui: warning: ") and ":2: colour: unknown key" in err
    assert f'auditor = "{login_name()}"' in out and "(ignored)" in out


def test_review_takes_the_checklist_sessions_dir_and_auditor_from_the_config(workdir, monkeypatch, tiny_checklist):
    use(
        monkeypatch,
        write(workdir, f'auditor = "Alice"\ndefault_checklist = "{tiny_checklist}"\nsessions_dir = "audits"\n'),
    )
    started = []
    monkeypatch.setattr("auditor_tui.cli.audit._run", lambda config, audit=None: started.append(audit) or 0)
    assert main(["review", str(POLICY_2018)]) == 0
    audit = started[0]
    assert audit.path.parent == Path("audits") and audit.checklist.id == "tiny"
    assert load_session(audit.path).auditor == "Alice"
    assert main(["review", str(POLICY_2018), "--checklist", "gdpr-transparency", "--auditor", "Carol"]) == 0
    assert started[1].checklist.id == "gdpr-transparency" and started[1].session.auditor == "Carol"


def test_sample_takes_the_sessions_dir_and_auditor_from_the_config(workdir, monkeypatch):
    use(monkeypatch, write(workdir, 'auditor = "Alice"\nsessions_dir = "audits"\n'))
    started = []
    monkeypatch.setattr("auditor_tui.cli.audit._run", lambda config, audit=None: started.append(audit) or 0)
    assert main(["sample"]) == 0 and main(["sample"]) == 0
    assert started[0].path.parent == Path("audits") and started[0].session.auditor == "Alice"
    assert started[1].path == started[0].path  # the second run resumes it, from the same folder


# --------------------------------------------------------------------------- the TUI


async def test_the_app_applies_the_theme_and_the_keymap(workdir, tmp_path):
    audit = make_audit(workdir)
    config = load_config(write(tmp_path, 'theme = "nord"\n[keymap]\ntag = "T"\n'))
    app = AuditorApp(audit, config=config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and app.theme == "nord"
        item = screen.item_id
        await pilot.press("t")  # no longer the tag key
        await autosave(pilot)
        assert screen.session.items[item].tags == [] and load_session(audit.path).items[item].tags == []
        await pilot.press("T")
        await autosave(pilot)
        assert len(screen.session.items[item].tags) == len(load_session(audit.path).items[item].tags) == 1
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        cells = [str(cell.render()).strip() for cell in app.screen.query("#help-keys Static")]
        assert cells[cells.index("tag") - 1] == "T"


async def test_a_broken_config_is_one_notification_and_the_app_runs(workdir, tmp_path, monkeypatch):
    config = load_config(write(tmp_path, 'theme = "nord"\n[keymap]\ntagg = "T"\n'))
    app = AuditorApp(sessions_dir="sessions", config=config)
    shown: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **kwargs: shown.append(message))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.is_running and app.theme == "nord"
    assert len(shown) == 1 and ":3: [keymap] tagg: no such binding id" in shown[0]


async def test_the_start_screen_uses_the_configured_checklist_and_auditor(workdir, tmp_path):
    from auditor_tui.ui.screens.start import NewAuditScreen

    config = load_config(write(tmp_path, 'auditor = "Alice"\ndefault_checklist = "ccpa-privacy-policy"\n'))
    app = AuditorApp(sessions_dir="sessions", config=config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NewAuditScreen)
        assert app.screen.query_one("#new-checklist").value == "ccpa-privacy-policy"
        await pilot.press("escape", "s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.session.checklist.id == "ccpa-privacy-policy" and screen.session.auditor == "Alice"


def test_the_readme_documents_every_binding_id_and_its_example_config_loads(tmp_path):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    keys = readme.split("## The review screen", 1)[1].split("\n## ", 1)[0]
    for binding in binding_ids():
        assert f"`{binding}`" in keys, binding
    configuration = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    example = load_config(write(tmp_path, configuration.split("```toml\n", 1)[1].split("```", 1)[0]))
    assert example.warning == "" and config_problems(example) == []
    assert example.auditor and example.keymap and example.theme != Config(path=tmp_path).theme
