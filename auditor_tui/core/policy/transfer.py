"""A policy as a few flat values, to hand it from one process to another cheaply.

Pickling a :class:`Policy` pickles each of its clause and section objects, and loading 10,000
clauses that way costs about as much as reading the policy again. Here the normalised text
goes once and each clause as its offsets (its text is sliced back out of the policy's text:
``policy.text[clause.start:clause.end] == clause.text``), so rebuilding is a fraction of it.
Used by :func:`auditor_tui.core.source.open_policy_ahead`.
"""

from __future__ import annotations

from pathlib import Path

from auditor_tui.core.policy.model import Clause, Policy, Section

PolicyParts = tuple[
    str,  # the normalised text
    list[tuple[str, str, int, tuple[str, ...], int, int]],  # sections: id, title, level, path, start, end
    str,  # the clause ids, one per line
    list[tuple[int, int, int, int]],  # clauses: start, end, section index (-1: none), page (0: none)
    dict[int, str],  # the text of any clause that is not its slice of the policy's text
    str,  # format
    str | None,  # path
    tuple[str, ...],  # warnings
]


def policy_parts(policy: Policy) -> PolicyParts:
    """*policy* as flat values (see :func:`policy_from_parts`)."""
    position = {id(section): index for index, section in enumerate(policy.sections)}
    text = policy.text
    clauses = [
        (c.start, c.end, position[id(c.section)] if c.section is not None else -1, c.page or 0) for c in policy.clauses
    ]
    unsliced = {c.index: c.text for c in policy.clauses if text[c.start : c.end] != c.text}
    return (
        text,
        [(s.id, s.title, s.level, s.path, s.start, s.end) for s in policy.sections],
        "\n".join(c.id for c in policy.clauses),
        clauses,
        unsliced,
        policy.format,
        str(policy.path) if policy.path is not None else None,
        policy.warnings,
    )


def policy_from_parts(parts: PolicyParts) -> Policy:
    """The policy :func:`policy_parts` was given, equal to it field for field."""
    text, section_parts, ids, clause_parts, unsliced, fmt, path, warnings = parts
    sections = tuple(Section(*fields) for fields in section_parts)
    clauses = tuple(
        Clause(
            clause_id,
            index,
            unsliced[index] if index in unsliced else text[start:end],
            start,
            end,
            sections[section] if section >= 0 else None,
            page or None,
        )
        for index, (clause_id, (start, end, section, page)) in enumerate(
            zip(ids.split("\n") if ids else [], clause_parts, strict=True)
        )
    )
    return Policy(
        text=text,
        sections=sections,
        clauses=clauses,
        format=fmt,
        path=Path(path) if path is not None else None,
        warnings=warnings,
    )
