"""Exports of an audit: Markdown, HTML, CSV and JSON, each verifiable with ``auditor-tui verify``.

Every export is made from one **record** (:func:`build_record`): the audit, its policy and
checklist references, the digest, the sign-off (or a DRAFT mark), the summary, every item with
its checklist title and refs, status, note and quoted evidence, and the history. The JSON export
*is* the record; the other three render it for people and carry it along:

* **JSON**: the record, ending with ``"auditor-tui-seal"``: the SHA-256 of the canonical JSON of
  the rest of the record.
* **Markdown / HTML / CSV**: the rendered document, then the record (canonical JSON, base64) in
  an HTML comment (a block of ``auditor-tui-record`` rows in CSV), then one final line::

      <!-- auditor-tui-seal v1 md body-sha256=HEX audit-digest=HEX -->

  ``body-sha256`` is the SHA-256 of every byte above that line, so anyone can check the file
  without the tool: ``head -n -1 FILE | sha256sum``.

:func:`verify_export` checks, in order: the file is exactly what rendering its record gives (so
a one-character edit anywhere is found and its line named); the seal line matches the body; the
record's own seal matches; the record's content gives the digest that was signed off (naming the
items that differ); the sign-off agrees with the history; and, with an allowed-signers file, the
SSH signature.

Untrusted text (policy clauses, notes, names) is made safe for each format: control and bidi
characters shown by :func:`~auditor_tui.core.text.printable`; HTML-escaped in HTML; Markdown
punctuation backslash-escaped (so no raw HTML, links or line-start markup can come through); in
CSV, a cell starting with ``= + - @``, tab or CR (or their full-width forms) gets a leading
apostrophe so no spreadsheet runs it as a formula.

The package, by job: ``record`` (the record and its seal), one module per format
(``markdown``, ``html`` with ``report.css``, ``csv_export``, ``json_export``), ``formats``
(which renderer for which format or file name), ``verify`` and ``file`` (writing an export
to a file). Import from the package: the names below are its interface.
"""

from __future__ import annotations

from auditor_tui.core.export.csv_export import CSV_COLUMNS, FORMULA_STARTS, csv_cell, render_csv
from auditor_tui.core.export.file import ExportExists, write_export
from auditor_tui.core.export.formats import FORMATS, RENDERERS, SUFFIXES, export_text, format_for
from auditor_tui.core.export.html import render_html
from auditor_tui.core.export.json_export import render_json
from auditor_tui.core.export.markdown import md_escape, md_inline, md_text, render_markdown
from auditor_tui.core.export.record import (
    DRAFT_MARK,
    EXPORT_FORMAT,
    EXPORT_FORMAT_VERSION,
    SEAL_KEY,
    ExportError,
    build_record,
    policy_provenance,
    record_content,
    record_history,
    record_signoff,
)
from auditor_tui.core.export.verify import KIND_NAMES, _first_difference, looks_like_export, verify_export, verify_text

__all__ = [
    "CSV_COLUMNS",
    "DRAFT_MARK",
    "EXPORT_FORMAT",
    "EXPORT_FORMAT_VERSION",
    "FORMATS",
    "FORMULA_STARTS",
    "KIND_NAMES",
    "RENDERERS",
    "SEAL_KEY",
    "SUFFIXES",
    "ExportError",
    "ExportExists",
    "_first_difference",
    "build_record",
    "csv_cell",
    "export_text",
    "format_for",
    "looks_like_export",
    "md_escape",
    "md_inline",
    "md_text",
    "policy_provenance",
    "record_content",
    "record_history",
    "record_signoff",
    "render_csv",
    "render_html",
    "render_json",
    "render_markdown",
    "verify_export",
    "verify_text",
    "write_export",
]
