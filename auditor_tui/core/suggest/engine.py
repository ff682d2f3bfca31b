"""The engine: scores every clause of a policy against every item of a checklist.

Profiles (:mod:`.profiles`) are inverted into *postings* (term -> items) once per checklist by
:class:`Suggester`. Scoring a policy walks each clause's terms once: the cost is the number of
(clause term, item) matches, never items x clauses pairs. Policy words that no profile has are
mapped to a close profile word with ``rapidfuzz`` (``organisation`` ~ ``organization``, typos),
cached per suggester.

Context: the clause's section heading adds to its score, the first words of a clause weigh more
(they say what it is about), a lead-in clause ("... as follows:") passes part of its score to
the next one, and a clause much more about an item of another group is damped, as is one that
does not name what its item is about (:mod:`.required`: a data protection officer, a
representative, legitimate interests ...). Raw scores are length-normalised and mapped to 0-100
per item so that a clause like the item's own evidence scores alike for every item. With past
audits, the checklist alone scores the policy too, in the same pass (each clause's terms are
read once): the gap model reads how far the audits raised each item's scores (:mod:`.gaps`).
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from auditor_tui.core.checklist import Checklist
from auditor_tui.core.policy import Clause, Policy
from auditor_tui.core.suggest.bundled import BundledKey, bundled_keys
from auditor_tui.core.suggest.exemplars import Exemplar, sources_of
from auditor_tui.core.suggest.profiles import (
    Postings,
    build_profiles,
    exemplar_centroids,
    heading_centroids,
)
from auditor_tui.core.suggest.required import RequiredWords
from auditor_tui.core.suggest.scores import Scores
from auditor_tui.core.suggest.terms import WORD, read, signs, stem, stems, terms_of, with_bigrams
from auditor_tui.core.suggest.weights import (
    CALIBRATION_EXEMPLARS,
    DEFAULT_WEIGHTS,
    FUZZY_FACTOR,
    HIGHLIGHT_FLOOR,
    MIN_CLAUSE_LENGTH,
    RARE_SHARE,
    Weights,
)

__all__ = ["Suggester"]

FUZZY_MIN_LENGTH = 5
"""Only stems this long are mapped to a close profile stem (short ones match too much)."""

HeadScores = tuple[list[float] | None, list[float] | None]
"""For one section heading: what it adds per item, and the factor it gives per item."""


@dataclass(slots=True)
class _PolicyTerms:
    """What scoring needs of a whole policy before it scores any clause (the first of two
    passes: each clause's own terms are read again in the second, one clause at a time, so
    the terms of 10,000 clauses are never all held at once)."""

    lengths: list[int]
    """How many stems each clause has."""
    signs: list[set[str] | None]
    """Each clause's pattern signs (``<email>`` ...), None for most."""
    df: Counter[str]
    """In how many clauses each term is found."""


_ClauseTerms = tuple[list[str], tuple[str, ...], bool]
"""A clause's stems followed by its bigrams (with repeats), its distinct terms, and whether it
repeats a term (see :func:`_clause_terms`)."""


@dataclass(slots=True)
class _Run:
    """One suggester's scoring of one policy: what it read of the whole policy, and its rows."""

    suggester: Suggester
    effective: Postings
    centroid_eff: Postings
    square_of: dict[str, float]
    heads: dict[str, HeadScores]
    no_head: list[float] | None
    rows: list[array[float]]


