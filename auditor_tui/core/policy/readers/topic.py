"""How much a run of text speaks of personal data: what tells a policy from the text around it.

A saved web page (``webpage.py``) and a web page printed to PDF (``pdf.py``) often hold more
than the policy: the site's terms of use printed on the same page, a list of articles beside
it. Those runs use the words a privacy policy lives on (``personal``, ``collect``, ``cookies``,
``third parties`` ...) far less: :func:`policy_span` finds the run of parts that speaks of
personal data most, and drops what comes before or after it when that is long.
"""

from __future__ import annotations

import re

WORD = re.compile(r"[^\W_]+")
_POLICY_WORDS = frozenset(
    "privacy personal information data retention cookie cookies share shares shared sharing policy policies "
    "email emails mail account accounts device devices browser browsers ip analytics children child minor minors "
    "right rights request requests law laws legal access correct third opt".split()
)
_POLICY_STEMS = (
    "collect",
    "disclos",
    "consent",
    "track",
    "identif",
    "process",
    "retain",
    "secur",
    "protect",
    "delet",
    "updat",
    "advertis",
)
"""Words a privacy policy uses far more than the rest of a web page (written for this tool,
by hand; whole words and word beginnings)."""


def policy_words(words: list[str]) -> int:
    """How many of *words* (lower case) are words a privacy policy uses."""
    return sum(1 for word in words if word in _POLICY_WORDS or word.startswith(_POLICY_STEMS))


TRIM_DENSITY = 0.06
"""A run of text with fewer policy words than this per word is not the policy's."""
TRIM_WORDS = 150
"""Only a run this long (in words) is trimmed from the start or end."""


def best_run(weights: list[float]) -> tuple[int, int]:
    """The (first, last) indexes of the run with the largest sum (last < first: none above 0)."""
    best, best_start, best_end = 0.0, 0, -1
    total, start = 0.0, 0
    for index, weight in enumerate(weights):
        if total <= 0:
            total, start = 0.0, index
        total += weight
        if total > best:
            best, best_start, best_end = total, start, index
    return best_start, best_end


def policy_span(parts: list[tuple[int, int]]) -> tuple[int, int]:
    """The (first, last) parts to keep of *parts*, each (words, policy words), in order: all of
    them, less a run of :data:`TRIM_WORDS` or more at the start or the end whose policy words
    are under :data:`TRIM_DENSITY` of its words."""
    if not parts:
        return 0, -1
    first, last = best_run([policy - TRIM_DENSITY * words for words, policy in parts])
    if last < first:
        return 0, len(parts) - 1
    head = sum(words for words, _ in parts[:first])
    tail = sum(words for words, _ in parts[last + 1 :])
    return (first if head >= TRIM_WORDS else 0), (last if tail >= TRIM_WORDS else len(parts) - 1)
