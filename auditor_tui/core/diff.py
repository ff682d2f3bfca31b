"""Comparing two versions of a policy, clause by clause.

:func:`diff_policies` aligns the clauses of an old and a new version of a policy and says, for
every clause of the new version, whether it is ``unchanged``, ``modified`` (with its old
counterpart, a similarity from 0 to 100 and a word-level diff) or ``added``; every old clause
left over is ``removed``.

The alignment is *monotone*: matches never cross, as the clauses of a policy are read in
order. It is built in two stages:

1. **Exact stage.** Each clause is normalised lightly (Unicode NFKC, case folded, punctuation
   and bullets dropped, white space collapsed), so that a reformatting (a list reflowed, curly
   quotes, ``1\\.`` escapes) still matches. The two lists of normalised texts are aligned with
   :class:`difflib.SequenceMatcher` (longest common blocks, no junk heuristic); these exact
   matches are anchors.
2. **Fuzzy stage**, inside each gap between anchors. Clauses are compared word by word: each
   word is interned as one character, so that :mod:`rapidfuzz` (``Indel`` similarity, i.e. the
   longest common subsequence of words) compares whole clauses in C. Candidate matches are
   pairs of clauses with a similarity of at least :data:`THRESHOLD`, and also *splits* and
   *merges*: one old clause against up to :data:`MAX_GROUP` consecutive new clauses (a list
   broken into items) or the reverse. A heaviest chain of non-crossing candidates is chosen
   (a 2-D dominance search with a Fenwick tree), each weighing *words matched minus words
   not matched*, so a weak match never displaces a better one and an unrelated clause is never
   swallowed into a split.

   A small gap is searched exhaustively. A large one (a long rewritten stretch) first gets
   candidates from an inverted index of its rarer words plus the diagonal, so a 10,000-clause
   policy is compared in about a second rather than by 10^8 comparisons; the gaps left between
   the matches found are then searched exhaustively when small enough.

Word diffs (:mod:`auditor_tui.core.word_diff`) are computed lazily, only for the changes that are looked at.
Nothing here imports Textual.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import Indel

from auditor_tui.core.policy import Clause, Policy, load_policy
from auditor_tui.core.word_diff import split_diff, word_diff

if TYPE_CHECKING:
    from auditor_tui.core.session import Session

THRESHOLD = 60.0
"""Minimum word-level similarity (0-100) for two clauses to count as one clause modified.

