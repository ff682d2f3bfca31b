"""The help screen: every key of the review screen, from the same table as the bindings."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from auditor_tui.ui.keys import REVIEW_KEYS, applied_keymap, display_keys


def help_content(keymap: Mapping[str, str] | None = None) -> Content:
    """Every key of the review screen (as *keymap* remaps them) with its binding id, by group."""
    keymap = keymap or {}
    parts: list[Content | str] = [
        Content.styled('Binding ids (muted) remap a key in the config file: [keymap] tag = "T"', "$text-muted"),
        "\n",
    ]
    group = None
    for key in REVIEW_KEYS:
        if key.group != group:
            group = key.group
            parts += ["\n", Content.styled(group, "bold $accent"), "\n"]
        keys = display_keys(keymap.get(key.id, key.keys))
        parts += [
            Content.styled(f"  {keys:<22}", "bold"),
            Content.styled(f"{key.id:<18}", "$text-muted"),
            key.description,
            "\n",
        ]
    parts += [
        "\n",
        Content.styled("Glyphs", "bold $accent"),
        "\n  ○ open  ✔ satisfied  ◐ partial  ✘ missing  – not applicable  ↻ re-review\n",
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
                yield Static(help_content(applied_keymap(self.app)), id="help-keys")
            yield Label(Content.styled("escape closes", "$text-muted"))

    def action_close(self) -> None:
        self.dismiss()