class Suggester:
    """Scores policies against one checklist. Build once per checklist (and exemplars)."""

    def __init__(
        self,
        checklist: Checklist,
        exemplars: Mapping[str, Sequence[str | Exemplar]] | None = None,
        *,
        weights: Weights | None = None,
        _calibrate: bool = True,
    ) -> None:
        self.checklist = checklist
        self.weights = weights or DEFAULT_WEIGHTS
        self.item_ids: tuple[str, ...] = tuple(item.id for item in checklist.items)
        self._item_index = {item_id: i for i, item_id in enumerate(self.item_ids)}
        group_ids: dict[str, int] = {}
        self._group_index = [group_ids.setdefault(item.group, len(group_ids)) for item in checklist.items]
        self._n_groups = len(group_ids)
        given = {k: [Exemplar(e) if isinstance(e, str) else e for e in v] for k, v in (exemplars or {}).items()}
        given = {k: v for k, v in given.items() if k in self._item_index and v}
        texts = {self._item_index[k]: [e.text for e in v] for k, v in given.items()}
        self._terms_cache: dict[str, set[str]] = {}
        self.audit_counts = {k: sources_of(v) for k, v in given.items()}
        """Per item, how many past audits (of distinct policies) taught it."""
        half = self.weights.audits_half
        power = self.weights.audits_power
        confidence = {self._item_index[k]: (n / (n + half)) ** power for k, n in self.audit_counts.items()}
        self._profiles = build_profiles(checklist, self.weights, texts, confidence, self._cached_terms)
        self._postings: Postings = {}
        for index, profile in enumerate(self._profiles):
            for term, weight in profile.weights.items():
                self._postings.setdefault(term, []).append((index, weight))
        self._vocab = sorted(t for t in self._postings if " " not in t and len(t) >= FUZZY_MIN_LENGTH)
        self._fuzzy: dict[str, str | None] = {}
        self.bundled = bundled_keys(checklist)
        """Per item, the bundled item it is (its gap weights and required words), or None."""
        self._required = RequiredWords(self.bundled if self.weights.required_damp != 1.0 else ())
        self._centroids = exemplar_centroids(texts, confidence, len(self.item_ids), self.weights, self._cached_terms)
        self._heading_postings: Postings = {}
        self._heading_idf: dict[str, float] = {}
        if self.weights.exemplar_heading:
            sections = {self._item_index[k]: [e.section for e in v if e.section] for k, v in given.items()}
            self._heading_postings, self._heading_idf = heading_centroids(sections, confidence, self._cached_terms)
        if _calibrate:
            self._calibrate(given)
        self._untaught = Suggester(checklist, weights=self.weights) if given and _calibrate else None
        """The checklist alone, without the past audits (None when there are none): what it
        scores is what the gap model weighs the audits' scores against."""

    def item_index(self, item_id: str) -> int:
        """The position of *item_id* in the checklist; KeyError naming it when unknown."""
        index = self._item_index.get(item_id)
        if index is None:
            raise KeyError(f"no item {item_id!r} in checklist {self.checklist.id}")
        return index

    def _cached_terms(self, text: str) -> set[str]:
        found = self._terms_cache.get(text)
        if found is None:
            found = self._terms_cache[text] = terms_of(text)
        return found

    def _calibrate(self, exemplars: Mapping[str, list[Exemplar]]) -> None:
        """Scale each item's scores on what its own evidence scores raw.

        The item's example phrases (or, for an item without any, up to CALIBRATION_EXEMPLARS of
        its exemplars) are scored like clauses; the median raw score of an item's own texts
        maps to :attr:`Weights.reference_score`, so a clause like the evidence scores alike for
        every item, with or without exemplars. Exemplars
        are not the yardstick where the checklist gives one: a past audit that tagged a wrong
        clause would otherwise lower the bar and raise every score of the item.
        """
        owners: list[int] = []
        texts: list[str] = []
        held_out: dict[str, list[Exemplar]] = {}
        for index, profile in enumerate(self._profiles):
            taught = exemplars.get(self.item_ids[index], [])
            if profile.item.examples:
                own, rest = list(profile.item.examples), taught
            else:
                own, rest = [e.text for e in taught[:CALIBRATION_EXEMPLARS]], taught[CALIBRATION_EXEMPLARS:]
            if rest:
                held_out[self.item_ids[index]] = rest
            texts.extend(own)
            owners.extend([index] * len(own))
        if not texts:
            return
        clauses = [Clause(f"c{i + 1}", i, text, 0, 0, None) for i, text in enumerate(texts)]
        # Score them with a profile that has not seen them (no example phrases, the other
        # exemplars): a profile scores its own phrases far above any real clause.
        stripped = replace(self.checklist, items=tuple(replace(item, examples=()) for item in self.checklist.items))
        probe = Suggester(stripped, held_out, weights=self.weights, _calibrate=False)
        rows = probe._raw_rows(clauses, context=False)
        per_item: dict[int, list[float]] = {}
        for c, owner in enumerate(owners):
            per_item.setdefault(owner, []).append(rows[owner][c])
        for index, values in per_item.items():
            values.sort()
            middle = len(values) // 2
            reference = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
            if reference > 0:
                self._profiles[index].scale = reference / self.weights.reference_score

    # ---------------------------------------------------------------- section headings

    def _heading_scores(self, label: str) -> HeadScores:
        """Per item, for the section heading *label*: what it adds (its terms scored against
        the item's profile) and the factor it gives (its cosine with the headings of the
        item's exemplars); None for either when nothing matches."""
        terms = terms_of(label)
        raw = [0.0] * len(self.item_ids)
        for term in terms:
            for i, weight in self._postings.get(term, ()):
                raw[i] += weight
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

    def _policy_headings(self, clauses: Sequence[Clause]) -> tuple[dict[str, HeadScores], list[float] | None]:
        """The scores of each distinct section heading of the policy, and the factor of a
        clause under none.

        The exemplar-heading factor is taken relative to the policy's best heading for the item
        (at most 1), so it reorders the item's clauses rather than raising its scores: likely
        gaps keep their calibration.
        """
        if not (self.weights.heading or self._heading_postings):
            return {}, None
        heads = {label: self._heading_scores(label) for label in {c.section_label for c in clauses if c.section}}
        top_factor = [1.0] * len(self.item_ids)
        for _, factors in heads.values():
            if factors is not None:
                top_factor = [max(t, f) for t, f in zip(top_factor, factors, strict=False)]
        no_head = [1.0 / t for t in top_factor] if any(t != 1.0 for t in top_factor) else None
        relative = {
            label: (add, [f / t for f, t in zip(factors, top_factor, strict=False)] if factors is not None else no_head)
            for label, (add, factors) in heads.items()
        }
        return relative, no_head

    # ---------------------------------------------------------------- scoring

    def _fuzzy_map(self, words: Iterable[str]) -> dict[str, str]:
        """Map policy stems that no profile has to a close profile stem (rapidfuzz)."""
        cache = self._fuzzy
        todo = [word for word in words if word not in cache and len(word) >= FUZZY_MIN_LENGTH]
        if todo and self._vocab:
            cutoff = self.weights.fuzzy_cutoff
            for word in todo:
                match = process.extractOne(word, self._vocab, scorer=fuzz.ratio, score_cutoff=cutoff)
                cache[word] = match[0] if match else None
        return {word: cache[word] for word in words if cache.get(word)}  # type: ignore[misc]

    def score(self, policy: Policy) -> Scores:
        """Score every clause of *policy* against every item.

        With past audits, the checklist alone scores the policy too, in the same pass over its
        clauses: the gap model reads how far the audits raised each item's best score
        (:mod:`.gaps`), as exemplars raise the scores of an absent item's nearest clauses too.
        """
        suggesters: tuple[Suggester, ...] = (self,) if self._untaught is None else (self, self._untaught)
        rows, *checklist_rows = _score_clauses(suggesters, policy.clauses)
        for suggester, its_rows in zip(suggesters, (rows, *checklist_rows), strict=True):
            suggester._scale(its_rows)
        return Scores(self, policy, rows, checklist_rows[0] if checklist_rows else None)

    def _scale(self, rows: list[array[float]]) -> None:
        """Map raw scores to 0-100, per item on what its own evidence scores (see
        :meth:`_calibrate`)."""
        for row, profile in zip(rows, self._profiles, strict=True):
            k = profile.scale
            for c, v in enumerate(row):
                row[c] = 100.0 * v / (v + k) if v > 0 else 0.0

    def _raw_rows(self, clauses: Sequence[Clause], *, context: bool = True) -> list[array[float]]:
        """Raw scores, one packed array per item (8 bytes a score, where a float object takes
        32), filled clause by clause: no clause's scores outlive its turn."""
        return _score_clauses((self,), clauses, context=context)[0]

    def _begin(self, read: _PolicyTerms, clauses: Sequence[Clause], context: bool) -> _Run:
        """What this suggester reads of the whole policy before it scores a clause."""
        effective = self._effective_postings(read.df, len(clauses), context)
        centroid_eff, square_of = self._centroid_channel(read.df)
        heads, no_head = self._policy_headings(clauses) if context else ({}, None)
        rows = [array("d", bytes(8 * len(clauses))) for _ in self.item_ids]
        return _Run(self, effective, centroid_eff, square_of, heads, no_head, rows)

    def _clause_scores(
        self, run: _Run, clause: Clause, terms: _ClauseTerms, length: int, avg_len: float
    ) -> list[float]:
        """One clause's raw score for each item (before the policy-wide steps)."""
        tb, distinct, repeated = terms
        acc = self._term_sum(distinct, tb, length, repeated, run.effective)
        norm = (1.0 - self.weights.length_norm) + self.weights.length_norm * max(length, MIN_CLAUSE_LENGTH) / avg_len
        head, head_factor = run.heads.get(clause.section_label, (None, run.no_head))
        if head is not None:
            acc = [a / norm + h for a, h in zip(acc, head, strict=False)]
        elif norm != 1.0:
            acc = [a / norm for a in acc]
        if run.centroid_eff:
            acc = _add_cosine(acc, distinct, run.centroid_eff, run.square_of)
        if head_factor is not None:
            acc = [a * f for a, f in zip(acc, head_factor, strict=False)]
        if self.weights.competition:
            acc = self._compete(acc)
        return acc

    def _finish(
        self, rows: list[array[float]], clauses: Sequence[Clause], context: bool, named: dict[int, frozenset[int]]
    ) -> None:
        """The policy-wide steps once every clause is scored: damping the clauses that do not
        name what an item is about (*named*: see :meth:`_damp_unnamed`), and what a lead-in
        clause passes to the next."""
        if self._required:
            self._damp_unnamed(rows, clauses, named)
        if context and self.weights.lead_in and clauses:
            lead_in = self.weights.lead_in
            after_lead_in = [i for i in range(len(clauses) - 1, 0, -1) if clauses[i - 1].text.rstrip().endswith(":")]
            for row in rows:
                for i in after_lead_in:  # from the end: each adds its predecessor's own score
                    row[i] = row[i] + lead_in * row[i - 1]

    def _damp_unnamed(
        self, rows: list[array[float]], clauses: Sequence[Clause], found: dict[int, frozenset[int]]
    ) -> None:
        """Damp, for each item with required words (:mod:`.required`), the clauses that name
        none of them in their text or section heading. *found*: the items each clause names
        (by position), filled as they are read; a suggester of the same items shares it."""
        damp = self.weights.required_damp
        required = self._required
        by_heading: dict[str, frozenset[int]] = {}
        for c, clause in enumerate(clauses):
            if not any(rows[i][c] for i in required.items):
                continue
            named = found.get(c)
            if named is None:
                named = required.named(clause.text)
                if clause.section:
                    label = clause.section_label
                    heading = by_heading.get(label)
                    if heading is None:
                        heading = by_heading[label] = required.named(label)
                    named = named | heading
                found[c] = named
            for i in required.items:
                if i not in named:
                    rows[i][c] *= damp

    def _effective_postings(self, df: Mapping[str, int], n_clauses: int, context: bool) -> Postings:
        """The postings of the policy's terms with its rarity folded in (and policy words no
        profile has mapped to close profile words)."""
        postings = self._postings
        unknown = {term for term in df if term not in postings and " " not in term and term[0] != "<"}
        fuzzy = self._fuzzy_map(unknown)
        n = max(1, n_clauses)
        # Policy-level rarity: a term in most clauses says little about any one clause.
        idf_norm = math.log(n + 1.0)
        damp = self.weights.policy_idf
        rarity = {
            term: (1.0 - damp) + damp * min(1.0, math.log((n + 1.0) / count) / idf_norm * RARE_SHARE)
            if n > 1 and context
            else 1.0
            for term, count in df.items()
            if term in postings or term in fuzzy
        }
        effective: Postings = {}
        for term, factor in rarity.items():
            found = postings.get(term)
            if found is None:
                found, factor = postings[fuzzy[term]], factor * FUZZY_FACTOR
            effective[term] = [(i, weight * factor) for i, weight in found]
        return effective

    def _centroid_channel(self, df: Iterable[str]) -> tuple[Postings, dict[str, float]]:
        """The exemplar-centroid postings of the policy's terms (scaled by each item's gain and
        magnitude), and each term's squared idf (for the length of a clause's vector)."""
        centroids = self._centroids
        centroid_eff: Postings = {}
        square_of: dict[str, float] = {}
        if centroids.postings:
            gain = [g * p.magnitude for g, p in zip(centroids.gain, self._profiles, strict=False)]
            ex_idf, default = centroids.idf, centroids.idf_default
            for term in df:
                v = ex_idf.get(term, default)
                square_of[term] = v * v
                found = centroids.postings.get(term)
                if found is not None:
                    centroid_eff[term] = [(i, weight * gain[i]) for i, weight in found]
        return centroid_eff, square_of

    def _term_sum(
        self, terms: Sequence[str], tb: list[str], length: int, repeated: bool, effective: Postings
    ) -> list[float]:
        """The clause's weighted term overlap with each item (before length normalisation)."""
        w = self.weights
        acc = [0.0] * len(self.item_ids)
        lead_n, lead_boost, tf_boost = w.lead_words, w.lead_boost, w.repeat_boost
        # The first words say what a clause is about.
        lead = {*tb[:lead_n], *tb[length : length + lead_n - 1]} if lead_boost != 1.0 and length > lead_n else None
        counts = Counter(tb) if tf_boost and repeated else None
        log = math.log
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
        return acc

    def _compete(self, acc: list[float]) -> list[float]:
        """One clause's scores, each item's damped by how much more the clause is about
        another: items of the same group (the rights, say) do not compete."""
        gamma = self.weights.competition
        group_of = self._group_index
        n_groups = self._n_groups
        top = max(acc, default=0.0)
        if top <= 0:
            return acc
        if not (self.weights.group_competition and n_groups > 1):
            return [a * (a / top) ** gamma for a in acc]
        best = [0.0] * n_groups
        for g, a in zip(group_of, acc, strict=False):
            if a > best[g]:
                best[g] = a
        first = max(range(n_groups), key=best.__getitem__)
        top_first = best[first]
        best[first] = 0.0
        top_other = max(best)
        # Each item competes with the best item of the other groups (the larger of the two
        # divides; a conditional, not max(): this runs for every item of every clause).
        rivals = [top_other if g == first else top_first for g in group_of]
        if gamma == 1.0:
            return [a * a / (r if r > a else a) if a > 0 else 0.0 for a, r in zip(acc, rivals, strict=False)]
        return [a * (a / (r if r > a else a)) ** gamma if a > 0 else 0.0 for a, r in zip(acc, rivals, strict=False)]

    # ---------------------------------------------------------------- highlighting

    def matched_words(self, item_id: str, clause: Clause) -> tuple[str, ...]:
        """The words of *clause* that weigh in the item's profile (case-folded, in order), as the
        engine reads them (:func:`.terms.reading`: the unit of an age, say, is not one)."""
        weights = self._profiles[self.item_index(item_id)].weights
        if not weights:
            return ()
        floor = HIGHLIGHT_FLOOR * max(weights.values())
        seen: dict[str, None] = {}
        words = WORD.findall(read(clause.text))
        content = [(word, s) for word in words if (s := stem(word))]
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


