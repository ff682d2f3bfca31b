"""Across audits: one row per audit in a folder, and the items most often missing.

:func:`build_report` reads every session in a folder (:func:`~auditor_tui.core.session.find_sessions`);
a file that cannot be read is one row saying why, never a crash. The CLI's ``report`` renders
it as text, Markdown, HTML, CSV or xlsx; the start screen shows the same rows.

Findings are read through the shared data model with defaults (``severity``, ``due``,
``assignee`` on an item state), so sessions written before findings existed count as having
none.
"""

from __future__ import annotations

import csv
import html
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from auditor_tui.core.audit import _checklist_for
from auditor_tui.core.errors import AuditorError
from auditor_tui.core.export import csv_cell
from auditor_tui.core.session import Session, SessionError, find_sessions
from auditor_tui.core.text import printable

SEVERITIES = ("high", "medium", "low")
OPEN_FINDING = frozenset({"missing", "partial"})
"""Statuses whose remediation is still due: past its due date, such an item is overdue."""
REPORT_FORMATS = ("text", "md", "html", "csv", "xlsx")
COLUMNS = ("Title", "Policy", "Checklist", "State", "Decided", "High", "Medium", "Low", "Overdue", "Assignees")
MISSING_COLUMNS = ("Item", "Title", "Audits")
TOP_MISSING = 10


@dataclass
class AuditRow:
    """One audit's line of the report; *problem* set (and the rest empty) for an unreadable file."""

    path: Path
    title: str = ""
    policy: str = ""
    checklist: str = ""
    state: str = ""
    decided: int = 0
    total: int = 0
    severity: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    assignees: list[str] = field(default_factory=list)
    updated: str = ""
    problem: str = ""

    def cells(self) -> list[str]:
        """The row as the text of :data:`COLUMNS`."""
        if self.problem:
            return [self.path.name, f"unreadable: {self.problem}", "", "", "", "", "", "", "", ""]
        return [
            self.title,
            self.policy,
            self.checklist,
            self.state,
            f"{self.decided}/{self.total}",
            *(str(self.severity.get(s, 0)) for s in SEVERITIES),
            str(self.overdue),
            ", ".join(self.assignees),
        ]


@dataclass
class Report:
    directory: Path
    today: date
    rows: list[AuditRow]
    missing: list[tuple[str, str, int]]
    """(item id, title, in how many audits it is missing), most often first."""


def _due(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def audit_row(path: Path, session: Session, today: date) -> AuditRow:
    """The report's row for one readable session."""
    severity: Counter[str] = Counter()
    overdue = 0
    assignees: set[str] = set()
    for state in session.items.values():
        level = str(getattr(state, "severity", "") or "")
        if level in SEVERITIES:
            severity[level] += 1
        due = _due(getattr(state, "due", None))
        if due is not None and due < today and state.status in OPEN_FINDING:
            overdue += 1
        assignee = str(getattr(state, "assignee", "") or "")
        if assignee and not state.decided:
            assignees.add(assignee)
    shown_state = session.state
    if session.state == "signed-off" and session.signoff:
        shown_state = f"signed off by {session.signoff.reviewer}"
    return AuditRow(
        path=path,
        title=session.title,
        policy=Path(session.policy.path).name,
        checklist=session.checklist.id,
        state=shown_state,
        decided=session.decided_count,
        total=len(session.items),
        severity=dict(severity),
        overdue=overdue,
        assignees=sorted(assignees),
        updated=f"{session.updated:%Y-%m-%d %H:%M}",
    )


def _titles(path: Path, session: Session, cache: dict[str, dict[str, str]]) -> dict[str, str]:
    key = session.checklist.id
    if key not in cache:
        try:
            checklist = _checklist_for(session, path, None)
            cache[key] = {item.id: item.title for item in checklist.items}
        except AuditorError:
            cache[key] = {}  # the ids still count; only their titles are unknown
    return cache[key]


def build_report(directory: str | Path, *, today: date | None = None) -> Report:
    """The report of every audit in *directory* (newest first)."""
    directory = Path(directory)
    today = today or date.today()
    rows: list[AuditRow] = []
    missing: Counter[str] = Counter()
    titles: dict[str, str] = {}
    cache: dict[str, dict[str, str]] = {}
    for path, loaded in find_sessions(directory):
        if isinstance(loaded, SessionError):
            rows.append(AuditRow(path=path, problem=loaded.message))
            continue
        rows.append(audit_row(path, loaded, today))
        known = _titles(path, loaded, cache)
        for state in loaded.items.values():
            if state.status == "missing":
                missing[state.id] += 1
                titles.setdefault(state.id, known.get(state.id, ""))
    ranked = sorted(missing.items(), key=lambda pair: (-pair[1], pair[0]))[:TOP_MISSING]
    return Report(directory, today, rows, [(item, titles.get(item, ""), count) for item, count in ranked])


# --------------------------------------------------------------------------- rendering


def _tables(report: Report) -> tuple[list[list[str]], list[list[str]]]:
    audits = [[printable(" ".join(cell.split())) for cell in row.cells()] for row in report.rows]
    missing = [[printable(item), printable(title), str(count)] for item, title, count in report.missing]
    return audits, missing


def _text_table(header: Sequence[str], rows: list[list[str]]) -> list[str]:
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(row) for row in rows)]


