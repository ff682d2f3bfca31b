"""Suggestions: which clauses of a policy are likely evidence for which checklist items.

The engine is a weighted term-overlap model with fuzzy matching, built for speed without
NumPy (rapidfuzz's ``process.cdist`` needs NumPy, and an inverted index beats all-pairs
scoring anyway):

* Text is cut into words, case-folded, stop words dropped and each word reduced to a light
  stem (``processing`` -> ``process``, ``cookies`` -> ``cooki``); consecutive stems also make
  *bigrams* (``data protection officer`` -> ``data protect``, ``protect officer``), so phrases
  weigh more than their words. Patterns add pseudo-terms: ``<email>``, ``<phone>``, ``<url>``,
  ``<period>`` ("30 days"), ``<date>``.
* Every checklist item gets a **profile**: a weight per term, from its title, keywords,
  example phrases and guidance. Terms shared by many items weigh less (counted partly per
  checklist group, so "right" still tells the rights apart from the rest).
* **Exemplars** are clauses auditors tagged for the same item (same checklist id and item id)
  in earlier audits (:func:`load_exemplars`): their distinctive terms are added to the profile
  and their centroid gives a second, cosine channel, so suggestions improve with each audit
  the team completes. The section headings they were tagged under are learnt too: a clause
  under a heading like those weighs more than its item's other clauses.
* Profiles are inverted into *postings* (term -> items) once per checklist by
  :class:`Suggester`. Scoring a policy walks each clause's terms once: the cost is the number
  of (clause term, item) matches, never items x clauses pairs. Policy words that no profile has
  are mapped to a close profile word with ``rapidfuzz`` (``organisation`` ~ ``organization``,
  typos), cached per suggester.
* Context: the clause's section heading adds to its score, the first words of a clause weigh
  more (they say what it is about), a lead-in clause ("... as follows:") passes part of its
  score to the next one, and a clause much more about an item of another group is damped.
* Raw scores are length-normalised and mapped to 0-100 per item so that a clause like the
  item's own evidence scores alike for every item; an item is *likely missing* when no clause
  reaches :data:`MISSING_THRESHOLD` (calibrated on labelled corpora).

:class:`SearchIndex` is the policy's live fuzzy search (as the user types), and
:func:`matched_spans` turns matched words into character ranges to highlight.

This module never imports Textual.
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from rapidfuzz import fuzz, process

from auditor_tui.core.checklist import Checklist, Item
from auditor_tui.core.policy import Clause, Policy

__all__ = [
    "MISSING_THRESHOLD",
    "Exemplar",
    "Hit",
    "Scores",
    "SearchIndex",
    "Suggester",
    "Suggestion",
    "Weights",
    "load_exemplars",
    "matched_spans",
    "terms_of",
    "words_of",
]

# --------------------------------------------------------------------------- words

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

_STOP = frozenset(
    """
    a about above after again against all am an and any are aren't as at be because been before
    being below between both but by can cannot could did do does doing down during each either
    else etc even ever every few for from further get gets got had has have having he her here
    hers herself him himself his how however i if in into is it it's its itself just least less
    let like made make many may me might more most much must my myself no nor not now of off on
    once one only or other others otherwise our ours ourselves out over own per please same she
    should so some such than that that's the their theirs them themselves then there therefore
    these they this those through thus to too under until up upon us very via was we well were
    what when where whether which while who whom whose why will with within without would yet
    you your yours yourself yourselves also any including include includes e g i.e eg ie s t
    shall whereas hereby herein thereof whereby applicable certain time times way ways example
    com www http https org net co uk html php
    """.split()
) | {"we’re", "you’re", "it’s", "don't", "don’t", "we'll", "we’ll", "we've", "we’ve", "you'll", "you’ll"}

_IRREGULAR = {
    "used": "use",
    "using": "use",
    "uses": "use",
    "usage": "use",
    "children": "child",
    "childrens": "child",
    "data": "data",
    "media": "media",
    "criteria": "criteria",
    "analytics": "analytic",
    "news": "news",
    "does": "do",
    "this": "this",
    "has": "has",
    "was": "was",
    "its": "its",
    "process": "process",
    "processes": "process",
    "access": "access",
    "address": "address",
    "addresses": "address",
    "business": "business",
    "businesses": "business",
    "email": "email",
    "emails": "email",
    "e-mail": "email",
    "e-mails": "email",
    "cookie": "cooki",
    "cookies": "cooki",
    "organisation": "organiz",
    "organisations": "organiz",
    "organization": "organiz",
    "organizations": "organiz",
    "authorised": "authoriz",
    "authorized": "authoriz",
    "lodge": "lodg",
    "erase": "eras",
    "erased": "eras",
    "erasure": "eras",
    "erasing": "eras",
    "delete": "delet",
    "deleted": "delet",
    "deletion": "delet",
    "deleting": "delet",
    "retain": "retain",
    "retained": "retain",
    "retention": "retain",
    "retaining": "retain",
    "retains": "retain",
    "storage": "stor",
    "stored": "stor",
    "store": "stor",
    "storing": "stor",
    "security": "secur",
    "secure": "secur",
    "secured": "secur",
    "securely": "secur",
    "officer": "officer",
    "officers": "officer",
    "dpo": "dpo",
    "dpos": "dpo",
    "objection": "object",
    "objections": "object",
    "object": "object",
    "objecting": "object",
    "portable": "portab",
    "portability": "portab",
    "rectification": "rectif",
    "rectify": "rectif",
    "rectified": "rectif",
    "rectifying": "rectif",
    "complaint": "complain",
    "complaints": "complain",
    "complain": "complain",
    "restriction": "restrict",
    "restrictions": "restrict",
    "restrict": "restrict",
    "automated": "automat",
    "automatic": "automat",
    "automatically": "automat",
    "automation": "automat",
    "legitimate": "legitim",
    "legitimately": "legitim",
    "lawful": "lawful",
    "lawfully": "lawful",
    "identity": "ident",
    "identification": "ident",
    "identify": "ident",
    "identifying": "ident",
    "identifiable": "ident",
    "identified": "ident",
    "identifier": "ident",
    "identifiers": "ident",
    "transferred": "transfer",
    "transferring": "transfer",
    "transfers": "transfer",
    "withdrawal": "withdraw",
    "withdrawn": "withdraw",
    "withdrawing": "withdraw",
    "withdraws": "withdraw",
}

_STEM_CACHE: dict[str, str] = {}
_VOWELS = frozenset("aeiouy")


def _stem_word(word: str) -> str:
    """A light English stem of a case-folded word ("" for a stop word or a number)."""
    word = word.replace("’", "'")
    word = word.removesuffix("'s")
    if word in _STOP or word.isdigit() or len(word) < 2:
        return ""
    irregular = _IRREGULAR.get(word)
    if irregular is not None:
        return irregular
    w = word.replace("'", "")
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and _VOWELS.intersection(w[: -len(suffix)]):
            w = w[: -len(suffix)]
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]
            break
    if w.endswith("ly") and len(w) > 5:
        w = w[:-2]
    if w.endswith("ation") and len(w) > 7:
        w = w[:-5]
    elif w.endswith("tion") and len(w) > 6:
        w = w[:-3]
    elif w.endswith("ment") and len(w) > 7:
        w = w[:-4]
    if w.endswith("y") and len(w) > 3:
        w = w[:-1] + "i"
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


def stem(word: str) -> str:
    """The stem of *word* ("" for a stop word), cached."""
    word = word.casefold()
    found = _STEM_CACHE.get(word)
    if found is None:
        found = _STEM_CACHE[word] = _stem_word(word)
    return found


def words_of(text: str) -> list[str]:
    """The words of *text*, case-folded, in order (stop words included)."""
    return _WORD.findall(text.casefold())


def _stems(text: str) -> list[str]:
    """Content stems of *text* in order."""
    cache = _STEM_CACHE
    out: list[str] = []
    append = out.append
    for word in _WORD.findall(text.casefold()):
        s = cache.get(word)
        if s is None:
            s = cache[word] = _stem_word(word)
        if s:
            append(s)
    return out


# Things that are not words but say a lot: an email address or phone number (contact details),
# a web address, a period of time (retention), a date (last updated).
_NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|thirty|sixty|ninety"
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_EMAIL = re.compile(r"[\w.+-]@[\w-]+\.\w|\[at\]")
_PHONE = re.compile(r"\+?\(?\d[\d ().-]{7,}\d")
_PERIOD_BEFORE = re.compile(rf"\b(?:\d+|{_NUMBER_WORDS})[ -]?(?:\(\d+\) )?(?:calendar |business |working )?$")
_DATE = re.compile(rf"\b(?:{_MONTHS}) \d{{1,2}},? \d{{4}}\b|\b\d{{1,2}} (?:{_MONTHS}) \d{{4}}\b|\b\d{{4}}-\d\d-\d\d\b")
_UNITS = ("day", "week", "month", "year")
_MONTH_NAMES = tuple(_MONTHS.split("|"))
_DIGITS = "0123456789"


def _signs(text: str, folded: str | None = None) -> set[str]:
    """Pseudo-terms for the patterns found in *text*: ``<email>``, ``<period>`` ...

    Cheap substring tests decide which (slower) regular expressions to run.
    """
    if folded is None:
        folded = text.casefold()
    found: set[str] = set()
    if ("@" in folded or "[at]" in folded) and _EMAIL.search(folded):
        found.add("<email>")
    if "www." in folded or "http" in folded:
        found.add("<url>")
    for unit in _UNITS:
        index = folded.find(unit)
        while index > 0:
            if _PERIOD_BEFORE.search(folded, max(0, index - 32), index):
                found.add("<period>")
                break
            index = folded.find(unit, index + 1)
        if "<period>" in found:
            break
    if any(d in folded for d in _DIGITS):
        if _PHONE.search(folded):
            found.add("<phone>")
        if ("-" in folded or any(m in folded for m in _MONTH_NAMES)) and _DATE.search(folded):
            found.add("<date>")
    return found


def _with_bigrams(stems: Sequence[str]) -> list[str]:
    return [*stems, *(f"{a} {b}" for a, b in itertools.pairwise(stems))]


def _terms(text: str) -> list[str]:
    """Stems, bigrams and pattern signs of *text* (with repeats)."""
    return [*_with_bigrams(_stems(text)), *_signs(text)]


def terms_of(text: str) -> set[str]:
    """The distinct terms (stems, bigrams of stems, pattern signs) of *text*."""
    return set(_terms(text))


# --------------------------------------------------------------------------- weights


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
    exemplar_terms: int = 120
    exemplar_min_share: float = 0.04
    exemplar_add: bool = True
    exemplar_sharing: float = 0.0
    """Down-weight exemplars tagged to many items by 1 / n ** this (off: it did not help)."""
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


DEFAULT_WEIGHTS = Weights()

MISSING_THRESHOLD = 55.0
"""An item is likely missing when no clause scores at least this (0-100)."""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Exemplar:
    """A clause tagged as evidence for an item in an earlier audit."""

    text: str
    section: str = ""
    """The clause's section path as one line (``Your rights › Erasure``), "" if none."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A clause suggested as evidence for an item."""

    clause_id: str
    score: float
    """0-100."""
    matched: tuple[str, ...]
    """Words of the clause that matched the item (case-folded), for highlighting."""


