"""The Excel export: the export record (:func:`~auditor_tui.core.export.build_record`) as a
workbook, verifiable like the text exports.

Visible sheets: **Findings** (one row per checklist item), **Evidence** (one row per tag) and
**Summary** (counts by status and severity, the sign-off or DRAFT mark, the digest). A hidden
sheet ``auditor-tui-record`` carries the record (canonical JSON, base64, in chunks under
Excel's 32,767-character cell limit) and a seal: the SHA-256 of the canonical JSON of every
visible cell value, and the audit digest.

A workbook is a zip of XML whose bytes change with every save (timestamps), so verification
compares *values*: :func:`verify_xlsx` re-renders the visible sheets from the embedded record
and names the first cell that differs, then runs the record's own checks
(:func:`~auditor_tui.core.export.check_record`). Text cells are neutralised as in the CSV
export (a leading apostrophe before ``= + - @``), so no cell is ever a formula.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from auditor_tui.core.checklist import Checklist
from auditor_tui.core.export import (
    DRAFT_MARK,
    KIND_NAMES,
    ExportError,
    build_record,
    check_record,
    csv_cell,
)
from auditor_tui.core.export.record import _part, has_spans
from auditor_tui.core.session import STATUSES, Session
from auditor_tui.core.workflow import Verification, canonical_json

RECORD_SHEET = "auditor-tui-record"
CHUNK = 30_000
"""Characters of base64 per cell: under Excel's limit of 32,767."""
SEVERITIES = ("high", "medium", "low", "")
FINDINGS_COLUMNS = (
    ("id", 14),
    ("refs", 18),
    ("title", 36),
    ("status", 14),
    ("severity", 10),
    ("recommendation", 40),
    ("owner", 14),
    ("due", 12),
    ("evidence count", 10),
    ("evidence", 60),
    ("note", 48),
)
EVIDENCE_COLUMNS = (("item", 14), ("clause", 10), ("section", 30), ("page", 8), ("quote", 80))
SPAN_COLUMNS = (("start", 8), ("end", 8))
"""After :data:`EVIDENCE_COLUMNS`, in records with a span tag: its offsets in its clause."""
SUMMARY_WIDTHS = (28, 70)
_SEAL_RE = re.compile(r"auditor-tui-seal v1 xlsx body-sha256=([0-9a-f]{64}) audit-digest=([0-9a-f]{64})")

Cell = str | int | date
Grid = dict[str, list[list[Cell]]]


# --------------------------------------------------------------------------- the values


def _finding(item: Mapping[str, Any]) -> Mapping[str, Any]:
    # Records made before findings existed have no "finding": read as empty.
    finding = item.get("finding") or {}
    return finding if isinstance(finding, Mapping) else {}


def _due(value: Any) -> Cell:
    """A due date as a real date where it is one, else its text."""
    if not value:
        return ""
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return csv_cell(value)


def _where(tag: Mapping[str, Any]) -> str:
    page = f", p. {tag['page']}" if tag.get("page") is not None else ""
    return f"[{tag['clause']}] {tag['section'] or '(no section)'}{page}{_part(tag)}"


def _evidence_columns(record: Mapping[str, Any]) -> tuple[tuple[str, int], ...]:
    return EVIDENCE_COLUMNS + (SPAN_COLUMNS if has_spans(record) else ())


def _findings_rows(record: Mapping[str, Any]) -> list[list[Cell]]:
    rows: list[list[Cell]] = [[name for name, _ in FINDINGS_COLUMNS]]
    for item in record["items"]:
        finding = _finding(item)
        quotes = "\n\n".join(f"{_where(tag)}: {tag['text']}" for tag in item["evidence"])
        rows.append(
            [
                csv_cell(item["id"]),
                csv_cell("; ".join(str(ref) for ref in item["refs"])),
                csv_cell(item["title"]),
                csv_cell(item["status"]),
                csv_cell(finding.get("severity", "")),
                csv_cell(finding.get("recommendation", "")),
                csv_cell(finding.get("owner", "")),
                _due(finding.get("due", "")),
                len(item["evidence"]),
                csv_cell(quotes),
                csv_cell(item["note"]),
            ]
        )
    return rows


