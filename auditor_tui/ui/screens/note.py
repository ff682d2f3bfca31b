"""The note editor: multi-line; ctrl+s keeps, escape discards."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

from auditor_tui.core.text import printable


class NoteEditor(ModalScreen[str | None]):
    """Edit an item's note. Dismisses with the new text, or None when discarded."""

    # Not priority bindings: a priority binding is handled as the key reaches the app, ahead of
    # the keys still queued for the text area, so a fast typist's last words would be lost.
    BINDINGS = [
        Binding("ctrl+s", "keep", "Keep"),
        Binding("escape", "discard", "Discard"),
    ]

    def __init__(self, item_label: str, note: str) -> None:
        super().__init__(classes="dialog-screen")
        self.item_label = item_label
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog note-dialog"):
            yield Label(
                Content.assemble("Note for ", Content.styled(printable(self.item_label), "bold")),
                classes="dialog-title",
            )
            yield TextArea(self.note, id="note-text", soft_wrap=True, show_line_numbers=False)
            yield Label(Content.styled("ctrl+s keep · escape discard", "$text-muted"))

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_keep(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_discard(self) -> None:
        self.dismiss(None)