Unrelated English sentences of similar length share function words in order and score about
20-45; a sentence with a few words changed scores 80-95."""

MAX_GROUP = 12
"""Most clauses joined on one side of a split or a merge."""

SMALL_GAP = 40_000
"""A gap of at most this many clause pairs (old x new) is searched exhaustively."""

KINDS = ("unchanged", "modified", "added", "removed")

# --------------------------------------------------------------------------- normalising

_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """The text as compared: NFKC, case folded, punctuation and bullets dropped, one space between words."""
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


class _Vocabulary:
    """Words interned as single characters, so a clause is a short string of 'letters'."""

    def __init__(self) -> None:
        self._codes: dict[str, str] = {}

    def encode(self, words: list[str]) -> str:
        codes = self._codes
        out = []
        for word in words:
            code = codes.get(word)
            if code is None:
                number = len(codes) + 0x100
                if number >= 0xD800:  # skip the surrogates
                    number += 0x800
                if number > 0x10FFFF:  # over a million distinct words: share codes (rarely matters)
                    number = 0xE000 + number % 0x100000
                code = codes[word] = chr(number)
            out.append(code)
        return "".join(out)


def _similarity(a: str, b: str) -> float:
    """Word-level similarity (0-100) of two encoded clauses."""
    if not a or not b:
        return 0.0
    return Indel.normalized_similarity(a, b) * 100.0


# --------------------------------------------------------------------------- alignment


@dataclass(frozen=True, slots=True)
class Match:
    """Old clauses ``[i0, i1)`` matched to new clauses ``[j0, j1)`` (one side has one clause
    unless it is a split or a merge)."""

    i0: int
    i1: int
    j0: int
    j1: int
    similarity: float
    exact: bool
    """The normalised texts are equal (after joining, for a split or merge)."""


@dataclass(slots=True)
class _Candidate:
    i0: int
    i1: int
    j0: int
    j1: int
    similarity: float
    weight: float


class _Aligner:
    def __init__(self, old: Sequence[str], new: Sequence[str], threshold: float):
        self.threshold = threshold
        self.old_keys = [normalise(text) for text in old]
        self.new_keys = [normalise(text) for text in new]
        vocabulary = _Vocabulary()
        self.a = [vocabulary.encode(key.split()) for key in self.old_keys]
        self.b = [vocabulary.encode(key.split()) for key in self.new_keys]

    # ------------------------------------------------------------------ top level

    def run(self) -> list[Match]:
        matcher = SequenceMatcher(None, self.old_keys, self.new_keys, autojunk=False)
        matches: list[Match] = []
        i = j = 0
        for a, b, size in matcher.get_matching_blocks():
            matches.extend(self._gap(i, a, j, b))
            matches.extend(Match(a + k, a + k + 1, b + k, b + k + 1, 100.0, True) for k in range(size))
            i, j = a + size, b + size
        return matches

    def _gap(self, i0: int, i1: int, j0: int, j1: int) -> list[Match]:
        if i0 >= i1 or j0 >= j1:
            return []
        if (i1 - i0) * (j1 - j0) <= SMALL_GAP:
            return self._chain(self._exhaustive(i0, i1, j0, j1), j0, j1)
        # A large gap: match what the index finds, then search what is left between.
        found = self._chain(self._indexed(i0, i1, j0, j1), j0, j1)
        matches: list[Match] = []
        i, j = i0, j0
        for match in [*found, Match(i1, i1, j1, j1, 0.0, False)]:
            if (match.i0 - i) * (match.j0 - j) <= SMALL_GAP:
                matches.extend(self._chain(self._exhaustive(i, match.i0, j, match.j0), j, match.j0))
            if match.i1 > match.i0:
                matches.append(match)
            i, j = match.i1, match.j1
        return self._extend(matches, i0, i1, j0, j1)

    def _extend(self, matches: list[Match], i0: int, i1: int, j0: int, j1: int) -> list[Match]:
        """Grow 1:1 matches found by the index into splits or merges over free neighbours."""
        out: list[Match] = []
        for number, match in enumerate(matches):
            low_i = out[-1].i1 if out else i0
            low_j = out[-1].j1 if out else j0
            high_i = matches[number + 1].i0 if number + 1 < len(matches) else i1
            high_j = matches[number + 1].j0 if number + 1 < len(matches) else j1
            current = self._candidate(match.i0, match.i1, match.j0, match.j1, match.similarity)
            while (current.i1 - current.i0) + (current.j1 - current.j0) <= MAX_GROUP:
                options = []
                if current.i1 - current.i0 == 1:
                    if current.j0 > low_j:
                        options.append((current.i0, current.i1, current.j0 - 1, current.j1))
                    if current.j1 < high_j:
                        options.append((current.i0, current.i1, current.j0, current.j1 + 1))
                if current.j1 - current.j0 == 1:
                    if current.i0 > low_i:
                        options.append((current.i0 - 1, current.i1, current.j0, current.j1))
                    if current.i1 < high_i:
                        options.append((current.i0, current.i1 + 1, current.j0, current.j1))
                best = current
                for a0, a1, b0, b1 in options:
                    score = _similarity("".join(self.a[a0:a1]), "".join(self.b[b0:b1]))
                    if score >= self.threshold:
                        option = self._candidate(a0, a1, b0, b1, score)
                        if option.weight > best.weight:
                            best = option
                if best is current:
                    break
                current = best
            if current.i0 == match.i0 and current.i1 == match.i1 and current.j0 == match.j0 and current.j1 == match.j1:
                out.append(match)
            else:
                out.append(self._match(current))
        return out

    # ------------------------------------------------------------------ candidates

    def _candidate(self, i0: int, i1: int, j0: int, j1: int, similarity: float) -> _Candidate:
        size = sum(len(self.a[i]) for i in range(i0, i1)) + sum(len(self.b[j]) for j in range(j0, j1))
        # Words matched minus words not matched: positive above 50% similarity.
        return _Candidate(i0, i1, j0, j1, similarity, size * (similarity - 50.0) / 50.0)

    def _exhaustive(self, i0: int, i1: int, j0: int, j1: int) -> list[_Candidate]:
        """Every pair, split and merge in the gap scoring at least the threshold."""
        if i0 >= i1 or j0 >= j1:
            return []
        a, b, threshold = self.a, self.b, self.threshold
        candidates: list[_Candidate] = []
        choices = a[i0:i1]
        for j in range(j0, j1):
            if not b[j]:
                continue
            for _, score, index in process.extract(
                b[j], choices, scorer=Indel.normalized_similarity, score_cutoff=threshold / 100.0, limit=None
            ):
                if choices[index]:
                    candidates.append(self._candidate(i0 + index, i0 + index + 1, j, j + 1, score * 100.0))
        # Splits (one old clause, several new ones) and merges (the reverse).
        old_sets = [set(a[i]) for i in range(i0, i1)]
        new_sets = [set(b[j]) for j in range(j0, j1)]
        for i in range(i0, i1):
            for j in range(j0, j1):
                if not a[i] or not b[j]:
                    continue
                if len(b[j]) < len(a[i]) and j + 1 < j1 and _contained(new_sets[j - j0], old_sets[i - i0]):
                    candidates.extend(self._groups(i, j, j1, split=True))
                if len(a[i]) < len(b[j]) and i + 1 < i1 and _contained(old_sets[i - i0], new_sets[j - j0]):
                    candidates.extend(self._groups(j, i, i1, split=False))
        return candidates

    def _groups(self, single: int, first: int, end: int, *, split: bool) -> list[_Candidate]:
        """One clause (*single*) against clauses ``first, first+1, ...`` of the other side."""
        whole, parts = (self.a, self.b) if split else (self.b, self.a)
        target = whole[single]
        limit = len(target) * (200.0 - self.threshold) / self.threshold  # beyond it the score cannot pass
        joined = parts[first]
        out = []
        for last in range(first + 1, min(end, first + MAX_GROUP)):
            joined += parts[last]
            if len(joined) > limit:
                break
            score = _similarity(target, joined)
            if score >= self.threshold:
                if split:
                    out.append(self._candidate(single, single + 1, first, last + 1, score))
                else:
                    out.append(self._candidate(first, last + 1, single, single + 1, score))
        return out

    def _indexed(self, i0: int, i1: int, j0: int, j1: int) -> list[_Candidate]:
        """Pairs worth scoring in a large gap: sharing rare words, or near the diagonal."""
        a, b, threshold = self.a, self.b, self.threshold
        postings: dict[str, list[int]] = {}
        for i in range(i0, i1):
            for word in set(a[i]):
                postings.setdefault(word, []).append(i)
        cap = 24
        slope = (i1 - i0) / (j1 - j0)
        pairs: set[tuple[int, int]] = set()
        for j in range(j0, j1):
            if not b[j]:
                continue
            words = [w for w in set(b[j]) if 0 < len(postings.get(w, ())) <= cap]
            if len(words) > 12:
                words = heapq.nsmallest(12, words, key=lambda w: len(postings[w]))
            counts: dict[int, int] = {}
            for word in words:
                for i in postings[word]:
                    counts[i] = counts.get(i, 0) + 1
            for i, _ in heapq.nlargest(4, counts.items(), key=lambda kv: kv[1]):
                pairs.add((i, j))
            centre = i0 + int((j - j0) * slope)
            for i in range(max(i0, centre - 2), min(i1, centre + 3)):
                pairs.add((i, j))
        candidates = []
        for i, j in pairs:
            score = _similarity(a[i], b[j])
            if score >= threshold:
                candidates.append(self._candidate(i, i + 1, j, j + 1, score))
        return candidates

    # ------------------------------------------------------------------ choosing

    def _chain(self, candidates: list[_Candidate], j0: int, j1: int) -> list[Match]:
        """The heaviest chain of non-crossing candidates, in order."""
        if not candidates:
            return []
        candidates.sort(key=lambda c: (c.i0, c.j0, c.i1, c.j1))
        by_end = sorted(range(len(candidates)), key=lambda k: candidates[k].i1)
        size = j1 - j0 + 1
        tree_value = [0.0] * (size + 1)
        tree_index = [-1] * (size + 1)
        best = [0.0] * len(candidates)
        back = [-1] * len(candidates)
        inserted = 0

        def update(position: int, value: float, index: int) -> None:
            position += 1
            while position <= size:
                if value > tree_value[position]:
                    tree_value[position], tree_index[position] = value, index
                position += position & -position

        def query(position: int) -> tuple[float, int]:
            position += 1
            value, index = 0.0, -1
            while position > 0:
                if tree_value[position] > value:
                    value, index = tree_value[position], tree_index[position]
                position -= position & -position
            return value, index

        for k, candidate in enumerate(candidates):
            while inserted < len(by_end) and candidates[by_end[inserted]].i1 <= candidate.i0:
                done = by_end[inserted]
                update(candidates[done].j1 - j0, best[done], done)
                inserted += 1
            value, previous = query(candidate.j0 - j0)
            best[k] = value + candidate.weight
            back[k] = previous
        k = max(range(len(candidates)), key=best.__getitem__)
        chain = []
        while k >= 0:
            chain.append(candidates[k])
            k = back[k]
        chain.reverse()
        return [self._match(c) for c in chain]

    def _match(self, c: _Candidate) -> Match:
        exact = self._exact(c)
        # Never show a changed clause as 100% similar (rounding a long clause with one change).
        return Match(c.i0, c.i1, c.j0, c.j1, 100.0 if exact else min(round(c.similarity, 1), 99.9), exact)

    def _exact(self, c: _Candidate) -> bool:
        old = " ".join(k for k in self.old_keys[c.i0 : c.i1] if k)
        new = " ".join(k for k in self.new_keys[c.j0 : c.j1] if k)
        return old == new


def _contained(part: set[str], whole: set[str]) -> bool:
    """Most of *part*'s words are in *whole* (a piece of a split, a clause of a merge)."""
    return len(part & whole) * 2 >= len(part)