def _evidence_rows(record: Mapping[str, Any]) -> list[list[Cell]]:
    columns = _evidence_columns(record)
    rows: list[list[Cell]] = [[name for name, _ in columns]]
    for item in record["items"]:
        for tag in item["evidence"]:
            page = tag.get("page")
            span = [_offset(tag.get("start")), _offset(tag.get("end"))] if len(columns) > len(EVIDENCE_COLUMNS) else []
            rows.append(
                [
                    csv_cell(item["id"]),
                    csv_cell(tag["clause"]),
                    csv_cell(tag["section"] or "(no section)"),
                    page if isinstance(page, int) else csv_cell(page or ""),
                    csv_cell(tag["text"]),
                    *span,
                ]
            )
    return rows


def _offset(value: Any) -> Cell:
    return value if isinstance(value, int) and not isinstance(value, bool) else ""


def _summary_rows(record: Mapping[str, Any]) -> list[list[Cell]]:
    audit, policy, checklist = record["audit"], record["policy"], record["checklist"]
    signoff = record["signoff"]
    rows: list[list[Cell]] = [
        ["auditor-tui export", csv_cell(record["status"] if signoff else DRAFT_MARK)],
        ["audit", csv_cell(audit["title"])],
        ["audit id", csv_cell(audit["id"])],
        ["prepared by", csv_cell(audit["auditor"])],
        ["state", csv_cell(audit["state"])],
        ["policy", csv_cell(policy["path"])],
        ["policy sha256", csv_cell(policy["sha256"])],
        ["checklist", csv_cell(f"{checklist['id']} {checklist['version']}: {checklist['title']}")],
        ["audit digest", csv_cell(record["digest"])],
        ["exported", csv_cell(f"{record['exported']} by {record['generator']}")],
    ]
    if signoff:
        rows += [["reviewer", csv_cell(signoff["reviewer"])], ["signed off at", csv_cell(signoff["at"])]]
    rows += [[], ["status", "items"]]
    rows += [[status, int(record["summary"].get(status, 0))] for status in STATUSES]
    rows += [["total", int(record["summary"]["total"])], [], ["severity", "items"]]
    severities = [str(_finding(item).get("severity", "")) for item in record["items"]]
    rows += [[severity or "(none)", severities.count(severity)] for severity in SEVERITIES]
    return rows


def visible_grid(record: Mapping[str, Any]) -> Grid:
    """Every visible cell's value, by sheet: what the workbook shows and what verify checks."""
    return {
        "Findings": _findings_rows(record),
        "Evidence": _evidence_rows(record),
        "Summary": _summary_rows(record),
    }


def _grid_hash(grid: Grid) -> str:
    plain = {
        name: [[c.isoformat() if isinstance(c, date) else c for c in row] for row in rows]
        for name, rows in grid.items()
    }
    return hashlib.sha256(canonical_json(plain)).hexdigest()


# --------------------------------------------------------------------------- the workbook


def _fill(sheet: Worksheet, rows: list[list[Cell]], widths: tuple[int, ...], *, table: bool) -> None:
    for row in rows:
        sheet.append(row)
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in sheet.iter_rows():
        for cell in line:
            cell.alignment = wrap
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    for number, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    if table:
        bold, shade = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
        for cell in sheet[1]:
            cell.font, cell.fill = bold, shade
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions


