"""Undo and redo on the audit's history, so they survive a restart.

The history is append-only and hash-chained, so undo never removes an event: it appends an
``undo`` event (``data.of`` = the hash of the change it takes back) and restores what that
change replaced; ``redo`` (``data.of`` = the same change's hash) applies it again.

Undoable changes, and what their ``data`` carries to be taken back:

* ``status``, ``note``, ``finding``, ``reason``, ``assign``: ``old.FIELD`` and ``new.FIELD``
  for each field of the item they changed (``status``, ``note``, ``severity``,
  ``recommendation``, ``owner``, ``due`` as ``YYYY-MM-DD`` or "", ``reason``, ``assignee``);
* ``tag`` (added), ``untag`` and ``drop-orphan`` (removed): ``tag``, the tag as JSON (with
  ``start``/``end`` for a span of a clause), and for
  ``tag`` ``unrejected`` = ``1`` when tagging lifted a rejected suggestion;
* ``reject-suggestion``: ``clause``, the clause rejected.

Everything else is a barrier that undo does not cross: the workflow transitions (``submit``,
``request-changes``, ``signoff``, ``reopen``, ``void-signoff``), the creation and re-audit
events, and changes recorded before events carried their old values. Undo takes back the most
recent change still in effect; redo re-applies the most recently undone one, until a new change
is made (which clears what could be redone), as in an editor.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from auditor_tui.core.errors import SessionError
from auditor_tui.core.findings import due_text, parse_due
from auditor_tui.core.history import Event

if TYPE_CHECKING:
    from auditor_tui.core.session import ItemState, Session, Tag

FIELD_ACTIONS = frozenset({"status", "note", "finding", "reason", "assign"})
TAG_ACTIONS = frozenset({"tag", "untag", "drop-orphan"})
UNDOABLE = FIELD_ACTIONS | TAG_ACTIONS | {"reject-suggestion"}
FIELDS = ("status", "note", "severity", "recommendation", "owner", "due", "reason", "assignee")


def field_data(old: dict[str, str], new: dict[str, str]) -> dict[str, str]:
    """The ``data`` of a field change: ``old.F`` and ``new.F`` for each field that changed."""
    data: dict[str, str] = {}
    for name in new:
        if old[name] != new[name]:
            data[f"old.{name}"] = old[name]
            data[f"new.{name}"] = new[name]
    return data


def field_values(state: ItemState, names: Sequence[str]) -> dict[str, str]:
    return {name: due_text(state.due) if name == "due" else str(getattr(state, name)) for name in names}


def tag_json(tag: Tag) -> str:
    raw = {k: v for k, v in vars(tag).items() if v is not None}
    return json.dumps(raw, sort_keys=True, ensure_ascii=False)


def _tag_from(text: str) -> Tag:
    from auditor_tui.core.session import Tag

    return Tag(**json.loads(text))


def _undoable(event: Event) -> bool:
    if event.action in FIELD_ACTIONS:
        return any(key.startswith("new.") for key in event.data)
    if event.action in TAG_ACTIONS:
        return "tag" in event.data
    return event.action == "reject-suggestion" and "clause" in event.data


def stacks(history: Sequence[Event]) -> tuple[list[int], list[int]]:
    """Indexes of the changes that can be undone (last = next undo) and redone (last = next redo)."""
    where = {event.hash: index for index, event in enumerate(history)}
    done: list[int] = []
    undone: list[int] = []
    for index, event in enumerate(history):
        if event.action in ("undo", "redo"):
            source, target = (done, undone) if event.action == "undo" else (undone, done)
            if source and where.get(event.data.get("of", "")) == source[-1]:
                target.append(source.pop())
            else:  # does not match what it should take back (a hand-edited file): stop here
                done, undone = [], []
        elif _undoable(event):
            done.append(index)
            undone = []
        else:
            done, undone = [], []
    return done, undone


def apply(session: Session, event: Event, *, forward: bool) -> None:
    """Apply the change *event* recorded (forward) or take it back; refused (SessionError) when
    the item no longer holds what the change left (the file was edited since)."""
    state = session.item(event.item)
    if event.action in FIELD_ACTIONS:
        _apply_fields(state, event, forward)
        return
    if event.action == "reject-suggestion":
        clause = event.data["clause"]
        if forward:
            state.rejected.append(clause)
        elif clause in state.rejected:
            state.rejected.remove(clause)
        return
    tag = _tag_from(event.data["tag"])
    adds = (event.action == "tag") == forward
    if adds:
        _add_tag(state, tag)
        if event.action == "tag" and event.data.get("unrejected") and tag.clause in state.rejected:
            state.rejected.remove(tag.clause)
    else:
        match = next((t for t in state.tags if t.same_evidence(tag)), None)
        if match is None:
            raise _changed(event)
        state.tags.remove(match)
        if event.action == "tag" and event.data.get("unrejected"):
            state.rejected.append(tag.clause)


def _add_tag(state: ItemState, tag: Tag) -> None:
    from auditor_tui.core.session import tag_order

    state.tags.append(tag)
    state.tags.sort(key=tag_order)


def _apply_fields(state: ItemState, event: Event, forward: bool) -> None:
    names = [key[4:] for key in event.data if key.startswith("new.")]
    want, put = ("old.", "new.") if forward else ("new.", "old.")
    if field_values(state, names) != {name: event.data[want + name] for name in names}:
        raise _changed(event)
    for name in names:
        value: Any = event.data[put + name]
        setattr(state, name, parse_due(value) if name == "due" else value)


def _changed(event: Event) -> SessionError:
    return SessionError(
        f"cannot undo or redo the {event.action} of {event.item}: the item was changed outside auditor-tui since",
        hint="make the change by hand",
    )


def describe(event: Event) -> str:
    """For the history's ``detail`` and the screen: ``status of 13-1-a (open -> satisfied)``."""
    return f"{event.action} of {event.item}" + (f" ({event.detail})" if event.detail else "")
