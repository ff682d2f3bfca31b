"""The HTML export prints well: findings first, running header and page numbers, cards that break."""

from __future__ import annotations

import re

from auditor_tui.core.export import build_record, render_html, verify_text
from tests.test_export import EXPORTED
from tests.test_export import signed as signed


def _page(audit, title: str | None = None, finding: dict | None = None) -> str:
    record = build_record(audit.session, audit.checklist, exported=EXPORTED)
    if title is not None:
        record["audit"]["title"] = title
    if finding is not None:
        record["items"][2]["finding"] = finding
    return render_html(record)


def test_findings_summary_comes_before_the_items(signed):
    page = _page(
        signed, finding={"severity": "high", "recommendation": "Name the ICO", "owner": "dpo", "due": "2026-03-01"}
    )
    assert page.index("Findings by severity") < page.index("<h2>Items</h2>")
    high = re.search(r"<tr><td>High</td><td class=\"n\">(\d+)</td><td class=\"n\">(\d+)</td>", page)
    assert high and high.groups() == ("1", "0")  # c-3 is missing and rated high
    assert '<td class="sev-high">high</td>' in page and "Name the ICO" in page and "2026-03-01" in page


def test_print_css_has_page_numbers_running_header_and_breakable_cards(signed):
    page = _page(signed)
    assert 'counter(page) " of " counter(pages)' in page
    assert "@top-left { content: " in page and "@bottom-left { content: " in page
    assert ".item { break-inside: auto;" in page and "break-after: avoid" in page
    assert "avoid-page" not in page


def test_hostile_title_cannot_leave_the_css_string(signed):
    page = _page(signed, title='x"; } body { display: none } </style><script>alert(1)</script>')
    style = page[page.index("<style>") : page.index("</style>")]
    assert "<script>" not in style and "display: none" not in style
    head = re.search(r"@top-left \{ content: (\"[^\"]*\");", style)
    assert head and "\\22 " in head.group(1)  # the quote is an escape, inside the string


def test_the_printable_export_still_verifies(signed):
    page = _page(signed)
    assert verify_text(page, "x.html").valid
    edited = page.replace("Findings by severity", "Findings by severitY", 1)
    assert not verify_text(edited, "x.html").valid