@dataclass(frozen=True, slots=True)
class Hit:
    """A clause found by :meth:`SearchIndex.search`."""

    clause_id: str
    score: float
    spans: tuple[tuple[int, int], ...]
    """Character ranges ``(start, end)`` in the clause text to highlight."""


class Scores:
    """All items x all clauses of one policy, 0-100. Made by :meth:`Suggester.score`."""

    def __init__(
        self,
        suggester: Suggester,
        policy: Policy,
        rows: list[list[float]],
        clause_terms: list[frozenset[str]],
        threshold: float,
    ) -> None:
        self.suggester = suggester
        self.policy = policy
        self.clause_ids: tuple[str, ...] = tuple(c.id for c in policy.clauses)
        self._index = {cid: i for i, cid in enumerate(self.clause_ids)}
        self._rows = rows
        self._terms = clause_terms
        self.threshold = threshold
        self.item_ids: tuple[str, ...] = suggester.item_ids

    def _row(self, item_id: str) -> list[float]:
        index = self.suggester._item_index.get(item_id)
        if index is None:
            raise KeyError(f"no item {item_id!r} in checklist {self.suggester.checklist.id}")
        return self._rows[index]

    def score(self, item_id: str, clause_id: str) -> float:
        """The score of one clause for one item (0-100)."""
        return self._row(item_id)[self._index[clause_id]]

    def best(self, item_id: str) -> float:
        """The highest score any clause reaches for the item."""
        row = self._row(item_id)
        return max(row, default=0.0)

    def for_item(self, item_id: str, top: int = 5, exclude: Iterable[str] = frozenset()) -> list[Suggestion]:
        """The *top* clauses for the item, best first, skipping clause ids in *exclude*."""
        row = self._row(item_id)
        exclude = frozenset(exclude)
        if top <= 0:
            return []
        want = top + len(exclude)
        best = heapq.nlargest(want, range(len(row)), key=row.__getitem__)
        out: list[Suggestion] = []
        profile = self.suggester._profiles[self.suggester._item_index[item_id]]
        for index in best:
            cid = self.clause_ids[index]
            if cid in exclude or row[index] <= 0.0:
                continue
            out.append(
                Suggestion(
                    cid, round(row[index], 1), self.suggester._matched_words(profile, self.policy.clauses[index])
                )
            )
            if len(out) == top:
                break
        return out

    def likely_missing(self, item_id: str) -> bool:
        """True when no clause reaches the calibrated threshold for the item."""
        return self.best(item_id) < self.threshold

    def for_clause(self, clause_id: str, top: int = 3) -> list[tuple[str, float]]:
        """The *top* items this clause probably evidences: (item id, score), best first."""
        index = self._index.get(clause_id)
        if index is None:
            raise KeyError(f"no clause {clause_id!r} in the policy")
        column = [(item_id, row[index]) for item_id, row in zip(self.item_ids, self._rows, strict=False)]
        ranked = heapq.nlargest(top, column, key=lambda pair: pair[1])
        return [(item_id, round(score, 1)) for item_id, score in ranked if score > 0.0]

    def missing(self) -> list[str]:
        """Ids of the items likely missing, in checklist order."""
        return [item_id for item_id in self.item_ids if self.likely_missing(item_id)]


