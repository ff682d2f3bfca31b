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
from auditor_tui.ui.widgets.checklist_list import item_prompt


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
                yield OptionList(*(Option(self._prompt(i), id=i.id) for i in self.items))
            else:
                yield Label("None: every open, untagged item has at least one plausible clause.")
            yield Label(Content.styled("enter jumps to the item · escape returns", "$text-muted"))

    def _prompt(self, item: Item) -> Content:
        note = self.notes.get(item.id)
        prompt = item_prompt(item, self.states[item.id])
        return Content.assemble(prompt, "\n   ", Content.styled(printable(note), "$text-muted")) if note else prompt

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
