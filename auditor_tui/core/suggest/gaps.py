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
and 20 past audits, each run weighing alike (``benchmarks/suggest_calibrate.py
--fit-reading``), on the labels as read: where a reading of the policy disagreed with the
corpus's labels (one of the item's three best clauses states it although the item is
unlabelled, or the segments labelled with it do not state it), the reading counts
(``benchmarks/gap_reading.json``, policy ids only). Fitted to the raw labels, an item's own
weights learnt the corpus's habits rather than what its clauses say: GoPPC leaves cookies
unlabelled in 29 of 72 tune policies whose best cookie clause scores 87, and marks restriction
on segments that only offer an unsubscribe link, so cookies were flagged over a cookie clause
scoring 70 and restriction went unflagged where no clause shares a word with it. The threshold
was set for precision. An item with tagged evidence or a decided status is never flagged (the
auditor knows better than any score).
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

GAP_COEFFICIENTS: tuple[float, ...] = (7.956, -14.209, 0.409, -0.598)
"""Logistic coefficients of :func:`gap_features` (intercept first): the shared model, for an
item without its own."""
GAP_ITEM_TERMS: tuple[int, ...] = (0, 1, 3)
"""The features (indices into :func:`gap_features`) whose weights each item fits its own."""
GAP_ITEM_COEFFICIENTS: dict[str, dict[str, tuple[float, tuple[float, ...]]]] = {
    "gdpr-transparency": {
        "13-1-a": (43.9, (8.378, -18.875, 0.833, -0.618)),
        "13-1-a-representative": (0.7, (9.839, -16.648, 0.833, -0.065)),
        "13-1-b": (6.4, (8.614, -17.174, 0.833, -1.401)),
        "13-1-c-legal-basis": (6.0, (7.983, -21.071, 0.833, 2.287)),
        "13-1-c-purposes": (44.4, (8.380, -18.873, 0.833, -0.613)),
        "13-1-d": (1.5, (10.638, -21.788, 0.833, 0.603)),
        "13-1-e": (23.8, (8.617, -18.755, 0.833, -0.414)),
        "13-1-f": (7.5, (10.640, -18.578, 0.833, -1.931)),
        "13-2-a": (16.7, (9.311, -14.081, 0.833, -3.939)),
        "13-2-b-access": (36.6, (8.586, -19.325, 0.833, 0.406)),
        "13-2-b-erasure": (7.0, (10.395, -22.352, 0.833, 2.016)),
        "13-2-b-objection": (6.6, (9.031, -22.949, 0.833, -0.184)),
        "13-2-b-portability": (4.3, (6.447, -16.830, 0.833, 2.766)),
        "13-2-b-rectification": (3.8, (3.471, -14.358, 0.833, 3.110)),
        "13-2-b-restriction": (1.9, (8.202, -21.100, 0.833, 3.819)),
        "13-2-c": (18.3, (8.894, -17.880, 0.833, -0.312)),
        "13-2-d": (3.5, (6.913, -18.915, 0.833, -0.010)),
        "13-2-e": (14.3, (4.578, -8.933, 0.833, -0.917)),
        "13-2-f": (1.5, (10.705, -21.924, 0.833, -0.354)),
        "14-1-d": (39.1, (8.378, -18.874, 0.833, -0.614)),
        "14-2-f": (42.3, (11.902, -17.552, 0.833, -1.834)),
        "32-security": (18.1, (8.940, -17.626, 0.833, -1.353)),
        "cookies": (27.9, (10.477, -18.603, 0.833, -1.225)),
    },
    "opp115-data-practices": {
        "data-retention": (0.0, (6.616, -10.721, 0.833, -0.711)),
        "data-security": (0.0, (9.331, -19.906, 0.833, 1.192)),
        "do-not-track": (3.2, (15.118, -22.501, 0.833, -1.433)),
        "first-party-collection": (24.6, (8.741, -18.584, 0.833, -0.457)),
        "international-specific-audiences": (9.6, (13.423, -22.015, 0.833, -1.669)),
        "other": (17.8, (8.359, -18.883, 0.833, -0.624)),
        "policy-change": (31.7, (11.434, -18.245, 0.833, -1.604)),
        "third-party-sharing": (44.4, (8.408, -18.859, 0.833, -0.599)),
        "user-access": (2.0, (11.252, -21.090, 0.833, -0.333)),
        "user-choice": (48.6, (9.165, -18.398, 0.833, -0.343)),
    },
}
"""Per checklist id and item id: the lowest best score the item's own coefficients were fitted
on, and those coefficients (the shared ones plus its own intercept, best-score and audits
terms). Below that score, or for an item or checklist not here, :data:`GAP_COEFFICIENTS`."""
GAP_THRESHOLD = 0.84
"""An item is likely missing when its probability of having no evidence reaches this: the
lowest threshold at which every tune run (both corpora, labels as read; cold, 1, 5 and 20 past
audits) reaches a precision of 0.95. On the held-out halves, against the labels as read, a flag
is right 93-96 % of the time on GoPPC-150 and 91-97 % on OPP-115, and finds 52-62 % and 45-65 %
of the real gaps; at a recall of 0.90 precision is 0.70-0.81 (``benchmarks/suggest_calibrate.py``
prints the curve's points). A hint for where to look first, not a finding."""


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