# --------------------------------------------------------------------------- the engine


def _idf(pooled: Mapping[str, int], total: int) -> dict[str, float]:
    """Inverse document frequency of each term found in *pooled* of *total* texts."""
    return {t: math.log((total + 1.0) / (c + 0.5)) for t, c in pooled.items()}


def _centroid_postings(
    per_item: Mapping[int, tuple[Mapping[str, float], float, float]],
    idf: Mapping[str, float],
    limit: int | None = None,
) -> dict[str, list[tuple[int, float]]]:
    """Term -> [(item, weight)] for each item's unit tf-idf centroid.

    *per_item* maps an item index to its term counts, their mass (to make shares) and a scale.
    A weight is the centroid's component times the term's idf times the scale, so summing a
    text's postings and dividing by the length of its idf vector gives the scaled cosine.
    Only the *limit* heaviest terms of each centroid are kept (all when None).
    """
    postings: dict[str, list[tuple[int, float]]] = {}
    for index, (counts, mass, scale) in per_item.items():
        vector = sorted(((c / mass * idf[t], t) for t, c in counts.items()), reverse=True)[:limit]
        length = math.sqrt(sum(v * v for v, _ in vector)) or 1.0
        for v, t in vector:
            postings.setdefault(t, []).append((index, scale * v / length * idf[t]))
    return postings


@dataclass(slots=True)
class _Profile:
    item: Item
    weights: dict[str, float] = field(default_factory=dict)
    scale: float = 1.0
    """Raw score that maps to 50."""
    magnitude: float = 1.0
    """Five times the mean of the heaviest weights: the size of a good raw score."""


