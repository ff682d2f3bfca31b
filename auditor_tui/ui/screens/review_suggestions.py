"""The review screen's suggestions: computed in a worker, chosen with ``n`` / ``N``, accepted
with ``a`` and rejected with ``x``, from whichever pane has the focus.

The chosen suggestion is marked ``▶`` in the detail area, and choosing one moves the policy pane
to its clause with the matched words highlighted. A suggestion the auditor has not seen is
never tagged: with the detail area folded away (narrow terminals), the first ``a`` (or ``x``)
only shows the clause in the policy pane; a second one acts on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import work
from textual.worker import get_current_worker

from auditor_tui.core.errors import AuditorError
from auditor_tui.core.text import printable
from auditor_tui.ui.screens.review_reuse import proposal_label
from auditor_tui.ui.widgets.detail import DetailPane

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from textual import getters
    from textual.notifications import SeverityLevel
    from textual.screen import Screen

    from auditor_tui.core.audit import Audit
    from auditor_tui.core.errors import SessionError
    from auditor_tui.core.session import Proposal, Session
    from auditor_tui.core.suggest import Scores
    from auditor_tui.ui.app import AuditorApp
    from auditor_tui.ui.widgets.policy_view import PolicyView

    _Screen = Screen[None]
else:
    _Screen = object  # at run time a plain mixin: ReviewScreen brings the Screen

SUGGESTIONS_SHOWN = 5

Entry = tuple[str, float, Sequence[tuple[int, int]]]  # clause id, score, matched spans


class SuggestionActions(_Screen):
    """Mixed into :class:`~auditor_tui.ui.screens.review.ReviewScreen`."""

    if TYPE_CHECKING:  # what the mixin uses of ReviewScreen (which defines them all)
        app = getters.app(AuditorApp)
        audit: Audit
        session: Session
        scores: Scores | None

        @property
        def item_id(self) -> str: ...
        @property
        def policy_view(self) -> PolicyView: ...
        def jump_to_item(self, item_id: str | None) -> None: ...
        def run_change(self, change: Callable[[], object], item_id: str | None = None) -> bool: ...
        def say(self, message: str, *, severity: SeverityLevel = "information", group: str = "result") -> None: ...
        def wait_for_first_frame(self) -> None: ...
        # from ReuseActions (review_reuse.py)
        def proposals_for(self, item_id: str) -> list[Proposal]: ...
        def chosen_proposal(self) -> Proposal | None: ...
        def accept_proposal(self, proposal: Proposal) -> None: ...
        def reject_proposal(self, proposal: Proposal) -> None: ...
        def linked_labels(self, clause_id: str) -> list[str]: ...
        def read_linked(self, found: Sequence[tuple[Path, Session | SessionError]]) -> None: ...

    suggestion_index: int = 0
    """Which of the current item's suggestions ``a`` and ``x`` act on."""
    _suggestion_entries: list[Entry]
    _suggestion_item: str | None = None
    _shown_suggestion: str | None = None
    """The clause a suggestion showed in the policy pane (its words highlighted there)."""

    @work(thread=True, exclusive=True, group="suggest")
    def compute_suggestions(self) -> None:
        """Score every clause against every item, off the UI thread."""
        self.wait_for_first_frame()  # reading other sessions and scoring must not delay it
        from auditor_tui.core.session import find_sessions
        from auditor_tui.core.suggest import Suggester, load_exemplars

        worker = get_current_worker()
        try:
            found = find_sessions(self.app.sessions_dir)  # read once: linked audits and exemplars
            self.read_linked(found)
            exemplars = load_exemplars(
                self.app.sessions_dir, self.audit.checklist, exclude_audit_id=self.session.audit_id, found=found
            )
            scores = Suggester(self.audit.checklist, exemplars).score(self.audit.policy)
        except AuditorError as error:
            self.app.call_from_thread(
                self.notify, f"Suggestions unavailable: {printable(str(error))}", severity="warning"
            )
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._suggestions_ready, scores)

    def _suggestions_ready(self, scores) -> None:
        self.scores = scores
        self.show_suggestions()
        self.show_clause_items()

    def gap_note(self, item_id: str) -> str:
        """ "72%: no clause speaks of ...; best candidate c12, 31" for a likely gap, else ""."""
        if self.scores is None:
            return ""
        gap = self.scores.gap(item_id, self.session.items[item_id])
        return f"{gap.probability:.0%}: {gap.reason}" if gap.likely_missing else ""

    def show_suggestions(self) -> None:
        detail = self.query_one(DetailPane)
        item_id = self.item_id
        if item_id != self._suggestion_item:
            self._suggestion_item = item_id
            self.suggestion_index = 0
            self.forget_shown_suggestion()
        # Proposals from a reused audit come first (they need no scores: they are shown at once).
        self._proposals_shown = self.proposals_for(item_id)
        entries: list[Entry] = [(p.clause, 100.0, ()) for p in self._proposals_shown]
        labels = [proposal_label(p) for p in self._proposals_shown]
        if self.scores is None:
            self._suggestion_entries = entries
            detail.show_suggestions(
                entries, self.audit.policy, likely_missing=False, note="Suggestions: computing…", proposals=labels
            )
            return
        from auditor_tui.core.suggest import matched_spans

        state = self.session.items[item_id]
        exclude = frozenset(state.rejected) | {tag.clause for tag in state.tags} | {e[0] for e in entries}
        for suggestion in self.scores.for_item(item_id, top=SUGGESTIONS_SHOWN, exclude=exclude):
            clause = self.audit.policy.clause(suggestion.clause_id)
            if clause is not None:
                entries.append((clause.id, suggestion.score, matched_spans(clause.text, suggestion.matched)))
        self._suggestion_entries = entries
        self.suggestion_index = max(0, min(self.suggestion_index, len(entries) - 1))
        note = self.gap_note(item_id)
        detail.show_suggestions(
            entries,
            self.audit.policy,
            likely_missing=bool(note),
            chosen=self.suggestion_index,
            gap=note,
            proposals=labels,
        )

    def show_clause_items(self) -> None:
        clause_id = self.policy_view.clause.id
        entries = []
        for item_id, score in self.scores.for_clause(clause_id, top=3) if self.scores is not None else ():
            item = self.audit.checklist.item(item_id)
            if item is not None:
                entries.append((item_id, item.title, score))
        self.query_one(DetailPane).show_clause_items(entries, linked=self.linked_labels(clause_id))

    # ------------------------------------------------------------------ the chosen suggestion

    def _chosen(self, verb: str) -> Entry | None:
        if self._suggestion_item != self.item_id:
            # A key typed right after moving to another item can come before the message that
            # the item changed: never act on the previous item's suggestions.
            self.show_suggestions()
        if self.scores is None and not self._suggestion_entries:  # proposals need no scores
            self.say("Suggestions are still being computed", severity="warning")
            return None
        if not self._suggestion_entries:
            self.say(f"No suggestion to {verb} for {printable(self.item_id)}", severity="warning")
            return None
        return self._suggestion_entries[self.suggestion_index]

    def _where(self) -> str:
        return f"suggestion {self.suggestion_index + 1}/{len(self._suggestion_entries)} for {printable(self.item_id)}"

    def show_suggestion_in_policy(self) -> None:
        """Move the policy pane to the chosen suggestion, its matched words highlighted."""
        clause_id, _score, spans = self._suggestion_entries[self.suggestion_index]
        self._shown_suggestion = clause_id
        self.policy_view.set_highlights({clause_id: tuple(spans)})
        self.policy_view.move_to_id(clause_id, top=True)
        self.policy_view.border_title = f"Policy · {self._where()}: a accepts, x rejects"

    def forget_shown_suggestion(self) -> None:
        if self._shown_suggestion is not None:
            self._shown_suggestion = None
            self.policy_view.set_highlights({})
            self.policy_view.border_title = "Policy"

    def suggestion_seen(self, clause_id: str) -> bool:
        """Has the auditor seen this suggestion: in the detail area, or in the policy pane?"""
        return self.query_one(DetailPane).display or self.policy_view.clause.id == clause_id

    def action_suggestion(self, delta: int) -> None:
        """Choose the next (1) or previous (-1) suggestion and show it in the policy pane."""
        if self._chosen("choose") is None:
            return
        self.suggestion_index = (self.suggestion_index + delta) % len(self._suggestion_entries)
        self.show_suggestions()
        self.show_suggestion_in_policy()
        self.query_one(DetailPane).reveal_suggestion()

    def choose_suggestion(self, index: int) -> None:
        """Make suggestion *index* the chosen one (a click on it) and show it in the policy."""
        if 0 <= index < len(self._suggestion_entries):
            self.suggestion_index = index
            self.show_suggestions()
            self.show_suggestion_in_policy()

    def _show_first(self, clause_id: str, verb: str) -> bool:
        """Show an unseen suggestion instead of acting on it. True when it was shown."""
        if self.suggestion_seen(clause_id):
            return False
        self.show_suggestion_in_policy()
        where = self._where()
        self.say(f"{where[0].upper()}{where[1:]} is {clause_id}, shown in the policy: {verb}")
        return True

    def action_accept_suggestion(self) -> None:
        entry = self._chosen("accept")
        if entry is None or self._show_first(entry[0], "a again tags it"):
            return
        if (proposal := self.chosen_proposal()) is not None:
            self.accept_proposal(proposal)
            return
        clause = self.audit.policy.clause(entry[0])
        item_id, where = self.item_id, self._where()
        if clause is not None and self.run_change(lambda: self.session.toggle_tag(item_id, clause), item_id):
            self.forget_shown_suggestion()
            self.say(f"Tagged {clause.id} to {printable(item_id)} ({where})")

    def action_reject_suggestion(self) -> None:
        entry = self._chosen("reject")
        if entry is None or self._show_first(entry[0], "x again rejects it"):
            return
        if (proposal := self.chosen_proposal()) is not None:
            self.reject_proposal(proposal)
            return
        item_id, clause_id, where = self.item_id, entry[0], self._where()
        if self.run_change(lambda: self.session.reject_suggestion(item_id, clause_id), item_id):
            self.forget_shown_suggestion()
            self.say(f"Rejected {clause_id} for {printable(item_id)} ({where})")

    def action_gaps(self) -> None:
        if self.scores is None:
            self.say("Suggestions are still being computed", severity="warning")
            return
        from auditor_tui.ui.screens.lists import ItemPicker

        notes = {item.id: note for item in self.audit.checklist.items if (note := self.gap_note(item.id))}
        gaps = [item for item in self.audit.checklist.items if item.id in notes]
        self.app.push_screen(
            ItemPicker("Likely gaps: open, untagged items most likely left out", gaps, self.session.items, notes),
            self.jump_to_item,
        )
