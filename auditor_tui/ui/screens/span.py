"""Tag part of a clause (``v``): the clause's text in a read-only text area where the auditor
selects the words to tag (shift+arrows, shift+home/end, ctrl+shift+arrows, or the mouse);
``enter`` tags the selection, ``escape`` cancels."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static, TextArea

from auditor_tui.core.errors import AuditorError
from auditor_tui.core.policy import Clause
from auditor_tui.core.session import Tag, strip_span
from auditor_tui.core.text import printable


def shown_text(text: str) -> str:
    """*text* with each control or bidi character replaced by one visible stand-in, so that an
    offset in what is shown is the same offset in the clause."""
    return "".join(ch if ch == "\n" else (printable(ch)[:1] or "?") for ch in text)


class SpanDialog(ModalScreen[tuple[int, int] | None]):
    """Choose a span of *clause*: dismisses with its (start, end) offsets in the clause's text,
    whitespace around it stripped, or None when cancelled. An empty or blank selection is
    refused in one line, and the dialog stays open."""

    DEFAULT_CSS = """
    .span-dialog { padding: 0 1; }
    .span-dialog .dialog-title { margin-bottom: 0; }
    .span-dialog TextArea { height: auto; max-height: 50vh; min-height: 3; }
    #span-problem { height: auto; }
    """

    # Not priority bindings: the selection keys queued before enter must reach the text area first.
    BINDINGS = [Binding("enter", "tag", "Tag the selection"), Binding("escape", "cancel", "Cancel")]

    def __init__(self, clause: Clause, item_label: str, spans: list[Tag]) -> None:
        super().__init__(classes="dialog-screen")
        self.clause = clause
        self.item_label = item_label
        self.spans = spans

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog span-dialog"):
            yield Label(
                Content.assemble(
                    "Tag part of ",
                    Content.styled(self.clause.id, "bold"),
                    " to ",
                    Content.styled(printable(self.item_label), "bold"),
                ),
                classes="dialog-title",
            )
            area = TextArea(
                shown_text(self.clause.text), id="span-text", read_only=True, soft_wrap=True, show_line_numbers=False
            )
            area.border_title = "Select the words to tag"
            yield area
            yield Static(id="span-problem")
            if self.spans:
                already = ", ".join(tag.span_label.removeprefix("characters ") for tag in self.spans)
                yield Label(
                    Content.styled(f"Already tagged: characters {already} (the same again untags it)", "$accent")
                )
            yield Label(Content.styled("shift+arrows or the mouse select · enter tags · escape cancels", "$text-muted"))

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def selection(self) -> tuple[int, int]:
        """The selection as offsets into the clause's text (start before end)."""
        first, last = sorted(self.query_one(TextArea).selection)
        lines = self.clause.text.split("\n")  # the area's lines: the same text, one stand-in per character

        def offset(row: int, column: int) -> int:
            return sum(len(line) + 1 for line in lines[:row]) + column

        return offset(*first), offset(*last)

    def action_tag(self) -> None:
        start, end = self.selection()
        problem = self.query_one("#span-problem", Static)
        if start == end:
            problem.update(
                Content.styled("Nothing is selected: select words with shift+arrows or the mouse", "bold $error")
            )
            return
        try:
            span = strip_span(self.clause.text, start, end, self.clause.id)
        except AuditorError as error:
            problem.update(Content.styled(printable(str(error)), "bold $error"))
            return
        self.dismiss(span)

    def action_cancel(self) -> None:
        self.dismiss(None)
