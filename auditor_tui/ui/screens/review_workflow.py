"""The review screen's sign-off actions: submit, request changes, sign off, reopen, export.

Mixed into :class:`~auditor_tui.ui.screens.review.ReviewScreen`; each action asks, then calls
one function of :mod:`auditor_tui.core.workflow` (or :func:`~auditor_tui.core.export.write_export`)
and saves. A refusal is shown in a dialog; nothing changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from auditor_tui.core.errors import AuditorError
from auditor_tui.core.history import iso
from auditor_tui.core.session import identity
from auditor_tui.core.text import printable
from auditor_tui.core.workflow import undecided_items
from auditor_tui.ui.screens.dialogs import AskDialog, ConfirmDialog, MessageDialog
from auditor_tui.ui.widgets.checklist_list import ChecklistList

if TYPE_CHECKING:
    from auditor_tui.ui.screens.review_suggestions import SuggestionActions

    _Base = SuggestionActions  # what the mixin uses of ReviewScreen, declared there
else:
    _Base = object  # at run time a plain mixin: ReviewScreen brings the rest


class WorkflowActions(_Base):
    """Mixed into :class:`~auditor_tui.ui.screens.review.ReviewScreen`."""

    if TYPE_CHECKING:
        _dirty: bool

        def refresh_header(self) -> None: ...
        def show_current_item(self) -> None: ...

    def _workflow(self, name: str, *args, **kwargs) -> bool:
        from auditor_tui.core import workflow

        try:
            getattr(workflow, name)(self.session, *args, **kwargs)
            self._dirty = True
            self.audit.save()
        except AuditorError as error:
            self.refresh_header()  # a save refused for the file (lock, a change elsewhere) made it read-only
            self.app.push_screen(MessageDialog("Not done", str(error)))
            return False
        self._dirty = False
        for item_id in self.session.items:
            self.query_one(ChecklistList).refresh_item(item_id)
        self.show_current_item()
        self.refresh_header()
        return True

    def action_submit(self) -> None:
        """Ask, then hand the audit to a reviewer (a refusal, such as open items, comes at once)."""

        def submit(yes: bool | None = True) -> None:
            if yes and self._workflow("submit"):
                self.say("Submitted for review: the audit is read-only until a reviewer acts", group="workflow")

        if undecided_items(self.session) or not self.session.editable:
            submit()  # the core refuses, naming why
            return
        self.app.push_screen(
            ConfirmDialog(
                "Submit for review?",
                f"All {len(self.session.items)} items are decided. The audit goes to a reviewer and is read-only "
                "until they sign it off or request changes (ctrl+o withdraws it).",
                yes="Submit for review",
                no="Not yet",
            ),
            submit,
        )

    def action_signoff(self) -> None:
        def done(answer: dict[str, str] | None) -> None:
            if answer and self._workflow(
                "sign_off",
                reviewer=answer["reviewer"].strip(),
                statement=answer["statement"].strip(),
            ):
                self.say("Signed off", group="workflow")

        self.app.push_screen(
            AskDialog(
                "Sign off this audit",
                [
                    ("reviewer", "Reviewer (not the preparer)", identity()),
                    ("statement", "Statement", "Reviewed and approved."),
                ],
                explain=f"Preparer: {self.session.auditor}. The sign-off records a digest of the audit.",
                required=("reviewer",),
                ok="Sign off",
            ),
            done,
        )

    def action_request_changes(self) -> None:
        item_id = self.item_id

        def done(answer: dict[str, str] | None) -> None:
            if not answer:
                return
            comments = {item_id: answer["item"].strip()} if answer["item"].strip() else {}
            if self._workflow(
                "request_changes",
                reviewer=answer["reviewer"].strip(),
                comment=answer["comment"].strip(),
                item_comments=comments,
            ):
                self.say("Changes requested: back to the preparer", group="workflow")

        self.app.push_screen(
            AskDialog(
                "Request changes",
                [
                    ("reviewer", "Reviewer", identity()),
                    ("comment", "Overall comment", ""),
                    ("item", f"Comment on {item_id}", ""),
                ],
                required=("reviewer", "comment"),
                ok="Request changes",
            ),
            done,
        )

    def action_export(self) -> None:
        from auditor_tui.core.export import ExportExists, write_export

        default = str(self.audit.path.with_suffix(".md"))

        def write(target: Path, force: bool = False) -> None:
            try:
                write_export(self.session, self.audit.checklist, target, force=force)
            except ExportExists:
                self.app.push_screen(
                    ConfirmDialog("Replace it?", f"{target} already exists.", yes="Replace it", no="Keep it"),
                    lambda yes: write(target, force=True) if yes else None,
                )
                return
            except AuditorError as error:
                self.app.push_screen(MessageDialog("Not exported", str(error)))
                return
            draft = "" if self.session.state == "signed-off" else " (marked DRAFT: not signed off)"
            self.notify(f"Exported {target}{draft}")

        def done(answer: dict[str, str] | None) -> None:
            if answer and answer["path"].strip():
                write(Path(answer["path"].strip()).expanduser())

        self.app.push_screen(
            AskDialog("Export the checklist", [("path", "File (.md, .html, .csv or .json)", default)]), done
        )

    def action_reopen(self) -> None:
        if self.audit.read_only_reason:
            self.notify(printable(self.audit.read_only_reason), severity="warning")
            return
        signoff = self.session.signoff if self.session.state == "signed-off" else None
        if self.session.editable:
            self.notify("This audit can already be changed: there is nothing to reopen", severity="warning")
            return

        def answer(yes: bool | None) -> None:
            if yes and self._workflow("reopen", by=self.session.auditor, reason="reopened in the review screen"):
                done = "the sign-off is void and kept in the history" if signoff else "withdrawn from review"
                self.say(f"Reopened: {done}", severity="warning", group="workflow")

        if signoff is not None:
            question = (
                "Reopen for changes?",
                f"This voids the sign-off by {signoff.reviewer} at {iso(signoff.at)}. The voided record stays in "
                "the history, and the audit must be submitted and signed off again.",
                "Void the sign-off and reopen",
                "Keep it signed off",
            )
        else:
            question = (
                "Withdraw from review?",
                "The audit goes back to in-progress; submit it again when it is ready.",
                "Withdraw and reopen",
                "Leave it with the reviewer",
            )
        title, message, yes, no = question
        self.app.push_screen(ConfirmDialog(title, message, yes=yes, no=no), answer)
