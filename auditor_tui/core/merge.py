"""Merging two branches of one audit at the level of the audit, not of lines (git's merge driver).

Two auditors splitting an audit change different items on two branches; git's line merge of
the TOML either conflicts inside it or, worse, yields a file that does not load or whose
history no longer chains. :func:`merge_sessions` merges the three versions git hands a merge
driver (BASE, OURS, THEIRS):

- each field of each item (every field of :class:`ItemState`, so fields added later merge too)
  by the three-way rule: changed on one side only, that side's value; lists (tags, rejected
  suggestions, ...) as sets keyed by clause, each element by the same rule;
- the same field changed differently on both sides is a conflict: the item keeps OURS's values
  and THEIRS's go in :class:`ItemConflict`, with who changed each side;
- the history: the common prefix once, then both sides' new events in time order (ties: ours
  first), chained afresh, and a ``merge`` event naming both heads;
- a side signed off that the other side changed is reopened (the sign-off is voided in the
  history): a merge never carries a sign-off over changes its reviewer did not see.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor_tui.core.atomic import atomic_write_text
from auditor_tui.core.config import identity
from auditor_tui.core.errors import SessionError
from auditor_tui.core.files import read_input_bytes
from auditor_tui.core.history import Event, head, iso, rechain
from auditor_tui.core.session import (
    ItemConflict,
    ItemState,
    Session,
    clause_order,
    dumps_session,
    loads_session,
    now_utc,
)
from auditor_tui.core.text import counted

_NOT_MERGED = ("id", "conflict")
"""Item fields the generic merge leaves alone: the key, and the conflict it makes itself."""


class MergeError(SessionError):
    """The two sides cannot be merged as one audit (different audits, policies, checklists)."""


@dataclass
class MergeResult:
    session: Session
    conflicts: list[str] = field(default_factory=list)
    """One line per item changed differently on both sides."""
    signoff_dropped: str = ""
    """Why the result is no longer signed off ("" when it was not, or nothing was dropped)."""

    @property
    def clean(self) -> bool:
        return not self.conflicts and not self.signoff_dropped


# --------------------------------------------------------------------------- items


def _element_key(element: Any) -> Any:
    clause = getattr(element, "clause", None)
    if isinstance(clause, str):
        start = getattr(element, "start", None)  # two spans of one clause are two tags
        return clause if start is None else f"{clause}@{start}-{element.end}"
    if isinstance(element, (str, int, float, bool)):
        return element
    if dataclasses.is_dataclass(element) and not isinstance(element, type):
        return repr(dataclasses.asdict(element))
    return repr(element)


def _sort_key(element: Any) -> tuple[int, str, int]:
    clause = getattr(element, "clause", element)
    start = getattr(element, "start", None)  # a clause's spans after it, by offset
    order = clause_order(clause) if isinstance(clause, str) else (1 << 62, repr(clause))
    return (*order, -1 if start is None else start)


def merge_list(base: Sequence[Any], ours: Sequence[Any], theirs: Sequence[Any]) -> list[Any]:
    """A three-way merge of lists as sets keyed by clause (or by value): an element added or
    removed on one side is added or removed; one changed on one side takes that change."""
    b = {_element_key(x): x for x in base}
    o = {_element_key(x): x for x in ours}
    t = {_element_key(x): x for x in theirs}
    result = []
    for key in list(o) + [k for k in t if k not in o]:
        in_b, in_o, in_t = key in b, key in o, key in t
        if not (in_o if in_o != in_b else in_t):
            continue
        if in_o and in_t:
            result.append(t[key] if o[key] == b.get(key) else o[key])
        else:
            result.append(o[key] if in_o else t[key])
    if all(isinstance(getattr(x, "clause", x), str) for x in result):
        result.sort(key=_sort_key)
    return copy.deepcopy(result)


def _changed_by(events: Sequence[Event], item_id: str, fallback: str) -> str:
    return next((event.who for event in reversed(events) if event.item == item_id), fallback)


def merge_item(base: ItemState, ours: ItemState, theirs: ItemState, who: Callable[[str], tuple[str, str]]) -> ItemState:
    """*ours* with *theirs*'s one-sided changes; a conflict for fields both changed differently.
    *who* gives (ours_by, theirs_by) for the item."""
    merged = copy.deepcopy(ours)
    conflicting: list[str] = []
    for spec in dataclasses.fields(ItemState):
        if spec.name in _NOT_MERGED:
            continue
        b, o, t = (getattr(state, spec.name) for state in (base, ours, theirs))
        if isinstance(o, list) or isinstance(t, list):
            setattr(merged, spec.name, merge_list(b or [], o or [], t or []))
        elif o == t or t == b:
            continue
        elif o == b:
            setattr(merged, spec.name, copy.deepcopy(t))
        else:
            conflicting.append(spec.name)
    tagged = {tag.clause for tag in merged.tags}
    merged.rejected = [clause for clause in merged.rejected if clause not in tagged]  # tagging un-rejects
    if conflicting:
        ours_by, theirs_by = who(ours.id)
        values = {name: copy.deepcopy(getattr(theirs, name)) for name in conflicting}
        merged.conflict = ItemConflict(ours_by, theirs_by, conflicting, values)
    elif merged.conflict is None and theirs.conflict is not None:
        merged.conflict = copy.deepcopy(theirs.conflict)  # a conflict not yet resolved on their side
    return merged


def _show(state: ItemState | dict[str, Any], fields: Sequence[str]) -> str:
    def value(name: str) -> Any:
        return state.get(name, "") if isinstance(state, dict) else getattr(state, name)

    parts = []
    for name in fields:
        shown = value(name)
        text = " ".join(str("" if shown is None else shown).split())
        text = text if len(text) <= 30 else text[:29] + "…"
        parts.append(text or "-" if name == "status" else f"{name} {text or '-'}")
    return ", ".join(parts)


def conflict_line(state: ItemState) -> str:
    """``CONFLICT: ours by alice: missing / theirs by bob: partial``."""
    c = state.conflict
    if c is None:
        return ""
    ours = _show(state, c.fields)
    theirs = _show({**dict.fromkeys(c.fields, ""), **c.theirs}, c.fields)
    return f"CONFLICT: ours by {c.ours_by}: {ours} / theirs by {c.theirs_by}: {theirs}"


# --------------------------------------------------------------------------- sessions


def _common_prefix(a: Sequence[Event], b: Sequence[Event]) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def _check_same_audit(ours: Session, theirs: Session) -> None:
    hint = "merge such files by hand (git checkout --ours or --theirs), or keep both under two names"
    if ours.audit_id != theirs.audit_id:
        raise MergeError(f"the two sides are different audits ({ours.audit_id} and {theirs.audit_id})", hint=hint)
    if ours.policy.sha256 != theirs.policy.sha256:
        raise MergeError("the two sides audit different versions of the policy (re-audit one first)", hint=hint)
    if (ours.checklist.id, ours.checklist.version) != (theirs.checklist.id, theirs.checklist.version):
        raise MergeError("the two sides use different checklists or checklist versions", hint=hint)


def _three_way(base: Any, ours: Any, theirs: Any) -> Any:
    return theirs if ours == base and theirs != base else ours


def merge_sessions(base: Session | None, ours: Session, theirs: Session, *, who: str | None = None) -> MergeResult:
    """Merge *theirs* into *ours* (both descended from *base*; None when both added the file)."""
    _check_same_audit(ours, theirs)
    common = _common_prefix(ours.history, theirs.history)
    ours_new, theirs_new = ours.history[common:], theirs.history[common:]
    if not theirs_new:  # nothing of theirs is new: ours already holds it
        return MergeResult(copy.deepcopy(ours))
    if not ours_new:
        forward = copy.deepcopy(theirs)
        forward.cursor = copy.deepcopy(ours.cursor)
        return MergeResult(forward)
    merged = copy.deepcopy(ours)

    def authors(item_id: str) -> tuple[str, str]:
        return _changed_by(ours_new, item_id, ours.auditor), _changed_by(theirs_new, item_id, theirs.auditor)

    ids = list(ours.items) + [i for i in theirs.items if i not in ours.items]
    merged.items = {}
    for item_id in ids:
        b = base.items.get(item_id) if base else None
        merged.items[item_id] = merge_item(
            b or ItemState(item_id),
            ours.items.get(item_id) or ItemState(item_id),
            theirs.items.get(item_id) or ItemState(item_id),
            authors,
        )
    b_session = base or ours
    merged.title = _three_way(b_session.title, ours.title, theirs.title)
    merged.state = _three_way(b_session.state, ours.state, theirs.state)
    merged.signoff = copy.deepcopy(_three_way(b_session.signoff, ours.signoff, theirs.signoff))
    side = [(event.at, 0, n, event) for n, event in enumerate(ours_new)]
    side += [(event.at, 1, n, event) for n, event in enumerate(theirs_new)]
    merged.history = copy.deepcopy(list(ours.history[:common]) + [entry[3] for entry in sorted(side)])
    rechain(merged.history, merged.audit_id)
    conflicts = [item_id for item_id, state in merged.items.items() if state.conflict is not None]
    person = who or identity()
    at = max(now_utc(), merged.history[-1].at, ours.updated, theirs.updated)
    merged.record(
        "merge",
        who=person,
        at=at,
        detail=f"merged {counted(len(ours_new), 'event')} of ours and {len(theirs_new)} of theirs"
        + (f"; {counted(len(conflicts), 'item')} in conflict" if conflicts else ""),
        data={"ours": head(ours.history), "theirs": head(theirs.history), "conflicts": ",".join(conflicts)},
    )
    result = MergeResult(merged, [f"item {i}: {conflict_line(merged.items[i])}" for i in conflicts])
    _drop_signoff(result, ours, theirs, person)
    if conflicts and merged.state == "ready-for-review":  # a conflict is resolved by an edit
        from auditor_tui.core.workflow import reopen

        reopen(merged, by=person, reason="merged with items in conflict; resolve them and submit again")
        result.conflicts.append("withdrawn from review: resolve the conflicts, then submit it again")
    return result


def _drop_signoff(result: MergeResult, ours: Session, theirs: Session, who: str) -> None:
    """Reopen a merge that kept a sign-off: the other side changed what the reviewer signed."""
    from auditor_tui.core.workflow import reopen  # workflow imports session; keep this module light

    merged = result.session
    if merged.state != "signed-off" and merged.signoff is None:
        return
    signed, other = ("ours", "theirs") if ours.state == "signed-off" else ("theirs", "ours")
    s = merged.signoff
    by = f" by {s.reviewer} at {iso(s.at)}" if s else ""
    reason = f"merged: signed off{by} on {signed}, but {other} changed it after; sign it off again"
    merged.state = "signed-off"  # reopen voids the sign-off in the history
    reopen(merged, by=who, reason=reason)
    result.signoff_dropped = f"the merged audit is NOT signed off: it was signed off{by} on {signed}, but {other} changed it; review and sign it off again"


# --------------------------------------------------------------------------- files


def _read(path: str | Path, what: str, *, optional: bool = False) -> Session | None:
    path = Path(path)
    if optional and (not path.exists() or path.stat().st_size == 0):
        return None  # git gives an empty base when both branches added the file
    data = read_input_bytes(path, SessionError, what, missing_hint="git passes the three versions as files")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SessionError(f"{what} is not UTF-8 text: not a session file", path=path) from None
    return loads_session(text, path)


def merge_files(base: str | Path, ours: str | Path, theirs: str | Path, *, label: str = "") -> MergeResult:
    """Merge the three files git gives a merge driver; the result replaces *ours* (only once
    all three are read and merged: on an error *ours* is untouched)."""
    base_session = _read(base, "the common ancestor (BASE)", optional=True)
    ours_session = _read(ours, "our version (OURS)")
    theirs_session = _read(theirs, "their version (THEIRS)")
    assert ours_session is not None and theirs_session is not None
    try:
        result = merge_sessions(base_session, ours_session, theirs_session)
    except MergeError as error:
        raise MergeError(error.message, path=label or None, hint=error.hint) from None
    try:
        atomic_write_text(ours, dumps_session(result.session))
    except OSError as error:
        raise SessionError(f"cannot write the merge: {error.strerror or error}", path=ours) from None
    return result


# --------------------------------------------------------------------------- who does what


def open_items_by_assignee(sessions: Iterable[Session]) -> dict[str, list[tuple[Session, str]]]:
    """Each person's open items across *sessions*: items assigned to them that are not decided
    yet or still have a merge conflict, as (audit, item id), people in name order. Audits that
    are signed off have no open items; unassigned items are left out."""
    found: dict[str, list[tuple[Session, str]]] = {}
    for session in sessions:
        if session.state == "signed-off":
            continue
        for state in session.items.values():
            if state.assignee and (not state.decided or state.conflict is not None):
                found.setdefault(state.assignee, []).append((session, state.id))
    return dict(sorted(found.items(), key=lambda entry: entry[0].casefold()))
