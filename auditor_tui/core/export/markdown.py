"""The Markdown export: Markdown punctuation in untrusted text backslash-escaped, so no raw
HTML, links or line-start markup can come through."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from auditor_tui.core.export.common import _one_line, _paragraphs, _with_record_comments
from auditor_tui.core.export.record import DRAFT_MARK, _flags, _page, _part, finding_rows, policy_provenance
from auditor_tui.core.session import STATUSES
from auditor_tui.core.status import status_label

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


def _md_item(number: int, item: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    add = out.append
    add("")
    add(f"### {number}. {md_inline(_one_line(item['id']))}: {md_inline(_one_line(item['title']))}")
    add("")
    refs = "; ".join(_one_line(r) for r in item["refs"]) or "-"
    add(f"- **Refs:** {md_inline(refs)}")
    add(f"- **Status:** {md_inline(status_label(item['status']))}")
    add(f"- **Evidence:** {len(item['evidence'])} clause{'' if len(item['evidence']) == 1 else 's'}")
    for label, value in finding_rows(item):
        add(f"- **{label}:** {md_inline(_one_line(value))}")
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
        flags = _flags(tag)
        where = md_inline(_one_line(tag["section"])) if tag["section"] else "(no section)"
        add(f"> **{md_inline(_one_line(tag['clause']))}**, *{where}*{_page(tag)}{_part(tag)}{flags}")
        add(">")
        add(md_text(tag["text"], prefix="> "))
    return out


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
        out += _md_item(number, item)
    add("")
    return "\n".join(out) + "\n"


def render_markdown(record: Mapping[str, Any]) -> str:
    return _with_record_comments("md", _md_body(record), record)
