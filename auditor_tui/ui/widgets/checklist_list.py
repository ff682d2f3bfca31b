"""The checklist pane: items grouped, each with a status glyph, id, title and tag count."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from textual.binding import Binding
from textual.content import Content
from textual.events import Resize
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from auditor_tui.core.checklist import Checklist, Item
from auditor_tui.core.session import ItemState
from auditor_tui.core.status import status_info
from auditor_tui.core.text import clip, printable

MIN_TITLE = 16  # below this many columns beside the id, the title goes on a line of its own


def status_content(status: str) -> Content:
    info = status_info(status)
    return Content.styled(info.glyph, f"bold ${info.colour}")


def evidence_count(state: ItemState) -> str:
    """``2``, ``2+1 removed`` or ``1 removed`` ("" with no evidence): a re-audit's removed
    evidence still counts, as in the exports, but is told apart."""
    removed = sum(1 for tag in state.tags if tag.orphan)
    live = len(state.tags) - removed
    if not removed:
        return str(live) if live else ""
    return f"{live}+{removed} removed" if live else f"{removed} removed"


def prompt_width(options: OptionList) -> int:
    """The columns an option's prompt may take: the list's width inside its border and padding,
    less the options' own padding and the scrollbar's columns, which are always kept free so
    that a prompt never depends on whether the list happens to overflow."""
    padding = options.get_component_styles("option-list--option").padding
    return options.size.width - options.styles.scrollbar_size_vertical - padding.width


class FittedOptionList(OptionList):
    """An option list whose prompts are laid out for its width (:func:`prompt_width`): when
    the width changes, :meth:`refit` lays them out again."""

    prompt_width: int | None = None

    def on_resize(self, event: Resize) -> None:
        width = prompt_width(self)
        if width > 0 and width != self.prompt_width:
            self.prompt_width = width
            self.refit()

    def refit(self) -> None:
        """Replace each prompt by one laid out for :attr:`prompt_width`."""
        raise NotImplementedError


def item_prompt(item: Item, state: ItemState, width: int | None = None) -> Content:
    """The item's line: glyph, id, title and evidence count. With *width*, the title is cut so
    that the count stays beside it (or, when the id leaves too little room, the title goes on
    a second line)."""
    count = evidence_count(state)
    head = Content.assemble(status_content(state.status), " ", Content.styled(printable(item.id), "bold"), " ")
    tail = Content.styled(f" ({count})", "$text-muted") if count else Content("")
    if state.proposed:  # a reused audit's proposals, still to accept or reject
        tail = Content.assemble(tail, Content.styled(f" ⇄{len(state.proposed)}", "$secondary"))
    if state.conflict is not None:  # a git merge left both versions: shown even with the details folded
        tail = Content.assemble(tail, Content.styled(" CONFLICT", "bold $error"))
    title = printable(item.title)
    if width is None:
        return Content.assemble(head, title, tail)
    room = width - head.cell_length - tail.cell_length
    if room >= min(len(title), MIN_TITLE):
        return Content.assemble(head, clip(title, room), tail)
    return Content.assemble(head.rstrip(), tail, "\n  ", clip(title, max(1, width - 2)))


class ChecklistList(FittedOptionList):
    """The checklist's items; the highlighted one is the current item."""

    BINDINGS = [
        Binding("k", "cursor_up", "Up", show=False),
        Binding("j", "cursor_down", "Down", show=False),
    ]

    def __init__(self, checklist: Checklist, states: dict[str, ItemState], *, id: str | None = None) -> None:
        self.checklist = checklist
        self.states = states
        self.keep: Callable[[Item, ItemState], bool] | None = None
        """The filter: only the items it keeps are listed (None: every item)."""
        super().__init__(*self._listed_options(), id=id)

    def _listed_options(self) -> list[Option]:
        options: list[Option] = []
        for group, items in self.checklist.groups():
            shown = [item for item in items if self.keep is None or self.keep(item, self.states[item.id])]
            if group and shown:
                options.append(Option(Content.styled(printable(group), "bold $secondary"), disabled=True))
            options.extend(
                Option(item_prompt(item, self.states[item.id], self.prompt_width), id=item.id) for item in shown
            )
        return options

    def set_filter(self, keep: Callable[[Item, ItemState], bool] | None) -> int:
        """List only the items *keep* keeps (None: all); the current item stays current if
        it is kept. Returns how many are listed."""
        current = self.current_item_id
        self.keep = keep
        options = self._listed_options()
        self.clear_options()
        self.add_options(options)
        ids = [option.id for option in options if option.id]
        if ids:
            self.select_item(current if current in ids else ids[0])
        return len(ids)

    @property
    def current_item_id(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

    def refit(self) -> None:
        for item in self.checklist.items:
            self.refresh_item(item.id)

    def refresh_item(self, item_id: str) -> None:
        item = self.checklist.item(item_id)
        if item is None:
            return
        # A filtered-out item has no option; a listed one stays listed until the filter is set again.
        with contextlib.suppress(OptionDoesNotExist):
            self.replace_option_prompt(item_id, item_prompt(item, self.states[item_id], self.prompt_width))

    def select_item(self, item_id: str) -> None:
        try:
            self.highlighted = self.get_option_index(item_id)
        except OptionDoesNotExist:  # an unknown id: keep the current highlight
            return
