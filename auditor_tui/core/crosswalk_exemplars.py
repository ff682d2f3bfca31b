"""Exemplars borrowed through crosswalks: what the team tagged for an item of one checklist
teaches the suggestions for its counterparts in another.

Only ``equivalent`` and ``subset`` pairs teach: a clause that evidences item X of checklist A
evidences (part of) item Y of checklist B when X asks for the same as Y or for part of it. An
``overlaps`` or ``superset`` pair would teach clauses about what Y does not ask for.

This is a separate function, **not called by default**: the suggestion engine
(:mod:`auditor_tui.core.suggest`) decides whether to use it, e.g.::

    exemplars = load_exemplars(sessions_dir, checklist.id, exclude_audit_id=audit_id)
    exemplars = merge_exemplars(exemplars, crosswalked_exemplars(sessions_dir, checklist.id))
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from auditor_tui.core.crosswalk import Crosswalk, counterparts, scan_crosswalks
from auditor_tui.core.session import find_sessions
from auditor_tui.core.suggest.exemplars import Exemplar, load_exemplars

TEACHING_RELATIONS = frozenset({"equivalent", "subset"})
"""How the tagged item must relate to the taught one for its exemplars to teach it."""


def crosswalked_exemplars(
    sessions_dir: str | Path,
    checklist_id: str,
    crosswalks: Iterable[Crosswalk] | None = None,
    *,
    exclude_audit_id: str | None = None,
    warnings: list[str] | None = None,
) -> dict[str, list[Exemplar]]:
    """For each item of *checklist_id*, the exemplars of the items of other checklists that are
    its ``equivalent`` or a ``subset`` of it, through *crosswalks* (default: every crosswalk
    found)."""
    walks = list(scan_crosswalks().crosswalks if crosswalks is None else crosswalks)
    others = {c.a if c.b == checklist_id else c.b for c in walks if checklist_id in (c.a, c.b)} - {checklist_id}
    taught: dict[str, list[Exemplar]] = {}
    found = find_sessions(sessions_dir) if others else []  # read once for every other checklist
    for other in sorted(others):
        borrowed = load_exemplars(
            sessions_dir, other, exclude_audit_id=exclude_audit_id, warnings=warnings, found=found
        )
        for item_id, exemplars in borrowed.items():
            for counterpart in counterparts(walks, other, item_id, checklist_id):
                if counterpart.relation in TEACHING_RELATIONS:
                    taught.setdefault(counterpart.item_id, []).extend(exemplars)
    return taught


def merge_exemplars(own: dict[str, list[Exemplar]], borrowed: dict[str, list[Exemplar]]) -> dict[str, list[Exemplar]]:
    """*own* with *borrowed* added; a quote already taught for an item from the same policy is
    not counted twice (the rule of :func:`load_exemplars`)."""
    merged = {item_id: list(exemplars) for item_id, exemplars in own.items()}
    for item_id, exemplars in borrowed.items():
        target = merged.setdefault(item_id, [])
        seen = {(e.text, e.policy) for e in target}
        for exemplar in exemplars:
            if (exemplar.text, exemplar.policy) not in seen:
                seen.add((exemplar.text, exemplar.policy))
                target.append(exemplar)
    return merged
