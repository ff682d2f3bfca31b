"""The finding form (severity, recommendation, owner, due) and a small pick-one dialog."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from auditor_tui.core.errors import AuditorError
from auditor_tui.core.findings import SEVERITIES, check_severity, due_text, parse_due
from auditor_tui.core.session import ItemState
from auditor_tui.core.text import printable

NO_SEVERITY = "none"


class SeverityChoice(RadioSet):
    """The severity, chosen by its first letter (``h`` ``m`` ``l``, ``n`` for none) or by the
    arrows (which choose as they move); ``enter`` goes on to the next field."""

    BINDINGS = [
        Binding("enter", "app.focus_next", "Next field", show=False),
        *(Binding(name[0], f"choose('{name}')", name, show=False) for name in (*SEVERITIES, NO_SEVERITY)),
    ]

    def action_choose(self, name: str) -> None:
        button = self.query_one(f"#severity-{name}", RadioButton)
        self._selected = self._nodes.index(button)
        button.value = True

    def action_next_button(self) -> None:
        super().action_next_button()
        self._press_selected()

    def action_previous_button(self) -> None:
        super().action_previous_button()
        self._press_selected()

    def _press_selected(self) -> None:
        if self._selected is not None:
            button = self._nodes[self._selected]
            if isinstance(button, RadioButton):
                button.value = True


class FindingForm(ModalScreen[dict[str, str] | None]):
    """Edit the current item's finding, keyboard first: it opens on the severity (``h`` ``m``
    ``l`` or the arrows choose); ``enter`` goes to the next field, and on the last one (or
    ``ctrl+s`` anywhere) saves once the due date reads as a date (else the form says so and
    stays); ``escape`` cancels. So an ``enter`` pressed first never saves an empty finding."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def __init__(self, item_label: str, state: ItemState, default_severity: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.item_label = item_label
        self.state = state
        self.severity = state.severity or default_severity

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog finding-dialog"):
            yield Label(
                Content.assemble("Finding for ", Content.styled(printable(self.item_label), "bold")),
                classes="dialog-title",
            )
            # The labels are the fields' border titles, so the form fits in 24 lines.
            with SeverityChoice(id="finding-severity") as severities:
                severities.border_title = "Severity: h m l (n none) or the arrows; enter: next field"
                for name in (*SEVERITIES, NO_SEVERITY):
                    yield RadioButton(name, value=name == (self.severity or NO_SEVERITY), id=f"severity-{name}")
            for key, label, value in (
                ("recommendation", "Recommendation: what to do", self.state.recommendation),
                ("owner", "Owner: who fixes it", self.state.owner),
                ("due", "Due (YYYY-MM-DD, e.g. 2027-03-31); enter saves", due_text(self.state.due)),
            ):
                field = Input(value, id=f"finding-{key}")
                field.border_title = label
                yield field
            yield Static(id="finding-problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="ok")
                yield Button("Cancel (escape)", id="cancel")

    def on_mount(self) -> None:
        self.query_one(SeverityChoice).focus()

    def answer(self) -> dict[str, str]:
        pressed = self.query_one(RadioSet).pressed_button
        severity = str(pressed.label) if pressed is not None else NO_SEVERITY
        return {
            "severity": "" if severity == NO_SEVERITY else severity,
            "recommendation": self.query_one("#finding-recommendation", Input).value,
            "owner": self.query_one("#finding-owner", Input).value,
            "due": self.query_one("#finding-due", Input).value,
        }

    def action_save(self) -> None:
        answer = self.answer()
        try:
            check_severity(answer["severity"])
            parse_due(answer["due"])
        except AuditorError as error:
            self.query_one("#finding-problem", Static).update(Content.styled(printable(str(error)), "bold $error"))
            self.query_one("#finding-due", Input).focus()
            return
        self.dismiss(answer)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "finding-due":  # the last field
            self.action_save()
        else:
            self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self.action_save()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickDialog(ModalScreen[str | None]):
    """Pick one of a few choices: ``enter`` picks the highlighted one, ``escape`` cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str]], *, explain: str = "") -> None:
        """*choices*: (value, label)."""
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.choices = choices
        self.explain = explain

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog pick-dialog"):
            yield Label(Content(printable(self.title_text)), classes="dialog-title")
            if self.explain:
                yield Static(Content(printable(self.explain)), classes="dialog-body")
            yield OptionList(*(Option(Content(printable(label)), id=value) for value, label in self.choices))
            yield Label(Content.styled("enter picks · escape cancels", "$text-muted"))

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
