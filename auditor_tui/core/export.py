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
"""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import html
import io
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from auditor_tui import __version__
from auditor_tui.core.checklist import Checklist
from auditor_tui.core.errors import AuditorError
from auditor_tui.core.files import read_input_bytes
from auditor_tui.core.history import Event, event_from_dict, event_to_dict
from auditor_tui.core.session import STATUSES, Session, SignOff
from auditor_tui.core.status import status_label
from auditor_tui.core.text import around, printable
from auditor_tui.core.workflow import (
    DIGEST_SCHEMA,
    Verification,
    build_content,
    canonical_json,
    check_signed,
    content_digest,
    iso,
    last_review_request,
    session_content,
    sha256_hex,
    signed_history,
    verify_session,
)

EXPORT_FORMAT = "auditor-tui-export"
EXPORT_FORMAT_VERSION = 1
SEAL_KEY = "auditor-tui-seal"
FORMATS = ("md", "html", "csv", "json")
"""The text formats; :data:`ALL_FORMATS` adds the binary ones."""
ALL_FORMATS = (*FORMATS, "xlsx")
SUFFIXES = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".csv": "csv",
    ".json": "json",
    ".xlsx": "xlsx",
}
BINARY_FORMATS = frozenset({"xlsx"})
"""Written to a file only (``export -o FILE.xlsx``), by :mod:`auditor_tui.core.xlsx_export`."""
DRAFT_MARK = "DRAFT - not signed off"


class ExportError(AuditorError):
    """A file is not an export the tool can read."""


# --------------------------------------------------------------------------- the record


def _seal(record: Mapping[str, Any]) -> str:
    return sha256_hex(canonical_json({k: v for k, v in record.items() if k != SEAL_KEY}))


def _page(tag: Mapping[str, Any]) -> str:
    """``, p. 3`` after an evidence quote's section where the policy has pages; else ""."""
    return f", p. {tag['page']}" if tag.get("page") is not None else ""


def build_record(session: Session, checklist: Checklist, *, exported: datetime | None = None) -> dict[str, Any]:
    """The full record of an audit, from which every export is rendered.

    A signed-off audit is exported as signed off only when it verifies (the same checks as
    ``auditor-tui verify``): e.g. a checklist edited after sign-off is refused here, rather
    than giving an export that says "signed off" and then fails verification."""
    exported = exported or datetime.now(UTC).replace(microsecond=0)
    if session.state == "signed-off":
        check = verify_session(session)
        if not check.valid:
            raise ExportError(
                f"cannot export as signed off: {'; '.join(check.problems[:3])}",
                hint="run 'auditor-tui verify' on the session; reopen it to export a draft",
            )
    signoff = session.signoff if session.state == "signed-off" else None
    content = session_content(session)
    request = last_review_request(session.history) if session.state != "signed-off" else None
    items = []
    for state in session.items.values():
        item = checklist.item(state.id)
        items.append(
            {
                "id": state.id,
                "title": item.title if item else "",
                "refs": list(item.refs) if item else [],
                "group": item.group if item else "",
                "status": state.status,
                "note": state.note,
                "review_comment": state.review_comment,
                "evidence": [
                    {
                        "clause": tag.clause,
                        "section": tag.section,
                        # Only where the policy has pages (PDF), so other records are unchanged.
                        **({"page": tag.page} if tag.page is not None else {}),
                        "text": tag.text,
                        "sha256": tag.sha256,
                        "orphan": tag.orphan,
                        "recheck": tag.recheck,
                    }
                    for tag in state.tags
                ],
            }
        )
    counts = session.status_counts()
    record: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_FORMAT_VERSION,
        "generator": f"auditor-tui {__version__}",
        "exported": iso(exported),
        "status": f"Signed off by {signoff.reviewer} at {iso(signoff.at)}" if signoff else DRAFT_MARK,
        "audit": {
            "id": session.audit_id,
            "title": session.title,
            "auditor": session.auditor,
            "state": session.state,
            "created": iso(session.created),
            "updated": iso(session.updated),
        },
        "policy": _policy_record(session),
        "origin": None
        if session.origin is None
        else {
            "session": session.origin.session,
            "audit_id": session.origin.audit_id,
            "policy_path": session.origin.policy_path,
            "policy_sha256": session.origin.policy_sha256,
        },
        "checklist": {
            "id": session.checklist.id,
            "title": checklist.title,
            "version": session.checklist.version,
            "sha256": session.checklist.sha256,
            "source": checklist.source,
        },
        "digest_schema": DIGEST_SCHEMA,
        "digest": content_digest(content),
        "signoff": None
        if signoff is None
        else {
            "reviewer": signoff.reviewer,
            "at": iso(signoff.at),
            "statement": signoff.statement,
            "schema": signoff.schema,
            "digest": signoff.digest,
            "signature": signoff.signature,
            "parts": dict(signoff.parts),
        },
        "changes_requested": None
        if request is None
        else {"by": request.who, "at": iso(request.at), "comment": request.detail},
        "summary": {**{status: counts[status] for status in STATUSES}, "total": len(session.items)},
        "items": items,
        "history": [event_to_dict(e) for e in session.history],
    }
    record[SEAL_KEY] = _seal(record)
    return record


