"""The Excel export: sheets, neutralised formulas, and verify catching a one-character edit."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date

import pytest
from openpyxl import load_workbook

from auditor_tui.core.errors import AuditorError
from auditor_tui.core.export import build_record, export_text, verify_export, write_export
from auditor_tui.core.xlsx_export import CHUNK, RECORD_SHEET, render_xlsx, verify_xlsx
from tests.test_export import EXPORTED, INJECTION, make_audit
from tests.test_export import draft as draft
from tests.test_export import signed as signed


def _record(audit):
    return build_record(audit.session, audit.checklist, exported=EXPORTED)


def _book(data: bytes):
    return load_workbook(io.BytesIO(data))


def _edit(data: bytes, sheet: str, cell: str, change) -> bytes:
    book = _book(data)
    book[sheet][cell].value = change(book[sheet][cell].value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_sheets_headers_and_layout(signed):
    book = _book(render_xlsx(_record(signed)))
    assert book.sheetnames == ["Findings", "Evidence", "Summary", RECORD_SHEET]
    assert book[RECORD_SHEET].sheet_state == "hidden"
    findings = book["Findings"]
    assert [c.value for c in findings[1]][:5] == ["id", "refs", "title", "status", "severity"]
    assert findings.freeze_panes == "A2" and findings.auto_filter.ref == findings.dimensions
    assert findings["A2"].value == "a-1" and findings["D2"].value == "satisfied"
    assert findings["I2"].value == 1 and "About us" in findings["J2"].value
    assert findings["J2"].alignment.wrap_text
    evidence = book["Evidence"]
    assert evidence.max_row == 4 and evidence["A2"].value == "a-1"
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    assert summary["auditor-tui export"].startswith("Signed off by bob")
    assert summary["satisfied"] == 1 and summary["total"] == 3
    assert summary["audit digest"] == signed.session.signoff.digest


def test_draft_says_draft(draft):
    summary = {row[0]: row[1] for row in _book(render_xlsx(_record(draft)))["Summary"].iter_rows(values_only=True)}
    assert summary["auditor-tui export"] == "DRAFT - not signed off"
    result = verify_xlsx(render_xlsx(_record(draft)))
    assert not result.valid and any("draft" in n for n in result.notes)


def test_formulas_are_neutralised(signed):
    book = _book(render_xlsx(_record(signed)))
    assert book["Findings"]["C3"].value == "'" + '=HYPERLINK("http://evil")'
    assert book["Findings"]["K3"].value == "'" + INJECTION
    for sheet in ("Findings", "Evidence", "Summary"):
        for row in book[sheet].iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet}!{cell.coordinate} is a formula"


def test_findings_columns_and_due_as_date(signed):
    record = _record(signed)
    record["items"][2]["finding"] = {
        "severity": "high",
        "recommendation": "Add the ICO's address",
        "owner": "dpo",
        "due": "2026-03-01",
    }
    book = _book(render_xlsx(record))
    row = [c.value for c in book["Findings"][4]]
    assert row[4:8] == ["high", "Add the ICO's address", "dpo", book["Findings"]["H4"].value]
    assert book["Findings"]["H4"].value.date() == date(2026, 3, 1)
    assert book["Findings"]["H4"].number_format == "yyyy-mm-dd"
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["high"] == 1 and summary["(none)"] == 2


def test_round_trip_verifies(signed, tmp_path):
    path = tmp_path / "audit.xlsx"
    assert write_export(signed.session, signed.checklist, path) == "xlsx"
    result = verify_export(path)
    assert result.valid, result.problems
    assert result.kind == "Excel export"


def test_one_character_edit_is_caught_and_named(signed):
    data = render_xlsx(_record(signed))
    edited = _edit(data, "Findings", "D2", lambda v: v[:-1] + "X")
    result = verify_xlsx(edited)
    assert not result.valid
    assert result.problems[0].startswith("Findings!D2 differs: 'satisfieX' (expected 'satisfied')")


def test_added_cell_and_edited_summary_are_caught(signed):
    data = render_xlsx(_record(signed))
    assert verify_xlsx(_edit(data, "Evidence", "F9", lambda v: "extra")).problems[0].startswith("Evidence!F9 differs")
    assert verify_xlsx(_edit(data, "Summary", "B13", lambda v: 0)).problems[0].startswith("Summary!B")


def test_edited_record_is_caught(signed):
    data = render_xlsx(_record(signed))
    edited = _edit(data, RECORD_SHEET, "A2", lambda v: v[:10] + ("A" if v[10] != "A" else "B") + v[11:])
    result = verify_xlsx(edited)
    assert not result.valid and "record" in result.problems[0]


def test_large_record_is_chunked_under_the_cell_limit(signed):
    record = _record(signed)
    record["items"][0]["note"] = "x" * 100_000
    book = _book(render_xlsx(record))
    cells = [row[0] for row in book[RECORD_SHEET].iter_rows(values_only=True)]
    assert len(cells) > 4 and all(len(c) <= CHUNK + 4 < 32_767 for c in cells)


def test_not_a_workbook_is_one_line(tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(AuditorError, match="not a readable Excel workbook"):
        verify_export(bad)


def test_stdout_is_refused(signed):
    with pytest.raises(AuditorError, match="binary format"):
        export_text(signed.session, signed.checklist, "xlsx")


def test_cli_export_and_verify(signed, tmp_path):
    session = str(tmp_path / "s.toml")
    run = [sys.executable, "-m", "auditor_tui"]
    out = tmp_path / "a.xlsx"
    done = subprocess.run([*run, "export", session, "-o", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    done = subprocess.run([*run, "verify", str(out)], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("valid"), done.stdout
    done = subprocess.run([*run, "export", session, "--format", "xlsx"], capture_output=True, text=True)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert make_audit  # the shared builder stays importable
