"""Item profiles: a weight per term for each checklist item, and what exemplars add to them.

A profile is built from the item's title, keywords, example phrases and guidance; terms that
many items share weigh less (counted partly per checklist group, so "right" still tells the
rights apart from the rest), and a keyword's short form ("DPO" for "data protection officer")
weighs as the phrase it spells. Exemplars (clauses tagged in earlier audits) add their distinctive
terms, and give two more channels: the cosine with their tf-idf centroid, and the cosine of a
clause's section heading with the headings they were tagged under.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from auditor_tui.core.checklist import Checklist, Item
from auditor_tui.core.suggest.terms import SIGNS, stems, terms_of, with_bigrams
from auditor_tui.core.suggest.weights import (
    EXAMPLE_SHARED,
    EXEMPLAR_BIGRAM_BONUS,
    EXEMPLAR_SHARE_FROM,
    MAGNITUDE_FACTOR,
    MAGNITUDE_TERMS,
    MIN_SPECIFICITY,
    Weights,
)

__all__ = ["Centroids", "Profile", "build_profiles", "centroid_postings", "exemplar_centroids", "heading_centroids"]

Postings = dict[str, list[tuple[int, float]]]
"""Term -> [(item index, weight)]."""


@dataclass(slots=True)
class Profile:
    item: Item
    weights: dict[str, float] = field(default_factory=dict)
    scale: float = 1.0
    """Raw score that maps to 50."""
    magnitude: float = 1.0
    """MAGNITUDE_FACTOR times the mean of the heaviest weights: the size of a good raw score."""


def _item_terms(item: Item, w: Weights) -> dict[str, float]:
    """The raw weight of each term of one item, by where in the item it appears."""
    weights: defaultdict[str, float] = defaultdict(float)

    def add(terms: Iterable[str], uni: float, bi: float) -> None:
        for term in set(terms):
            weights[term] += bi if " " in term else uni

    add(with_bigrams(stems(item.title)), w.title, w.title_bigram)
    for keyword in item.keywords:
        if keyword in SIGNS:
            # A pattern sign named as a keyword ("<contact>"): the item is evidenced by text of
            # that shape (a contact block, an address) whatever its words.
            weights[keyword] += w.keyword
            continue
        found = stems(keyword)
        if len(found) == 1:
            weights[found[0]] += w.keyword
        elif found:
            add(with_bigrams(found), w.keyword_word, w.keyword_bigram)
    if item.examples:
        share: Counter[str] = Counter()
        for example in item.examples:
            share.update(terms_of(example))
        n = len(item.examples)
        for term, count in share.items():
            base = w.example_bigram if " " in term else w.example
            weights[term] += base * (EXAMPLE_SHARED + (1.0 - EXAMPLE_SHARED) * count / n)
    add(stems(item.guidance), w.guidance, 0.0)
    return weights


def short_forms(item: Item) -> dict[str, str]:
    """The item's keywords written in capitals ("DPO") that spell the initials of another of
    its keywords ("data protection officer"): the short form's stem -> that keyword."""
    initials: dict[str, str] = {}
    for keyword in item.keywords:
        words = [w for w in re.split(r"[\s-]+", keyword) if w[:1].isalpha()]
        if len(words) > 1:
            initials.setdefault("".join(w[0] for w in words).casefold(), keyword)
    out: dict[str, str] = {}
    for keyword in item.keywords:
        short = keyword.removesuffix("s")
        if 2 <= len(short) <= 5 and short.isalpha() and short.isupper() and short.casefold() in initials:
            found = stems(keyword)
            if len(found) == 1:
                out[found[0]] = initials[short.casefold()]
    return out


def _specificity(checklist: Checklist, raw: list[dict[str, float]], w: Weights) -> dict[str, float]:
    """Per term, 0-1: how much it tells one item (or one group) from the others."""
    n_items = len(raw)
    df: Counter[str] = Counter()
    for weights in raw:
        df.update(weights.keys())
    spec = {
        term: (math.log((n_items + 1) / (count + 0.5)) / math.log((n_items + 1) / 1.5)) ** w.specificity
        for term, count in df.items()
    }
    # ... but a term shared by the items of one group (e.g. "right" in "Your rights")
    # still tells that group from the others.
    groups = [item.group for item in checklist.items]
    n_groups = len(set(groups))
    beta = w.group_specificity
    if beta and n_groups > 2:
        in_groups: dict[str, set[str]] = {}
        for group, weights in zip(groups, raw, strict=False):
            for term in weights:
                in_groups.setdefault(term, set()).add(group)
        norm = math.log((n_groups + 1) / 1.5)
        for term, found in in_groups.items():
            by_group = max(0.0, math.log((n_groups + 1) / (len(found) + 0.5)) / norm)
            spec[term] = max(spec[term], MIN_SPECIFICITY) ** (1 - beta) * max(by_group, MIN_SPECIFICITY) ** beta
    return spec


def build_profiles(
    checklist: Checklist,
    w: Weights,
    exemplars: Mapping[int, list[str]],
    confidence: Mapping[int, float],
    terms_of_text: Callable[[str], set[str]],
) -> list[Profile]:
    """One profile per item of *checklist*, with its exemplars' terms folded in.

    *exemplars* maps an item index to its exemplar texts, *confidence* to how much they count
    (0-1, from the evidence behind them); *terms_of_text* is :func:`terms_of`
    (cached by the caller, as the same texts are read for the centroids).
    """
    raw = [_item_terms(item, w) for item in checklist.items]
    spec = _specificity(checklist, raw, w)
    profiles: list[Profile] = []
    for item, weights in zip(checklist.items, raw, strict=False):
        weighted = {t: v * min(1.0, spec[t]) for t, v in weights.items() if v > 0}
        for short, phrase in short_forms(item).items():
            # "DPO" names what "data protection officer" names: it weighs as the phrase does.
            spelled = sum(weighted.get(t, 0.0) for t in with_bigrams(stems(phrase)))
            weighted[short] = max(weighted.get(short, 0.0), spelled)
        profiles.append(Profile(item, weighted))
    _add_exemplars(profiles, exemplars, confidence, w, terms_of_text)
    for profile in profiles:
        top = sorted(profile.weights.values(), reverse=True)[:MAGNITUDE_TERMS]
        profile.magnitude = MAGNITUDE_FACTOR * (sum(top) / max(1, len(top))) or 1.0
        profile.scale = profile.magnitude
    return profiles