class Suggester:
    """Scores policies against one checklist. Build once per checklist (and exemplars)."""

    def __init__(
        self,
        checklist: Checklist,
        exemplars: Mapping[str, Sequence[str | Exemplar]] | None = None,
        *,
        weights: Weights | None = None,
        threshold: float | None = None,
        _calibrate: bool = True,
    ) -> None:
        self.checklist = checklist
        self.weights = weights or DEFAULT_WEIGHTS
        self.threshold = MISSING_THRESHOLD if threshold is None else threshold
        self.item_ids: tuple[str, ...] = tuple(item.id for item in checklist.items)
        self._item_index = {item_id: i for i, item_id in enumerate(self.item_ids)}
        group_ids: dict[str, int] = {}
        self._group_index = [group_ids.setdefault(item.group, len(group_ids)) for item in checklist.items]
        given = {k: [Exemplar(e) if isinstance(e, str) else e for e in v] for k, v in (exemplars or {}).items()}
        given = {k: v for k, v in given.items() if k in self._item_index and v}
        exemplars = {k: [e.text for e in v] for k, v in given.items()}
        self._terms_cache: dict[str, set[str]] = {}
        self.exemplar_counts = {k: len(v) for k, v in exemplars.items()}
        self._profiles = self._build_profiles(exemplars)
        self._postings: dict[str, list[tuple[int, float]]] = {}
        for index, profile in enumerate(self._profiles):
            for term, weight in profile.weights.items():
                self._postings.setdefault(term, []).append((index, weight))
        self._vocab = sorted(t for t in self._postings if " " not in t and len(t) >= 5)
        self._fuzzy: dict[str, str | None] = {}
        self._build_centroids(exemplars)
        self._build_heading_centroids({k: [e.section for e in v if e.section] for k, v in given.items()})
        if _calibrate:
            self._calibrate(exemplars)

    # ---------------------------------------------------------------- profiles

    def _build_profiles(self, exemplars: Mapping[str, list[str]]) -> list[_Profile]:
        w = self.weights
        raw: list[dict[str, float]] = []
        for item in self.checklist.items:
            weights: Counter[str] = Counter()

            def add(terms: Iterable[str], uni: float, bi: float, *, into: Counter[str] = weights) -> None:
                for term in set(terms):
                    into[term] += bi if " " in term else uni

            add(_with_bigrams(_stems(item.title)), w.title, w.title_bigram)
            for keyword in item.keywords:
                stems = _stems(keyword)
                if len(stems) == 1:
                    weights[stems[0]] += w.keyword
                elif stems:
                    add(_with_bigrams(stems), w.keyword_word, w.keyword_bigram)
            if item.examples:
                share: Counter[str] = Counter()
                for example in item.examples:
                    share.update(terms_of(example))
                n = len(item.examples)
                for term, count in share.items():
                    base = w.example_bigram if " " in term else w.example
                    weights[term] += base * (0.5 + 0.5 * count / n)
            add(_stems(item.guidance), w.guidance, 0.0)
            raw.append(weights)
        # Terms that many items share say little about any one of them.
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
        groups = [item.group for item in self.checklist.items]
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
                spec[term] = max(spec[term], 1e-6) ** (1 - beta) * max(by_group, 1e-6) ** beta
        profiles: list[_Profile] = []
        for item, weights in zip(self.checklist.items, raw, strict=False):
            profile = {t: v * min(1.0, spec[t]) for t, v in weights.items() if v > 0}
            profiles.append(_Profile(item, profile))
        if w.exemplar_add:
            self._add_exemplars(profiles, exemplars)
        for profile in profiles:
            top = sorted(profile.weights.values(), reverse=True)[:8]
            profile.magnitude = 5.0 * (sum(top) / max(1, len(top))) or 1.0
            profile.scale = profile.magnitude
        return profiles

    def _calibrate(self, exemplars: Mapping[str, list[str]]) -> None:
        """Scale each item's scores on what its own evidence scores raw.

        The item's example phrases and (up to 10 of) its exemplars are scored like clauses; the
        median raw score of an item's own texts maps to :attr:`Weights.reference_score`, so a
        clause like the evidence scores alike for every item, with or without exemplars, and one
        threshold serves all items.
        """
        owners: list[int] = []
        texts: list[str] = []
        for index, profile in enumerate(self._profiles):
            own = [*profile.item.examples, *exemplars.get(self.item_ids[index], [])[:10]]
            texts.extend(own)
            owners.extend([index] * len(own))
        if not texts:
            return
        clauses = [Clause(f"c{i + 1}", i, text, 0, 0, None) for i, text in enumerate(texts)]
        # Score them with a profile that has not seen them (no example phrases, the other
        # exemplars): a profile scores its own phrases far above any real clause.
        stripped = Checklist(
            id=self.checklist.id,
            title=self.checklist.title,
            version=self.checklist.version,
            items=tuple(replace(item, examples=()) for item in self.checklist.items),
        )
        held_out = {k: v[10:] for k, v in exemplars.items() if len(v) > 10}
        probe = Suggester(stripped, held_out, weights=self.weights, _calibrate=False)
        columns, _ = probe._raw_columns(clauses, context=False)
        per_item: dict[int, list[float]] = {}
        for owner, column in zip(owners, columns, strict=False):
            per_item.setdefault(owner, []).append(column[owner])
        for index, values in per_item.items():
            values.sort()
            middle = len(values) // 2
            reference = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
            if reference > 0:
                self._profiles[index].scale = reference / self.weights.reference_score

    def _exemplar_terms(self, text: str) -> set[str]:
        found = self._terms_cache.get(text)
        if found is None:
            found = self._terms_cache[text] = terms_of(text)
        return found

    def _exemplar_weights(self, exemplars: Mapping[str, list[str]]) -> dict[str, float]:
        """Per exemplar text: 1 / (number of items it was tagged to) ** sharing. A clause tagged
        to many items (a list of all rights, say) says less about each of them."""
        tagged: Counter[str] = Counter()
        for texts in exemplars.values():
            tagged.update(set(texts))
        alpha = self.weights.exemplar_sharing
        return {text: 1.0 / count**alpha for text, count in tagged.items()}

    def _add_exemplars(self, profiles: list[_Profile], exemplars: Mapping[str, list[str]]) -> None:
        """Fold the terms of clauses tagged in earlier audits into each item's profile."""
        if not exemplars:
            return
        w = self.weights
        shares: dict[int, dict[str, float]] = {}
        pooled: Counter[str] = Counter()
        total = 0
        weight_of = self._exemplar_weights(exemplars)
        for item_id, texts in exemplars.items():
            counts: Counter[str] = Counter()
            mass = 0.0
            for text in texts:
                terms = self._exemplar_terms(text)
                pooled.update(terms)
                weight = weight_of[text]
                mass += weight
                for term in terms:
                    counts[term] += weight
            total += len(texts)
            shares[self._item_index[item_id]] = {t: c / mass for t, c in counts.items()}
        for index, share in shares.items():
            n = self.exemplar_counts[self.item_ids[index]]
            confidence = n / (n + 3.0)
            scored: list[tuple[float, str]] = []
            for term, s in share.items():
                if s < w.exemplar_min_share and n >= 10:
                    continue
                background = pooled[term] / total
                lift = s / background if background else 1.0
                value = s * math.log1p(lift)
                if " " in term:
                    value *= 1.2
                scored.append((value, term))
            scored.sort(reverse=True)
            target = profiles[index].weights
            for value, term in scored[: w.exemplar_terms]:
                target[term] = target.get(term, 0.0) + w.exemplar * confidence * value

    def _build_centroids(self, exemplars: Mapping[str, list[str]]) -> None:
        """Per item, the unit centroid of its exemplars' terms (tf-idf over all exemplars)."""
        self._centroid_postings: dict[str, list[tuple[int, float]]] = {}
        self._ex_idf: dict[str, float] = {}
        self._ex_idf_default = 0.0
        self._centroid_gain = [0.0] * len(self.item_ids)
        w = self.weights
        if not exemplars or not w.exemplar_cosine:
            return
        per_item: dict[int, Counter[str]] = {}
        pooled: Counter[str] = Counter()
        total = 0
        weight_of = self._exemplar_weights(exemplars)
        mass: dict[int, float] = {}
        for item_id, texts in exemplars.items():
            counts: Counter[str] = Counter()
            index = self._item_index[item_id]
            for text in texts:
                terms = self._exemplar_terms(text)
                weight = weight_of[text]
                for term in terms:
                    counts[term] += weight
                pooled.update(terms)
                mass[index] = mass.get(index, 0.0) + weight
            total += len(texts)
            per_item[index] = counts
        idf = self._ex_idf = _idf(pooled, total)
        self._ex_idf_default = math.log((total + 1.0) / 0.5)
        self._centroid_postings = _centroid_postings(
            {index: (counts, mass[index], 1.0) for index, counts in per_item.items()}, idf, w.exemplar_cosine_terms
        )
        for index in per_item:
            n = self.exemplar_counts[self.item_ids[index]]
            self._centroid_gain[index] = w.exemplar_cosine * n / (n + 3.0)

    def _build_heading_centroids(self, sections: Mapping[str, list[str]]) -> None:
        """Per item, the unit tf-idf centroid of the section headings its exemplars sat under."""
        self._heading_postings: dict[str, list[tuple[int, float]]] = {}
        self._heading_idf: dict[str, float] = {}
        sections = {k: v for k, v in sections.items() if v}
        if not sections or not self.weights.exemplar_heading:
            return
        per_item: dict[int, tuple[Counter[str], float, float]] = {}
        pooled: Counter[str] = Counter()
        for item_id, labels in sections.items():
            counts: Counter[str] = Counter()
            for label in labels:
                terms = self._exemplar_terms(label)
                counts.update(terms)
                pooled.update(terms)
            n = len(labels)
            per_item[self._item_index[item_id]] = (counts, n, n / (n + 3.0))
        self._heading_idf = _idf(pooled, sum(len(labels) for labels in sections.values()))
        self._heading_postings = _centroid_postings(per_item, self._heading_idf)

    def _heading_scores(self, label: str) -> tuple[list[float] | None, list[float] | None]:
        """Per item, for the section heading *label*: what it adds (its terms scored against
        the item's profile) and the factor it gives (its cosine with the headings of the
        item's exemplars); None for either when nothing matches."""
        terms = terms_of(label)
        raw = self._raw(terms)
        add = [self.weights.heading * h for h in raw] if any(raw) else None
        postings = self._heading_postings
        found = [t for t in terms if t in postings]
        if not found:
            return add, None
        # Every term of the exemplar headings has postings, so *found* is the label's terms
        # that the idf knows: the length of the label's idf vector.
        inverse = 1.0 / math.sqrt(sum(self._heading_idf[t] ** 2 for t in found))
        cosine = [0.0] * len(self.item_ids)
        for term in found:
            for i, weight in postings[term]:
                cosine[i] += weight * inverse
        gain = self.weights.exemplar_heading
        return add, [1.0 + gain * c for c in cosine]

    # ---------------------------------------------------------------- scoring

    def _fuzzy_map(self, words: Iterable[str]) -> dict[str, str]:
        """Map policy stems that no profile has to a close profile stem (rapidfuzz)."""
        cache = self._fuzzy
        todo = [word for word in words if word not in cache and len(word) >= 5]
        if todo and self._vocab:
            cutoff = self.weights.fuzzy_cutoff
            for word in todo:
                match = process.extractOne(word, self._vocab, scorer=fuzz.ratio, score_cutoff=cutoff)
                cache[word] = match[0] if match else None
        return {word: cache[word] for word in words if cache.get(word)}  # type: ignore[misc]

    def score(self, policy: Policy) -> Scores:
        """Score every clause of *policy* against every item."""
        n_items = len(self.item_ids)
        columns, terms_per_clause = self._raw_columns(policy.clauses)
        rows = [list(r) for r in zip(*columns, strict=False)] if columns else [[] for _ in range(n_items)]
        for i, row in enumerate(rows):
            k = self._profiles[i].scale
            rows[i] = [100.0 * v / (v + k) if v > 0 else 0.0 for v in row]
        return Scores(self, policy, rows, terms_per_clause, self.threshold)

    def _raw_columns(
        self, clauses: Sequence[Clause], *, context: bool = True
    ) -> tuple[list[list[float]], list[frozenset[str]]]:
        """Raw scores, one list (all items) per clause; and each clause's terms."""
        w = self.weights
        n_items = len(self.item_ids)
        postings = self._postings
        stems_per_clause = [_stems(c.text) for c in clauses]
        terms_per_clause: list[frozenset[str]] = []
        df: Counter[str] = Counter()
        unknown: set[str] = set()
        tb_per_clause = [_with_bigrams(stems) for stems in stems_per_clause]
        repeats: list[bool] = []
        for clause, tb in zip(clauses, tb_per_clause, strict=False):
            signs = _signs(clause.text)
            terms = frozenset(tb)
            repeats.append(len(terms) < len(tb))
            if signs:
                terms |= signs
            terms_per_clause.append(terms)
            df.update(terms)
        for term in df:
            if term not in postings and " " not in term and term[0] != "<":
                unknown.add(term)
        fuzzy = self._fuzzy_map(unknown)
        n = max(1, len(clauses))
        # Policy-level rarity: a term in most clauses says little about any one clause.
        idf_norm = math.log(n + 1.0)
        damp = w.policy_idf
        rarity = {
            term: (1.0 - damp) + damp * min(1.0, math.log((n + 1.0) / count) / idf_norm * 2.0)
            if n > 1 and context
            else 1.0
            for term, count in df.items()
            if term in postings or term in fuzzy
        }
        lengths = [len(s) for s in stems_per_clause]
        avg_len = (sum(lengths) / n) or 1.0
        # Postings with the policy's rarity folded in: term -> [(item, weight)].
        effective: dict[str, list[tuple[int, float]]] = {}
        for term, factor in rarity.items():
            found = postings.get(term)
            if found is None:
                found, factor = postings[fuzzy[term]], factor * 0.8  # type: ignore[index]
            effective[term] = [(i, weight * factor) for i, weight in found]
        columns: list[list[float]] = []
        centroids = self._centroid_postings
        centroid_eff: dict[str, list[tuple[int, float]]] = {}
        square_of: dict[str, float] = {}
        if centroids:
            gain = [g * p.magnitude for g, p in zip(self._centroid_gain, self._profiles, strict=False)]
            ex_idf, default = self._ex_idf, self._ex_idf_default
            for term in df:
                v = ex_idf.get(term, default)
                square_of[term] = v * v
                found = centroids.get(term)
                if found is not None:
                    centroid_eff[term] = [(i, weight * gain[i]) for i, weight in found]
        lead_n, lead_boost, tf_boost = w.lead_words, w.lead_boost, w.repeat_boost
        # Section headings, once per distinct heading of the policy. The exemplar-heading
        # factor is taken relative to the policy's best heading for the item (at most 1), so
        # it reorders the item's clauses rather than raising its scores: likely gaps keep
        # their calibration.
        heads: dict[str, tuple[list[float] | None, list[float] | None]] = {}
        if context and (w.heading or self._heading_postings):
            heads = {label: self._heading_scores(label) for label in {c.section_label for c in clauses if c.section}}
        top_factor = [1.0] * n_items
        for _, factors in heads.values():
            if factors is not None:
                top_factor = [max(t, f) for t, f in zip(top_factor, factors, strict=False)]
        no_head = [1.0 / t for t in top_factor] if any(t != 1.0 for t in top_factor) else None
        heads = {
            label: (add, [f / t for f, t in zip(factors, top_factor, strict=False)] if factors is not None else no_head)
            for label, (add, factors) in heads.items()
        }
        log = math.log
        for clause, terms, length, tb, repeated in zip(
            clauses, terms_per_clause, lengths, tb_per_clause, repeats, strict=False
        ):
            acc = [0.0] * n_items
            # The first words say what a clause is about.
            lead = {*tb[:lead_n], *tb[length : length + lead_n - 1]} if lead_boost != 1.0 and length > lead_n else None
            counts = Counter(tb) if tf_boost and repeated else None
            for term in terms:
                found = effective.get(term)
                if found is None:
                    continue
                factor = 1.0
                if lead is not None and term in lead:
                    factor = lead_boost
                if counts is not None:
                    count = counts.get(term, 1)
                    if count > 1:
                        factor *= 1.0 + tf_boost * log(count)
                if factor == 1.0:
                    for i, weight in found:
                        acc[i] += weight
                else:
                    for i, weight in found:
                        acc[i] += weight * factor
            norm = (1.0 - w.length_norm) + w.length_norm * max(length, 3) / avg_len
            head, head_factor = heads.get(clause.section_label, (None, no_head))
            if head is not None:
                acc = [a / norm + h for a, h in zip(acc, head, strict=False)]
            elif norm != 1.0:
                acc = [a / norm for a in acc]
            if centroid_eff:
                # Cosine of the clause with each item's exemplar centroid.
                square = sum(map(square_of.__getitem__, terms))
                if square:
                    dot = [0.0] * n_items
                    hit = False
                    for term in terms:
                        found = centroid_eff.get(term)
                        if found is not None:
                            hit = True
                            for i, weight in found:
                                dot[i] += weight
                    if hit:
                        inverse = 1.0 / math.sqrt(square)
                        acc = [a + d * inverse for a, d in zip(acc, dot, strict=False)]
            if head_factor is not None:
                acc = [a * f for a, f in zip(acc, head_factor, strict=False)]
            columns.append(acc)
        if w.competition:
            # A clause that is much more about another item is less likely evidence for this
            # one; items of the same group (the rights, say) do not compete.
            gamma = w.competition
            group_of = self._group_index
            n_groups = max(group_of, default=-1) + 1
            sibling = w.group_competition
            for i, acc in enumerate(columns):
                top = max(acc)
                if top <= 0:
                    continue
                if sibling and n_groups > 1:
                    best = [0.0] * n_groups
                    for g, a in zip(group_of, acc, strict=False):
                        best[g] = max(best[g], a)
                    first = max(range(n_groups), key=best.__getitem__)
                    top_first = best[first]
                    best[first] = 0.0
                    top_other = max(best)
                    # Each item competes with the best item of the other groups.
                    rivals = [top_other if g == first else top_first for g in group_of]
                    if gamma == 1.0:
                        columns[i] = [a * a / (max(r, a)) if a > 0 else 0.0 for a, r in zip(acc, rivals, strict=False)]
                    else:
                        columns[i] = [
                            a * (a / (max(r, a))) ** gamma if a > 0 else 0.0 for a, r in zip(acc, rivals, strict=False)
                        ]
                else:
                    columns[i] = [a * (a / top) ** gamma for a in acc]
        if context and w.lead_in and columns:
            for i in range(len(clauses) - 1, 0, -1):
                previous = clauses[i - 1].text.rstrip()
                if previous.endswith(":"):
                    columns[i] = [a + w.lead_in * p for a, p in zip(columns[i], columns[i - 1], strict=False)]
        return columns, terms_per_clause

    def _raw(self, terms: Iterable[str]) -> list[float]:
        acc = [0.0] * len(self.item_ids)
        for term in terms:
            for i, weight in self._postings.get(term, ()):
                acc[i] += weight
        return acc

    def rank_items(self, text: str, section: str = "", top: int = 3) -> list[tuple[str, float]]:
        """Items that a piece of text (e.g. one clause) probably evidences: (item id, 0-100)."""
        from auditor_tui.core.policy import parse_policy

        blocks = f"{section}\n\n{text}" if section else text
        policy = parse_policy(blocks, "text")
        if not policy.clauses:
            return []
        scores = self.score(policy)
        return scores.for_clause(policy.clauses[-1].id, top)

    def _matched_words(self, profile: _Profile, clause: Clause) -> tuple[str, ...]:
        weights = profile.weights
        if not weights:
            return ()
        floor = 0.15 * max(weights.values())
        seen: dict[str, None] = {}
        words = list(_WORD.findall(clause.text.casefold()))
        stems = [stem(word) for word in words]
        content = [(word, s) for word, s in zip(words, stems, strict=False) if s]
        for (word, s), nxt in zip(content, [*content[1:], None], strict=False):
            good = weights.get(s, 0.0) >= floor or (
                self._fuzzy.get(s) and weights.get(self._fuzzy[s] or "", 0.0) >= floor
            )
            if nxt is not None and weights.get(f"{s} {nxt[1]}", 0.0) >= floor:
                seen.setdefault(word, None)
                seen.setdefault(nxt[0], None)
            elif good:
                seen.setdefault(word, None)
        return tuple(seen)

    def describe(self, item_id: str, top: int = 15) -> list[tuple[str, float]]:
        """The heaviest terms of an item's profile (for debugging and tuning)."""
        profile = self._profiles[self._item_index[item_id]]
        return sorted(profile.weights.items(), key=lambda kv: -kv[1])[:top]


