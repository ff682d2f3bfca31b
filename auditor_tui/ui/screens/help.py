"""The help screen: every key of the review screen, from the same table as the bindings."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from auditor_tui.core.status import glyph_legend
from auditor_tui.ui.keys import REVIEW_KEYS, display_keys


def help_content() -> Content:
    parts: list[Content | str] = []
    group = None
    for key in REVIEW_KEYS:
        if key.group != group:
            group = key.group
            parts += ["\n" if parts else "", Content.styled(group, "bold $accent"), "\n"]
        parts += [Content.styled(f"  {display_keys(key.keys):<22}", "bold"), key.description, "\n"]
    parts += [
        "\n",
        Content.styled("Glyphs", "bold $accent"),
        f"\n  {glyph_legend()}\n",
        "  In the policy gutter: the ids of the items a clause is tagged to; ▌ marks the current item's evidence.\n",
        "\nThe mouse works too: click a clause or an item.",
    ]
    return Content.assemble(*parts)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help-dialog"):
            yield Label("auditor-tui keys", classes="dialog-title")
            with VerticalScroll():
                yield Static(help_content())
            yield Label(Content.styled("escape closes", "$text-muted"))

    def action_close(self) -> None:
        self.dismiss()
