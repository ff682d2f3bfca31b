"""Re-auditing a new version of a policy: carrying an audit forward.

:func:`carry_forward` makes a **new** session for the new version of a policy from the audit of
the old one (the old session file is never changed):

* every tag moves to the clause its old clause became (to each piece when the clause was
  split); a tag whose clause was modified is kept with the similarity and ``recheck = true``;
  a tag whose clause was removed is kept as ``orphan = true`` with its old quote and old id;
* a span tag (part of a clause) moves with its clause: its quote found exactly in the new clause
  gets its new offsets and is unchanged (however the rest of the clause changed); else its best
  fuzzy alignment (:func:`carry_span`) is kept to recheck; else it is orphaned;
* an item whose evidence is all unchanged keeps its status and note; an item whose evidence
  was modified or removed goes to ``re-review``, with ``previous_status`` the old decision
  (its note is kept). An item still ``open`` stays open: there was no decision to review;
* the new session records its :class:`~auditor_tui.core.session.Origin` and its history starts
  with a ``carry-forward`` event giving the counts, then one ``re-review`` event per item sent
  back.

:func:`carry_forward_from_files` reads the files. The old policy comes from the file the old
session names when its fingerprint matches (or, failing that, when every quoted clause is still
in it under the same id); otherwise the diff is made against the quoted evidence alone, which
is enough to carry the tags forward (the diff is then marked ``partial``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from auditor_tui.core.audit import (
    SESSIONS_DIR,
    Audit,
    _checklist_for,
    load_recorded_policy,
    policy_from_quotes,
    resolve_policy_path,
)
from auditor_tui.core.checklist import Checklist, find_checklist
from auditor_tui.core.diff import THRESHOLD, ClauseDiff, diff_policies
from auditor_tui.core.errors import AuditorError, SessionError
from auditor_tui.core.policy import Clause, Policy
from auditor_tui.core.session import (
    UNDECIDED,
    ItemState,
    Origin,
    Session,
    Tag,
    clause_order,
    default_session_path,
    load_session,
    new_session,
    tag_order,
)
from auditor_tui.core.source import (
    DEFAULT_TIMEOUT,
    OpenedPolicy,
    is_url,
    open_policy,
    policy_ref,
    source_name,
    write_snapshot,
)


@dataclass
class CarriedForward:
    """What :func:`carry_forward_from_files` made: the new session (not saved yet) and more."""

    session: Session
    diff: ClauseDiff
    policy: Policy
    """The new version of the policy, as loaded."""
    checklist: Checklist
    warnings: list[str] = field(default_factory=list)
    opened: OpenedPolicy | None = None
    """The new version as read or fetched, with its provenance."""

    def __iter__(self) -> Iterator[Session | ClauseDiff]:  # ``session, diff = carry_forward_from_files(...)`` works too
        return iter((self.session, self.diff))


def _tags_found_in(session: Session, policy: Policy) -> bool:
    """Every (non-orphan) tag names a clause of *policy* with the quoted text."""
    for state in session.items.values():
        for tag in state.tags:
            if tag.orphan:
                continue
            clause = policy.clause(tag.clause)
            if clause is None or (clause.sha256 != tag.sha256 and clause.text != tag.text):
                return False
    return True


# --------------------------------------------------------------------------- carrying forward


@dataclass
class _Counts:
    kept: int = 0
    recheck: int = 0
    orphaned: int = 0
    dropped_orphans: int = 0
    re_review: int = 0


def _carry_tag(tag: Tag, diff: ClauseDiff) -> tuple[list[Tag], bool]:
    """The tags an old tag becomes, and whether its evidence changed."""
    changes = [c for c in diff.by_old_clause(tag.clause) if c.new is not None]
    out = []
    changed = False
    for change in changes:
        assert change.new is not None  # kept by the filter above; mypy does not carry it over
        if tag.is_span:
            span = carry_span(tag, change.new)
            if span is None:
                continue
            new, span_changed = span
            changed |= span_changed
        else:
            new = Tag.of(change.new)
            if change.kind == "modified":
                new.similarity = change.similarity
                new.recheck = True
                changed = True
        if not new.recheck and tag.recheck:  # still not looked at since an earlier re-audit
            new.similarity, new.recheck = tag.similarity, True
        out.append(new)
    if not out and tag.is_span and diff.partial:
        out = _span_anywhere(tag, diff.new)
    if not out:
        orphan = Tag(tag.clause, tag.section, tag.text, tag.sha256, orphan=True, page=tag.page)
        orphan.start, orphan.end = tag.start, tag.end
        return [orphan], True
    return out, changed


def _span_anywhere(tag: Tag, policy: Policy) -> list[Tag]:
    """A span's tag in the one clause of *policy* that holds its quote (else none). For a diff
    made without the old policy, where a clause tagged only in part is known by its span's
    quote alone, which the clause diff cannot align with the whole new clause."""
    holding = [clause for clause in policy.clauses if tag.text in clause.text]
    carried = carry_span(tag, holding[0]) if len(holding) == 1 else None
    return [carried[0]] if carried is not None else []


SPAN_THRESHOLD = 75.0
"""How similar (rapidfuzz ``partial_ratio``, 0-100) the best match of a span's quote in its new
clause must be for the span to carry forward (to be rechecked) rather than be orphaned."""


def carry_span(tag: Tag, clause: Clause) -> tuple[Tag, bool] | None:
    """The span *tag* in *clause* (the clause its clause became), and whether it changed: its
    quote found exactly (the occurrence nearest its old offset; unchanged, even when the rest of
    the clause changed), else its best fuzzy alignment above :data:`SPAN_THRESHOLD` (to
    recheck), else None (the span is gone)."""
    new = Tag.of(clause)
    text = clause.text
    found = [m.start() for m in re.finditer(re.escape(tag.text), text)] if tag.text else []
    if found:
        start = min(found, key=lambda at: abs(at - (tag.start or 0)))
        new.text, new.start, new.end = tag.text, start, start + len(tag.text)
        return new, False
    alignment = fuzz.partial_ratio_alignment(tag.text, text)
    if alignment is None or alignment.score < SPAN_THRESHOLD:
        return None
    start, end = sorted((alignment.dest_start, alignment.dest_end))
    if len(tag.text) > len(text):  # rapidfuzz aligned the clause inside the quote
        start, end = 0, len(text)
    try:
        new = Tag.span_of(clause, start, end)
    except SessionError:  # the alignment framed only whitespace
        return None
    new.similarity, new.recheck = round(alignment.score, 1), True
    return new, True


def _merge_tags(tags: list[Tag]) -> list[Tag]:
    """One tag per clause, or per span of one (a merge can bring two old tags onto one new clause)."""
    live: dict[tuple[str, int | None, int | None], Tag] = {}
    orphans: list[Tag] = []
    for tag in tags:
        if tag.orphan:
            if not any(o.same_evidence(tag) for o in orphans):
                orphans.append(tag)
            continue
        seen = live.get((tag.clause, tag.start, tag.end))
        if seen is None:
            live[(tag.clause, tag.start, tag.end)] = tag
        elif tag.recheck:
            seen.recheck = True
            if tag.similarity is not None:
                seen.similarity = min(tag.similarity, seen.similarity or 100.0)
    ordered = sorted(live.values(), key=tag_order)
    return ordered + orphans


def _carry_item(state: ItemState, old: ItemState, diff: ClauseDiff, counts: _Counts) -> str | None:
    """Carry one item's tags, note and decision forward into *state* (counting its tags);
    the re-review event's detail when its evidence changed, else None."""
    tags: list[Tag] = []
    changed = False
    modified = removed = 0
    for tag in old.tags:
        if tag.orphan:
            counts.dropped_orphans += 1
            continue
        carried, tag_changed = _carry_tag(tag, diff)
        tags.extend(carried)
        changed |= tag_changed
        if carried[0].orphan:
            removed += 1
        elif tag_changed:
            modified += 1
    state.tags = _merge_tags(tags)
    for tag in state.tags:
        if tag.orphan:
            counts.orphaned += 1
        elif tag.recheck:
            counts.recheck += 1
        else:
            counts.kept += 1
    state.note = old.note
    state.rejected = _carry_rejected(old.rejected, diff)
    decision = old.previous_status if old.status == "re-review" else old.status
    if changed and old.status not in UNDECIDED:
        state.status, state.previous_status = "re-review", old.status
    else:
        state.status = old.status
        state.previous_status = decision if old.status == "re-review" else ""
    if changed and state.status == "re-review":
        counts.re_review += 1
        what = ", ".join(
            part
            for part in (f"{modified} modified" if modified else "", f"{removed} removed" if removed else "")
            if part
        )
        return f"{decision or 'open'} -> re-review: evidence clauses {what}"
    return None


