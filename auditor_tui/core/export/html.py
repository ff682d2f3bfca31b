"""The HTML export: one self-contained page (its style sheet, ``report.css``, inline; no script,
no remote content), every untrusted text HTML-escaped."""

from __future__ import annotations

import html
from collections.abc import Mapping
from importlib.resources import files
from typing import Any

from auditor_tui.core.export.common import _one_line, _with_record_comments
from auditor_tui.core.export.record import DRAFT_MARK, _flags, _page, _part, finding_rows, policy_provenance
from auditor_tui.core.session import STATUSES
from auditor_tui.core.status import status_label
from auditor_tui.core.text import counted, printable

_CSS = files(__package__).joinpath("report.css").read_text(encoding="utf-8").strip("\n")


def _h(text: Any) -> str:
    """Untrusted text for HTML: controls made visible, then escaped (quotes too)."""
    return html.escape(printable(str(text).replace("\r\n", "\n"), keep_newlines=True), quote=True)


def _h_status(status: str) -> str:
    return f'<span class="status st-{_h(status)}">{_h(status_label(status))}</span>'


def _html_meta(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The header's (name, HTML) rows: the audit, its policy and checklist, their fingerprints."""
    audit, policy, checklist = record["audit"], record["policy"], record["checklist"]
    return [
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


def _html_item(number: int, item: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    add = out.append
    status = item["status"]
    add(f'<article class="item st-{_h(status)}" id="item-{_h(item["id"])}">')
    add(f"<h3>{number}. {_h(item['id'])}: {_h(item['title'])}</h3>")
    refs = "; ".join(str(r) for r in item["refs"]) or "-"
    evidence = item["evidence"]
    add(
        f'<p>{_h_status(status)} <span class="refs">{_h(refs)}</span> '
        f"&middot; {counted(len(evidence), 'evidence clause')}</p>"
    )
    rows = finding_rows(item)
    if rows:
        add('<dl class="finding">')
        add("".join(f"<dt>{_h(label)}</dt><dd>{_h(value)}</dd>" for label, value in rows))
        add("</dl>")
    note = item["note"] if item["note"].strip() else "(no note)"
    add(f'<p class="label">Note</p><div class="text">{_h(note)}</div>')
    if item["review_comment"]:
        add(f'<p class="label">Reviewer\'s comment</p><div class="text comment">{_h(item["review_comment"])}</div>')
    for tag in evidence:
        flags = _flags(tag)
        add("<blockquote>")
        add(
            f'<p class="where"><b>{_h(tag["clause"])}</b> &middot; <i>{_h(tag["section"] or "(no section)")}</i>{_h(_page(tag))}{_h(_part(tag))}{_h(flags)}</p>'
        )
        add(f'<div class="text">{_h(tag["text"])}</div>')
        add("</blockquote>")
    add("</article>")
    return out


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
    audit, signoff = record["audit"], record["signoff"]
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
    for name, value in _html_meta(record):
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
        out += _html_item(number, item)
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
