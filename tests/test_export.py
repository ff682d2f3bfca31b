"""Exports: Markdown, HTML, CSV and JSON; untrusted text made safe; verify finds any edit."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from auditor_tui.core.audit import Audit
from auditor_tui.core.errors import AuditorError
from auditor_tui.core.export import (
    DRAFT_MARK,
    FORMATS,
    FORMULA_STARTS,
    build_record,
    csv_cell,
    export_text,
    md_escape,
    verify_export,
    verify_text,
)
from auditor_tui.core.workflow import request_changes, sign_off, submit

CHECKLIST = """\
[checklist]
id = "mini"
title = "Mini transparency checklist"
version = "1.0.0"

[[items]]
id = "a-1"
title = "Identity & contact details of the <controller>"
refs = ["GDPR Art. 13(1)(a)", "GDPR Art. 14(1)(a)"]

[[items]]
id = "b-2"
title = "=HYPERLINK(\\"http://evil\\")"
refs = ["GDPR Art. 13(1)(c)"]

[[items]]
id = "c-3"
title = "Right to lodge a complaint"
refs = ["GDPR Art. 13(2)(d)"]
"""

POLICY = """\
# About us

We are Example Ltd, 1 High Street, London. Write to privacy@example.com.

# How we use your data

=cmd|' /C calc'!A0 We use your data & more to provide the service (contract).

# Complaints

