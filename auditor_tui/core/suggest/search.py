"""The policy's live fuzzy search (as the user types) and highlighting of matched words."""

from __future__ import annotations

import bisect
import heapq
import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from auditor_tui.core.policy import Policy
from auditor_tui.core.suggest.terms import STOP_WORDS, WORD, stem

__all__ = ["Hit", "SearchIndex", "matched_spans"]

# How well a vocabulary word matches a query word (0-1), by the kind of match.
EXACT_QUALITY = 1.0
SHORT_PREFIX_QUALITY = 0.9
"""The query word starts the word, and at most SHORT_PREFIX_EXTRA letters follow."""
SHORT_PREFIX_EXTRA = 3
LONG_PREFIX_QUALITY = 0.8
FUZZY_QUALITY = 0.85
"""Times rapidfuzz's ratio / 100 for a word within an edit or two."""
FUZZY_PREFIX_QUALITY = 0.7
"""Times the ratio / 100 for a misspelled prefix of the word being typed."""

MIN_PREFIX_LENGTH = 3
"""A query word other than the one being typed matches word starts from this length."""
MIN_FUZZY_LENGTH = 4
"""Shorter query words match exactly or as a prefix only (too many words are one edit away)."""
LONG_WORD = 6
FUZZY_CUTOFF_LONG = 80
"""rapidfuzz ratio needed for a query word of LONG_WORD letters or more (two edits in ten)."""
FUZZY_CUTOFF_SHORT = 85
"""... and for shorter ones, and for the misspelled prefix of the word being typed."""
FUZZY_LIMIT = 50
"""At most this many fuzzy matches per query word."""
CACHE_SIZE = 2000
"""Query words remembered per index (typing repeats most of them)."""

RARITY_GAIN = 1.0
"""A word found in one clause weighs up to 1 + this more than a word found in all."""
PHRASE_BONUS = 10.0
"""Points added when the query's words appear together, in order, in the clause."""


@dataclass(frozen=True, slots=True)
class Hit:
    """A clause found by :meth:`SearchIndex.search`."""

    clause_id: str
    score: float
    spans: tuple[tuple[int, int], ...]
    """Character ranges ``(start, end)`` in the clause text to highlight."""


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
    for match in WORD.finditer(text):
        word = match.group().casefold()
        if word in wanted or (stems and stem(word) in stems):
            start, end = match.span()
            if spans and spans[-1][1] >= start - 1 and text[spans[-1][1] : start].strip() == "":
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
    return spans


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
            for word in set(WORD.findall(_strip_accents(text.casefold()))):
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
            out[query_word] = EXACT_QUALITY
        # Prefix matches (the word being typed, or a stem like "retent").
        if last or len(query_word) >= MIN_PREFIX_LENGTH:
            lo = bisect.bisect_left(self._vocab, query_word)
            for word in self._vocab[lo:]:
                if not word.startswith(query_word):
                    break
                short = len(word) - len(query_word) <= SHORT_PREFIX_EXTRA
                out.setdefault(word, SHORT_PREFIX_QUALITY if short else LONG_PREFIX_QUALITY)
        if len(query_word) >= MIN_FUZZY_LENGTH:
            self._fuzzy_matches(query_word, last, out)
        found = sorted(out.items(), key=lambda kv: -kv[1])
        if len(self._cache) > CACHE_SIZE:
            self._cache.clear()
        self._cache[key] = found
        return found

    def _fuzzy_matches(self, query_word: str, last: bool, out: dict[str, float]) -> None:
        """Add the vocabulary words within an edit or two of *query_word* to *out*."""
        cutoff = FUZZY_CUTOFF_LONG if len(query_word) >= LONG_WORD else FUZZY_CUTOFF_SHORT
        for word, score, _ in process.extract(
            query_word, self._vocab, scorer=fuzz.ratio, score_cutoff=cutoff, limit=FUZZY_LIMIT
        ):
            out.setdefault(word, score / 100.0 * FUZZY_QUALITY)
        if last:
            # The word being typed may be a misspelled prefix: compare with word starts.
            n = len(query_word)
            prefixes = process.extract(
                query_word,
                self._vocab,
                scorer=fuzz.ratio,
                processor=lambda w: w[:n],
                score_cutoff=FUZZY_CUTOFF_SHORT,
                limit=FUZZY_LIMIT,
            )
            for word, score, _ in prefixes:
                out.setdefault(word, score / 100.0 * FUZZY_PREFIX_QUALITY)

    def _per_word(self, words: list[str], ends_with_space: bool) -> tuple[list[dict[int, float]], set[str]] | None:
        """Per query word, the best value of each clause it matches; and the words matched.
        None when a word (not a stop word) matches nothing."""
        per_word: list[dict[int, float]] = []
        matched: set[str] = set()
        rarity_base = math.log(self._n + 1.0)
        for position, word in enumerate(words):
            last = position == len(words) - 1 and not ends_with_space
            matches = self._word_matches(word, last)
            if not matches:
                if word in STOP_WORDS:
                    continue
                return None
            best: dict[int, float] = {}
            for vocab_word, quality in matches:
                ids = self._postings[vocab_word]
                value = quality * (1.0 + RARITY_GAIN * math.log((self._n + 1.0) / len(ids)) / rarity_base)
                for index in ids:
                    if best.get(index, 0.0) < value:
                        best[index] = value
            per_word.append(best)
            matched.update(vocab_word for vocab_word, _ in matches)
        return per_word, matched

    def search(self, query: str, limit: int = 50) -> list[Hit]:
        """Clauses matching *query*, best first; each with the spans to highlight."""
        words = WORD.findall(_strip_accents(query.casefold()))
        if not words or limit <= 0:
            return []
        found = self._per_word(words, query[-1:].isspace())
        if not found or not found[0]:
            return []
        per_word, matched = found
        per_word.sort(key=len)
        candidates = set(per_word[0])
        for best in per_word[1:]:
            candidates.intersection_update(best)
            if not candidates:
                return []
        # The most a clause can reach: every word an exact match found in one clause.
        top_value = (EXACT_QUALITY + RARITY_GAIN) * len(per_word)
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
            bonus = PHRASE_BONUS if phrase in text.casefold() else 0.0
            score = min(100.0, 100.0 * value / top_value + bonus)
            hits.append(Hit(self.policy.clauses[index].id, round(score, 1), self._spans(text, matched)))
        return hits

    def _spans(self, text: str, wanted: set[str]) -> tuple[tuple[int, int], ...]:
        spans: list[tuple[int, int]] = []
        folded = _strip_accents(text.casefold())
        if len(folded) != len(text):
            folded = text.casefold()
        for match in WORD.finditer(folded):
            if match.group() in wanted:
                start, end = match.span()
                if spans and text[spans[-1][1] : start].strip() == "":
                    spans[-1] = (spans[-1][0], end)
                else:
                    spans.append((start, end))
        return tuple(spans)