def _policy_record(session: Session) -> dict[str, Any]:
    ref = session.policy
    return {
        "path": ref.path,
        "sha256": ref.sha256,
        "clauses": ref.clauses,
        "source": ref.source or ref.path,
        "format": ref.format,
        "raw_sha256": ref.raw_sha256,
        "retrieved": iso(ref.retrieved) if ref.retrieved else None,
        "http_status": ref.http_status,
        "content_type": ref.content_type,
        "final_url": ref.final_url,
        "whole_page": ref.whole_page,
    }


def policy_provenance(policy: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The record's policy provenance as (label, value) rows, for the exports' headers.

    Records made before provenance was recorded have none of these fields: no rows.
    """
    rows: list[tuple[str, str]] = []
    source = policy.get("source")
    if source and source != policy["path"]:
        rows.append(("Policy source", str(source)))
    if policy.get("retrieved"):
        status = policy.get("http_status")
        detail = ", ".join(str(x) for x in (f"HTTP {status}" if status else "", policy.get("content_type")) if x)
        rows.append(("Retrieved", f"{policy['retrieved']}" + (f" ({detail})" if detail else "")))
        if policy.get("final_url"):
            rows.append(("Redirected to", str(policy["final_url"])))
    if policy.get("format"):
        how = " (whole page)" if policy.get("whole_page") else " (main content)" if policy["format"] == "html" else ""
        rows.append(("Policy format", f"{policy['format']}{how}"))
    if policy.get("raw_sha256"):
        rows.append(("Raw bytes SHA-256", str(policy["raw_sha256"])))
    return rows


def _parse_time(value: Any) -> datetime:
    return datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def record_history(record: Mapping[str, Any]) -> list[Event]:
    """The history events of a record (KeyError/ValueError/TypeError if malformed)."""
    return [event_from_dict(raw) for raw in record["history"]]


def record_content(record: Mapping[str, Any], *, schema: int = DIGEST_SCHEMA) -> dict[str, Any]:
    """The signed content, recomputed from a record."""
    audit = record["audit"]
    return build_content(
        schema=schema,
        audit={"id": audit["id"], "title": audit["title"], "auditor": audit["auditor"], "created": audit["created"]},
        policy=record["policy"],
        checklist=record["checklist"],
        origin=record.get("origin"),
        history=signed_history(record_history(record)),
        items=(
            {
                "id": item["id"],
                "status": item["status"],
                "note": item["note"],
                "review_comment": item["review_comment"],
                "tags": item["evidence"],
            }
            for item in record["items"]
        ),
    )


def record_signoff(record: Mapping[str, Any]) -> SignOff | None:
    raw = record.get("signoff")
    if raw is None:
        return None
    return SignOff(
        reviewer=str(raw["reviewer"]),
        at=_parse_time(raw["at"]),
        statement=str(raw["statement"]),
        digest=str(raw["digest"]),
        signature=str(raw.get("signature", "")),
        schema=int(raw.get("schema", 1)),
        parts={str(k): str(v) for k, v in dict(raw.get("parts", {})).items()},
    )


# --------------------------------------------------------------------------- shared rendering


def _one_line(text: str) -> str:
    return printable(" ".join(str(text).split()))


def _paragraphs(text: str) -> list[list[str]]:
    """Untrusted multi-line text as paragraphs of visible lines."""
    text = printable(str(text).replace("\r\n", "\n"), keep_newlines=True).strip()
    return [
        [line.strip() for line in para.split("\n") if line.strip()]
        for para in re.split(r"\n\s*\n", text)
        if para.strip()
    ]


def _record_block(record: Mapping[str, Any], width: int) -> list[str]:
    encoded = base64.b64encode(canonical_json(record)).decode("ascii")
    return [encoded[i : i + width] for i in range(0, len(encoded), width)] or [""]


def _seal_line(fmt: str, body: str, digest: str) -> str:
    body_hash = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return f"auditor-tui-seal v1 {fmt} body-sha256={body_hash} audit-digest={digest}"


_SEAL_RE = re.compile(r"auditor-tui-seal v1 (\w+) body-sha256=([0-9a-f]{64}) audit-digest=([0-9a-f]{64})")


# --------------------------------------------------------------------------- Markdown

_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~&#!])")
_MD_START = re.compile(r"^([>+=-])")
_MD_ORDERED = re.compile(r"^(\d+)([.)])")


def md_inline(text: str) -> str:
    """Untrusted text inside a Markdown line: punctuation that could start markup escaped."""
    return _MD_INLINE.sub(r"\\\1", text)


def md_escape(line: str) -> str:
    """One whole visible line of untrusted text, safe as Markdown (no markup can come through)."""
    line = md_inline(line)
    line = _MD_START.sub(r"\\\1", line)
    return _MD_ORDERED.sub(r"\1\\\2", line)


def _md_hash(value: str) -> str:
    return f"`{value}`" if re.fullmatch(r"[0-9a-f]+", value) else md_inline(_one_line(value) or "-")


def md_text(text: str, *, prefix: str = "") -> str:
    """Untrusted multi-line text as Markdown paragraphs (with *prefix*, e.g. ``"> "``)."""
    paragraphs = _paragraphs(text)
    if not paragraphs:
        return prefix + "*(empty)*"
    blank = "\n" + prefix.rstrip() + "\n"
    return blank.join(prefix + ("\\\n" + prefix).join(md_escape(line) for line in para) for para in paragraphs)


def _md_body(record: Mapping[str, Any]) -> str:
    out: list[str] = []
    add = out.append
    audit, policy, checklist, signoff = record["audit"], record["policy"], record["checklist"], record["signoff"]
    add("<!-- auditor-tui export (Markdown). Check it with: auditor-tui verify THIS_FILE -->")
    add(f"# Audit: {md_inline(_one_line(audit['title']))}")
    add("")
    if signoff:
        add(f"> **Signed off** by {md_inline(_one_line(signoff['reviewer']))} at {signoff['at']}")
    else:
        add(f"> **{DRAFT_MARK}.** This is a working copy, not a signed-off audit.")
    add("")
    add(f"- **Audit id:** {md_inline(_one_line(audit['id']))}")
    add(f"- **Prepared by:** {md_inline(_one_line(audit['auditor']))}")
    add(f"- **State:** {md_inline(audit['state'])}")
    add(f"- **Policy:** {md_inline(_one_line(policy['path']))} ({policy['clauses']} clauses)")
    add(f"- **Policy fingerprint (SHA-256):** {_md_hash(policy['sha256'])}")
    for label, value in policy_provenance(policy):
        add(f"- **{label}:** {_md_hash(value) if label.endswith('SHA-256') else md_inline(_one_line(value))}")
    add(
        f"- **Checklist:** {md_inline(_one_line(checklist['title']))} "
        f"({md_inline(_one_line(checklist['id']))} {md_inline(_one_line(checklist['version']))})"
    )
    add(f"- **Checklist file SHA-256:** {_md_hash(checklist['sha256'])}")
    add(f"- **Audit digest (SHA-256):** {_md_hash(record['digest'])}")
    add(f"- **Exported:** {record['exported']} by {md_inline(record['generator'])}")
    add("")
    add("## Summary")
    add("")
    add("| Status | Items |")
    add("| --- | ---: |")
    for status in STATUSES:
        add(f"| {status_label(status)} | {record['summary'][status]} |")
    add(f"| **total** | **{record['summary']['total']}** |")
    add("")
    add("## Sign-off")
    add("")
    if signoff:
        add(f"- **Reviewer:** {md_inline(_one_line(signoff['reviewer']))}")
        add(f"- **Signed off at:** {signoff['at']} (UTC)")
        add(f"- **Digest (SHA-256):** {_md_hash(signoff['digest'])}")
        add(f"- **SSH signature:** {'yes (check with --allowed-signers)' if signoff['signature'] else 'none'}")
        add("- **Statement:**")
        add("")
        add(md_text(signoff["statement"], prefix="  > "))
    else:
        add(f"**{DRAFT_MARK}.**")
        request = record["changes_requested"]
        if request:
            add("")
            add(f"Changes requested by {md_inline(_one_line(request['by']))} at {request['at']}:")
            add("")
            add(md_text(request["comment"], prefix="> "))
    add("")
    add("## Items")
    for number, item in enumerate(record["items"], 1):
        add("")
        add(f"### {number}. {md_inline(_one_line(item['id']))}: {md_inline(_one_line(item['title']))}")
        add("")
        refs = "; ".join(_one_line(r) for r in item["refs"]) or "-"
        add(f"- **Refs:** {md_inline(refs)}")
        add(f"- **Status:** {md_inline(status_label(item['status']))}")
        add(f"- **Evidence:** {len(item['evidence'])} clause{'' if len(item['evidence']) == 1 else 's'}")
        add("")
        add("**Note:**")
        add("")
        add(md_text(item["note"]) if item["note"].strip() else "*(no note)*")
        if item["review_comment"]:
            add("")
            add("**Reviewer's comment:**")
            add("")
            add(md_text(item["review_comment"]))
        for tag in item["evidence"]:
            add("")
            flags = "".join(
                f" ({flag})"
                for flag, on in (("clause changed, recheck", tag["recheck"]), ("removed from policy", tag["orphan"]))
                if on
            )
            where = md_inline(_one_line(tag["section"])) if tag["section"] else "(no section)"
            add(f"> **{md_inline(_one_line(tag['clause']))}**, *{where}*{_page(tag)}{flags}")
            add(">")
            add(md_text(tag["text"], prefix="> "))
    add("")
    return "\n".join(out) + "\n"


def _with_record_comments(fmt: str, body: str, record: Mapping[str, Any]) -> str:
    """A Markdown or HTML body, then the record and the seal as HTML comments (both formats
    hide them when rendered)."""
    body += f"<!-- auditor-tui-record v1 {fmt}\n" + "\n".join(_record_block(record, 76)) + "\n-->\n"
    return body + f"<!-- {_seal_line(fmt, body, record['digest'])} -->\n"


def render_markdown(record: Mapping[str, Any]) -> str:
    return _with_record_comments("md", _md_body(record), record)


# --------------------------------------------------------------------------- HTML

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #111; background: #fff; max-width: 62rem; margin: 2rem auto; padding: 0 1rem;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #111; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 0 0 .4rem; }
code, .hash { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .85em;
  word-break: break-all; }
.banner { font-weight: bold; font-size: 1.1rem; padding: .6rem 1rem; margin: 1rem 0; }
.banner.draft { border: 4px double #000; background: #fff3cd; }
.banner.signed { border: 3px solid #000; background: #e6f4ea; }
.watermark { position: fixed; top: 45%; left: 0; right: 0; text-align: center; font-size: 6rem; font-weight: bold;
  color: rgba(0, 0, 0, .07); transform: rotate(-24deg); z-index: -1; pointer-events: none; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dl.meta dt { font-weight: bold; }
dl.meta dd { margin: 0; }
table { border-collapse: collapse; }
th, td { border: 1px solid #555; padding: .2rem .7rem; text-align: left; }
td.n { text-align: right; }
.item { border: 1px solid #999; border-left-width: 8px; padding: .6rem 1rem; margin: 1rem 0; break-inside: avoid; }
.status { display: inline-block; font-weight: bold; padding: 0 .45rem; border: 2px solid #000;
  text-transform: uppercase; letter-spacing: .03em; }
.st-satisfied { border-style: solid; background: #e6f4ea; border-color: #0a5c2b; }
.st-partial { border-style: dashed; background: #fff3cd; border-color: #7a4b00; }
.st-missing { border-style: double; border-width: 4px; background: #fde8e8; border-color: #8b0000; }
.st-not-applicable { border-style: dotted; background: #f0f0f0; border-color: #444; }
.st-open { border-style: dashed; border-width: 1px; background: #fff; border-color: #444; }
.st-re-review { border-style: groove; border-width: 4px; background: #eef; border-color: #336; }
.item.st-satisfied, .item.st-partial, .item.st-missing, .item.st-not-applicable, .item.st-open,
.item.st-re-review { background: #fff; }
.refs { color: #333; }
.label { font-weight: bold; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; margin: .2rem 0 .6rem; }
.comment { border: 2px dashed #000; padding: .3rem .6rem; }
blockquote { margin: .5rem 0; padding: .3rem .8rem; border-left: 4px solid #666; background: #f7f7f7; }
blockquote .where { font-size: .9em; color: #333; margin: 0 0 .2rem; }
footer { margin-top: 2rem; font-size: .85em; color: #333; border-top: 1px solid #999; padding-top: .5rem; }
table.findings { width: 100%; }
table.findings td, table.findings th { font-size: .9em; vertical-align: top; }
table.findings .status { white-space: nowrap; font-size: .85em; }
.sev-high { font-weight: bold; }
@media print {
  body { max-width: none; margin: 0; font-size: 10pt; }
  h1, h2, h3, .where, p.label { break-after: avoid; }
  .item { break-inside: auto; margin: .6rem 0; padding: .4rem .8rem; }
  blockquote, tr { break-inside: avoid; }
  .watermark { position: fixed; }
}
@page { margin: 16mm 14mm 14mm;
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; }
}
""".strip("\n")


def _h(text: Any) -> str:
    """Untrusted text for HTML: controls made visible, then escaped (quotes too)."""
    return html.escape(printable(str(text).replace("\r\n", "\n"), keep_newlines=True), quote=True)


def _h_status(status: str) -> str:
    return f'<span class="status st-{_h(status)}">{_h(status_label(status))}</span>'


def _running_head(record: Mapping[str, Any]) -> str:
    """The line printed atop every page: the audit, the export date, the digest."""
    state = "signed off" if record["signoff"] else "DRAFT"
    return f"{_one_line(record['audit']['title'])} \u00b7 {state} \u00b7 {record['exported'][:10]} \u00b7 digest {record['digest'][:16]}"


def _css_string(text: str) -> str:
    """*text* as a CSS string: every character but letters, digits and spaces as an escape, so
    untrusted text can neither end the string nor the style element."""
    return '"' + "".join(c if c.isascii() and (c.isalnum() or c == " ") else f"\\{ord(c):x} " for c in text) + '"'


def _css_footer(record: Mapping[str, Any]) -> str:
    """The running header and the audit id in the footer, in @page margin boxes (printed by
    Chromium since version 131; the page number is in :data:`_CSS`)."""
    head = _css_string(_running_head(record))
    foot = _css_string("Audit " + str(record["audit"]["id"]))
    return (
        f"@page {{ @top-left {{ content: {head}; font-size: 8pt; color: #333; }}\n"
        f"  @bottom-left {{ content: {foot}; font-size: 8pt; color: #333; }} }}"
    )


_SEVERITY_ORDER = ("high", "medium", "low", "")


def _html_findings(record: Mapping[str, Any]) -> list[str]:
    """The findings first: counts by severity, then one row per item missing or partial."""
    findings = [item for item in record["items"] if item["status"] in ("missing", "partial")]
    severity = {id(item): str((item.get("finding") or {}).get("severity", "") or "") for item in findings}
    out = ["<h3>Findings by severity</h3>", "<table>"]
    out.append("<thead><tr><th>Severity</th><th>Missing</th><th>Partial</th><th>Total</th></tr></thead><tbody>")
    for level in _SEVERITY_ORDER:
        rows = [item for item in findings if severity[id(item)] == level]
        counts = [sum(item["status"] == status for item in rows) for status in ("missing", "partial")]
        out.append(
            f"<tr><td>{_h(level.capitalize() or 'Not rated')}</td>"
            + "".join(f'<td class="n">{n}</td>' for n in (*counts, len(rows)))
            + "</tr>"
        )
    out.append("</tbody></table>")
    if not findings:
        return [*out, "<p>No item is missing or partial.</p>"]
    out.append('<table class="findings"><thead><tr><th>Severity</th><th>Item</th><th>Status</th>')
    out.append("<th>Recommendation</th><th>Owner</th><th>Due</th></tr></thead><tbody>")
    ranked = sorted(
        findings,
        key=lambda item: _SEVERITY_ORDER.index(severity[id(item)]) if severity[id(item)] in _SEVERITY_ORDER else 3,
    )
    for item in ranked:
        finding = item.get("finding") or {}
        level = severity[id(item)]
        out.append(
            f'<tr><td class="sev-{_h(level)}">{_h(level or "-")}</td>'
            f"<td><b>{_h(item['id'])}</b>: {_h(item['title'])}</td>"
            f"<td>{_h_status(item['status'])}</td><td>{_h(finding.get('recommendation', '') or '-')}</td>"
            f"<td>{_h(finding.get('owner', '') or '-')}</td><td>{_h(finding.get('due', '') or '-')}</td></tr>"
        )
    return [*out, "</tbody></table>"]


def _html_body(record: Mapping[str, Any]) -> str:
    audit, policy, checklist, signoff = record["audit"], record["policy"], record["checklist"], record["signoff"]
    title = f"Audit: {_one_line(audit['title'])}" + ("" if signoff else f" ({DRAFT_MARK})")
    out: list[str] = []
    add = out.append
    add("<!DOCTYPE html>")
    add('<html lang="en">')
    add("<head>")
    add('<meta charset="utf-8">')
    add("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
    add('<meta name="viewport" content="width=device-width, initial-scale=1">')
    add(f'<meta name="generator" content="{_h(record["generator"])}">')
    add(f"<title>{_h(title)}</title>")
    add(f"<style>\n{_CSS}\n{_css_footer(record)}\n</style>")
    add("</head>")
    add("<body>")
    if not signoff:
        add('<div class="watermark" aria-hidden="true">DRAFT</div>')
    add("<header>")
    add(f"<h1>Audit: {_h(_one_line(audit['title']))}</h1>")
    if signoff:
        add(f'<p class="banner signed">&#10004; Signed off by {_h(signoff["reviewer"])} at {_h(signoff["at"])}</p>')
    else:
        add(f'<p class="banner draft">&#9888; {DRAFT_MARK}. This is a working copy, not a signed-off audit.</p>')
    add('<dl class="meta">')
    rows = [
        ("Audit id", _h(audit["id"])),
        ("Prepared by", _h(audit["auditor"])),
        ("State", _h(audit["state"])),
        ("Policy", f"{_h(policy['path'])} ({_h(policy['clauses'])} clauses)"),
        ("Policy fingerprint (SHA-256)", f'<span class="hash">{_h(policy["sha256"])}</span>'),
        *(
            (label, f'<span class="hash">{_h(value)}</span>' if label.endswith("SHA-256") else _h(value))
            for label, value in policy_provenance(policy)
        ),
        ("Checklist", f"{_h(checklist['title'])} ({_h(checklist['id'])} {_h(checklist['version'])})"),
        ("Checklist file SHA-256", f'<span class="hash">{_h(checklist["sha256"])}</span>'),
        ("Audit digest (SHA-256)", f'<span class="hash">{_h(record["digest"])}</span>'),
        ("Exported", f"{_h(record['exported'])} by {_h(record['generator'])}"),
    ]
    for name, value in rows:
        add(f"<dt>{name}</dt><dd>{value}</dd>")
    add("</dl>")
    add("</header>")
    add("<main>")
    add("<section>")
    add("<h2>Summary</h2>")
    add("<table>")
    add("<thead><tr><th>Status</th><th>Items</th></tr></thead>")
    add("<tbody>")
    for status in STATUSES:
        add(f'<tr><td>{_h_status(status)}</td><td class="n">{_h(record["summary"][status])}</td></tr>')
    add(f'<tr><th>Total</th><th class="n">{_h(record["summary"]["total"])}</th></tr>')
    add("</tbody>")
    add("</table>")
    out += _html_findings(record)
    add("</section>")
    add("<section>")
    add("<h2>Sign-off</h2>")
    if signoff:
        add('<dl class="meta">')
        add(f"<dt>Reviewer</dt><dd>{_h(signoff['reviewer'])}</dd>")
        add(f"<dt>Signed off at</dt><dd>{_h(signoff['at'])} (UTC)</dd>")
        add(f'<dt>Digest (SHA-256)</dt><dd><span class="hash">{_h(signoff["digest"])}</span></dd>')
        add(
            f"<dt>SSH signature</dt><dd>{'yes (check with --allowed-signers)' if signoff['signature'] else 'none'}</dd>"
        )
        add(f'<dt>Statement</dt><dd><div class="text">{_h(signoff["statement"])}</div></dd>')
        add("</dl>")
    else:
        add(f'<p class="banner draft">{DRAFT_MARK}.</p>')
        request = record["changes_requested"]
        if request:
            add(f"<p>Changes requested by {_h(request['by'])} at {_h(request['at'])}:</p>")
            add(f'<div class="text comment">{_h(request["comment"])}</div>')
    add("</section>")
    add("<section>")
    add("<h2>Items</h2>")
    for number, item in enumerate(record["items"], 1):
        status = item["status"]
        add(f'<article class="item st-{_h(status)}" id="item-{_h(item["id"])}">')
        add(f"<h3>{number}. {_h(item['id'])}: {_h(item['title'])}</h3>")
        refs = "; ".join(str(r) for r in item["refs"]) or "-"
        evidence = item["evidence"]
        add(
            f'<p>{_h_status(status)} <span class="refs">{_h(refs)}</span> '
            f"&middot; {len(evidence)} evidence clause{'' if len(evidence) == 1 else 's'}</p>"
        )
        note = item["note"] if item["note"].strip() else "(no note)"
        add(f'<p class="label">Note</p><div class="text">{_h(note)}</div>')
        if item["review_comment"]:
            add(f'<p class="label">Reviewer\'s comment</p><div class="text comment">{_h(item["review_comment"])}</div>')
        for tag in evidence:
            flags = "".join(
                f" ({flag})"
                for flag, on in (("clause changed, recheck", tag["recheck"]), ("removed from policy", tag["orphan"]))
                if on
            )
            add("<blockquote>")
            add(
                f'<p class="where"><b>{_h(tag["clause"])}</b> &middot; <i>{_h(tag["section"] or "(no section)")}</i>{_h(_page(tag))}{_h(flags)}</p>'
            )
            add(f'<div class="text">{_h(tag["text"])}</div>')
            add("</blockquote>")
        add("</article>")
    add("</section>")
    add("</main>")
    add(
        "<footer>Made by auditor-tui. The audit record is embedded at the end of this file; "
        "check that nothing was changed with <code>auditor-tui verify FILE</code>.</footer>"
    )
    add("</body>")
    add("</html>")
    return "\n".join(out) + "\n"


def render_html(record: Mapping[str, Any]) -> str:
    return _with_record_comments("html", _html_body(record), record)


# --------------------------------------------------------------------------- CSV

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""A cell starting with one of these gets a leading apostrophe (no formula injection)."""

CSV_COLUMNS = ("id", "refs", "title", "status", "evidence count", "evidence", "note")


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
    rows.append(list(CSV_COLUMNS))
    for item in record["items"]:
        quotes = "\n\n".join(
            f"[{tag['clause']}] {tag['section'] or '(no section)'}{_page(tag)}: {tag['text']}"
            for tag in item["evidence"]
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
            ]
        )
    return [[csv_cell(cell) for cell in row] for row in rows]


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


# --------------------------------------------------------------------------- JSON

_UNSAFE_IN_JSON = re.compile("[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def render_json(record: Mapping[str, Any]) -> str:
    text = json.dumps(record, ensure_ascii=False, indent=2)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


RENDERERS = {"md": render_markdown, "html": render_html, "csv": render_csv, "json": render_json}


def export_text(session: Session, checklist: Checklist, fmt: str, *, exported: datetime | None = None) -> str:
    """The export of the audit in *fmt* (``md``, ``html``, ``csv`` or ``json``)."""
    if fmt in BINARY_FORMATS:
        raise ExportError(f"{fmt} is a binary format: it is written to a file only", hint=f"use -o FILE.{fmt}")
    if fmt not in RENDERERS:
        raise ExportError(f"unknown export format {fmt!r}", hint=f"use one of {', '.join(ALL_FORMATS)}")
    return RENDERERS[fmt](build_record(session, checklist, exported=exported))


def format_for(path: str | Path) -> str | None:
    return SUFFIXES.get(Path(path).suffix.lower())


# --------------------------------------------------------------------------- verify

_RECORD_RE = re.compile(r"<!-- auditor-tui-record v1 (md|html)\n([A-Za-z0-9+/=\n]*?)\n?-->\n")
_MARKERS = ("auditor-tui-seal", "auditor-tui-record", EXPORT_FORMAT)
KIND_NAMES = {
    "md": "Markdown export",
    "html": "HTML export",
    "csv": "CSV export",
    "json": "JSON export",
    "xlsx": "Excel export",
}


def looks_like_export(text: str) -> bool:
    return any(marker in text for marker in _MARKERS)


def _guess_format(text: str, path: Path) -> str | None:
    lines = text.rstrip("\r\n").rsplit("\n", 1)
    if (match := _SEAL_RE.search(lines[-1])) and match.group(1) in RENDERERS:
        return match.group(1)
    if (fmt := format_for(path)) is not None and fmt in RENDERERS:
        return fmt
    if "<!-- auditor-tui-record v1 html" in text or text.lstrip().lower().startswith("<!doctype html"):
        return "html"
    if "<!-- auditor-tui-record v1 md" in text:
        return "md"
    if "\nauditor-tui-record," in text or text.startswith("\ufeffauditor-tui export"):
        return "csv"
    if text.lstrip().startswith("{"):
        return "json"
    return None


def _first_difference(expected: str, found: str) -> str:
    """Where *found* first departs from *expected*: the line, the column, and both texts cut
    around that column (so two long lines that differ near their end are told apart)."""
    want, got = expected.split("\n"), found.split("\n")
    for number, (a, b) in enumerate(zip(want, got, strict=False), 1):
        if a != b:
            column = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
            return (
                f"line {number} differs from the audit record at column {column + 1}: "
                f"{_clip(b, column)!r} (expected {_clip(a, column)!r})"
            )
    if len(got) > len(want):
        return f"line {len(want) + 1} and after were added: {_clip(got[len(want)])!r}"
    return f"the file was cut short after line {len(got)}"


def _clip(text: str, column: int = 0, width: int = 60) -> str:
    return printable(around(text, column, width))


def _extract_record(text: str, fmt: str) -> dict[str, Any]:
    """The record embedded in a md/html/csv export (ValueError if it cannot be read)."""
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
        chunks = [row[1] for row in rows if len(row) == 2 and row[0] == "auditor-tui-record"]
        if not chunks:
            raise ValueError("no auditor-tui-record rows")
        encoded = "".join(chunk.removeprefix(_CSV_CHUNK) for chunk in chunks)
    else:
        match = _RECORD_RE.search(text)
        if not match:
            raise ValueError("the auditor-tui-record comment is missing or damaged")
        encoded = match.group(2).replace("\n", "")
    try:
        data = json.loads(base64.b64decode(encoded, validate=True).decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"it cannot be decoded ({error})") from None
    if not isinstance(data, dict):
        raise ValueError("it is not a record")
    return data


def verify_text(text: str, path: str | Path = "export", *, allowed_signers: str | Path | None = None) -> Verification:
    """Check an export's text (see the module docstring for what is checked)."""
    path = Path(path)
    fmt = _guess_format(text, path)
    if fmt is None:
        raise ExportError("not an auditor-tui export or session", path=path)
    result = Verification(KIND_NAMES[fmt])
    record: dict[str, Any] | None = None
    if fmt == "json":
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as error:
            result.problems.append(f"the file is not valid JSON any more ({error.msg} at line {error.lineno})")
            return result
        except RecursionError:
            result.problems.append("the file is not an export record (its JSON is nested too deeply to read)")
            return result
        if not isinstance(parsed, dict):
            result.problems.append("the file is not an export record (not a JSON object)")
            return result
        record = parsed
        if render_json(record) != text:
            result.problems.append(_first_difference(render_json(record), text))
    else:
        try:
            record = _extract_record(text, fmt)
        except ValueError as error:
            result.problems.append(f"the embedded audit record was changed: {error}")
        else:
            try:
                expected = RENDERERS[fmt](record)
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                result.problems.append(f"the embedded audit record was changed (malformed: {error!r})")
            else:
                if expected != text:
                    result.problems.append(_first_difference(expected, text))
        trimmed = text.rstrip("\r\n")
        cut = trimmed.rfind("\n") + 1
        seal = _SEAL_RE.search(trimmed[cut:])
        if not seal:
            result.problems.append("the final seal line is missing or damaged")
        else:
            body = text[:cut]
            if hashlib.sha256(body.encode("utf-8")).hexdigest() != seal.group(2):
                result.problems.append("the file above the seal line changed (its SHA-256 differs from the seal's)")
            if record is not None and seal.group(3) != record.get("digest"):
                result.problems.append("the seal line's audit digest differs from the record's")
    if record is None:
        return result
    return check_record(result, record, allowed_signers=allowed_signers)


def check_record(
    result: Verification, record: dict[str, Any], *, allowed_signers: str | Path | None = None
) -> Verification:
    """The record's own checks, whatever file carried it: format marker, seal, digest, sign-off."""
    try:
        if record.get("format") != EXPORT_FORMAT or record.get("format_version") != EXPORT_FORMAT_VERSION:
            result.problems.append(
                f"the record's format marker was changed or is unknown ({record.get('format')!r} "
                f"version {record.get('format_version')!r})"
            )
        if record.get(SEAL_KEY) != _seal(record):
            result.problems.append("the audit record was changed after export (its seal does not match)")
        if content_digest(record_content(record, schema=int(record.get("digest_schema", 1)))) != record["digest"]:
            result.problems.append("the record's digest does not match its content")
        signoff = record_signoff(record)
        history = record_history(record)
        state = record["audit"]["state"]
        updated = _parse_time(record["audit"]["updated"])
        check_signed(
            result,
            state=state,
            signoff=signoff,
            content_for=lambda schema: record_content(record, schema=schema),
            history=history,
            audit_id=str(record["audit"]["id"]),
            updated=updated,
            allowed_signers=allowed_signers,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        result.problems.append(f"the audit record is malformed ({error!r})")
        return result
    if result.signoff is None and len(result.problems) == 1:
        result.notes.append(f"the file is intact; it is a draft ({DRAFT_MARK})")
    return result


def verify_export(path: str | Path, *, allowed_signers: str | Path | None = None) -> Verification:
    path = Path(path)
    data = read_input_bytes(path, ExportError, "export", missing_hint="check the path")
    if data.startswith(b"PK\x03\x04") or format_for(path) in BINARY_FORMATS:
        from auditor_tui.core.xlsx_export import verify_xlsx  # openpyxl is loaded only for a workbook

        return verify_xlsx(data, path, allowed_signers=allowed_signers)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", "replace")
        if not looks_like_export(text):
            raise ExportError("not UTF-8 text: not an auditor-tui export or session", path=path) from None
        result = verify_text(text, path, allowed_signers=allowed_signers)
        result.problems.insert(0, "the file is not valid UTF-8 any more")
        return result
    return verify_text(text, path, allowed_signers=allowed_signers)
