"""Small modal dialogs: a message (errors included), a question with a text answer, yes / no."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from auditor_tui.core.text import printable


class FormBody(VerticalScroll, can_focus=False):
    """A dialog's form that scrolls where the terminal is too short for it (focusing a field
    scrolls it into view). Never focused itself: the first field is, so typing goes there."""


class MessageDialog(ModalScreen[None]):
    """A message the user must acknowledge (enter or escape closes it)."""

    BINDINGS = [Binding("escape,enter,q", "dismiss", "Close")]

    def __init__(self, title: str, message: str, *, error: bool = True) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.message = message
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog" + (" -error" if self.error else "")):
            yield Label(Content(printable(self.title_text)), classes="dialog-title")
            yield Static(Content(printable(self.message, keep_newlines=True)), classes="dialog-body")
            yield Button("OK", variant="primary", id="ok")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss()


class AskDialog(ModalScreen[dict[str, str] | None]):
    """Ask for one or more lines of text. ``enter`` in any field answers once the *required*
    fields are filled (else it goes to the first empty one and says so); ``escape`` cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        fields: list[tuple[str, str, str]],
        *,
        explain: str = "",
        required: Sequence[str] = (),
        ok: str = "OK",
    ) -> None:
        """*fields*: (key, label, initial value); *ok*: what the answer button says it does."""
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.fields = fields
        self.explain = explain
        self.required = tuple(required)
        self.ok_label = ok

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(printable(self.title_text)), classes="dialog-title")
            if self.explain:
                yield Static(Content(printable(self.explain, keep_newlines=True)), classes="dialog-body")
            for key, label, value in self.fields:
                yield Label(Content(printable(label + (" (required)" if key in self.required else ""))))
                yield Input(value=value, id=f"ask-{key}")
            yield Static(id="ask-problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.ok_label} (enter)", variant="primary", id="ok")
                yield Button("Cancel (escape)", id="cancel")

    def _answer(self) -> dict[str, str]:
        return {key: self.query_one(f"#ask-{key}", Input).value for key, _, _ in self.fields}

    def _submit(self) -> None:
        answer = self._answer()
        missing = next(
            (field for field in self.fields if field[0] in self.required and not answer[field[0]].strip()), None
        )
        if missing is None:
            self.dismiss(answer)
            return
        self.query_one("#ask-problem", Static).update(
            Content.styled(printable(f"{missing[1]}: this is needed."), "bold $error")
        )
        self.query_one(f"#ask-{missing[0]}", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self._submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question: y or enter on Yes answers yes; n or escape answers no."""

    BINDINGS = [Binding("y", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No")]

    def __init__(self, title: str, message: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.message = message
        self.labels = (yes, no)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(printable(self.title_text)), classes="dialog-title")
            yield Static(Content(printable(self.message, keep_newlines=True)), classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.labels[0]} (y)", variant="primary", id="yes")
                yield Button(f"{self.labels[1]} (n)", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
