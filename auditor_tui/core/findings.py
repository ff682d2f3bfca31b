"""Findings: what an auditor hands over for an item (how bad, what to do, who fixes it by when).

A finding is four optional fields of an item (:class:`~auditor_tui.core.session.ItemState`):
``severity`` (``high``, ``medium`` or ``low``), ``recommendation``, ``owner`` and ``due`` (a
date). ``reason`` says why an item is not applicable (required for that status) and
``assignee`` who is doing the item. In the session file they are flat keys of ``[[items]]``,
``due`` a TOML local date, each written only when set. This module holds their checks and
their plain-data form, shared by the session, the CLI, the screen and the exports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from auditor_tui.core.errors import SessionError

SEVERITIES = ("high", "medium", "low")
FINDING_FIELDS = ("severity", "recommendation", "owner", "due")
"""The fields of a finding, in the order the file and the exports list them."""
TEXT_FIELDS = ("severity", "recommendation", "owner", "reason", "assignee")
"""The item fields (besides ``due``) that are plain text."""


def check_severity(value: str) -> str:
    """*value* if it is a severity or "" (none), else one clear :class:`SessionError`."""
    cleaned = value.strip().lower()
    if cleaned and cleaned not in SEVERITIES:
        raise SessionError(f"severity {value!r} is not one of {', '.join(SEVERITIES)}", hint="or leave it empty")
    return cleaned


def parse_due(value: str | dt.date | None) -> dt.date | None:
    """A due date from ``YYYY-MM-DD`` ("" or None: no date); anything else is a SessionError."""
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        raise SessionError("due must be a date (YYYY-MM-DD), not a date and time")
    text = value.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else _bad_date(text)
    except ValueError:
        return _bad_date(text)


def _bad_date(text: str) -> dt.date:
    raise SessionError(f"due date {text!r} is not a date", hint="write it as YYYY-MM-DD, e.g. 2027-03-31")


def due_text(due: dt.date | None) -> str:
    """``2027-03-31`` or "" (the one text form of a due date in history, exports, screen)."""
    return due.isoformat() if due else ""


def is_overdue(due: dt.date | None, today: dt.date | None = None) -> bool:
    return due is not None and due < (today or dt.date.today())


def finding_dict(state: Any) -> dict[str, str]:
    """The export record's ``finding``: every field, ``due`` as ``YYYY-MM-DD`` or ""."""
    return {
        "severity": state.severity,
        "recommendation": state.recommendation,
        "owner": state.owner,
        "due": due_text(state.due),
    }


def has_finding(state: Any) -> bool:
    return bool(state.severity or state.recommendation or state.owner or state.due)


def content_fields(item: Mapping[str, Any]) -> dict[str, str]:
    """The finding, reason and assignee of a session item or export record item, for the
    sign-off digest: only the fields that are set, so audits signed before findings existed
    keep their digest. *item* has the flat keys or a ``finding`` mapping (an export record)."""
    finding = item.get("finding")
    source: Mapping[str, Any] = finding if isinstance(finding, Mapping) else item
    values = {name: source.get(name, "") for name in FINDING_FIELDS}
    values["reason"] = item.get("reason", "")
    values["assignee"] = item.get("assignee", "")
    out: dict[str, str] = {}
    for name, value in values.items():
        text = due_text(value) if isinstance(value, dt.date) else str(value or "")
        if text:
            out[name] = text
    return out


def read_item_fields(raw: Mapping[str, Any], fail: Any, where: str) -> dict[str, Any]:
    """The finding, reason and assignee of a ``[[items]]`` table, checked; *fail(where,
    problem)* makes the error (one per bad field)."""
    out: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = raw.get(name, "")
        if not isinstance(value, str):
            raise fail(where, f"field '{name}' must be a string")
        out[name] = value
    if out["severity"] and out["severity"] not in SEVERITIES:
        raise fail(where, f"field 'severity' is {out['severity']!r}, not one of {', '.join(SEVERITIES)}")
    due = raw.get("due")
    if due is not None and (not isinstance(due, dt.date) or isinstance(due, dt.datetime)):
        raise fail(where, "field 'due' must be a date such as 2027-03-31 (a TOML local date, no quotes)")
    out["due"] = due
    return out
