"""The help screen: every key of the review screen, from the same table as the bindings."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from auditor_tui.core.status import glyph_legend
from auditor_tui.ui.keys import REVIEW_KEYS, applied_keymap, display_keys

INTRO = 'The muted column is each key\'s binding id: remap it in the config file, e.g. [keymap] tag = "T".'
GLYPHS = (
    f"{glyph_legend()}\n"
    "In the policy gutter: the ids of the items a clause is tagged to; ▌ marks the current item's evidence.\n"
    "The mouse works too: click a clause or an item."
)


def help_rows(keymap: Mapping[str, str] | None = None) -> Iterator[str | tuple[str, str, str]]:
    """The key table by group: a group's name, then (keys, binding id, what it does) for each
    key, with the keys *keymap* puts it on."""
    keymap = keymap or {}
    group = None
    for key in REVIEW_KEYS:
        if key.group != group:
            group = key.group
            yield group
        yield display_keys(keymap.get(key.id, key.keys)), key.id, key.description


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen #help-keys {
        grid-size: 3;
        grid-columns: 21 21 1fr;
        grid-rows: auto;
        height: auto;
    }
    HelpScreen #help-keys .help-group { column-span: 3; }
    HelpScreen #help-keys .help-id { color: $text-muted; }
    HelpScreen .help-notes { margin-top: 1; }
    """
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help-dialog"):
            yield Label("auditor-tui keys", classes="dialog-title")
            with VerticalScroll():
                yield Static(Content.styled(INTRO, "$text-muted"))
                with Grid(id="help-keys"):
                    for row in help_rows(applied_keymap(self.app)):
                        if isinstance(row, str):
                            heading = Content.assemble("\n", Content.styled(row, "bold $accent"))
                            yield Static(heading, classes="help-group")
                            continue
                        keys, binding, description = row
                        yield Static(Content.styled(f"  {keys}", "bold"), classes="help-keys")
                        yield Static(binding, classes="help-id", markup=False)
                        yield Static(description, markup=False)
                yield Static(
                    Content.assemble(Content.styled("Glyphs", "bold $accent"), "\n", GLYPHS), classes="help-notes"
                )
            yield Label(Content.styled("escape closes", "$text-muted"))

    def action_close(self) -> None:
        self.dismiss()
