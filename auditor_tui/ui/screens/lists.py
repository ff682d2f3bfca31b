"""A modal list of checklist items to jump to (used by the likely-gaps view)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from auditor_tui.core.checklist import Item
from auditor_tui.core.session import ItemState
from auditor_tui.core.text import printable
from auditor_tui.ui.widgets.checklist_list import FittedOptionList, item_prompt

NOTE_INDENT = 3
"""Columns a note is indented by under its item, on every line it wraps to."""


def noted_prompt(item: Item, state: ItemState, note: str | None, width: int | None = None) -> Content:
    """The item's line and, under it, its note; with *width*, the note is wrapped so that each
    of its lines starts under the first (a hanging indent the list could not give it)."""
    prompt = item_prompt(item, state)
    if not note:
        return prompt
    text = Content.styled(printable(note), "$text-muted")
    # Narrower than a few words, wrapping would only stack fragments: the list folds it instead.
    lines = text.wrap(width - NOTE_INDENT) if width and width > NOTE_INDENT + 10 else [text]
    indent = " " * NOTE_INDENT
    return Content.assemble(prompt, *(part for line in lines for part in ("\n", indent, line)))


class NotedList(FittedOptionList):
    """Items, each with a note under it that keeps its indent when it wraps."""

    def __init__(self, items: Sequence[Item], states: dict[str, ItemState], notes: dict[str, str]) -> None:
        super().__init__(*(Option(noted_prompt(i, states[i.id], notes.get(i.id)), id=i.id) for i in items))
        self.items = items
        self.states = states
        self.notes = notes

    def refit(self) -> None:
        for item in self.items:
            self.replace_option_prompt(
                item.id, noted_prompt(item, self.states[item.id], self.notes.get(item.id), self.prompt_width)
            )


class ItemPicker(ModalScreen[str | None]):
    """Pick an item: enter jumps to it, escape returns."""

    BINDINGS = [Binding("escape", "cancel", "Back")]

    def __init__(
        self, title: str, items: Sequence[Item], states: dict[str, ItemState], notes: dict[str, str] | None = None
    ) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.items = items
        self.states = states
        self.notes = notes or {}
        """Per item id, a line shown under it (a gap's probability and reason)."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog list-dialog"):
            yield Label(Content(printable(self.title_text)), classes="dialog-title")
            if self.items:
                yield NotedList(self.items, self.states, self.notes)
            else:
                yield Label("None: every open, untagged item has at least one plausible clause.")
            yield Label(Content.styled("enter jumps to the item · escape returns", "$text-muted"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