def render_xlsx(record: Mapping[str, Any]) -> bytes:
    """The workbook of *record*, as the bytes of an .xlsx file."""
    grid = visible_grid(record)
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    _fill(book.create_sheet("Findings"), grid["Findings"], tuple(w for _, w in FINDINGS_COLUMNS), table=True)
    _fill(book.create_sheet("Evidence"), grid["Evidence"], tuple(w for _, w in _evidence_columns(record)), table=True)
    summary = book.create_sheet("Summary")
    _fill(summary, grid["Summary"], SUMMARY_WIDTHS, table=False)
    for row in summary.iter_rows(max_col=1):
        row[0].font = Font(bold=True)
    hidden = book.create_sheet(RECORD_SHEET)
    hidden.sheet_state = "hidden"
    encoded = base64.b64encode(canonical_json(dict(record))).decode("ascii")
    hidden.append(["auditor-tui-record v1 xlsx"])
    for start in range(0, len(encoded), CHUNK):
        hidden.append(["b64:" + encoded[start : start + CHUNK]])
    hidden.append([f"auditor-tui-seal v1 xlsx body-sha256={_grid_hash(grid)} audit-digest={record['digest']}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_xlsx(session: Session, checklist: Checklist, *, exported: datetime | None = None) -> bytes:
    return render_xlsx(build_record(session, checklist, exported=exported))


# --------------------------------------------------------------------------- verify


def _found(value: Any) -> Cell:
    if value is None:
        return ""
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()
    return value  # type: ignore[no-any-return]


def _sheet_values(sheet: Worksheet) -> list[list[Cell]]:
    return [[_found(value) for value in row] for row in sheet.iter_rows(values_only=True)]


def _first_cell_difference(name: str, expected: list[list[Cell]], found: list[list[Cell]]) -> str | None:
    rows = max(len(expected), len(found))
    for r in range(rows):
        want = expected[r] if r < len(expected) else []
        got = found[r] if r < len(found) else []
        for c in range(max(len(want), len(got))):
            a = want[c] if c < len(want) else ""
            b = got[c] if c < len(got) else ""
            if a != b or type(a) is not type(b):
                where = f"{name}!{get_column_letter(c + 1)}{r + 1}"
                return f"{where} differs: {_show(b)} (expected {_show(a)})"
    return None


def _show(value: Cell) -> str:
    text = value.isoformat() if isinstance(value, date) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _read_record(sheet: Worksheet) -> tuple[dict[str, Any], re.Match[str] | None]:
    cells = [str(row[0]) for row in sheet.iter_rows(max_col=1, values_only=True) if row and row[0] is not None]
    seal = _SEAL_RE.fullmatch(cells[-1]) if cells else None
    chunks = [cell.removeprefix("b64:") for cell in cells if cell.startswith("b64:")]
    if not cells or cells[0] != "auditor-tui-record v1 xlsx" or not chunks:
        raise ValueError("the auditor-tui-record sheet is missing or damaged")
    try:
        data = json.loads(base64.b64decode("".join(chunks), validate=True).decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"it cannot be decoded ({error})") from None
    if not isinstance(data, dict):
        raise ValueError("it is not a record")
    return data, seal


def _open_workbook(data: bytes, path: Path) -> Any:
    try:
        return load_workbook(io.BytesIO(data), data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise ExportError(f"not a readable Excel workbook ({error})", path=path) from None


def verify_xlsx(
    data: bytes, path: str | Path = "export.xlsx", *, allowed_signers: str | Path | None = None
) -> Verification:
    """Check an Excel export's bytes: every visible cell against its embedded record, the
    seal, then the record's own checks."""
    path = Path(path)
    book = _open_workbook(data, path)
    result = Verification(KIND_NAMES["xlsx"])
    if RECORD_SHEET not in book.sheetnames:
        raise ExportError("not an auditor-tui export (no auditor-tui-record sheet)", path=path)
    try:
        record, seal = _read_record(book[RECORD_SHEET])
    except ValueError as error:
        result.problems.append(f"the embedded audit record was changed: {error}")
        return result
    try:
        grid = visible_grid(record)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        result.problems.append(f"the embedded audit record was changed (malformed: {error!r})")
        return result
    expected_names = [*grid, RECORD_SHEET]
    if book.sheetnames != expected_names:
        result.problems.append(f"the sheets were changed: {book.sheetnames} (expected {expected_names})")
    for name, rows in grid.items():
        if name in book.sheetnames and (problem := _first_cell_difference(name, rows, _sheet_values(book[name]))):
            result.problems.append(problem)
            break
    if seal is None:
        result.problems.append("the seal cell is missing or damaged")
    else:
        if seal.group(1) != _grid_hash(grid):
            result.problems.append("the sheets' values differ from the seal's SHA-256")
        if seal.group(2) != record.get("digest"):
            result.problems.append("the seal's audit digest differs from the record's")
    return check_record(result, record, allowed_signers=allowed_signers)
