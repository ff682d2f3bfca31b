"""The result of scoring one policy: all items x all clauses, and what the user sees of it."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from auditor_tui.core.policy import Policy
from auditor_tui.core.suggest.gaps import (
    GAP_THRESHOLD,
    Gap,
    GapInputs,
    item_missing_probability,
)

if TYPE_CHECKING:
    from auditor_tui.core.session import ItemState
    from auditor_tui.core.suggest.engine import Suggester

__all__ = ["Scores", "Suggestion"]


CLOSE_CANDIDATE = 50.0
"""A flagged item's best clause scoring this or more shares much of its wording: the flag then
says to read that clause rather than that nothing speaks of the item."""
UNRAISED = 5.0
"""Past audits that raise a flagged item's best score by less than this found nothing in the
policy like the evidence they tagged: the flag says so (the gap model reads it, :mod:`.gaps`)."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A clause suggested as evidence for an item."""

    clause_id: str
    score: float
    """0-100."""
    matched: tuple[str, ...]
    """Words of the clause that matched the item (case-folded), for highlighting."""


class Scores:
    """All items x all clauses of one policy, 0-100. Made by :meth:`Suggester.score`."""

    def __init__(
        self,
        suggester: Suggester,
        policy: Policy,
        rows: Sequence[Sequence[float]],
        checklist_rows: Sequence[Sequence[float]] | None = None,
    ) -> None:
        """*checklist_rows*: with past audits, the scores of the checklist alone (only their
        two best per item are kept, for the gap model)."""
        self.suggester = suggester
        self.policy = policy
        self.clause_ids: tuple[str, ...] = tuple(c.id for c in policy.clauses)
        self._rows = rows
        self.item_ids: tuple[str, ...] = suggester.item_ids
        self._checklist_top: list[tuple[float, float]] | None = (
            None if checklist_rows is None else [_best_two(row) for row in checklist_rows]
        )

    def _row(self, item_id: str) -> Sequence[float]:
        return self._rows[self.suggester.item_index(item_id)]

    def score(self, item_id: str, clause_id: str) -> float:
        """The score of one clause for one item (0-100)."""
        return self._row(item_id)[self._index_of(clause_id)]

    def _index_of(self, clause_id: str) -> int:
        """The clause's position (the policy's own index: no second map of 10,000 ids)."""
        clause = self.policy.clause(clause_id)
        if clause is None:
            raise KeyError(f"no clause {clause_id!r} in the policy")
        return clause.index

    def best(self, item_id: str) -> float:
        """The highest score any clause reaches for the item."""
        return max(self._row(item_id), default=0.0)

    def for_item(self, item_id: str, top: int = 5, exclude: Iterable[str] = frozenset()) -> list[Suggestion]:
        """The *top* clauses for the item, best first, skipping clause ids in *exclude*."""
        row = self._row(item_id)
        exclude = frozenset(exclude)
        if top <= 0:
            return []
        best = heapq.nlargest(top + len(exclude), range(len(row)), key=row.__getitem__)
        out: list[Suggestion] = []
        for index in best:
            cid = self.clause_ids[index]
            if cid in exclude or row[index] <= 0.0:
                continue
            matched = self.suggester.matched_words(item_id, self.policy.clauses[index])
            out.append(Suggestion(cid, round(row[index], 1), matched))
            if len(out) == top:
                break
        return out

    def likely_missing(self, item_id: str, state: ItemState | None = None) -> bool:
        """True when the policy most probably has no evidence for the item (see :meth:`gap`)."""
        return self.gap(item_id, state).likely_missing

    def gap(self, item_id: str, state: ItemState | None = None) -> Gap:
        """How likely it is that the policy has no evidence for the item, and why.

        With the auditor's *state* of the item: tagged evidence or a decided status means the
        item is never flagged, whatever the scores say.
        """
        top = self._top_two(item_id)
        inputs = self._inputs(item_id, top)
        best = inputs.best
        clause = self.clause_ids[top[0]] if top and best > 0.0 else None
        index = self.suggester.item_index(item_id)
        probability = item_missing_probability(self.suggester.bundled[index], inputs)
        if clause is None:
            candidate = "no clause shares a word with it"
        elif round(best) == 0:  # "best candidate c1, 0" would send the auditor to read nothing
            candidate = "nothing comes close"
        else:
            candidate = f"best candidate {clause}, {best:.0f}"
        if state is not None and any(not tag.orphan for tag in state.tags):
            return Gap(item_id, probability, False, "evidence is tagged", clause, best)
        if state is not None and state.decided:
            return Gap(item_id, probability, False, f"decided: {state.status}", clause, best)
        if probability >= GAP_THRESHOLD:
            title = self.suggester.checklist.items[index].title
            topic = title[:1].lower() + title[1:]
            if clause is not None and best >= CLOSE_CANDIDATE:  # words in common: it may say it all the same
                reason = f"no clause clearly speaks of {topic}; closest {clause}, {best:.0f}: read it before you decide"
            else:
                reason = f"no clause speaks of {topic}; {candidate}"
            if inputs.audits and inputs.best - inputs.checklist_best < UNRAISED:
                audits = "1 past audit" if inputs.audits == 1 else f"{inputs.audits} past audits"
                reason += f"; no clause is like the evidence tagged in {audits}"
            return Gap(item_id, probability, True, reason, clause, best)
        return Gap(item_id, probability, False, candidate, clause, best)

    def gap_inputs(self, item_id: str) -> GapInputs:
        """What the gap model reads for the item (see :mod:`.gaps`)."""
        return self._inputs(item_id, self._top_two(item_id))

    def _top_two(self, item_id: str) -> list[int]:
        """The positions of the item's two best clauses (fewer in a shorter policy)."""
        row = self._row(item_id)
        return heapq.nlargest(2, range(len(row)), key=row.__getitem__)

    def _inputs(self, item_id: str, top: list[int]) -> GapInputs:
        row = self._row(item_id)
        best = row[top[0]] if top else 0.0
        second = row[top[1]] if len(top) > 1 else 0.0
        checklist_best, checklist_second = (
            (best, second) if self._checklist_top is None else self._checklist_top[self.suggester.item_index(item_id)]
        )
        return GapInputs(
            best=best,
            second=second,
            audits=self.suggester.audit_counts.get(item_id, 0),
            checklist_best=checklist_best,
            checklist_second=checklist_second,
        )

    def for_clause(self, clause_id: str, top: int = 3) -> list[tuple[str, float]]:
        """The *top* items this clause probably evidences: (item id, score), best first."""
        index = self._index_of(clause_id)
        column = [(item_id, row[index]) for item_id, row in zip(self.item_ids, self._rows, strict=False)]
        ranked = heapq.nlargest(top, column, key=lambda pair: pair[1])
        return [(item_id, round(score, 1)) for item_id, score in ranked if score > 0.0]


def _best_two(row: Sequence[float]) -> tuple[float, float]:
    """The two highest scores of a row (0 where the policy has fewer clauses)."""
    two = heapq.nlargest(2, row)
    return (two[0] if two else 0.0, two[1] if len(two) > 1 else 0.0)
