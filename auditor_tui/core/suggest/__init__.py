"""Suggestions: which clauses of a policy are likely evidence for which checklist items.

The engine is a weighted term-overlap model with fuzzy matching, built for speed without
NumPy (rapidfuzz's ``process.cdist`` needs NumPy, and an inverted index beats all-pairs
scoring anyway):

* :mod:`.terms`: words, stems, bigrams and pattern signs (``<email>``, ``<period>`` ...).
* :mod:`.profiles`: a weight per term for each checklist item, from its title, keywords,
  example phrases and guidance, and what exemplars add (their distinctive terms, their
  centroid, the headings they were tagged under).
* :mod:`.exemplars`: exemplars are the clauses auditors tagged for the same item (same
  checklist id and item id, or the bundled item it copies) in earlier audits, read from
  session files by :func:`load_exemplars`, so suggestions improve with each audit the team
  completes.
* :mod:`.engine`: :class:`Suggester` scores every clause of a policy against every item;
  :mod:`.scores`: the result (:class:`Scores`); :mod:`.gaps`: how probable it is that the
  policy says nothing of an item (:class:`Gap`, a calibrated probability and its reason).
  Its per-item weights, and :mod:`.required`'s words an item's evidence must name, belong to
  the bundled checklists' items, found by :mod:`.bundled` in a copy too.
* :mod:`.search`: :class:`SearchIndex` is the policy's live fuzzy search (as the user types),
  and :func:`matched_spans` turns matched words into character ranges to highlight.

This package never imports Textual.
"""

from __future__ import annotations

from auditor_tui.core.suggest.engine import Suggester
from auditor_tui.core.suggest.exemplars import Exemplar, load_exemplars
from auditor_tui.core.suggest.gaps import Gap
from auditor_tui.core.suggest.scores import Scores, Suggestion
from auditor_tui.core.suggest.search import Hit, SearchIndex, matched_spans
from auditor_tui.core.suggest.terms import stem, terms_of
from auditor_tui.core.suggest.weights import Weights

__all__ = [
    "Exemplar",
    "Gap",
    "Hit",
    "Scores",
    "SearchIndex",
    "Suggester",
    "Suggestion",
    "Weights",
    "load_exemplars",
    "matched_spans",
    "stem",
    "terms_of",
]
