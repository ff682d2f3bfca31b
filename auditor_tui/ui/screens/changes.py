"""The changes view of a re-audit: added, modified and removed clauses, and the items affected."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from auditor_tui.core.diff import Change, ClauseDiff, affected_items
from auditor_tui.core.session import Session
from auditor_tui.core.text import printable, shorten_path

KIND_STYLE = {"added": "bold $success", "modified": "bold $warning", "removed": "bold $error"}


def diff_content(change: Change, limit: int = 600) -> Content:
    """The word diff: deletions struck through in red, insertions underlined in green."""
    parts: list[Content | str] = []
    used = 0
    for op, text in change.diff:
        if used > limit:
            parts.append(Content.styled(" …", "$text-muted"))
            break
        text = printable(text, keep_newlines=True)
        used += len(text)
        if op == "delete":
            parts.append(Content.styled(text, "strike $error"))
        elif op == "insert":
            parts.append(Content.styled(text, "underline $success"))
        else:
            parts.append(Content(text))
    return Content.assemble(*parts)


class ChangesScreen(ModalScreen[str | None]):
    """Enter jumps to the (new) clause of a change; escape returns."""

    BINDINGS = [Binding("escape,c", "cancel", "Back")]

    def __init__(self, diff: ClauseDiff, session: Session) -> None:
        super().__init__(classes="dialog-screen")
        self.diff = diff
        self.session = session

    def compose(self) -> ComposeResult:
        summary = self.diff.summary()
        affected = affected_items(self.session, self.diff)
        with Vertical(classes="dialog list-dialog"):
            yield Label(
                Content.assemble(
                    "Changes since the audited version: ",
                    Content.styled(printable(self.diff.summary_line()), "bold"),
                ),
                classes="dialog-title",
            )
            items = ", ".join(f"{item_id} ({len(changes)})" for item_id, changes in affected.items()) or "none"
            yield Static(Content.assemble(Content.styled("Items affected: ", "bold"), Content(printable(items))))
            for warning in self.diff.warnings:
                yield Static(Content.styled(printable(warning), "$warning"))
            options = []
            for change in self.diff.changes:
                if change.kind == "unchanged":
                    continue
                label = f"{change.kind}"
                if change.similarity is not None and change.kind == "modified":
                    label += f" {change.similarity:.0f}%"
                ids = " → ".join(c.id for c in (change.old, change.new) if c is not None)
                options.append(
                    Option(
                        Content.assemble(
                            Content.styled(f"{label:<13}", KIND_STYLE.get(change.kind, "")),
                            Content.styled(f"{ids} ", "bold"),
                            Content.styled(
                                printable(shorten_path(change.section or "(no section)", 60)), "italic $text-muted"
                            ),
                            "\n",
                            diff_content(change),
                        ),
                        id=change.new.id if change.new is not None else None,
                        disabled=False,
                    )
                )
            if not summary or not options:
                yield Label("No clause changed.")
            yield OptionList(*options, id="changes")
            yield Label(Content.styled("enter jumps to the clause · escape returns", "$text-muted"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.dismiss(event.option.id)
        else:
            self.notify("That clause was removed: it is not in this version", severity="warning")

    def action_cancel(self) -> None:
        self.dismiss(None)
