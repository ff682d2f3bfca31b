"""The four export formats: their renderers and file suffixes, and :func:`export_text`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from auditor_tui.core.checklist import Checklist
from auditor_tui.core.export.csv_export import render_csv
from auditor_tui.core.export.html import render_html
from auditor_tui.core.export.json_export import render_json
from auditor_tui.core.export.markdown import render_markdown
from auditor_tui.core.export.record import ExportError, build_record
from auditor_tui.core.session import Session

FORMATS = ("md", "html", "csv", "json")
SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".csv": "csv", ".json": "json"}


RENDERERS = {"md": render_markdown, "html": render_html, "csv": render_csv, "json": render_json}


def export_text(session: Session, checklist: Checklist, fmt: str, *, exported: datetime | None = None) -> str:
    """The export of the audit in *fmt* (``md``, ``html``, ``csv`` or ``json``)."""
    if fmt not in RENDERERS:
        raise ExportError(f"unknown export format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")
    return RENDERERS[fmt](build_record(session, checklist, exported=exported))


def format_for(path: str | Path) -> str | None:
    return SUFFIXES.get(Path(path).suffix.lower())
