"""The start screen's ``u``: reuse the selected audit's evidence for another checklist."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Button, Input, Label, Select, Static

from auditor_tui.core.audit import Audit, resolve_policy_path
from auditor_tui.core.checklist import list_checklists
from auditor_tui.core.config import Config
from auditor_tui.core.crosswalk import crosswalks_between, scan_crosswalks
from auditor_tui.core.errors import AuditorError
from auditor_tui.core.session import Session
from auditor_tui.core.text import printable
from auditor_tui.core.urls import is_url
from auditor_tui.ui.screens.dialogs import FormBody
from auditor_tui.ui.screens.start import PathSuggester, _AuditForm


def linked_checklists(checklist_id: str) -> list[tuple[str, str]]:
    """(label, id) of the checklists a crosswalk links to *checklist_id*."""
    crosswalks = scan_crosswalks().crosswalks
    return [
        (f"{c.id} — {printable(c.title)} ({len(c.items)} items)", c.id)
        for c in list_checklists()
        if crosswalks_between(crosswalks, checklist_id, c.id)
    ]


class ReuseScreen(_AuditForm):
    """A new audit against another checklist, starting with the selected audit's evidence proposed."""

    def __init__(self, sessions_dir: Path, source_path: Path, source: Session, config: Config | None = None) -> None:
        super().__init__(sessions_dir, config)
        self.source_path = source_path
        self.source = source

    def compose(self) -> ComposeResult:
        try:
            options, problem = linked_checklists(self.source.checklist.id), ""
        except AuditorError as error:
            options, problem = [], str(error)
        if not options and not problem:
            problem = f"No crosswalk links {self.source.checklist.id} to another checklist ('auditor-tui crosswalks')."
        found = resolve_policy_path(self.source.policy.path, self.source_path)
        with FormBody(classes="dialog new-dialog"):
            yield Label(
                Content.assemble("Reuse ", Content.styled(printable(self.source.title), "bold")),
                classes="dialog-title",
            )
            yield Static(
                "A new audit against another checklist: the clauses tagged here are proposed for the related "
                "items (a accepts, x rejects); nothing is decided for you. This audit is not changed."
            )
            yield Label("Checklist")
            yield Select(options, id="new-checklist", allow_blank=True)
            yield Label("Policy (this audit's, or a newer version): right arrow completes")
            yield Input(str(found or self.source.policy.path), id="new-policy", suggester=PathSuggester())
            yield Static(Content.styled(printable(problem), "$error"), id="new-error")
            yield Button("Start the audit", variant="primary", id="new-start")

    def start(self) -> None:
        from auditor_tui.core.reuse import start_reuse

        checklist = self.query_one("#new-checklist", Select).value
        policy = self.query_one("#new-policy", Input).value.strip()
        if checklist is Select.NULL:
            self.show_problem("Choose the checklist of the new audit.")
            return
        if not policy:
            self.show_problem("Give the path of the policy.")
            return

        def opening() -> tuple[Audit, str]:
            audit, summary = start_reuse(
                policy if is_url(policy) else Path(policy).expanduser(),
                str(checklist),
                self.source_path,
                sessions_dir=self.sessions_dir,
                auditor=self.config.identity(),
            )
            line = summary.line()
            return audit, line[:1].upper() + line[1:]

        self.open_audit(opening, policy)
