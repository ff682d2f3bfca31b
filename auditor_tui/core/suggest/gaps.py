"""Likely gaps: how probable it is that a policy says nothing of an item, and why.

A fixed score threshold means different things on a 12-clause policy and a 400-clause one
(the best of many clauses is higher by chance), and with or without a team's past audits (the
scale moves as exemplars teach the item). So the flag is a probability, from a logistic model
over what the scores show:

* the best score any clause reaches for the item by the checklist alone, and its margin over
  the second best;
* how many past audits taught the item (distinct audits whose evidence is exemplars);
* how far the past audits raised the item's best score. Exemplars bring their own words, and
  an absent item's nearest clauses share some of them too: read as the best score itself, the
  rise made an absent item look present, so the flag found fewer gaps the more audits there
  were (on the held-out halves, 67 % of GoPPC-150's gaps cold and 59 % with 20 audits). Read
  apart, it is weighed for what it shows, and the scores the checklist alone gives keep their
  meaning (the engine scores the policy with and without the audits in one pass over its
  clauses).

The policy's length was tried as a feature and left out: it acted as a prior (short policies
omit more), so on a 12-clause policy nearly every item was flagged whatever its clauses said.

Items differ widely in how often a policy leaves them out, and in what their scores mean, so
each item of the development checklists has its own intercept, best-score and audits weights
(ridge-penalised towards the shared ones, the penalty chosen by cross-validation, and far more
for an item that few development policies are labelled for, or few left without, so that a
corpus's labelling habit is not learnt as the item's: GoPPC labels 13-2-e in 2 of 72 policies,
and would otherwise teach it to flag over any clause): numbers per item id, no text. They are
used only from the lowest best score (the checklist's own) the item was fitted on; below it,
and for any other item or checklist (``ccpa-privacy-policy``, a checklist of the user's own),
the shared model speaks (moved so that at the threshold it flags what it flagged before there
were per-item weights), though never making the item less likely missing than the same scores
at the floor would (:func:`item_missing_probability`: a lower score never makes a gap less
likely). A bundled item copied unchanged into another checklist keeps its own
(:mod:`.bundled`).

The coefficients were fitted on the tune halves of GoPPC-150 and OPP-115, cold and with 1, 5
and 20 past audits, each run weighing alike (``benchmarks/suggest_calibrate.py
--fit-reading``), on the labels as read: where a reading of the policy disagreed with the
corpus's labels (one of the item's three best clauses states it although the item is
unlabelled, or the segments labelled with it do not state it), the reading counts
(``benchmarks/gap_reading.json``, policy ids only). Fitted to the raw labels, an item's own
weights learnt the corpus's habits rather than what its clauses say: GoPPC leaves cookies
unlabelled in 29 of 72 tune policies whose best cookie clause scores 87, and marks restriction
on segments that only offer an unsubscribe link, so cookies were flagged over a cookie clause
scoring 70 and restriction went unflagged where no clause shares a word with it. It was fitted
on the engine's scores with its required words (:mod:`.required`) as they were before the last
narrowings (``13-2-e``, the representative, the supervisory authority, the DPO's role, OPP-115's
policy change) and before portability, rectification and restriction had required words
(README, eleventh pass), which flag as well or better without a refit (a refit moved along the
same curve, below precision 0.95 held out: README, ninth pass). The threshold was set for precision, and then the audits' weight: the likelihood fit left the flag more cautious
with past audits than precision asks (held out, right 97 % of the time with 20 audits against
95 % cold, and finding fewer gaps), so the weight moved by the largest step (+0.75, in steps
of 0.25) at which every tune run still reaches precision 0.95 at the threshold. At the same
scores, then, twenty audits whose exemplars raised no clause of the policy make a gap more
likely, not less. An item with tagged evidence or a decided status is never flagged (the auditor
knows better than any score).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from auditor_tui.core.suggest.bundled import BundledKey

__all__ = [
    "GAP_COEFFICIENTS",
    "GAP_ITEM_COEFFICIENTS",
    "GAP_ITEM_TERMS",
    "GAP_THRESHOLD",
    "Gap",
    "GapInputs",
    "gap_coefficients",
    "gap_features",
    "item_missing_probability",
    "missing_probability",
]

GAP_COEFFICIENTS: tuple[float, ...] = (7.510, -14.111, -0.444, 0.525, -8.670)
"""Logistic coefficients of :func:`gap_features` (intercept first): the shared model, for an
item without its own."""
GAP_ITEM_TERMS: tuple[int, ...] = (0, 1, 3)
"""The features (indices into :func:`gap_features`) whose weights each item fits its own."""
GAP_ITEM_COEFFICIENTS: dict[str, dict[str, tuple[float, tuple[float, ...]]]] = {
    "gdpr-transparency": {
        "13-1-a": (52.7, (8.457, -18.931, 0.145, 0.507, -7.024)),
        "13-1-a-representative": (0.4, (7.682, -14.271, 0.145, 0.137, -7.024)),
        "13-1-b": (3.8, (7.685, -19.930, 0.145, 0.861, -7.024)),
        "13-1-c-legal-basis": (6.0, (8.572, -22.475, 0.145, 1.491, -7.024)),
        "13-1-c-purposes": (44.4, (8.449, -18.932, 0.145, 0.502, -7.024)),
        "13-1-d": (0.7, (7.324, -18.759, 0.145, 0.761, -7.024)),
        "13-1-e": (23.8, (8.491, -18.960, 0.145, 0.558, -7.024)),
        "13-1-f": (8.8, (10.098, -17.717, 0.145, -0.073, -7.024)),
        "13-2-a": (30.7, (9.879, -14.689, 0.145, -1.390, -7.024)),
        "13-2-b-access": (36.6, (8.748, -19.625, 0.145, 1.007, -7.024)),
        "13-2-b-erasure": (8.5, (10.886, -23.446, 0.145, 1.178, -7.024)),
        "13-2-b-objection": (6.9, (10.709, -26.823, 0.145, 0.767, -7.024)),
        "13-2-b-portability": (4.3, (6.484, -17.060, 0.145, 1.940, -7.024)),
        "13-2-b-rectification": (3.8, (3.423, -14.420, 0.145, 2.325, -7.024)),
        "13-2-b-restriction": (1.9, (8.495, -21.483, 0.145, 2.020, -7.024)),
        "13-2-c": (18.3, (8.146, -16.597, 0.145, 0.749, -7.024)),
        "13-2-d": (1.7, (6.824, -20.565, 0.145, 0.618, -7.024)),
        "13-2-e": (12.8, (4.253, -9.317, 0.145, -0.361, -7.024)),
        "13-2-f": (0.9, (10.600, -21.276, 0.145, 1.450, -7.024)),
        "14-1-d": (39.1, (8.446, -18.933, 0.145, 0.501, -7.024)),
        "14-2-f": (58.7, (12.828, -18.739, 0.145, 0.122, -7.024)),
        "32-security": (18.1, (8.954, -18.066, 0.145, 0.212, -7.024)),
        "cookies": (43.6, (10.787, -18.570, 0.145, 0.496, -7.024)),
    },
    "opp115-data-practices": {
        "data-retention": (0.0, (7.405, -12.191, 0.145, -0.001, -7.024)),
        "data-security": (0.0, (8.802, -19.716, 0.145, 1.186, -7.024)),
        "do-not-track": (2.5, (13.156, -22.815, 0.145, 0.358, -7.024)),
        "first-party-collection": (25.8, (8.792, -18.648, 0.145, 0.648, -7.024)),
        "international-specific-audiences": (5.0, (12.697, -22.197, 0.145, 0.467, -7.024)),
        "other": (17.8, (8.429, -18.941, 0.145, 0.493, -7.024)),
        "policy-change": (27.5, (10.125, -16.585, 0.145, -0.037, -7.024)),
        "third-party-sharing": (46.1, (8.475, -18.920, 0.145, 0.516, -7.024)),
        "user-access": (2.0, (9.988, -18.823, 0.145, 0.702, -7.024)),
        "user-choice": (60.8, (9.401, -18.319, 0.145, 0.901, -7.024)),
    },
}
"""Per checklist id and item id: the lowest best score the item's own coefficients were fitted
on, and those coefficients (the shared ones plus its own intercept, best-score and audits
terms). Below that score, or for an item or checklist not here, :data:`GAP_COEFFICIENTS`."""
GAP_THRESHOLD = 0.85
"""An item is likely missing when its probability of having no evidence reaches this: the
lowest threshold at which every tune run (both corpora, labels as read; cold, 1, 5 and 20 past
audits) reaches a precision of 0.95. On the held-out halves, against the labels as read, a flag
is right 94-95 % of the time on GoPPC-150 and 95-96 % on OPP-115, and finds 72-77 % of
GoPPC-150's real gaps and 71-76 % of OPP-115's; at a recall of 0.90 precision is 0.82-0.91
(``benchmarks/suggest_calibrate.py`` prints the curve's points). A hint for where to look first, not a finding."""


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
    checklist_best: float
    """The best clause's score by the checklist alone, without the past audits (0-100; the
    best score when no past audit taught the checklist)."""
    checklist_second: float
    """The second best clause's score by the checklist alone."""


def gap_features(inputs: GapInputs) -> tuple[float, ...]:
    """The model's features, intercept first: the checklist's own best score and its margin
    over the second, how many past audits taught the item, and how far they raised its best
    score."""
    return (
        1.0,
        inputs.checklist_best / 100.0,
        (inputs.checklist_best - inputs.checklist_second) / 100.0,
        math.log1p(inputs.audits) / 3.0,
        (inputs.best - inputs.checklist_best) / 100.0,
    )


def missing_probability(features: tuple[float, ...], coefficients: tuple[float, ...] = GAP_COEFFICIENTS) -> float:
    """The logistic of the features' weighted sum (computed without overflow)."""
    z = sum(c * f for c, f in zip(coefficients, features, strict=True))
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def gap_coefficients(
    key: BundledKey | None,
    best: float,
    shared: tuple[float, ...] = GAP_COEFFICIENTS,
    per_item: dict[str, dict[str, tuple[float, tuple[float, ...]]]] = GAP_ITEM_COEFFICIENTS,
) -> tuple[float, ...]:
    """The coefficients for the item (*key*: the bundled item it is, or None) at this best
    score: its own, or the shared ones for an item without, and below the scores its own were
    fitted on (a fit is not extrapolated where it saw no policy). *shared* and *per_item* are
    the model's (the calibration script passes the one it is fitting)."""
    floor, own = _item_weights(key, shared, per_item)
    return own if best >= floor else shared


def _item_weights(
    key: BundledKey | None, shared: tuple[float, ...], per_item: dict[str, dict[str, tuple[float, tuple[float, ...]]]]
) -> tuple[float, tuple[float, ...]]:
    """The lowest best score the item's own coefficients were fitted on, and those coefficients
    (the shared ones, from 0, for an item without)."""
    if key is None:
        return 0.0, shared
    return per_item.get(key[0], {}).get(key[1], (0.0, shared))


def item_missing_probability(
    key: BundledKey | None,
    inputs: GapInputs,
    shared: tuple[float, ...] = GAP_COEFFICIENTS,
    per_item: dict[str, dict[str, tuple[float, tuple[float, ...]]]] = GAP_ITEM_COEFFICIENTS,
) -> float:
    """How likely it is that the policy has no evidence for the item (*key*: the bundled item
    it is, or None), by :func:`gap_coefficients`. Below the scores an item's own weights were
    fitted on, the shared model speaks, but the item is never less likely missing there than
    with the same scores raised to that floor: a lower score never makes a gap less likely
    (the shared model is, for most items, the more cautious one, and a clause's score falling
    below an item's floor had turned a flag off)."""
    floor, own = _item_weights(key, shared, per_item)
    if inputs.checklist_best >= floor:
        return missing_probability(gap_features(inputs), own)
    probability = missing_probability(gap_features(inputs), shared)
    lift = floor - inputs.checklist_best
    at_floor = replace(
        inputs,
        best=inputs.best + lift,
        second=inputs.second + lift,
        checklist_best=floor,
        checklist_second=inputs.checklist_second + lift,
    )
    return max(probability, missing_probability(gap_features(at_floor), own))