def _score_clauses(
    suggesters: Sequence[Suggester], clauses: Sequence[Clause], *, context: bool = True
) -> list[list[array[float]]]:
    """Each suggester's raw scores of the clauses, filled clause by clause in one pass: each
    clause's terms are read once for all of them."""
    read = _read_policy(clauses)
    runs = [suggester._begin(read, clauses, context) for suggester in suggesters]
    lengths = read.lengths
    avg_len = (sum(lengths) / max(1, len(clauses))) or 1.0
    for c, (clause, length, found) in enumerate(zip(clauses, lengths, read.signs, strict=False)):
        terms = _clause_terms(clause.text, found)
        for run in runs:
            values = run.suggester._clause_scores(run, clause, terms, length, avg_len)
            for row, value in zip(run.rows, values, strict=False):
                row[c] = value
    # What each clause names of the required words depends on the items alone.
    named: dict[tuple[BundledKey | None, ...], dict[int, frozenset[int]]] = {}
    for run in runs:
        run.suggester._finish(run.rows, clauses, context, named.setdefault(run.suggester.bundled, {}))
    return [run.rows for run in runs]


def _read_policy(clauses: Sequence[Clause]) -> _PolicyTerms:
    lengths: list[int] = []
    found_signs: list[set[str] | None] = []
    df: Counter[str] = Counter()
    for clause in clauses:
        found = signs(clause.text) or None
        tb, terms, _repeated = _clause_terms(clause.text, found)
        lengths.append(_stem_count(tb))
        found_signs.append(found)
        df.update(terms)
    return _PolicyTerms(lengths, found_signs, df)


