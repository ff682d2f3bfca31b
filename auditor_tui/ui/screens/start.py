"""The start screen: saved audits newest first, and new audits."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.suggester import Suggester
from textual.widgets import Button, DataTable, Footer, Input, Label, Select, Static

from auditor_tui.core.audit import DEFAULT_CHECKLIST, Audit, start_sample
from auditor_tui.core.checklist import list_checklists
from auditor_tui.core.errors import AuditorError
from auditor_tui.core.session import (
    Session,
    SessionError,
    find_sessions,
    load_session,
    restorable_backup,
    restore_backup,
)
from auditor_tui.core.text import printable, shorten
from auditor_tui.ui.screens.dialogs import ConfirmDialog


class PathSuggester(Suggester):
    """Completes a file path as it is typed (accept with right arrow)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        path = Path(value).expanduser()
        directory, prefix = (path, "") if value.endswith("/") else (path.parent, path.name)
        try:
            names = sorted(
                p.name + ("/" if p.is_dir() else "") for p in directory.iterdir() if p.name.startswith(prefix)
            )
        except OSError:
            return None
        names = [n for n in names if not n.startswith(".") or prefix.startswith(".")]
        if not names:
            return None
        head = value[: len(value) - len(prefix)] if prefix else value
        return head + names[0]


