"""The CSV export: a cell starting with ``= + - @``, tab or CR (or their full-width forms) gets a
leading apostrophe, so no spreadsheet runs it as a formula; the record rides in
``auditor-tui-record`` rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from auditor_tui.core.export.common import _record_block, _seal_line
from auditor_tui.core.export.record import DRAFT_MARK, _page, _part, has_spans, policy_provenance
from auditor_tui.core.text import printable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""A cell starting with one of these gets a leading apostrophe (no formula injection)."""

CSV_COLUMNS = ("id", "refs", "title", "status", "evidence count", "evidence", "note")
FINDING_COLUMNS = ("severity", "recommendation", "owner", "due", "reason", "assignee")
"""After :data:`CSV_COLUMNS`, in records that carry findings (all made since they exist)."""
SPAN_COLUMN = "evidence spans"
"""Last, in records with a span tag: ``c12 10-52`` (clause, start, end) for each span quoted."""


def csv_cell(value: Any) -> str:
    """Untrusted text as a CSV cell: formula starts neutralised, controls made visible."""
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    return printable(text.replace("\r\n", "\n"), keep_newlines=True)


def _csv_rows(record: Mapping[str, Any]) -> list[list[str]]:
    audit, policy, checklist, signoff = record["audit"], record["policy"], record["checklist"], record["signoff"]
    rows: list[list[Any]] = [
        ["auditor-tui export", record["status"] if signoff else DRAFT_MARK],
        ["audit", audit["title"]],
        ["audit id", audit["id"]],
        ["prepared by", audit["auditor"]],
        ["state", audit["state"]],
        ["policy", policy["path"]],
        ["policy sha256", policy["sha256"]],
        *([label.lower(), value] for label, value in policy_provenance(policy)),
        ["checklist", f"{checklist['id']} {checklist['version']}: {checklist['title']}"],
        ["checklist sha256", checklist["sha256"]],
        ["audit digest", record["digest"]],
    ]
    if signoff:
        rows += [
            ["reviewer", signoff["reviewer"]],
            ["signed off at", signoff["at"]],
            ["statement", signoff["statement"]],
            ["ssh signature", "yes" if signoff["signature"] else "none"],
        ]
    else:
        request = record["changes_requested"]
        if request:
            rows.append(["changes requested", f"by {request['by']} at {request['at']}: {request['comment']}"])
    rows.append(["exported", f"{record['exported']} by {record['generator']}"])
    rows.append([])
    findings = any("finding" in item for item in record["items"])
    spans = has_spans(record)
    rows.append(list(CSV_COLUMNS) + (list(FINDING_COLUMNS) if findings else []) + ([SPAN_COLUMN] if spans else []))
    for item in record["items"]:
        quotes = "\n\n".join(
            f"[{tag['clause']}] {tag['section'] or '(no section)'}{_page(tag)}{_part(tag)}: {tag['text']}"
            for tag in item["evidence"]
        )
        span_lines = "\n".join(
            f"{t['clause']} {t['start']}-{t['end']}" for t in item["evidence"] if t.get("start") is not None
        )
        rows.append(
            [
                item["id"],
                "; ".join(item["refs"]),
                item["title"],
                item["status"],
                str(len(item["evidence"])),
                quotes,
                item["note"],
                *(_finding_cells(item) if findings else []),
                *([span_lines] if spans else []),
            ]
        )
    return [[csv_cell(cell) for cell in row] for row in rows]


def _finding_cells(item: Mapping[str, Any]) -> list[str]:
    finding = item.get("finding") or {}
    return [
        *(str(finding.get(name, "")) for name in ("severity", "recommendation", "owner", "due")),
        str(item.get("reason", "")),
        str(item.get("assignee", "")),
    ]


def _csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


_CSV_CHUNK = "b64:"


def render_csv(record: Mapping[str, Any]) -> str:
    rows = _csv_rows(record)
    rows.append([])
    # "b64:" keeps a chunk that starts with "+" or "/" from reading as a formula.
    rows += [["auditor-tui-record", _CSV_CHUNK + chunk] for chunk in _record_block(record, 4000)]
    body = "\ufeff" + _csv_text(rows)
    return body + _seal_line("csv", body, record["digest"]) + "\r\n"
