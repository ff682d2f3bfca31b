"""The tuning of the suggestion model, and the constants that are not tuned."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_WEIGHTS", "Weights"]


@dataclass(frozen=True, slots=True)
class Weights:
    """Tuning of the model. Defaults were tuned on half of two labelled corpora and checked on
    the other half (``benchmarks/suggest_quality.py --split tune|check``)."""

    # Item profile: weight of a term by where it appears in the item.
    title: float = 3.0
    title_bigram: float = 3.0
    keyword: float = 2.5
    """A one-word keyword."""
    keyword_bigram: float = 3.0
    keyword_word: float = 1.0
    """Each word of a keyword phrase (the phrase itself counts as its bigrams)."""
    example: float = 1.5
    example_bigram: float = 1.5
    guidance: float = 0.4
    specificity: float = 1.0
    """Exponent of the down-weighting of terms shared by many items."""
    group_specificity: float = 0.5
    """Share of that down-weighting counted by checklist group instead of by item."""
    # Exemplars (clauses tagged in earlier audits).
    exemplar: float = 4.0
    """Weight of exemplar terms added to the profile (scaled by the term's lift)."""
    audits_half: float = 3.0
    audits_power: float = 2.0
    """Exemplars taught by n past audits (of distinct policies) count (n / (n + audits_half))
    ** audits_power of their full weight: one audit nudges (1/16), five teach (0.39), twenty
    teach most (0.76)."""
    exemplar_terms: int = 120
    exemplar_min_share: float = 0.04
    exemplar_cosine: float = 8.0
    """Weight of the cosine with the item's exemplar centroid (a second channel)."""
    exemplar_cosine_terms: int = 300
    exemplar_heading: float = 2.0
    """A clause under a heading like those its item's exemplars were tagged under weighs
    1 + this * cosine (relative to the policy's best such heading): a team's audits teach
    where each item's evidence sits."""
    # The clause side.
    heading: float = 0.8
    """Weight of the clause's section heading (path) terms."""
    lead_in: float = 0.3
    """Share of a lead-in clause's score ("... as follows:") given to the next clause."""
    lead_words: int = 12
    lead_boost: float = 1.5
    """Terms among the first ``lead_words`` words of a clause weigh this much more."""
    repeat_boost: float = 0.3
    """A term repeated n times weighs 1 + this * ln(n)."""
    length_norm: float = 0.35
    policy_idf: float = 0.5
    """How much a term found in most clauses of the policy is damped."""
    competition: float = 1.0
    """A clause scoring r times higher for an item of another group keeps 1/r ** this."""
    group_competition: bool = True
    reference_score: float = 1.5
    """Evidence scoring raw like an item's own (held-out) examples maps to 100 * r / (r + 1)."""
    fuzzy_cutoff: float = 88.0
    """rapidfuzz ratio for mapping an unknown policy word to a profile word."""
    required_damp: float = 0.5
    """What a clause keeps of its raw score for an item whose required words it does not name
    (:mod:`.required`; 1: no such damping)."""


DEFAULT_WEIGHTS = Weights()

# Constants of the model that were not worth tuning (each a judgement, documented here).

EXAMPLE_SHARED = 0.5
"""An example-phrase term weighs EXAMPLE_SHARED + (1 - EXAMPLE_SHARED) * (share of the
item's example phrases that have it): terms common to the examples weigh more."""
MIN_SPECIFICITY = 1e-6
"""Floor of a term's specificity before the item and group shares are mixed (a log of 0)."""
EXEMPLAR_SHARE_FROM = 10
"""With at least this many exemplars, terms in fewer than ``exemplar_min_share`` of them are
dropped as noise; below it every term counts (the share is too coarse)."""
EXEMPLAR_BIGRAM_BONUS = 1.2
"""An exemplar bigram is worth this much more than a word (a phrase is more telling)."""
MAGNITUDE_TERMS = 8
MAGNITUDE_FACTOR = 5.0
"""An item's *magnitude* (the size of a good raw score, scaling the cosine channel) is
MAGNITUDE_FACTOR times the mean of its MAGNITUDE_TERMS heaviest term weights."""
CALIBRATION_EXEMPLARS = 10
"""Exemplars per item scored to calibrate it (the rest form the profile that scores them)."""
FUZZY_FACTOR = 0.8
"""A policy word mapped to a close profile word counts this much of the word itself."""
RARE_SHARE = 2.0
"""Policy-level rarity is ln((n + 1) / count) / ln(n + 1) times this, at most 1: a term in at
most about sqrt(n) clauses of an n-clause policy is not damped at all."""
MIN_CLAUSE_LENGTH = 3
"""Clauses shorter than this (in content words) are length-normalised as if this long."""
HIGHLIGHT_FLOOR = 0.15
"""A clause word is highlighted when its profile weight is at least this share of the
item's heaviest term."""