def align(old: Sequence[str], new: Sequence[str], *, threshold: float = THRESHOLD) -> list[Match]:
    """Monotone alignment of two lists of clause texts: the matches, in order.

    Old clauses in no match were removed; new clauses in no match were added.
    """
    return _Aligner(old, new, threshold).run()


# --------------------------------------------------------------------------- the diff


class _Group:
    """Old and new clauses matched together; computes the word diff once, on demand."""

    def __init__(self, old: tuple[Clause, ...], new: tuple[Clause, ...]):
        self.old = old
        self.new = new

    @cached_property
    def diffs(self) -> list[list[tuple[str, str]]]:
        if len(self.old) == 1 and len(self.new) == 1:
            return [word_diff(self.old[0].text, self.new[0].text)]
        return split_diff([c.text for c in self.old], [c.text for c in self.new])


@dataclass(frozen=True, eq=False)
class Change:
    """What happened to one clause between the two versions.

    For ``unchanged``, ``modified`` and ``added`` changes, :attr:`new` is the clause of the new
    version; for ``removed`` it is None and :attr:`old` is the clause that went. When an old
    clause was split into several new ones (a list broken into items), each of them has its own
    change sharing :attr:`old`; :attr:`new_group` lists them all. When several old clauses were
    merged into one, :attr:`old_group` lists them and :attr:`old` is the first.
    """

    kind: str
    old: Clause | None
    new: Clause | None
    similarity: float | None
    """0-100 for a match (100 for ``unchanged``), None for an added or removed clause."""
    old_group: tuple[Clause, ...] = ()
    new_group: tuple[Clause, ...] = ()
    _group: _Group | None = field(default=None, repr=False)
    _piece: int = field(default=0, repr=False)

    @property
    def old_text(self) -> str:
        return "\n".join(c.text for c in self.old_group)

    @property
    def new_text(self) -> str:
        return self.new.text if self.new else ""

    @property
    def section(self) -> str:
        """The section of the new clause (of the old one for a removed clause)."""
        clause = self.new or self.old
        return clause.section_label if clause else ""

    @property
    def old_section(self) -> str:
        return self.old.section_label if self.old else ""

    @property
    def split(self) -> bool:
        return len(self.new_group) > 1

    @property
    def merged(self) -> bool:
        return len(self.old_group) > 1

    @cached_property
    def diff(self) -> list[tuple[str, str]]:
        """Word-level diff from the old text to this clause's text (see :func:`word_diff`)."""
        if self.kind == "added":
            return [("insert", self.new_text)]
        if self.kind == "removed":
            return [("delete", self.old_text)]
        assert self._group is not None
        return self._group.diffs[self._piece]