def _carry_detail(
    diff: ClauseDiff,
    base: Policy,
    old_session: Session,
    old_session_path: str,
    counts: _Counts,
    dropped_items: list[str],
    checklist: Checklist,
) -> str:
    """The carry-forward event's detail: where from, what the diff found, what became of the tags."""
    partial = diff.partial
    summary = diff.summary()
    clauses = (
        f"clauses compared with the quoted evidence only (old policy file not used): "
        f"{len(base.clauses)} quoted, {summary['unchanged']} unchanged, {summary['modified']} modified, "
        f"{summary['removed']} removed"
        if partial
        else f"clauses {summary['unchanged']} unchanged, {summary['modified']} modified, "
        f"{summary['added']} added, {summary['removed']} removed"
    )
    detail = (
        f"from {old_session_path} (audit {old_session.audit_id[:8]}, policy {old_session.policy.sha256[:12]}): "
        f"{clauses}; tags {counts.kept} kept, {counts.recheck} to recheck, {counts.orphaned} orphaned; "
        f"items {counts.re_review} to re-review"
    )
    if counts.dropped_orphans:
        detail += f"; {counts.dropped_orphans} orphaned tag(s) of the earlier re-audit not carried"
    if dropped_items:
        detail += f"; items not in checklist {checklist.version} dropped: {', '.join(dropped_items)}"
    return detail


