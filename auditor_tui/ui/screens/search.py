"""Search the policy as you type: fuzzy, matched characters highlighted, enter jumps.

Ranking runs in an exclusive worker, so a keystroke never waits for the previous query.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.worker import get_current_worker

from auditor_tui.core.policy import Policy

if TYPE_CHECKING:
    from auditor_tui.core.suggest import SearchIndex
from auditor_tui.ui.widgets.detail import clause_option

RESULTS = 50


class SearchScreen(ModalScreen[str | None]):
    """Dismisses with the chosen clause id, or None (escape) to return where you were."""

    BINDINGS = [
        Binding("escape", "cancel", "Back", priority=True),
        Binding("down", "results_down", "Next", show=False, priority=True),
        Binding("up", "results_up", "Previous", show=False, priority=True),
    ]

    def __init__(self, policy: Policy) -> None:
        super().__init__(classes="dialog-screen")
        self.policy = policy
        self._index: SearchIndex | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog search-dialog"):
            yield Label("Search the policy", classes="dialog-title")
            yield Input(placeholder="type words to find; enter jumps, escape returns", id="search-input")
            yield Label("", id="search-count")
            yield OptionList(id="search-results")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.rank(event.value)

    @work(thread=True, exclusive=True, group="search")
    def rank(self, query: str) -> None:
        from auditor_tui.core.suggest import SearchIndex

        worker = get_current_worker()
        if self._index is None:
            self._index = SearchIndex(self.policy)
        hits = self._index.search(query, limit=RESULTS) if query.strip() else []
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, query, hits)

    def _show(self, query: str, hits) -> None:
        if query != self.query_one(Input).value:
            return  # a newer query is on its way
        options = []
        for hit in hits:
            clause = self.policy.clause(hit.clause_id)
            if clause is None:
                continue
            options.append(clause_option(clause, hit.spans, limit=400, section_width=50))
        results = self.query_one(OptionList)
        results.set_options(options)
        if options:
            results.highlighted = 0
        count = f"{len(options)} matching clauses" if query.strip() else ""
        self.query_one("#search-count", Label).update(count)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        option = self.query_one(OptionList).highlighted_option
        self.dismiss(option.id if option is not None else None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_results_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_results_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
