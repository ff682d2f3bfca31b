"""The checklist pane: items grouped, each with a status glyph, id, title and tag count."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from auditor_tui.core.checklist import Checklist, Item
from auditor_tui.core.session import ItemState
from auditor_tui.core.text import printable

STATUS_GLYPHS = {
    "open": ("○", "$text-muted"),
    "satisfied": ("✔", "$success"),
    "partial": ("◐", "$warning"),
    "missing": ("✘", "$error"),
    "not-applicable": ("–", "$text-muted"),
    "re-review": ("↻", "$accent"),
}


def status_content(status: str) -> Content:
    glyph, style = STATUS_GLYPHS.get(status, ("?", ""))
    return Content.styled(glyph, f"bold {style}")


def item_prompt(item: Item, state: ItemState) -> Content:
    tags = sum(1 for tag in state.tags if not tag.orphan)
    count = Content.styled(f" ({tags})", "$text-muted") if tags else Content("")
    return Content.assemble(
        status_content(state.status),
        " ",
        Content.styled(printable(item.id), "bold"),
        " ",
        Content(printable(item.title)),
        count,
    )


class ChecklistList(OptionList):
    """The checklist's items; the highlighted one is the current item."""

    BINDINGS = [
        Binding("k", "cursor_up", "Up", show=False),
        Binding("j", "cursor_down", "Down", show=False),
    ]

    def __init__(self, checklist: Checklist, states: dict[str, ItemState], *, id: str | None = None) -> None:
        options: list[Option | None] = []
        for group, items in checklist.groups():
            if group:
                options.append(Option(Content.styled(printable(group), "bold $secondary"), disabled=True))
            options.extend(Option(item_prompt(item, states[item.id]), id=item.id) for item in items)
        super().__init__(*options, id=id)
        self.checklist = checklist
        self.states = states

    @property
    def current_item_id(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

    def refresh_item(self, item_id: str) -> None:
        item = self.checklist.item(item_id)
        if item is not None:
            self.replace_option_prompt(item_id, item_prompt(item, self.states[item_id]))

    def select_item(self, item_id: str) -> None:
        try:
            self.highlighted = self.get_option_index(item_id)
        except OptionDoesNotExist:  # an unknown id: keep the current highlight
            return