def carry_forward(
    old_session: Session,
    new_policy: Policy,
    *,
    new_policy_path: str,
    checklist: Checklist,
    old_session_path: str,
    auditor: str = "",
    title: str = "",
    old_policy: Policy | None = None,
    threshold: float = THRESHOLD,
) -> tuple[Session, ClauseDiff]:
    """A new session for *new_policy* carrying the audit *old_session* forward.

    *old_policy* is the policy the old audit was made on; without it the diff is made against
    the clauses quoted in the old session (and is marked ``partial``). The old session is not
    changed.
    """
    if old_session.checklist.id != checklist.id:
        raise SessionError(
            f"the old audit used checklist {old_session.checklist.id}, not {checklist.id}",
            path=old_session_path,
            hint=f"carry it forward with checklist {old_session.checklist.id}",
        )
    partial = old_policy is None or not _tags_found_in(old_session, old_policy)
    base = policy_from_quotes(old_session) if partial else old_policy
    assert base is not None
    diff = diff_policies(base, new_policy, threshold=threshold)
    diff.partial = partial
    if partial and old_policy is not None:
        diff.warnings.append(
            "some quoted clauses are not in the old policy given: compared with the quoted evidence only"
        )

    session = new_session(
        new_policy,
        checklist,
        policy_path=new_policy_path,
        # Named after the new version: the old title names the old one ("... 2007 policy").
        title=title or f"{Path(new_policy_path).stem} against {checklist.id} (re-audit)",
        auditor=auditor,
    )
    session.origin = Origin(
        session=str(old_session_path),
        audit_id=old_session.audit_id,
        policy_path=old_session.policy.path,
        policy_sha256=old_session.policy.sha256,
    )
    counts = _Counts()
    item_events: list[tuple[str, str]] = []
    dropped_items = [item_id for item_id in old_session.items if item_id not in session.items]
    for item_id, state in session.items.items():
        old = old_session.items.get(item_id)
        if old is None:
            continue
        event = _carry_item(state, old, diff, counts)
        if event:
            item_events.append((item_id, event))

    detail = _carry_detail(diff, base, old_session, old_session_path, counts, dropped_items, checklist)
    created = session.created
    session.history = []
    session.record(
        "carry-forward",
        at=created,
        detail=detail,
        data={"session": str(old_session_path), "audit": old_session.audit_id},
    )
    for item_id, text in item_events:
        session.record("re-review", at=created, item=item_id, detail=text)
    return session, diff


def _carry_rejected(rejected: list[str], diff: ClauseDiff) -> list[str]:
    """Rejected suggestions whose clause is unchanged, under its new id."""
    out: list[str] = []
    for clause_id in rejected:
        for change in diff.by_old_clause(clause_id):
            if change.kind == "unchanged" and change.new is not None and change.new.id not in out:
                out.append(change.new.id)
    return sorted(out, key=clause_order)


