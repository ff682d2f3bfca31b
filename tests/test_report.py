"""The report across audits: a good, a signed-off and a broken session in one folder."""

from __future__ import annotations

import io
import shutil
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from auditor_tui.cli import main
from auditor_tui.core.report import audit_row, build_report, render_csv, render_html, render_markdown, render_text
from tests.test_export import make_audit

TODAY = date(2026, 6, 1)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    from auditor_tui.core.workflow import sign_off, submit

    sessions = tmp_path / "sessions"
    sessions.mkdir()
    good = make_audit(tmp_path / "good")
    good.session.title = "Good one"
    good.save()
    shutil.copy(tmp_path / "good" / "s.toml", sessions / "good.toml")
    signed = make_audit(tmp_path / "signed")
    signed.session.title = "Signed one"
    submit(signed.session)
    sign_off(signed.session, reviewer="bob", actor="bob", statement="Reviewed.")
    signed.save()
    shutil.copy(tmp_path / "signed" / "s.toml", sessions / "signed.toml")
    (sessions / "broken.toml").write_text("schema_version = [\n", encoding="utf-8")
    return sessions


def test_rows_for_good_signed_and_broken(folder):
    report = build_report(folder, today=TODAY)
    by_name = {row.path.name: row for row in report.rows}
    assert set(by_name) == {"good.toml", "signed.toml", "broken.toml"}
    assert by_name["good.toml"].title == "Good one" and by_name["good.toml"].state == "in-progress"
    assert by_name["good.toml"].decided == 3 and by_name["good.toml"].total == 3
    assert by_name["signed.toml"].state == "signed off by bob"
    assert by_name["broken.toml"].problem and "TOML" in by_name["broken.toml"].problem
    assert by_name["broken.toml"].cells()[1].startswith("unreadable: ")
    # c-3 is missing in both readable audits, with its checklist title.
    assert report.missing == [("c-3", "Right to lodge a complaint", 2)]


def test_findings_overdue_and_assignees(folder):
    from auditor_tui.core.session import load_session

    session = load_session(folder / "good.toml")
    # Through the shared data model's names (set here whether or not the session has them yet).
    states = session.items
    states["c-3"].severity, states["c-3"].due = "high", date(2026, 5, 1)  # missing, due before today
    states["b-2"].severity, states["b-2"].due = "low", "2026-07-01"  # partial, not due yet
    states["a-1"].due = date(2026, 1, 1)  # satisfied: never overdue
    states["a-1"].status = "open"
    states["a-1"].assignee = "carol"
    states["b-2"].assignee = "dave"  # decided: not listed
    row = audit_row(folder / "good.toml", session, TODAY)
    assert row.severity == {"high": 1, "low": 1}
    assert row.overdue == 1
    assert row.assignees == ["carol"]
    assert row.cells()[5:] == ["1", "0", "1", "1", "carol"]


def test_renderings_are_safe(folder):
    report = build_report(folder, today=TODAY)
    report.rows[0].title = "=HYPERLINK(x) <b>|*"
    text = render_text(report)
    assert "Most often missing" in text and "=HYPERLINK(x) <b>|*" in text
    assert "<b>" not in render_html(report) and "&lt;b&gt;" in render_html(report)
    assert "\\|" in render_markdown(report)
    assert "'=HYPERLINK" in render_csv(report)


def test_cli_report_formats(folder, tmp_path, capsys):
    assert main(["report", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "Signed one" in out and "broken.toml" in out and "unreadable" in out
    target = tmp_path / "r.xlsx"
    assert main(["report", str(folder), "-o", str(target)]) == 0
    book = load_workbook(io.BytesIO(target.read_bytes()))
    assert book.sheetnames == ["Audits", "Most often missing"]
    assert book["Most often missing"]["A2"].value == "c-3" and book["Most often missing"]["C2"].value == 2
    assert main(["report", str(folder), "-o", str(target)]) == 2  # exists: --force to replace
    assert main(["report", str(folder), "--format", "xlsx"]) == 2
    assert main(["report", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("auditor-tui: error:") for line in err)
