"""The review screen's side of reuse (one policy, several frameworks).

* **Proposals**: the evidence another checklist's audit found for a related item
  (``review --reuse``) is listed first among the item's suggestions, marked with where it came
  from (``⇄ from gdpr-transparency 13-2-a (equivalent)``); ``n`` / ``N`` reach it as any
  suggestion, ``a`` accepts it (it becomes a tag), ``x`` rejects it (remembered).
* **Linked audits**: the other audits of the same policy text against other checklists, loaded
  in a worker; the detail area names the items of theirs the current clause is tagged to.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from auditor_tui.core.errors import SessionError
from auditor_tui.core.session import Proposal, Session
from auditor_tui.core.text import printable

if TYPE_CHECKING:
    from auditor_tui.core.linked import LinkedAudits
    from auditor_tui.ui.screens.review_suggestions import SuggestionActions

    _Base = SuggestionActions  # what the mixin uses of ReviewScreen, declared there
else:
    _Base = object  # at run time a plain mixin: ReviewScreen brings the rest


def proposal_label(proposal: Proposal) -> str:
    """``from gdpr-transparency 13-2-a (equivalent)``, with ``, changed: re-check`` when its
    clause changed between the versions."""
    source = f"{proposal.source_checklist} {proposal.source_item}".strip()
    recheck = ", changed: re-check" if proposal.recheck else ""
    return f"from {source} ({proposal.relation}{recheck})"


class ReuseActions(_Base):
    """Mixed into :class:`~auditor_tui.ui.screens.review.ReviewScreen`."""

    linked: LinkedAudits | None = None
    _proposals_shown: list[Proposal]

    def proposals_for(self, item_id: str) -> list[Proposal]:
        """The item's proposals whose clause is in the policy shown, in policy order."""
        return [p for p in self.session.items[item_id].proposed if self.audit.policy.clause(p.clause) is not None]

    def chosen_proposal(self) -> Proposal | None:
        """The proposal ``a`` / ``x`` act on, when the chosen suggestion is one."""
        shown = getattr(self, "_proposals_shown", [])
        return shown[self.suggestion_index] if self.suggestion_index < len(shown) else None

    def accept_proposal(self, proposal: Proposal) -> None:
        item_id, where = self.item_id, self._where()
        if self.run_change(lambda: self.session.accept_proposal(item_id, proposal.clause), item_id):
            self.forget_shown_suggestion()
            self.say(f"Accepted {proposal.clause} for {printable(item_id)} ({where}, {proposal_label(proposal)})")

    def reject_proposal(self, proposal: Proposal) -> None:
        item_id, where = self.item_id, self._where()
        if self.run_change(lambda: self.session.reject_proposal(item_id, proposal.clause), item_id):
            self.forget_shown_suggestion()
            self.say(f"Rejected {proposal.clause} for {printable(item_id)} ({where})")

    def read_linked(self, found: Sequence[tuple[Path, Session | SessionError]]) -> None:
        """In the suggestion worker, from the sessions folder it read once for its exemplars:
        the other audits of this policy, shown for the current clause."""
        from auditor_tui.core.linked import linked_audits

        linked = linked_audits(self.session, self.app.sessions_dir, found=found)
        if linked.sessions:
            self.app.call_from_thread(self._linked_ready, linked)

    def _linked_ready(self, linked: LinkedAudits) -> None:
        self.linked = linked
        self.show_clause_items()

    def linked_labels(self, clause_id: str) -> list[str]:
        """``ccpa-privacy-policy: retention (satisfied)`` for each linked audit's item the
        clause is tagged to."""
        if self.linked is None:
            return []
        return [item.label for item in self.linked.for_clause(clause_id)]
