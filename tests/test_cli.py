"""The command line: listing, reading policies, and one-line errors with exit 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from auditor_tui.cli import main
from tests.conftest import POLICY_2018


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_checklists_text_and_json(capsys, workdir):
    code, out, _ = run(capsys, "checklists")
    assert code == 0 and "gdpr-transparency" in out and "items" in out
    code, out, _ = run(capsys, "checklists", "--format", "json")
    rows = json.loads(out)
    assert {"id", "title", "version", "items", "source", "path"} <= set(rows[0])
    assert {r["id"] for r in rows} >= {"gdpr-transparency", "ccpa-privacy-policy", "opp115-data-practices"}


def test_clauses_json_shape(capsys):
    code, out, _ = run(capsys, "clauses", str(POLICY_2018), "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert set(data) == {"policy", "sections", "clauses"}
    assert set(data["policy"]) == {
        *("path", "sha256", "clauses", "source", "format", "raw_sha256"),
        *("retrieved", "http_status", "content_type", "final_url", "whole_page"),
    }
    assert data["policy"]["clauses"] == len(data["clauses"])
    assert set(data["clauses"][0]) == {"id", "section", "text", "start", "end"}


def test_clauses_text_lists_sections(capsys):
    code, out, _ = run(capsys, "clauses", str(POLICY_2018))
    assert code == 0 and "Your Rights" in out and "c1" in out


def test_clauses_shows_escape_sequences_as_visible_characters(capsys, tmp_path):
    policy = tmp_path / "evil.txt"
    policy.write_text("Title\n\nSome \x1b[2J text [@click=app.quit]x[/] here, long enough to be a clause.\n")
    code, out, _ = run(capsys, "clauses", str(policy))
    assert code == 0 and "\x1b" not in out and "␛[2J" in out and "[@click=app.quit]x[/]" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["clauses", "nope.txt"], "nope.txt: no such file"),
        (["clauses", "."], "is a directory"),
        (["review", "nope.txt"], "no such file"),
        (["resume", "nope.toml"], "no such session file"),
        (["review", str(POLICY_2018), "--checklist", "nope"], "no checklist with id 'nope'"),
        (["clauses"], "the following arguments are required: POLICY"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["checklists", "--format", "yaml"], "invalid choice: 'yaml'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, workdir, argv, message):
    with (
        pytest.raises(SystemExit)
        if argv[0] in ("frobnicate",) or "--format" in argv or argv == ["clauses"]
        else _no_raise()
    ):
        code = main(argv)
        assert code == 2
    _out, err = capsys.readouterr()
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (workdir / "sessions").exists() or not any((workdir / "sessions").iterdir())


class _no_raise:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_python_dash_m_runs_and_errors_without_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "auditor_tui", "clauses", str(tmp_path / "missing.txt")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("auditor-tui: error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
