"""What a start does not import: the readers' libraries until their format is read, and only
the CLI module of the subcommand that runs (issue 15: time to the first screen)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor_tui.cli import COMMANDS, build_parser
from auditor_tui.core.policy import readers


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
    ).stdout
    return set(out.split())


def test_reading_a_text_policy_imports_no_reader_library(tmp_path) -> None:
    policy = tmp_path / "p.txt"
    policy.write_text("Privacy\n\nWe keep your data.\n", encoding="utf-8")
    loaded = _modules_after(f"from auditor_tui.core.policy import load_policy; load_policy({str(policy)!r})")
    assert "auditor_tui.core.policy" in loaded
    assert not {"lxml", "pypdfium2", "docx", "rapidfuzz", "textual"} & loaded


def test_a_lazy_reader_imports_its_library_when_its_format_is_read(tmp_path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<html><body><h1>Privacy</h1><p>We keep your data.</p></body></html>", encoding="utf-8")
    loaded = _modules_after(f"from auditor_tui.core.policy import load_policy; load_policy({str(page)!r})")
    assert "lxml" in loaded and "pypdfium2" not in loaded


@pytest.mark.parametrize("reader", readers.READERS, ids=lambda r: r.format)
def test_a_lazy_entry_states_what_its_module_states(reader: readers.Reader) -> None:
    module = importlib.import_module(f"auditor_tui.core.policy.readers.{reader.format}")
    own = module.READER
    assert (reader.format, reader.suffixes, reader.content_types) == (own.format, own.suffixes, own.content_types)
    assert (reader.blocks is None) == (own.blocks is None)
    assert (reader.read_whole is None) == (own.read_whole is None)


def test_every_subcommand_is_in_the_table_and_registered_by_its_module() -> None:
    full = build_parser()
    choices = next(a for a in full._actions if a.__class__.__name__ == "_SubParsersAction").choices
    assert set(choices) == set(COMMANDS)
    for command, module in COMMANDS.items():
        parser = build_parser(command)
        action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
        assert command in action.choices, (command, module)


def test_a_subcommand_imports_only_its_module() -> None:
    loaded = _modules_after("from auditor_tui.cli import main; main(['verify', '/nonexistent'])")
    assert "auditor_tui.cli.workflow" in loaded
    assert not {"auditor_tui.cli.audit", "auditor_tui.cli.config", "auditor_tui.cli.suggest", "textual"} & loaded


@given(st.text(alphabet=st.sampled_from(list("ab .\t\n\r\u00a0\u2009\u3000\x0b\x0c\u200bé")), max_size=30))
def test_normalise_line_fast_path_is_the_regular_expression(line: str) -> None:
    from auditor_tui.core.policy.units import _SPACES, normalise_line

    assert normalise_line(line) == _SPACES.sub(" ", line).strip()


def test_the_app_imports_the_start_screen_only_to_show_it() -> None:
    loaded = _modules_after("import auditor_tui.ui.app")
    assert "auditor_tui.ui.screens.start" not in loaded
