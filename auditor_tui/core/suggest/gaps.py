"""Likely gaps: how probable it is that a policy says nothing of an item, and why.

A fixed score threshold means different things on a 12-clause policy and a 400-clause one
(the best of many clauses is higher by chance), and with or without a team's past audits (the
scale moves as exemplars teach the item). So the flag is a probability, from a logistic model
over what the scores show:

* the best score any clause reaches for the item, and its margin over the second best;
* how many past audits taught the item (distinct audits whose evidence is exemplars).

The policy's length was tried as a feature and left out: it acted as a prior (short policies
omit more), so on a 12-clause policy nearly every item was flagged whatever its clauses said.

Items differ widely in how often a policy leaves them out, and in what their scores mean, so
each item of the development checklists has its own intercept, best-score and audits weights
(ridge-penalised towards the shared ones, the penalty chosen by cross-validation, and far more
for an item that few development policies are labelled for, or few left without, so that a
corpus's labelling habit is not learnt as the item's: GoPPC labels 13-2-e in 2 of 72 policies,
and would otherwise teach it to flag over any clause): numbers per item id, no text. They are
used only from the lowest best score the item was fitted on; below it, and for any other item
or checklist (``ccpa-privacy-policy``, a checklist of the user's own), the shared model speaks
(moved so that at the threshold it flags what it flagged before there were per-item weights).

The coefficients were fitted on the tune halves of GoPPC-150 and OPP-115, cold and with 1, 5
and 20 past audits, each run weighing alike (``benchmarks/suggest_calibrate.py``), and the
threshold was set for precision. An item with tagged evidence or a
decided status is never flagged (the auditor knows better than any score).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "GAP_COEFFICIENTS",
    "GAP_ITEM_COEFFICIENTS",
    "GAP_ITEM_TERMS",
    "GAP_THRESHOLD",
    "Gap",
    "GapInputs",
    "gap_coefficients",
    "gap_features",
    "missing_probability",
]

GAP_COEFFICIENTS: tuple[float, ...] = (5.666, -8.493, 1.569, -1.026)
"""Logistic coefficients of :func:`gap_features` (intercept first): the shared model, for an
item without its own."""
GAP_ITEM_TERMS: tuple[int, ...] = (0, 1, 3)
"""The features (indices into :func:`gap_features`) whose weights each item fits its own."""
GAP_ITEM_COEFFICIENTS: dict[str, dict[str, tuple[float, tuple[float, ...]]]] = {
    "gdpr-transparency": {
        "13-1-a": (43.9, (5.229, -11.566, 2.388, -0.812)),
        "13-1-a-representative": (0.7, (8.556, -13.700, 2.388, -0.599)),
        "13-1-b": (6.4, (8.026, -14.527, 2.388, -1.128)),
        "13-1-c-legal-basis": (6.0, (2.425, -9.602, 2.388, 0.857)),
        "13-1-c-purposes": (44.4, (5.929, -12.945, 2.388, -1.555)),
        "13-1-d": (1.5, (3.462, -6.503, 2.388, 0.025)),
        "13-1-e": (23.8, (5.992, -12.999, 2.388, -1.354)),
        "13-1-f": (7.5, (7.344, -13.043, 2.388, -1.370)),
        "13-2-a": (16.7, (10.117, -12.508, 2.388, -2.902)),
        "13-2-b-access": (36.6, (6.385, -14.063, 2.388, 0.224)),
        "13-2-b-erasure": (7.0, (4.776, -8.224, 2.388, 0.291)),
        "13-2-b-objection": (6.6, (4.415, -10.069, 2.388, -0.276)),
        "13-2-b-portability": (4.3, (3.610, -9.565, 2.388, 1.505)),
        "13-2-b-rectification": (3.8, (1.615, -10.129, 2.388, 2.029)),
        "13-2-b-restriction": (1.9, (0.540, -6.705, 2.388, 1.320)),
        "13-2-c": (18.3, (3.792, -8.895, 2.388, -0.237)),
        "13-2-d": (3.5, (5.825, -15.112, 2.388, -0.316)),
        "13-2-e": (14.3, (8.829, -10.920, 2.388, -1.412)),
        "13-2-f": (1.5, (6.768, -9.293, 2.388, -1.922)),
        "14-1-d": (39.1, (5.968, -12.918, 2.388, -1.550)),
        "14-2-f": (42.3, (12.439, -16.527, 2.388, -1.814)),
        "32-security": (18.1, (7.515, -14.174, 2.388, -1.122)),
        "cookies": (27.9, (10.517, -12.755, 2.388, -1.697)),
    },
    "opp115-data-practices": {
        "data-retention": (0.0, (5.444, -8.433, 2.388, -0.378)),
        "data-security": (0.0, (7.865, -15.974, 2.388, 0.705)),
        "do-not-track": (3.2, (13.359, -20.168, 2.388, -1.369)),
        "first-party-collection": (24.6, (5.976, -12.921, 2.388, -1.435)),
        "international-specific-audiences": (9.6, (11.502, -18.897, 2.388, -1.433)),
        "other": (17.8, (5.944, -12.933, 2.388, -1.560)),
        "policy-change": (31.7, (11.203, -17.792, 2.388, -1.552)),
        "third-party-sharing": (44.4, (5.989, -12.912, 2.388, -1.538)),
        "user-access": (2.0, (11.309, -20.235, 2.388, -0.354)),
        "user-choice": (48.6, (9.743, -14.076, 2.388, -1.466)),
    },
}
"""Per checklist id and item id: the lowest best score the item's own coefficients were fitted
on, and those coefficients (the shared ones plus its own intercept, best-score and audits
terms). Below that score, or for an item or checklist not here, :data:`GAP_COEFFICIENTS`."""
GAP_THRESHOLD = 0.87
"""An item is likely missing when its probability of having no evidence reaches this: the
lowest threshold at which every tune run (both corpora; cold, 1, 5 and 20 past audits) reaches a
precision of 0.95. On the held-out halves a flag is right 93-94 % of the time on GoPPC-150 and
97-100 % on OPP-115, and finds about half of the real gaps (GoPPC 0.43-0.48, OPP-115 0.44-0.52):
no threshold gives a recall of 0.90 at a precision above 0.60 on GoPPC or 0.80 on OPP-115
(``benchmarks/suggest_calibrate.py`` prints the curve's points). A hint for where to look
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


def gap_coefficients(checklist_id: str, item_id: str, best: float) -> tuple[float, ...]:
    """The coefficients for the item at this best score: its own, or the shared ones for an
    item (or checklist) without, and below the scores its own were fitted on (a fit is not
    extrapolated where it saw no policy)."""
    floor, own = GAP_ITEM_COEFFICIENTS.get(checklist_id, {}).get(item_id, (0.0, GAP_COEFFICIENTS))
    return own if best >= floor else GAP_COEFFICIENTS