def _stem_count(tb: list[str]) -> int:
    """How many stems lead *tb* (stems, then one bigram fewer than stems)."""
    return (len(tb) + 1) // 2 if tb else 0


def _clause_terms(text: str, found: set[str] | None) -> _ClauseTerms:
    """A clause's stems followed by its bigrams (with repeats), its distinct terms (its signs
    *found* last), and whether it repeats a term."""
    tb = with_bigrams(stems(text))
    distinct = dict.fromkeys(tb)
    repeated = len(distinct) < len(tb)
    if found:
        distinct.update(dict.fromkeys(found))
    return tb, tuple(distinct), repeated


def _add_cosine(
    acc: list[float], terms: Sequence[str], centroid_eff: Postings, square_of: Mapping[str, float]
) -> list[float]:
    """*acc* plus the cosine of the clause with each item's exemplar centroid (scaled)."""
    square = sum(map(square_of.__getitem__, terms))
    if not square:
        return acc
    dot = [0.0] * len(acc)
    hit = False
    for term in terms:
        found = centroid_eff.get(term)
        if found is not None:
            hit = True
            for i, weight in found:
                dot[i] += weight
    if not hit:
        return acc
    inverse = 1.0 / math.sqrt(square)
    return [a + d * inverse for a, d in zip(acc, dot, strict=False)]