# --------------------------------------------------------------------------- exemplars


def load_exemplars(
    sessions_dir: str | Path,
    checklist_id: str,
    *,
    exclude_audit_id: str | None = None,
    warnings: list[str] | None = None,
) -> dict[str, list[Exemplar]]:
    """The clauses tagged per item (quote and section) in every readable session of *checklist_id*.

    Unreadable session files are skipped; their one-line errors are appended to *warnings*
    when a list is given. The audit *exclude_audit_id* (e.g. the one being edited) is left
    out. Each distinct quote counts once per item, with the section it was first found under.
    """
    from auditor_tui.core.session import Session, find_sessions

    found: dict[str, dict[str, Exemplar]] = {}
    for _path, loaded in find_sessions(sessions_dir):
        if not isinstance(loaded, Session):
            if warnings is not None:
                warnings.append(str(loaded))
            continue
        if loaded.checklist.id != checklist_id or (exclude_audit_id and loaded.audit_id == exclude_audit_id):
            continue
        for item_id, state in loaded.items.items():
            for tag in state.tags:
                text = tag.text.strip()
                if text:
                    found.setdefault(item_id, {}).setdefault(text, Exemplar(text, tag.section.strip()))
    return {item_id: list(exemplars.values()) for item_id, exemplars in found.items()}


