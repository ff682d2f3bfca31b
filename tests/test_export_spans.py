"""Span tags (part of a clause) in every export format, and verify on them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from auditor_tui.core.audit import Audit
from auditor_tui.core.errors import AuditorError
from auditor_tui.core.export import FORMATS, build_record, export_text, verify_text, write_export
from auditor_tui.core.export.verify import verify_export
from auditor_tui.core.workflow import sign_off, submit
from auditor_tui.core.xlsx_export import render_xlsx, verify_xlsx
from tests.test_export import EXPORTED, _flip, _positions, make_audit

NEEDLE = "1 High Street, London"


@pytest.fixture
def spanned(tmp_path: Path) -> tuple[Audit, int, int]:
    audit = make_audit(tmp_path)
    clause = audit.policy.clauses[0]
    start = clause.text.index(NEEDLE)
    audit.session.tag_span("c-3", clause, start, start + len(NEEDLE))
    submit(audit.session)
    sign_off(audit.session, reviewer="bob", actor="bob", statement="Reviewed in full.")
    audit.save()
    return audit, start, start + len(NEEDLE)


def export(audit: Audit, fmt: str) -> str:
    return export_text(audit.session, audit.checklist, fmt, exported=EXPORTED)


def test_json_carries_start_and_end_on_the_span_only(spanned):
    audit, start, end = spanned
    record = json.loads(export(audit, "json"))
    evidence = {item["id"]: item["evidence"] for item in record["items"]}
    span = next(tag for tag in evidence["c-3"] if "start" in tag)
    assert (span["start"], span["end"], span["text"]) == (start, end, NEEDLE)
    assert "start" not in evidence["a-1"][0] and "end" not in evidence["a-1"][0]


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_markdown_and_html_say_part_of_clause_beside_the_quote(spanned, fmt):
    audit, start, end = spanned
    text = export(audit, fmt)
    assert f"part of clause c1, characters {start}-{end}" in text
    assert text.count("part of clause") == 1  # the whole-clause tags are not marked


def test_csv_marks_the_span_and_lists_its_offsets(spanned):
    audit, start, end = spanned
    rows = list(csv.reader(io.StringIO(export(audit, "csv").lstrip("\ufeff"))))
    header = next(row for row in rows if row and row[0] == "id")
    assert header[-1] == "evidence spans"
    item = next(row for row in rows if row and row[0] == "c-3")
    assert item[-1] == f"c1 {start}-{end}"
    assert f"part of clause c1, characters {start}-{end}: {NEEDLE}" in item[header.index("evidence")]
    assert next(row for row in rows if row and row[0] == "a-1")[-1] == ""


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_span_export_verifies_and_a_one_character_edit_is_caught(spanned, fmt):
    audit, _, _ = spanned
    text = export(audit, fmt)
    assert verify_text(text, f"e.{fmt}").valid
    for i in _positions(len(text), 400):
        edited = text[:i] + _flip(text[i]) + text[i + 1 :]
        try:
            result = verify_text(edited, f"e.{fmt}")
        except AuditorError:
            continue
        assert not result.valid, (i, text[max(0, i - 20) : i + 20])


def test_a_changed_span_offset_in_the_json_fails_verify(spanned):
    audit, start, _ = spanned
    text = export(audit, "json")
    edited = text.replace(f'"start": {start}', f'"start": {start + 1}', 1)
    assert edited != text
    result = verify_text(edited, "e.json")
    assert not result.valid and any("item c-3 changed after sign-off" in p for p in result.problems)


def test_xlsx_evidence_sheet_has_start_and_end_and_verifies(spanned, tmp_path):
    audit, start, end = spanned
    data = render_xlsx(build_record(audit.session, audit.checklist, exported=EXPORTED))
    sheet = load_workbook(io.BytesIO(data))["Evidence"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][-2:] == ["start", "end"]
    span = next(row for row in rows if row[0] == "c-3" and row[-2] is not None)
    assert span[-2:] == [start, end] and span[4] == NEEDLE
    assert all(row[-2] is None for row in rows[1:] if row[4] != NEEDLE)
    path = tmp_path / "audit.xlsx"
    write_export(audit.session, audit.checklist, path)
    assert verify_export(path).valid
    book = load_workbook(io.BytesIO(data))
    book["Evidence"].cell(row=rows.index(span) + 1, column=len(span) - 1).value = start + 1
    out = io.BytesIO()
    book.save(out)
    result = verify_xlsx(out.getvalue())
    assert not result.valid and "differs" in result.problems[0]


def test_exports_without_spans_have_no_span_columns(tmp_path):
    audit = make_audit(tmp_path)
    assert "evidence spans" not in export(audit, "csv")
    assert "part of clause" not in export(audit, "md")
    book = load_workbook(io.BytesIO(render_xlsx(build_record(audit.session, audit.checklist, exported=EXPORTED))))
    assert next(book["Evidence"].iter_rows(values_only=True))[-1] == "quote"