class _AuditForm(ModalScreen[Audit | None]):
    """A dialog that starts an audit: enter or its button starts, escape cancels.

    Subclasses compose an ``Input``, a ``#new-error`` Static and a button, and implement
    :meth:`start`, which either dismisses with the new audit or shows why not.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, sessions_dir: Path) -> None:
        super().__init__(classes="dialog-screen")
        self.sessions_dir = sessions_dir

    def start(self) -> None:
        raise NotImplementedError

    def show_problem(self, message: str) -> None:
        self.query_one("#new-error", Static).update(Content.styled(printable(message), "$error"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.start()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.start()

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReauditScreen(_AuditForm):
    """Re-audit: carry a saved audit forward to a new version of its policy."""

    def __init__(self, sessions_dir: Path, old_session: Path, title: str) -> None:
        super().__init__(sessions_dir)
        self.old_session = old_session
        self.old_title = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog new-dialog"):
            yield Label(
                Content.assemble("Re-audit ", Content.styled(printable(self.old_title), "bold")), classes="dialog-title"
            )
            yield Static(
                "Tags move to the matching clauses of the new version; items whose evidence changed go to "
                "re-review. The old audit is not changed."
            )
            yield Label("New version of the policy: right arrow completes")
            yield Input(placeholder="path/to/new-policy.txt", id="new-policy", suggester=PathSuggester())
            yield Static(id="new-error")
            yield Button("Start the re-audit", variant="primary", id="new-start")

    def start(self) -> None:
        from auditor_tui.core.reaudit import start_reaudit

        policy = self.query_one("#new-policy", Input).value.strip()
        if not policy:
            self.show_problem("Give the path of the new version of the policy.")
            return
        try:
            audit, _diff = start_reaudit(Path(policy).expanduser(), self.old_session, sessions_dir=self.sessions_dir)
        except AuditorError as problem:
            self.show_problem(str(problem))
            return
        self.dismiss(audit)


class NewAuditScreen(_AuditForm):
    """Start a new audit: a policy file (with completion) and a checklist."""

    def compose(self) -> ComposeResult:
        try:
            checklists = list_checklists()
            problem = ""
        except AuditorError as error:
            checklists, problem = [], str(error)
        options = [(f"{c.id} — {printable(c.title)} ({len(c.items)} items)", c.id) for c in checklists]
        default = DEFAULT_CHECKLIST if any(c.id == DEFAULT_CHECKLIST for c in checklists) else Select.NULL
        with Vertical(classes="dialog new-dialog"):
            yield Label("New audit", classes="dialog-title")
            yield Label("Policy file (.txt, .md, .html): right arrow completes")
            yield Input(placeholder="path/to/policy.txt", id="new-policy", suggester=PathSuggester())
            yield Label("Checklist")
            yield Select(options, value=default, id="new-checklist", allow_blank=not options)
            yield Label("Title (optional)")
            yield Input(id="new-title")
            yield Static(Content.styled(printable(problem), "$error"), id="new-error")
            yield Button("Start", variant="primary", id="new-start")

    def start(self) -> None:
        policy = self.query_one("#new-policy", Input).value.strip()
        checklist = self.query_one("#new-checklist", Select).value
        if not policy:
            self.show_problem("Give the path of a policy file.")
            return
        if checklist is Select.NULL:
            self.show_problem("Choose a checklist.")
            return
        try:
            audit = Audit.start(
                Path(policy).expanduser(),
                str(checklist),
                title=self.query_one("#new-title", Input).value.strip(),
                sessions_dir=self.sessions_dir,
            )
        except AuditorError as problem:
            self.show_problem(str(problem))
            return
        self.dismiss(audit)


class StartScreen(Screen[None]):
    """Pick up a saved audit or start a new one."""

    BINDINGS = [
        Binding("enter", "resume", "Resume", show=True),
        Binding("n", "new", "New audit"),
        Binding("s", "sample", "Sample audit"),
        Binding("f", "reaudit", "Re-audit a new version"),
        Binding("r", "reload", "Reload"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, sessions_dir: Path) -> None:
        super().__init__()
        self.sessions_dir = sessions_dir
        self.paths: dict[str, Path] = {}

    def compose(self) -> ComposeResult:
        yield Static(
            Content.assemble(
                Content.styled("auditor-tui", "bold $accent"),
                "  audits in ",
                Content.styled(printable(str(self.sessions_dir)) + "/", "bold"),
            ),
            id="start-header",
        )
        yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Static(id="start-hint")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (
            ("Title", 28),
            ("Policy", 22),
            ("Checklist", 21),
            ("Decided", 7),
            ("Updated (UTC)", 16),
            ("State", 14),
        ):
            table.add_column(label, width=width)
        self.action_reload()
        table.focus()

    def on_screen_resume(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        self.paths.clear()
        try:
            found = find_sessions(self.sessions_dir)
        except AuditorError as error:
            self.query_one("#start-hint", Static).update(Content.styled(printable(str(error)), "$error"))
            return
        for path, loaded in found:
            key = str(path)
            self.paths[key] = path
            if isinstance(loaded, Session):
                state = loaded.state
                if state == "signed-off" and loaded.signoff:
                    state = f"signed off by {loaded.signoff.reviewer}"
                table.add_row(
                    Content(printable(shorten(loaded.title, 28))),
                    Content(printable(shorten(Path(loaded.policy.path).name, 22))),
                    Content(printable(loaded.checklist.id)),
                    loaded.progress,
                    f"{loaded.updated:%Y-%m-%d %H:%M}",
                    Content.styled(printable(state), "$success" if loaded.state == "signed-off" else ""),
                    key=key,
                )
            else:
                table.add_row(
                    Content.styled(printable(path.name), "$error"),
                    Content.styled("unreadable", "$error"),
                    "",
                    "",
                    "",
                    "",
                    key=key,
                )
        hint = (
            f"{len(found)} audit{'s' if len(found) != 1 else ''}. enter resumes · n new audit · s new audit of the bundled sample · "
            "f re-audit the selected one on a new version of its policy"
            if found
            else f"No audits in {self.sessions_dir}/ yet. Press n for a new audit, or s to try the bundled sample."
        )
        self.query_one("#start-hint", Static).update(Content(printable(hint)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self._open(self.paths[str(event.row_key.value)])

    def _selected(self) -> Path | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return self.paths[str(row_key.value)]

    def action_resume(self) -> None:
        path = self._selected()
        if path is not None:
            self._open(path)

    def action_reaudit(self) -> None:
        path = self._selected()
        if path is None:
            self.notify("No audit selected to carry forward", severity="warning")
            return
        try:
            title = load_session(path).title
        except AuditorError as error:
            self.app.show_error("Cannot re-audit this session", str(error))
            return
        self.app.push_screen(ReauditScreen(self.sessions_dir, path, title), self._started)

    def _open(self, path: Path) -> None:
        try:
            audit = Audit.open(path)
        except AuditorError as error:
            # A backup is offered only for a file whose content is damaged, never for one that
            # loads (items not in the checklist) or that cannot be read (permissions).
            if isinstance(error, SessionError) and restorable_backup(path, error) is not None:
                self._offer_backup(path, error)
            else:
                self.app.show_error("Cannot open this audit", str(error))
            return
        self.app.open_review(audit)

    def _offer_backup(self, path: Path, error: SessionError) -> None:
        def answer(restore: bool | None) -> None:
            if not restore:
                return
            try:
                broken = restore_backup(path)
            except AuditorError as problem:
                self.app.show_error("Cannot restore the backup", str(problem))
                return
            self.notify(f"Restored the previous save; the unreadable file is kept as {broken.name}")
            self.action_reload()
            self._open(path)

        self.app.push_screen(
            ConfirmDialog(
                "This session file cannot be read",
                f"{error.message}\n\nThe previous save ({path.name}.bak) can be read. Put it back? "
                f"The unreadable file is kept as {path.name}.broken.",
                yes="Restore the previous save",
                no="Leave it",
            ),
            answer,
        )

    def action_new(self) -> None:
        self.app.push_screen(NewAuditScreen(self.sessions_dir), self._started)

    def action_sample(self) -> None:
        try:
            audit = start_sample(DEFAULT_CHECKLIST, self.sessions_dir)
        except AuditorError as error:
            self.app.show_error("Cannot start the sample audit", str(error))
            return
        self.app.open_review(audit)

    def _started(self, audit: Audit | None) -> None:
        if audit is not None:
            self.app.open_review(audit)