def carry_forward_from_files(
    old_session_path: str | Path,
    new_policy_path: str | Path,
    *,
    checklist: str | Path | Checklist | None = None,
    auditor: str = "",
    title: str = "",
    threshold: float = THRESHOLD,
    whole_page: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
) -> CarriedForward:
    """Read the old session, its policy (when still there) and the new policy, and carry forward.

    The old policy file is used when its fingerprint matches the session's, or else when every
    quoted clause is still in it; otherwise the diff is against the quoted evidence (a warning
    says so). The new session is returned, not saved.
    """
    session_path = Path(old_session_path)
    old_session = load_session(session_path)
    opened = open_policy(new_policy_path, whole_page=whole_page, timeout=timeout)
    new_policy = opened.policy
    if isinstance(checklist, Checklist):
        loaded_checklist = checklist
    elif checklist is not None:
        loaded_checklist = find_checklist(checklist)
    else:
        loaded_checklist = _checklist_for(old_session, session_path, None)
    warnings = list(new_policy.warnings)
    old_policy, found_warnings = _old_policy_for(old_session, session_path)
    warnings.extend(found_warnings)
    if new_policy.sha256 == old_session.policy.sha256:
        warnings.append("the new policy is the same as the audited one (same fingerprint)")
    session, diff = carry_forward(
        old_session,
        new_policy,
        new_policy_path=str(new_policy_path),
        checklist=loaded_checklist,
        old_session_path=str(old_session_path),
        auditor=auditor,
        title=title,
        old_policy=old_policy,
        threshold=threshold,
    )
    diff.warnings.extend(warnings)
    session.policy = policy_ref(opened, str(new_policy_path))
    return CarriedForward(session, diff, new_policy, loaded_checklist, warnings, opened)


def _old_policy_for(old_session: Session, session_path: Path) -> tuple[Policy | None, list[str]]:
    """The policy an old audit was made on, when its file is still there and still fits.

    Used when its fingerprint matches the session's, or else when every quoted clause is still
    in it; otherwise None (the caller compares with the quoted evidence), with a warning.
    """
    old_file = resolve_policy_path(old_session.policy.path, session_path)
    if old_file is None:
        return None, [
            f"the old policy {old_session.policy.path} is missing: compared with the evidence quoted in the audit only"
        ]
    try:
        candidate = load_recorded_policy(old_session, old_file, [])
    except AuditorError as error:
        return None, [f"the old policy cannot be read ({error}): compared with the quoted evidence only"]
    if not _tags_found_in(old_session, candidate):
        return None, [
            f"the old policy {old_session.policy.path} has changed since the audit: "
            "compared with the evidence quoted in the audit only"
        ]
    if candidate.sha256 != old_session.policy.sha256:
        return candidate, [
            f"the old policy {old_session.policy.path} has changed since the audit (fingerprint differs) "
            "but every quoted clause is still in it: compared with it"
        ]
    return candidate, []


def diff_for_session(session: Session, new_policy: Policy, session_path: str | Path) -> ClauseDiff | None:
    """For a carried-forward audit, the diff from the version it came from (None otherwise)."""
    origin = session.origin
    if origin is None or not origin.session:
        return None
    session_path = Path(session_path)
    given = Path(origin.session)
    candidates = (
        [given]
        if given.is_absolute()
        else [
            Path.cwd() / given,
            session_path.resolve().parent.parent / given,
            session_path.resolve().parent / given.name,
        ]
    )
    old_path = next((c for c in candidates if c.is_file()), None)
    if old_path is None:
        raise SessionError(f"the audit this one came from ({origin.session}) is missing", path=session_path)
    old_session = load_session(old_path)
    old_policy, warnings = _old_policy_for(old_session, old_path)
    diff = diff_policies(old_policy or policy_from_quotes(old_session), new_policy)
    diff.warnings.extend(warnings)
    return diff


def start_reaudit(
    new_policy_path: str | Path,
    old_session_path: str | Path,
    *,
    session_path: str | Path | None = None,
    checklist: str | Path | None = None,
    auditor: str = "",
    title: str = "",
    sessions_dir: str | Path = SESSIONS_DIR,
    whole_page: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
) -> tuple[Audit, ClauseDiff]:
    """Carry an audit forward to *new_policy_path* (a file, or a URL: the policy as it is now,
    kept as a snapshot beside the new session) and save the new session file."""
    carried = carry_forward_from_files(
        old_session_path,
        new_policy_path,
        checklist=checklist,
        auditor=auditor,
        title=title,
        whole_page=whole_page,
        timeout=timeout,
    )
    if session_path is None:
        name = f"{source_name(new_policy_path)}.url" if is_url(new_policy_path) else new_policy_path
        path = default_session_path(name, carried.checklist.id, sessions_dir)
    else:
        path = Path(session_path)
        if path.exists():
            raise SessionError("a session file already exists here", path=path, hint="give another --session path")
    if carried.opened is not None and carried.opened.fetched:
        carried.session.policy = policy_ref(carried.opened, write_snapshot(carried.opened, path).name)
    audit = Audit(carried.session, path, carried.policy, carried.checklist, warnings=list(carried.warnings))
    audit.save()
    return audit, carried.diff