@dataclass(eq=False)
class ClauseDiff:
    """The changes from one version of a policy to the next."""

    old: Policy
    new: Policy
    changes: list[Change]
    """Every change in reading order: the new version's clauses, with the removed old clauses
    where they were."""
    partial: bool = False
    """The old side is only the clauses quoted in an audit (its policy file was missing), so
    ``added`` means only "not among the quoted clauses"."""
    warnings: list[str] = field(default_factory=list)
    _by_new: dict[str, Change] = field(default_factory=dict, init=False, repr=False)
    _by_old: dict[str, list[Change]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for change in self.changes:
            if change.new is not None:
                self._by_new[change.new.id] = change
            for clause in change.old_group:
                entries = self._by_old.setdefault(clause.id, [])
                if change not in entries:
                    entries.append(change)

    def by_new_clause(self, clause_id: str) -> Change | None:
        """The change for a clause of the new version, or None for an unknown id."""
        return self._by_new.get(clause_id)

    def by_old_clause(self, clause_id: str) -> list[Change]:
        """The changes an old clause is part of: one, or several when it was split."""
        return self._by_old.get(clause_id, [])

    def of_kind(self, kind: str) -> list[Change]:
        return [change for change in self.changes if change.kind == kind]

    @property
    def removed(self) -> list[Change]:
        return self.of_kind("removed")

    @property
    def added(self) -> list[Change]:
        return self.of_kind("added")

    @property
    def modified(self) -> list[Change]:
        return self.of_kind("modified")

    @property
    def unchanged(self) -> list[Change]:
        return self.of_kind("unchanged")

    def summary(self) -> dict[str, int]:
        """Counts: ``unchanged``, ``modified``, ``added`` (new clauses), ``removed`` (old ones),
        ``split`` and ``merged`` (groups), and the clause counts of both versions."""
        counts = dict.fromkeys(KINDS, 0)
        for change in self.changes:
            counts[change.kind] += 1
        groups = {id(c._group): c for c in self.changes if c._group is not None}.values()
        counts["split"] = sum(1 for c in groups if c.split)
        counts["merged"] = sum(1 for c in groups if c.merged)
        counts["old_clauses"] = len(self.old.clauses)
        counts["new_clauses"] = len(self.new.clauses)
        return counts

    def summary_line(self) -> str:
        s = self.summary()
        text = (
            f"{s['old_clauses']} -> {s['new_clauses']} clauses: {s['unchanged']} unchanged, "
            f"{s['modified']} modified, {s['added']} added, {s['removed']} removed"
        )
        extra = [f"{s['split']} split" if s["split"] else "", f"{s['merged']} merged" if s["merged"] else ""]
        extra = [e for e in extra if e]
        return text + (f" ({', '.join(extra)})" if extra else "")


def diff_policies(old: Policy, new: Policy, *, threshold: float = THRESHOLD) -> ClauseDiff:
    """Compare two versions of a policy clause by clause."""
    old_clauses, new_clauses = old.clauses, new.clauses
    matches = align([c.text for c in old_clauses], [c.text for c in new_clauses], threshold=threshold)
    changes: list[Change] = []
    i = j = 0

    def flush(i_end: int, j_end: int) -> None:
        nonlocal i, j
        # Removed clauses first, then added ones: "this went, that came".
        for clause in old_clauses[i:i_end]:
            changes.append(Change("removed", clause, None, None, (clause,), ()))
        for clause in new_clauses[j:j_end]:
            changes.append(Change("added", None, clause, None, (), (clause,)))
        i, j = i_end, j_end

    for match in matches:
        flush(match.i0, match.j0)
        olds = tuple(old_clauses[match.i0 : match.i1])
        news = tuple(new_clauses[match.j0 : match.j1])
        group = _Group(olds, news)
        kind = "unchanged" if match.exact else "modified"
        similarity = 100.0 if match.exact else match.similarity
        for piece, clause in enumerate(news):
            changes.append(Change(kind, olds[0], clause, similarity, olds, news, group, piece))
        i, j = match.i1, match.j1
    flush(len(old_clauses), len(new_clauses))
    return ClauseDiff(old, new, changes)


def diff_files(old_path: str | Path, new_path: str | Path, *, threshold: float = THRESHOLD) -> ClauseDiff:
    """Load two policy files and compare them (raises :class:`PolicyError` for a bad file)."""
    old = load_policy(old_path)
    new = load_policy(new_path)
    result = diff_policies(old, new, threshold=threshold)
    result.warnings.extend([*old.warnings, *new.warnings])
    return result


def affected_items(session: Session, diff: ClauseDiff) -> dict[str, list[Change]]:
    """For each item whose evidence changed, the changes (modified or removed clauses).

    *session* may be the old audit (its tags name clauses of ``diff.old``) or the audit carried
    forward (its tags name clauses of ``diff.new``; orphaned tags name the old clause).
    """
    on_new = session.policy.sha256 == diff.new.sha256 and session.policy.sha256 != diff.old.sha256
    result: dict[str, list[Change]] = {}
    for state in session.items.values():
        found: list[Change] = []
        for tag in state.tags:
            if on_new and not tag.orphan:
                change = diff.by_new_clause(tag.clause)
                changes = [change] if change is not None else []
            else:
                changes = diff.by_old_clause(tag.clause)
            for change in changes:
                if change.kind in ("modified", "removed") and change not in found:
                    found.append(change)
        if found:
            result[state.id] = found
    return result