def render_text(report: Report) -> str:
    audits, missing = _tables(report)
    out = [f"Audits in {printable(str(report.directory))}/ on {report.today.isoformat()}: {len(audits)}", ""]
    out += _text_table(COLUMNS, audits) if audits else ["(no audits)"]
    out += ["", "Most often missing:"]
    out += _text_table(MISSING_COLUMNS, missing) if missing else ["(no item is missing in any audit)"]
    return "\n".join(out) + "\n"


def _md_cell(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def _md_table(header: Sequence[str], rows: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows),
    ]


def render_markdown(report: Report) -> str:
    audits, missing = _tables(report)
    out = [f"# Audits in {_md_cell(printable(str(report.directory)))}/", "", f"On {report.today.isoformat()}.", ""]
    out += _md_table(COLUMNS, audits) if audits else ["(no audits)"]
    out += ["", "## Most often missing", ""]
    out += _md_table(MISSING_COLUMNS, missing) if missing else ["(no item is missing in any audit)"]
    return "\n".join(out) + "\n"


def _html_table(header: Sequence[str], rows: list[list[str]]) -> list[str]:
    out = ["<table>", "<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr></thead>"]
    out += ["<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows]
    return [*out, "</table>"]


def render_html(report: Report) -> str:
    audits, missing = _tables(report)
    title = html.escape(f"Audits in {printable(str(report.directory))}/")
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{title}</title>",
        "<style>body{font:14px/1.4 system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}"
        "th,td{border:1px solid #555;padding:.2rem .6rem;text-align:left;vertical-align:top}</style>",
        "</head><body>",
        f"<h1>{title}</h1>",
        f"<p>On {report.today.isoformat()}: {len(audits)} audits.</p>",
    ]
    out += _html_table(COLUMNS, audits) if audits else ["<p>(no audits)</p>"]
    out += ["<h2>Most often missing</h2>"]
    out += _html_table(MISSING_COLUMNS, missing) if missing else ["<p>(no item is missing in any audit)</p>"]
    return "\n".join([*out, "</body></html>"]) + "\n"


def render_csv(report: Report) -> str:
    audits, missing = _tables(report)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    rows = [list(COLUMNS), *audits, [], list(MISSING_COLUMNS), *missing]
    writer.writerows([[csv_cell(cell) for cell in row] for row in rows])
    return "\ufeff" + buffer.getvalue()


def render_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    audits, missing = _tables(report)
    book = Workbook()
    sheets = [
        (book.active, "Audits", COLUMNS, audits, (30, 24, 16, 22, 9, 6, 8, 6, 8, 24)),
        (book.create_sheet(), "Most often missing", MISSING_COLUMNS, missing, (14, 50, 8)),
    ]
    for sheet, name, header, rows, widths in sheets:
        assert sheet is not None
        sheet.title = name
        sheet.append(list(header))
        for row in rows:
            sheet.append([csv_cell(c) if not c.isdigit() else int(c) for c in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for line in sheet.iter_rows(min_row=2):
            for cell in line:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        for number, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(number)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


TEXT_RENDERERS = {"text": render_text, "md": render_markdown, "html": render_html, "csv": render_csv}
