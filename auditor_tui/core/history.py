"""The audit's history: append-only events, each chained to the one before by a hash.

Every change to an audit appends an :class:`Event` (who, when, what, which item). Each event
carries ``hash``: the SHA-256 of the canonical JSON of its own fields and the hash of the event
before it (the first event chains from a value derived from the audit's id). So an event that
is edited, removed, inserted or moved breaks the chain at that point, and :func:`chain_break`
names the first event that does not follow from the one before it.

The chain is tamper-*evident*, not tamper-proof: anyone can recompute every hash. What makes a
rewritten history detectable is the sign-off: its digest covers the chain's head (the hash of
the last event before the sign-off), and an SSH signature covers the digest. Stored hashes are
never recomputed on save, so a break made by editing the file stays visible in every later save.

Events that other code reads back carry their values in ``data`` (a flat table of strings),
never in text to be parsed: e.g. a ``void-signoff`` event's ``data`` holds the voided
sign-off's ``reviewer``, ``at`` and ``digest``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

CHAIN_SCHEMA = "auditor-tui/history/1"


def iso(moment: datetime) -> str:
    """``2026-11-22T03:20:00Z``: the one text form of a time in hashes and exports."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Event:
    """One line of the append-only history."""

    at: datetime
    who: str
    action: str
    item: str = ""
    detail: str = ""
    """For people: what happened, in words. Never parsed back (see ``data``)."""
    data: dict[str, str] = field(default_factory=dict)
    """Values that code reads back (e.g. the digest a ``void-signoff`` voided)."""
    hash: str = ""
    """The chain hash: of this event's fields and the hash of the event before it."""


def genesis(audit_id: str) -> str:
    """The value the first event chains from: ties a history to its audit."""
    return _sha256(json.dumps({"chain": CHAIN_SCHEMA, "audit": audit_id}, sort_keys=True))


def event_hash(previous: str, event: Event) -> str:
    """The chain hash of *event* following an event whose hash is *previous*."""
    fields = {
        "prev": previous,
        "at": iso(event.at),
        "who": event.who,
        "action": event.action,
        "item": event.item,
        "detail": event.detail,
        "data": dict(event.data),
    }
    return _sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def append(history: list[Event], event: Event, audit_id: str) -> Event:
    """Chain *event* to the end of *history* and append it."""
    event.hash = event_hash(history[-1].hash if history else genesis(audit_id), event)
    history.append(event)
    return event


def rechain(history: Sequence[Event], audit_id: str) -> None:
    """Hash every event of *history* afresh: for a history read from a file written before
    events were chained, or one rebuilt on purpose (a merge of two branches' histories).
    Never on a save: that would hide a break made by editing the file."""
    previous = genesis(audit_id)
    for event in history:
        event.hash = event_hash(previous, event)
        previous = event.hash


def chain_break(history: Sequence[Event], audit_id: str) -> int | None:
    """The index of the first event that does not follow from the one before it, or None."""
    previous = genesis(audit_id)
    for index, event in enumerate(history):
        if event.hash != event_hash(previous, event):
            return index
        previous = event.hash
    return None


def describe_break(history: Sequence[Event], index: int) -> str:
    """One line naming the first event that breaks the chain."""
    event = history[index]
    what = f"{event.action}{' of ' + event.item if event.item else ''} by {event.who} at {iso(event.at)}"
    return (
        f"the history was altered: event {index + 1} ({what}) does not follow from the one before it "
        "(it was edited, or an event before it was removed, inserted or moved)"
    )


def head(history: Sequence[Event]) -> str:
    """The hash of the last event ("" for an empty history)."""
    return history[-1].hash if history else ""


def last_standing(history: Sequence[Event], action: str, cleared_by: tuple[str, ...]) -> Event | None:
    """The latest *action* event not followed by one of *cleared_by*."""
    found = None
    for event in history:
        if event.action == action:
            found = event
        elif event.action in cleared_by:
            found = None
    return found


def event_to_dict(event: Event) -> dict[str, object]:
    """The event as plain data (for exports); empty fields kept so the shape is fixed."""
    return {
        "at": iso(event.at),
        "who": event.who,
        "action": event.action,
        "item": event.item,
        "detail": event.detail,
        "data": dict(event.data),
        "hash": event.hash,
    }


def event_from_dict(raw: Mapping[str, object]) -> Event:
    """An event from :func:`event_to_dict`'s shape (KeyError/ValueError/TypeError if malformed)."""
    data = raw.get("data", {})
    if not isinstance(data, Mapping) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError("event data must map names to strings")
    return Event(
        at=datetime.strptime(str(raw["at"]), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC),
        who=str(raw["who"]),
        action=str(raw["action"]),
        item=str(raw.get("item", "")),
        detail=str(raw.get("detail", "")),
        data={str(k): str(v) for k, v in data.items()},
        hash=str(raw.get("hash", "")),
    )
