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

GAP_COEFFICIENTS: tuple[float, ...] = (7.828, -13.898, -0.723, -0.399)
"""Logistic coefficients of :func:`gap_features` (intercept first): the shared model, for an
item without its own."""
GAP_ITEM_TERMS: tuple[int, ...] = (0, 1, 3)
"""The features (indices into :func:`gap_features`) whose weights each item fits its own."""
GAP_ITEM_COEFFICIENTS: dict[str, dict[str, tuple[float, tuple[float, ...]]]] = {
    "gdpr-transparency": {
        "13-1-a": (43.9, (8.254, -18.653, 0.389, -0.601)),
        "13-1-a-representative": (0.3, (7.462, -14.025, 0.389, -0.604)),
        "13-1-b": (3.3, (8.344, -20.528, 0.389, -1.652)),
        "13-1-c-legal-basis": (6.0, (7.955, -20.915, 0.389, 2.273)),
        "13-1-c-purposes": (44.4, (8.255, -18.651, 0.389, -0.596)),
        "13-1-d": (0.7, (7.769, -19.959, 0.389, 0.533)),
        "13-1-e": (23.8, (8.500, -18.531, 0.389, -0.395)),
        "13-1-f": (7.5, (10.662, -18.465, 0.389, -1.941)),
        "13-2-a": (16.7, (9.301, -13.961, 0.389, -3.916)),
        "13-2-b-access": (36.6, (8.508, -19.120, 0.389, 0.407)),
        "13-2-b-erasure": (7.0, (10.368, -22.189, 0.389, 1.981)),
        "13-2-b-objection": (6.6, (8.997, -22.732, 0.389, -0.208)),
        "13-2-b-portability": (4.3, (6.424, -16.588, 0.389, 2.696)),
        "13-2-b-rectification": (3.8, (3.454, -14.194, 0.389, 3.066)),
        "13-2-b-restriction": (1.9, (8.178, -20.893, 0.389, 3.753)),
        "13-2-c": (18.3, (8.872, -17.717, 0.389, -0.347)),
        "13-2-d": (1.8, (6.907, -20.131, 0.389, -0.193)),
        "13-2-e": (14.3, (4.521, -8.733, 0.389, -0.907)),
        "13-2-f": (0.7, (10.470, -21.441, 0.389, -0.647)),
        "14-1-d": (39.1, (8.253, -18.652, 0.389, -0.597)),
        "14-2-f": (42.3, (11.848, -17.457, 0.389, -1.816)),
        "32-security": (18.1, (8.862, -17.402, 0.389, -1.335)),
        "cookies": (27.9, (10.404, -18.408, 0.389, -1.199)),
    },
    "opp115-data-practices": {
        "data-retention": (0.0, (6.569, -10.567, 0.389, -0.712)),
        "data-security": (0.0, (9.289, -19.699, 0.389, 1.168)),
        "do-not-track": (1.6, (12.978, -22.483, 0.389, -1.637)),
        "first-party-collection": (24.6, (8.614, -18.364, 0.389, -0.441)),
        "international-specific-audiences": (9.6, (13.360, -21.857, 0.389, -1.653)),
        "other": (17.8, (8.235, -18.661, 0.389, -0.606)),
        "policy-change": (31.7, (11.378, -18.097, 0.389, -1.578)),
        "third-party-sharing": (44.4, (8.283, -18.637, 0.389, -0.582)),
        "user-access": (2.0, (11.184, -20.903, 0.389, -0.335)),
        "user-choice": (48.6, (9.043, -18.175, 0.389, -0.324)),
    },
}
"""Per checklist id and item id: the lowest best score the item's own coefficients were fitted
on, and those coefficients (the shared ones plus its own intercept, best-score and audits
terms). Below that score, or for an item or checklist not here, :data:`GAP_COEFFICIENTS`."""
GAP_THRESHOLD = 0.87
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
