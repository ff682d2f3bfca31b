"""The key bar: the keys of the current screen on the bottom line, as Textual's ``Footer`` shows
them (the first key of each action with its description, the command palette's at the right,
a key the screen has disabled dimmed), drawn as one line of text.

Textual's ``Footer`` is a container of one widget per key, built once the screen's bindings
are known and built again on every change of focus: at start-up it composed, styled and laid
out its twenty widgets twice before the first frame, some 25 ms of CPU, a fifth of the review
screen's. This bar renders a line instead, again only when the bindings change. Clicking a
key presses it, as in the ``Footer``.
"""

from __future__ import annotations

from typing import NamedTuple

from textual.content import Content
from textual.reactive import Reactive
from textual.screen import Screen
from textual.style import Style
from textual.widget import Widget


class ShownKey(NamedTuple):
    key: str
    """The key pressed when the key is clicked."""
    display: str
    """How the key is written (``^s``)."""
    description: str
    enabled: bool


class KeyBar(Widget, can_focus=False):
    """The current screen's keys, on one line."""

    ALLOW_SELECT = False
    auto_links = Reactive(False)  # the keys are links (a click presses them), not drawn as links
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        self.refresh()

    def shown_keys(self) -> tuple[list[ShownKey], ShownKey | None]:
        """The keys to show, in the screen's order (one per action), and the palette's."""
        app = self.app
        active = self.screen.active_bindings
        keys: list[ShownKey] = []
        actions: set[str] = set()
        for _node, binding, enabled, _tooltip in active.values():
            if binding.show and binding.action not in actions:
                actions.add(binding.action)
                keys.append(ShownKey(binding.key, app.get_key_display(binding), binding.description, enabled))
        palette = None
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _node, binding, enabled, _tooltip = active[app.COMMAND_PALETTE_BINDING]
            palette = ShownKey(binding.key, app.get_key_display(binding), binding.description, enabled)
        return keys, palette

    def render(self) -> Content:
        keys, palette = self.shown_keys()
        key_style = self.get_visual_style("key-bar--key")
        description_style = self.get_visual_style("key-bar--description")
        dim = Style(dim=True)

        def label(shown: ShownKey, padded: bool = True) -> Content:
            click = Style.from_meta({"@click": f"app.simulate_key({shown.key!r})"})
            extra = click if shown.enabled else click + dim
            key = f" {shown.display} " if padded else shown.display
            description = f"{shown.description} " if padded else f" {shown.description} "
            return Content.assemble(
                (key, key_style + extra), (description if shown.description else "", description_style + extra)
            )

        line = Content("").join(label(shown) for shown in keys)
        if palette is None:
            return line
        right = Content.assemble(("▏", Style(dim=True)), label(palette, padded=False))
        room = self.size.width - right.cell_length  # the palette's key stays at the right, as in Footer
        if room <= 0:
            return line
        if line.cell_length > room:
            line = line.truncate(room)
        return Content.assemble(line, " " * (room - line.cell_length), right)

    def on_resize(self) -> None:
        self.refresh()  # the palette's key is drawn against the right edge
