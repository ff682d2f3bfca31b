"""Likely gaps: how probable it is that a policy says nothing of an item, and why.

A fixed score threshold means different things on a 12-clause policy and a 400-clause one
(the best of many clauses is higher by chance), and with or without a team's past audits (the
scale moves as exemplars teach the item). So the flag is a probability, from a logistic model
over what the scores show:

* the best score any clause reaches for the item, and its margin over the second best;
* how many past audits taught the item (distinct audits whose evidence is exemplars).

The policy's length was tried as a feature and left out: it acted as a prior (short policies
omit more), so on a 12-clause policy nearly every item was flagged whatever its clauses said.

The coefficients were fitted on the tune halves of GoPPC-150 and OPP-115, cold and with 1, 5
and 20 past audits, each run weighing alike (``benchmarks/suggest_calibrate.py``), and the
threshold was set for precision. An item with tagged evidence or a
decided status is never flagged (the auditor knows better than any score).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["GAP_COEFFICIENTS", "GAP_THRESHOLD", "Gap", "GapInputs", "gap_features", "missing_probability"]

GAP_COEFFICIENTS: tuple[float, ...] = (4.610, -8.491, 1.575, -1.026)
"""Logistic coefficients of :func:`gap_features` (intercept first)."""
GAP_THRESHOLD = 0.7
"""An item is likely missing when its probability of having no evidence reaches this. No
threshold reaches a precision of 0.95 on every tune run with a useful recall: on GoPPC-150 cold
precision stays under 0.85 at any threshold that leaves a recall above 0.15 (0.83 / 0.18 at
0.95; ``benchmarks/suggest_calibrate.py --min-recall``). At 0.7, on the held-out halves, a flag was
right 70 % of the time cold on GoPPC-150 (74 / 85 / 91 % with 1 / 5 / 20 past audits) and
94-100 % on OPP-115, and found a third to a half of the real gaps: a hint for where to look
first, not a finding."""


@dataclass(frozen=True, slots=True)
class Gap:
    """How likely it is that the policy has no evidence for one item."""

    item_id: str
    probability: float
    """0-1: the chance that no clause of the policy evidences the item."""
    likely_missing: bool
    reason: str
    """One line for the auditor: what the flag rests on."""
    best_clause: str | None
    """The best candidate clause (None when no clause shares a term with the item)."""
    best_score: float


@dataclass(frozen=True, slots=True)
class GapInputs:
    """What the scores of one policy show of one item: the model's raw inputs."""

    best: float
    """The best clause's score (0-100)."""
    second: float
    """The second best clause's score (0-100)."""
    audits: int
    """How many past audits (of distinct policies) taught the item."""


def gap_features(inputs: GapInputs) -> tuple[float, ...]:
    """The model's features, intercept first: the best score, its margin over the second and
    how many past audits taught the item."""
    return (
        1.0,
        inputs.best / 100.0,
        (inputs.best - inputs.second) / 100.0,
        math.log1p(inputs.audits) / 3.0,
    )


def missing_probability(features: tuple[float, ...], coefficients: tuple[float, ...] = GAP_COEFFICIENTS) -> float:
    """The logistic of the features' weighted sum (computed without overflow)."""
    z = sum(c * f for c, f in zip(coefficients, features, strict=True))
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)