def term_counts(
    groups: Mapping[int, list[str]], terms_of_text: Callable[[str], set[str]]
) -> tuple[dict[int, Counter[str]], Counter[str], int]:
    """Per item, how many of its texts hold each term; the same over all items; and how many
    texts there are in all (what exemplar profiles, exemplar centroids and heading centroids
    all start from)."""
    per_item: dict[int, Counter[str]] = {}
    pooled: Counter[str] = Counter()
    total = 0
    for index, texts in groups.items():
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(terms_of_text(text))
        pooled.update(counts)
        per_item[index] = counts
        total += len(texts)
    return per_item, pooled, total


def _add_exemplars(
    profiles: list[Profile],
    exemplars: Mapping[int, list[str]],
    confidence: Mapping[int, float],
    w: Weights,
    terms_of_text: Callable[[str], set[str]],
) -> None:
    """Fold the terms of clauses tagged in earlier audits into each item's profile.

    A term weighs by its share of the item's exemplars times the log of its lift over all
    exemplars (so terms every item's evidence has, like "data", add little).
    """
    if not exemplars:
        return
    counted, pooled, total = term_counts(exemplars, terms_of_text)
    shares = {
        index: {t: c / float(len(exemplars[index])) for t, c in counts.items()} for index, counts in counted.items()
    }
    for index, share in shares.items():
        n = len(exemplars[index])
        scored: list[tuple[float, str]] = []
        for term, s in share.items():
            if s < w.exemplar_min_share and n >= EXEMPLAR_SHARE_FROM:
                continue
            background = pooled[term] / total
            lift = s / background if background else 1.0
            value = s * math.log1p(lift)
            if " " in term:
                value *= EXEMPLAR_BIGRAM_BONUS
            scored.append((value, term))
        scored.sort(reverse=True)
        target = profiles[index].weights
        for value, term in scored[: w.exemplar_terms]:
            target[term] = target.get(term, 0.0) + w.exemplar * confidence[index] * value


def idf(pooled: Mapping[str, int], total: int) -> dict[str, float]:
    """Inverse document frequency of each term found in *pooled* of *total* texts."""
    return {t: math.log((total + 1.0) / (c + 0.5)) for t, c in pooled.items()}


def centroid_postings(
    per_item: Mapping[int, tuple[Mapping[str, float], float, float]],
    idf: Mapping[str, float],
    limit: int | None = None,
) -> Postings:
    """Term -> [(item, weight)] for each item's unit tf-idf centroid.

    *per_item* maps an item index to its term counts, their mass (to make shares) and a scale.
    A weight is the centroid's component times the term's idf times the scale, so summing a
    text's postings and dividing by the length of its idf vector gives the scaled cosine.
    Only the *limit* heaviest terms of each centroid are kept (all when None).
    """
    postings: Postings = {}
    for index, (counts, mass, scale) in per_item.items():
        vector = sorted(((c / mass * idf[t], t) for t, c in counts.items()), reverse=True)[:limit]
        length = math.sqrt(sum(v * v for v, _ in vector)) or 1.0
        for v, t in vector:
            postings.setdefault(t, []).append((index, scale * v / length * idf[t]))
    return postings


@dataclass(slots=True)
class Centroids:
    """The exemplar centroids of the items (a cosine channel), with the idf they use."""

    postings: Postings = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    idf_default: float = 0.0
    """The idf of a term no exemplar has."""
    gain: list[float] = field(default_factory=list)
    """Per item, how much the cosine counts (grows with the number of exemplars)."""


def exemplar_centroids(
    exemplars: Mapping[int, list[str]],
    confidence: Mapping[int, float],
    n_items: int,
    w: Weights,
    terms_of_text: Callable[[str], set[str]],
) -> Centroids:
    """Per item, the unit centroid of its exemplars' terms (tf-idf over all exemplars)."""
    out = Centroids(gain=[0.0] * n_items)
    if not exemplars or not w.exemplar_cosine:
        return out
    counted, pooled, total = term_counts(exemplars, terms_of_text)
    per_item = {index: (counts, float(len(exemplars[index])), 1.0) for index, counts in counted.items()}
    out.idf = idf(pooled, total)
    out.idf_default = math.log((total + 1.0) / 0.5)
    out.postings = centroid_postings(per_item, out.idf, w.exemplar_cosine_terms)
    for index in exemplars:
        out.gain[index] = w.exemplar_cosine * confidence[index]
    return out


def heading_centroids(
    sections: Mapping[int, list[str]], confidence: Mapping[int, float], terms_of_text: Callable[[str], set[str]]
) -> tuple[Postings, dict[str, float]]:
    """Per item, the unit tf-idf centroid of the section headings its exemplars sat under;
    and the idf of their terms."""
    sections = {k: v for k, v in sections.items() if v}
    if not sections:
        return {}, {}
    counted, pooled, total = term_counts(sections, terms_of_text)
    per_item = {index: (counts, float(len(sections[index])), confidence[index]) for index, counts in counted.items()}
    heading_idf = idf(pooled, total)
    return centroid_postings(per_item, heading_idf), heading_idf