# --------------------------------------------------------------------------- highlighting


def matched_spans(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """Character ranges of *text* to highlight for *words*, sorted and merged.

    A word of the text matches when it equals one of *words* case-insensitively or has the
    same stem (``rights`` matches ``right``).
    """
    wanted = {w.casefold() for w in words if w and w.strip()}
    if not wanted:
        return []
    stems = {stem(w) for w in wanted} - {""}
    spans: list[tuple[int, int]] = []
    for match in _WORD.finditer(text):
        word = match.group().casefold()
        if word in wanted or (stems and stem(word) in stems):
            start, end = match.span()
            if spans and spans[-1][1] >= start - 1 and text[spans[-1][1] : start].strip() == "":
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
    return spans


# --------------------------------------------------------------------------- live search


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


class SearchIndex:
    """Fuzzy search of a policy's clauses as the user types.

    Each query word must be found in a clause: as a word, a word prefix or, for words of four
    letters or more, a word within one or two edits (rapidfuzz). Candidate words come from the
    policy's vocabulary (a few thousand words even for a very long policy), so a keystroke costs
    a scan of the vocabulary and set operations, not a pass over every clause's text.
    Results are ranked by how well and how rarely the words matched, then by document order.
    """

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._texts = [c.text for c in policy.clauses]
        postings: dict[str, list[int]] = {}
        for index, text in enumerate(self._texts):
            for word in set(_WORD.findall(_strip_accents(text.casefold()))):
                postings.setdefault(word, []).append(index)
        self._postings = {word: frozenset(ids) for word, ids in postings.items()}
        self._vocab = sorted(self._postings)
        self._n = len(self._texts)
        self._cache: dict[str, list[tuple[str, float]]] = {}

    def _word_matches(self, query_word: str, last: bool) -> list[tuple[str, float]]:
        """Vocabulary words matching one query word, with a quality 0-1."""
        key = f"{query_word}\x00{last}"
        found = self._cache.get(key)
        if found is not None:
            return found
        out: dict[str, float] = {}
        if query_word in self._postings:
            out[query_word] = 1.0
        # Prefix matches (the word being typed, or a stem like "retent").
        if last or len(query_word) >= 3:
            lo = _bisect_left(self._vocab, query_word)
            for word in self._vocab[lo:]:
                if not word.startswith(query_word):
                    break
                out.setdefault(word, 0.9 if len(word) - len(query_word) <= 3 else 0.8)
        if len(query_word) >= 4:
            cutoff = 80 if len(query_word) >= 6 else 85
            for word, score, _ in process.extract(
                query_word, self._vocab, scorer=fuzz.ratio, score_cutoff=cutoff, limit=50
            ):
                out.setdefault(word, score / 100.0 * 0.85)
            if last:
                # The word being typed may be a misspelled prefix: compare with word starts.
                n = len(query_word)
                prefixes = process.extract(
                    query_word,
                    self._vocab,
                    scorer=fuzz.ratio,
                    processor=lambda w: w[:n],
                    score_cutoff=85,
                    limit=50,
                )
                for word, score, _ in prefixes:
                    out.setdefault(word, score / 100.0 * 0.7)
        found = sorted(out.items(), key=lambda kv: -kv[1])
        if len(self._cache) > 2000:
            self._cache.clear()
        self._cache[key] = found
        return found

    def search(self, query: str, limit: int = 50) -> list[Hit]:
        """Clauses matching *query*, best first; each with the spans to highlight."""
        words = _WORD.findall(_strip_accents(query.casefold()))
        if not words or limit <= 0:
            return []
        ends_with_space = query[-1:].isspace()
        per_word: list[dict[int, float]] = []
        matched_words: list[dict[str, float]] = []
        for position, word in enumerate(words):
            last = position == len(words) - 1 and not ends_with_space
            matches = self._word_matches(word, last)
            if not matches:
                if word in _STOP:
                    continue
                return []
            best: dict[int, float] = {}
            rarity_base = math.log(self._n + 1.0)
            for vocab_word, quality in matches:
                ids = self._postings[vocab_word]
                value = quality * (1.0 + math.log((self._n + 1.0) / len(ids)) / rarity_base)
                for index in ids:
                    if best.get(index, 0.0) < value:
                        best[index] = value
            per_word.append(best)
            matched_words.append(dict(matches))
        if not per_word:
            return []
        per_word.sort(key=len)
        candidates = set(per_word[0])
        for best in per_word[1:]:
            candidates.intersection_update(best)
            if not candidates:
                return []
        top_value = 2.0 * len(per_word)
        ranked = heapq.nsmallest(
            limit,
            candidates,
            key=lambda i: (-sum(best[i] for best in per_word), i),
        )
        phrase = " ".join(words)
        hits: list[Hit] = []
        for index in ranked:
            text = self._texts[index]
            value = sum(best[index] for best in per_word)
            score = min(100.0, 100.0 * value / top_value + (10.0 if phrase in text.casefold() else 0.0))
            hits.append(Hit(self.policy.clauses[index].id, round(score, 1), self._spans(text, matched_words)))
        return hits

    def _spans(self, text: str, matched_words: list[dict[str, float]]) -> tuple[tuple[int, int], ...]:
        wanted: set[str] = set()
        for words in matched_words:
            wanted.update(words)
        spans: list[tuple[int, int]] = []
        folded = _strip_accents(text.casefold())
        if len(folded) != len(text):
            folded = text.casefold()
        for match in _WORD.finditer(folded):
            if match.group() in wanted:
                start, end = match.span()
                if spans and text[spans[-1][1] : start].strip() == "":
                    spans[-1] = (spans[-1][0], end)
                else:
                    spans.append((start, end))
        return tuple(spans)


def _bisect_left(items: list[str], value: str) -> int:
    import bisect

    return bisect.bisect_left(items, value)
