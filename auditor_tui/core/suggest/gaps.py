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
A bundled item copied unchanged into another checklist keeps its own (:mod:`.bundled`).

The coefficients were fitted on the tune halves of GoPPC-150 and OPP-115, cold and with 1, 5
and 20 past audits, each run weighing alike (``benchmarks/suggest_calibrate.py
--fit-reading``), on the labels as read: where a reading of the policy disagreed with the
corpus's labels (one of the item's three best clauses states it although the item is
unlabelled, or the segments labelled with it do not state it), the reading counts
(``benchmarks/gap_reading.json``, policy ids only). Fitted to the raw labels, an item's own
weights learnt the corpus's habits rather than what its clauses say: GoPPC leaves cookies
unlabelled in 29 of 72 tune policies whose best cookie clause scores 87, and marks restriction
on segments that only offer an unsubscribe link, so cookies were flagged over a cookie clause
scoring 70 and restriction went unflagged where no clause shares a word with it. The scores it
reads are those of the engine with its required words (:mod:`.required`; fitted before the
words of ``13-2-e`` were narrowed and those of ``13-1-b`` widened: that flags more real gaps of
``13-2-e`` at the same precision, where a refit gave the recall back). The threshold was set
for precision. An item with tagged evidence or a decided status is never flagged (the auditor
knows better than any score).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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
    "missing_probability",
]

GAP_COEFFICIENTS: tuple[float, ...] = (7.434, -13.988, -0.371, -0.290)
"""Logistic coefficients of :func:`gap_features` (intercept first): the shared model, for an
item without its own."""
GAP_ITEM_TERMS: tuple[int, ...] = (0, 1, 3)
"""The features (indices into :func:`gap_features`) whose weights each item fits its own."""
GAP_ITEM_COEFFICIENTS: dict[str, dict[str, tuple[float, tuple[float, ...]]]] = {
    "gdpr-transparency": {
        "13-1-a": (43.9, (8.128, -18.390, 0.065, -0.607)),
        "13-1-a-representative": (0.3, (7.422, -13.783, 0.065, -0.597)),
        "13-1-b": (3.3, (8.311, -20.330, 0.065, -1.638)),
        "13-1-c-legal-basis": (6.0, (7.913, -20.750, 0.065, 2.256)),
        "13-1-c-purposes": (44.4, (8.129, -18.388, 0.065, -0.603)),
        "13-1-d": (0.7, (7.734, -19.760, 0.065, 0.516)),
        "13-1-e": (23.8, (8.376, -18.269, 0.065, -0.400)),
        "13-1-f": (7.5, (10.655, -18.349, 0.065, -1.944)),
        "13-2-a": (16.6, (8.585, -13.169, 0.065, -3.774)),
        "13-2-b-access": (36.6, (8.410, -18.886, 0.065, 0.399)),
        "13-2-b-erasure": (7.0, (10.317, -22.012, 0.065, 1.951)),
        "13-2-b-objection": (6.6, (8.949, -22.521, 0.065, -0.225)),
        "13-2-b-portability": (4.3, (6.395, -16.385, 0.065, 2.640)),
        "13-2-b-rectification": (3.8, (3.431, -14.041, 0.065, 3.025)),
        "13-2-b-restriction": (1.9, (8.144, -20.703, 0.065, 3.698)),
        "13-2-c": (18.3, (8.826, -17.546, 0.065, -0.373)),
        "13-2-d": (1.8, (6.868, -19.899, 0.065, -0.197)),
        "13-2-e": (7.8, (3.800, -7.873, 0.065, -1.674)),
        "13-2-f": (0.7, (10.405, -21.187, 0.065, -0.635)),
        "14-1-d": (39.1, (8.126, -18.389, 0.065, -0.604)),
        "14-2-f": (42.3, (11.773, -17.342, 0.065, -1.800)),
        "32-security": (18.1, (8.769, -17.172, 0.065, -1.319)),
        "cookies": (27.9, (10.307, -18.189, 0.065, -1.189)),
    },
    "opp115-data-practices": {
        "data-retention": (0.0, (6.165, -10.057, 0.065, -1.038)),
        "data-security": (0.0, (9.226, -19.481, 0.065, 1.141)),
        "do-not-track": (1.6, (12.885, -22.203, 0.065, -1.623)),
        "first-party-collection": (24.6, (8.480, -18.107, 0.065, -0.450)),
        "international-specific-audiences": (5.0, (12.615, -21.812, 0.065, -1.672)),
        "other": (17.8, (8.110, -18.398, 0.065, -0.612)),
        "policy-change": (18.8, (10.468, -17.025, 0.065, -1.712)),
        "third-party-sharing": (44.4, (8.157, -18.375, 0.065, -0.589)),
        "user-access": (2.0, (11.106, -20.716, 0.065, -0.338)),
        "user-choice": (48.6, (8.915, -17.915, 0.065, -0.330)),
    },
}
"""Per checklist id and item id: the lowest best score the item's own coefficients were fitted
on, and those coefficients (the shared ones plus its own intercept, best-score and audits
terms). Below that score, or for an item or checklist not here, :data:`GAP_COEFFICIENTS`."""
GAP_THRESHOLD = 0.84
"""An item is likely missing when its probability of having no evidence reaches this: the
lowest threshold at which every tune run (both corpora, labels as read; cold, 1, 5 and 20 past
audits) reaches a precision of 0.95 (re-chosen by that rule, 0.87 -> 0.84, when a word of
``13-1-b`` removed false flags of the tune half; the shared model's intercept moved with it, so
that it flags what it flagged before). On the held-out halves, against the labels as read, a
flag is right 94-96 % of the time on GoPPC-150 and 96-99 % on OPP-115, and finds 59-67 % and
63-75 % of the real gaps; at a recall of 0.90 precision is 0.79-0.89
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
    if key is None:
        return shared
    floor, own = per_item.get(key[0], {}).get(key[1], (0.0, shared))
    return own if best >= floor else shared
