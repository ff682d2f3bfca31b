"""The review screen's findings actions: the finding form, N/A with a reason, the checklist
filter, the bulk status of the open items, undo and redo; and tagging part of a clause (``v``). A mixin of
:class:`~auditor_tui.ui.screens.review.ReviewScreen`; every change goes through a session
method (which records history), then ``changed`` refreshes and saves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from auditor_tui.core.checklist import Item
from auditor_tui.core.findings import has_finding
from auditor_tui.core.session import UNDECIDED, ItemState
from auditor_tui.core.status import STATUS_TABLE, status_info
from auditor_tui.core.text import counted, printable
from auditor_tui.ui.screens.dialogs import AskDialog, ConfirmDialog
from auditor_tui.ui.widgets.checklist_list import ChecklistList

BULK_STATUSES = ("satisfied", "partial", "missing")
"""What the open items can all be set to at once (not applicable needs a reason per item)."""


class FindingActions:
    """Mixed into the review screen (which provides session, audit, app, run_change ...)."""

    session: Any
    audit: Any
    app: Any
    filter_label: str = ""

    def _label(self, item_id: str) -> str:
        item = self.audit.checklist.item(item_id)
        return f"{item_id} {item.title}" if item else item_id

    def action_edit_finding(self) -> None:
        if not self.editable():  # type: ignore[attr-defined]
            return
        item_id = self.item_id  # type: ignore[attr-defined]
        item = self.audit.checklist.item(item_id)

        def done(answer: dict[str, str] | None) -> None:
            if answer is not None:
                self.run_change(lambda: self.session.set_finding(item_id, **answer), item_id)  # type: ignore[attr-defined]

        from auditor_tui.ui.screens.finding import FindingForm  # its widgets: not needed for the first screen

        form = FindingForm(self._label(item_id), self.session.items[item_id], item.severity if item else "")
        self.app.push_screen(form, done)

    def action_tag_span(self) -> None:
        """Select part of the current clause and tag it to the current item (the same span again
        untags it)."""
        if not self.editable():  # type: ignore[attr-defined]
            return
        item_id = self.item_id  # type: ignore[attr-defined]
        clause = self.policy_view.clause  # type: ignore[attr-defined]
        spans = self.session.items[item_id].spans_of(clause.id)

        def done(span: tuple[int, int] | None) -> None:
            if span is None:
                return
            start, end = span
            again = any((tag.start, tag.end) == span for tag in spans)
            if again:
                change = lambda: self.session.untag_span(item_id, clause.id, start, end)  # noqa: E731
            else:
                change = lambda: self.session.tag_span(item_id, clause, start, end)  # noqa: E731
            if self.run_change(change, item_id):  # type: ignore[attr-defined]
                verb = (
                    f"Untagged {clause.id} characters {start}-{end} from" if again else f"Tagged part of {clause.id} to"
                )
                self.say(f"{verb} {printable(item_id)}")  # type: ignore[attr-defined]

        from auditor_tui.ui.screens.span import SpanDialog  # a TextArea: not needed for the first screen

        self.app.push_screen(SpanDialog(clause, self._label(item_id), spans), done)

    def ask_reason(self, item_id: str) -> None:
        """Not applicable for an item without a reason: ask for one, then set both."""

        def done(answer: dict[str, str] | None) -> None:
            if answer and answer["reason"].strip():
                self.run_change(  # type: ignore[attr-defined]
                    lambda: self.session.set_status(item_id, "not-applicable", reason=answer["reason"]), item_id
                )

        self.app.push_screen(
            AskDialog(
                f"Not applicable: {item_id}",
                [("reason", "Why does this item not apply to this policy?", "")],
                explain="An auditor's not applicable needs a reason; it goes into the exports.",
                required=("reason",),
                ok="Not applicable",
            ),
            done,
        )

    # ------------------------------------------------------------------ filter

    def action_filter(self) -> None:
        from auditor_tui.ui.screens.finding import PickDialog

        checklist = self.query_one(ChecklistList)  # type: ignore[attr-defined]
        if checklist.keep is not None:
            self.clear_filter()
            return
        choices = [(f"status:{s.name}", f"status {s.glyph} {s.label}") for s in STATUS_TABLE]
        choices.append(("finding", "has a finding"))
        choices += [(f"group:{group}", f"group {group}") for group, _ in self.audit.checklist.groups() if group]

        def done(choice: str | None) -> None:
            if choice:
                self.apply_filter(choice)

        self.app.push_screen(PickDialog("Show only the items ...", choices, explain="F or escape clears it"), done)

    def apply_filter(self, choice: str) -> None:
        kind, _, value = choice.partition(":")
        keep: Callable[[Item, ItemState], bool]
        if kind == "status":
            keep, label = (lambda item, state: state.status == value), status_info(value).label
        elif kind == "group":
            keep, label = (lambda item, state: item.group == value), value
        else:
            keep, label = (lambda item, state: has_finding(state)), "has a finding"
        checklist = self.query_one(ChecklistList)  # type: ignore[attr-defined]
        shown = checklist.set_filter(keep)
        if not shown:
            checklist.set_filter(None)
            self.say(f"No item is {printable(label)}: the filter is off", severity="warning")  # type: ignore[attr-defined]
            return
        self.filter_label = label
        self.show_filter()
        self.show_current_item()  # type: ignore[attr-defined]

    def action_clear_filter(self) -> None:
        self.clear_filter()

    def clear_filter(self) -> bool:
        checklist = self.query_one(ChecklistList)  # type: ignore[attr-defined]
        if checklist.keep is None:
            return False
        checklist.set_filter(None)
        self.filter_label = ""
        self.show_filter()
        self.show_current_item()  # type: ignore[attr-defined]
        return True

    def show_filter(self) -> None:
        checklist = self.query_one(ChecklistList)  # type: ignore[attr-defined]
        # The filter replaces the checklist's id, so it shows on a narrow pane too.
        label = f"only {self.filter_label}" if self.filter_label else self.audit.checklist.id
        checklist.border_title = f"Checklist {printable(label)}"

    # ------------------------------------------------------------------ bulk, undo

    def action_bulk(self) -> None:
        from auditor_tui.ui.screens.finding import PickDialog

        if not self.editable():  # type: ignore[attr-defined]
            return
        remaining = [item_id for item_id, state in self.session.items.items() if state.status in UNDECIDED]
        if not remaining:
            self.say("No item is open: nothing to set", severity="warning")  # type: ignore[attr-defined]
            return
        choices = [(name, f"{status_info(name).glyph} {status_info(name).label}") for name in BULK_STATUSES]

        def confirm(status: str | None) -> None:
            if not status:
                return
            label = status_info(status).label
            self.app.push_screen(
                ConfirmDialog(
                    f"Set {len(remaining)} open items to {label}?",
                    f"Every item still open or to re-review ({len(remaining)} of {len(self.session.items)}) "
                    f"becomes {label}. u undoes them one at a time.",
                    yes=f"Set {len(remaining)} to {label}",
                    no="Leave them",
                ),
                lambda yes: self._bulk(remaining, status) if yes else None,
            )

        self.app.push_screen(PickDialog(f"Set the {len(remaining)} remaining open items to ...", choices), confirm)

    def _bulk(self, item_ids: list[str], status: str) -> None:
        def change() -> None:
            for item_id in item_ids:
                self.session.set_status(item_id, status)

        if self.run_change(change):  # type: ignore[attr-defined]
            for item_id in item_ids:
                self.query_one(ChecklistList).refresh_item(item_id)  # type: ignore[attr-defined]
            self.say(f"Set {counted(len(item_ids), 'item')} to {status_info(status).label}")  # type: ignore[attr-defined]

    def action_undo(self) -> None:
        self._undo_redo("undo")

    def action_redo(self) -> None:
        self._undo_redo("redo")

    def _undo_redo(self, action: str) -> None:
        done: list[Any] = []
        if not self.run_change(lambda: done.append(getattr(self.session, action)())):  # type: ignore[attr-defined]
            return
        event = done[0]
        if event is None:
            self.say(f"Nothing to {action}", severity="warning")  # type: ignore[attr-defined]
            return
        checklist = self.query_one(ChecklistList)  # type: ignore[attr-defined]
        checklist.refresh_item(event.item)
        checklist.select_item(event.item)  # show what was taken back
        verb = "Undone" if action == "undo" else "Redone"
        self.say(f"{verb}: {printable(event.action)} of {printable(event.item)}")  # type: ignore[attr-defined]