You may complain to the ICO \u202eevil\u202c at ico.org.uk \x1b[31m.
"""

EXPORTED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
INJECTION = "=cmd|' /C calc'!A0"


def make_audit(tmp_path: Path) -> Audit:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "mini.toml").write_text(CHECKLIST, encoding="utf-8")
    (tmp_path / "policy.md").write_text(POLICY, encoding="utf-8")
    audit = Audit.start(
        tmp_path / "policy.md", tmp_path / "mini.toml", session_path=tmp_path / "s.toml", auditor="alice"
    )
    s, clauses = audit.session, audit.policy.clauses
    s.toggle_tag("a-1", clauses[0])
    s.set_status("a-1", "satisfied")
    s.set_note(
        "a-1",
        "# Not a heading\n- not a list\n1. not a list\n<img src=x onerror=alert(1)> [link](javascript:x)\n<script>alert('x')</script>",
    )
    s.toggle_tag("b-2", clauses[1])
    s.set_status("b-2", "partial")
    s.set_note("b-2", INJECTION)
    s.toggle_tag("c-3", clauses[2])
    s.set_status("c-3", "missing")
    s.set_note("c-3", "Names the ICO but no contact details. Tab\there, escape \x1b[2J.")
    audit.save()
    return audit


@pytest.fixture
def draft(tmp_path) -> Audit:
    return make_audit(tmp_path)


@pytest.fixture
def signed(tmp_path) -> Audit:
    audit = make_audit(tmp_path)
    submit(audit.session)
    sign_off(audit.session, reviewer="bob", actor="bob", statement="Reviewed in full.")
    audit.save()
    return audit


def export(audit: Audit, fmt: str) -> str:
    return export_text(audit.session, audit.checklist, fmt, exported=EXPORTED)


# --------------------------------------------------------------------------- content


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_carries_the_digest_and_sign_off(signed, fmt):
    text = export(signed, fmt)
    so = signed.session.signoff
    assert so.digest in text
    if fmt == "json":
        record = json.loads(text)
        assert record["signoff"]["reviewer"] == "bob" and record["status"].startswith("Signed off by bob")
    else:
        assert "bob" in text and "2026-" in text and "Reviewed in full." in text
    assert DRAFT_MARK not in text
    assert verify_text(text, f"x.{fmt}").valid


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_draft_is_marked_in_every_format(draft, fmt):
    text = export(draft, fmt)
    assert DRAFT_MARK in text
    result = verify_text(text, f"x.{fmt}")
    assert not result.valid and result.problems == ["not signed off (state: in-progress)"]
    assert any("intact" in note for note in result.notes)


def test_markdown_summary_sign_off_and_items(signed):
    text = export(signed, "md")
    assert "| ✔ satisfied | 1 |" in text and "| ◐ partial | 1 |" in text and "| ✘ missing | 1 |" in text
    assert "## Sign-off" in text and "**Reviewer:** bob" in text
    assert text.index("## Summary") < text.index("## Sign-off") < text.index("## Items")
    assert "### 1. a-1: Identity \\& contact details of the \\<controller\\>" in text
    assert "- **Refs:** GDPR Art. 13(1)(a); GDPR Art. 14(1)(a)" in text
    # Evidence is quoted with its clause and section.
    assert "> **c1**, *About us*" in text
    assert "> We are Example Ltd, 1 High Street, London. Write to privacy@example.com." in text


def test_markdown_neutralises_untrusted_text(signed):
    text = export(signed, "md").split("<!-- auditor-tui-record")[0]
    assert "\n\\# Not a heading" in text and "\n\\- not a list" in text and "\n1\\. not a list" in text
    body = text.split("\n", 1)[1]  # after the export's own leading comment
    body = re.sub(r"`[0-9a-f]{64}`", "", body)  # the hashes' code spans
    body = "\n".join(re.sub(r"^ *>+ ?", "", line) for line in body.split("\n"))  # our own blockquotes
    assert not re.search(r"(?<!\\)[<>&`\[\]]", body), "unescaped markup"
    assert "\\<script\\>" in text and "\\[link\\](javascript:x)" in text
    assert "\x1b" not in text and "␛" in text
    assert "\u202e" not in text and "\\<U+202E\\>" in text
    assert md_escape("=== setext") == "\\=== setext"
    assert md_escape("> quote") == "\\> quote"
    assert md_escape("2) item") == "2\\) item"


def test_html_is_self_contained_escaped_and_printable(signed):
    text = export(signed, "html")
    page = text.split("<!-- auditor-tui-record")[0]
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert "default-src 'none'" in page  # no scripts, no external assets even if escaping failed
    tags: list[tuple[str, list]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append((tag, attrs))

    Collect().feed(page)
    allowed = {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "div",
        "header",
        "h1",
        "h2",
        "h3",
        "p",
        "dl",
        "dt",
        "dd",
        "span",
        "main",
        "section",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "article",
        "blockquote",
        "b",
        "i",
        "footer",
        "code",
    }
    assert {tag for tag, _ in tags} <= allowed
    assert all(
        name in {"class", "id", "lang", "charset", "http-equiv", "content", "name", "aria-hidden"}
        for _, attrs in tags
        for name, _ in attrs
    )
    for banned in ("@import", "url(", "http://", "https://"):
        assert banned not in page.split("</style>")[0], banned
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "Identity &amp; contact details of the &lt;controller&gt;" in page
    assert "\x1b" not in page and "␛" in page and "\u202e" not in page
    # Status by glyph, label and border style, not colour alone; print styles.
    assert '<span class="status st-satisfied">✔ satisfied</span>' in page
    assert '<span class="status st-missing">✘ missing</span>' in page
    assert ".st-partial { border-style: dashed;" in page and ".st-missing { border-style: double;" in page
    assert "@media print" in page


def test_html_draft_has_a_banner_and_watermark(draft):
    page = export(draft, "html")
    assert 'class="banner draft"' in page and 'class="watermark"' in page and "(DRAFT - not signed off)</title>" in page


def _csv_table(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    start = next(
        i
        for i, row in enumerate(rows)
        if row[:7] == ["id", "refs", "title", "status", "evidence count", "evidence", "note"]
    )
    table = []
    for row in rows[start + 1 :]:
        if not row:
            break
        table.append(row)
    return table


def test_csv_one_row_per_item_with_bom(signed):
    text = export(signed, "csv")
    raw = text.encode("utf-8")
    assert raw.startswith(b"\xef\xbb\xbf") and "\r\n" in text
    table = _csv_table(text)
    assert [row[0] for row in table] == ["a-1", "b-2", "c-3"]
    a1 = table[0]
    assert a1[1] == "GDPR Art. 13(1)(a); GDPR Art. 14(1)(a)" and a1[3] == "satisfied" and a1[4] == "1"
    assert a1[5] == "[c1] About us: We are Example Ltd, 1 High Street, London. Write to privacy@example.com."


def test_csv_injection_is_neutralised(signed):
    table = _csv_table(export(signed, "csv"))
    b2 = table[1]
    assert b2[6] == "'" + INJECTION  # the note
    assert b2[2].startswith("'=HYPERLINK")  # the checklist title
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in table for cell in row)


def test_no_csv_cell_starts_a_formula_not_even_the_record_rows(signed):
    # The embedded record is base64, whose alphabet includes "+" and "/"; a chunk could start with one.
    rows = list(csv.reader(io.StringIO(export(signed, "csv")[1:], newline="")))
    record_rows = [row for row in rows if row and row[0] == "auditor-tui-record"]
    assert record_rows and all(row[1].startswith("b64:") for row in record_rows)
    assert not [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "＝"])
def test_csv_cell_prefixes_formula_starts(start):
    cell = csv_cell(start + "1+1")
    assert cell.startswith("'")
    assert "\t" not in cell and "\r" not in cell
    assert csv_cell("plain = text") == "plain = text"


def test_json_is_the_full_record(signed):
    record = json.loads(export(signed, "json"))
    assert record == build_record(signed.session, signed.checklist, exported=EXPORTED)
    assert record["digest"] == signed.session.signoff.digest
    assert [i["id"] for i in record["items"]] == ["a-1", "b-2", "c-3"]
    assert record["items"][0]["evidence"][0]["text"].startswith("We are Example Ltd")
    assert record["history"][-1]["action"] == "signoff"
    assert "\u202e" not in export(signed, "json")  # bidi controls escaped


def test_changes_requested_draft_shows_the_comments(tmp_path):
    audit = make_audit(tmp_path)
    submit(audit.session)
    request_changes(
        audit.session, reviewer="bob", actor="bob", comment="Cite the ICO.", item_comments={"c-3": "Add contact."}
    )
    for fmt in ("md", "html", "csv"):
        text = export(audit, fmt)
        assert DRAFT_MARK in text and "Cite the ICO." in text
    assert "Add contact." in export(audit, "md") and "Add contact." in export(audit, "html")


# --------------------------------------------------------------------------- verify


def _positions(length: int, count: int = 1500) -> list[int]:
    step = max(1, length // count)
    return sorted(set(range(0, length, step)) | {length - 2, length - 1})


def _flip(char: str) -> str:
    return "y" if char == "x" else "x"


@pytest.mark.parametrize("fmt", FORMATS)
def test_verify_catches_a_one_character_edit_anywhere(signed, fmt):
    text = export(signed, fmt)
    assert verify_text(text, f"e.{fmt}").valid
    for i in _positions(len(text)):
        edited = text[:i] + _flip(text[i]) + text[i + 1 :]
        try:
            result = verify_text(edited, f"e.{fmt}")
        except AuditorError:
            continue  # no longer recognisable as an export: rejected as unreadable
        assert not result.valid, (i, text[max(0, i - 20) : i + 20])
        assert result.problems


@pytest.mark.parametrize("fmt", ["md", "html", "csv"])
def test_verify_names_the_line_of_a_visible_edit(signed, fmt):
    text = export(signed, fmt)
    edited = text.replace("1 High Street", "1 High Streat", 1)
    result = verify_text(edited, f"e.{fmt}")
    line = text[: text.index("1 High Street")].count("\n") + 1
    assert not result.valid
    assert result.problems[0].startswith(f"line {line} differs from the audit record")
    assert any("SHA-256 differs from the seal" in p for p in result.problems)


def test_verify_names_the_item_changed_in_a_json_export(signed):
    text = export(signed, "json")
    edited = text.replace('"status": "missing"', '"status": "partial"', 1)
    result = verify_text(edited, "e.json")
    assert not result.valid
    assert any("item c-3 changed after sign-off" in p for p in result.problems)
    assert any("seal does not match" in p for p in result.problems)


def test_seal_line_is_the_sha256_of_the_body(signed):
    for fmt in ("md", "html", "csv"):
        data = export(signed, fmt).encode("utf-8")
        body, last = data.rstrip(b"\r\n").rsplit(b"\n", 1)
        match = re.search(rb"body-sha256=([0-9a-f]{64}) audit-digest=([0-9a-f]{64})", last)
        assert match and hashlib.sha256(body + b"\n").hexdigest() == match.group(1).decode()
        assert match.group(2).decode() == signed.session.signoff.digest


def test_verify_export_files(signed, tmp_path):
    for fmt in FORMATS:
        path = tmp_path / f"out.{fmt}"
        path.write_bytes(export(signed, fmt).encode("utf-8"))
        assert verify_export(path).valid
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\xff\xfe binary")
    with pytest.raises(AuditorError, match="not UTF-8"):
        verify_export(junk)
    with pytest.raises(AuditorError, match="no such export file"):
        verify_export(tmp_path / "missing.md")
    with pytest.raises(AuditorError, match="not an auditor-tui export"):
        verify_text("hello", "notes.txt")
