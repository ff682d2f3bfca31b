"""The start screen: saved audits newest first, and new audits."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.suggester import Suggester
from textual.widgets import Button, DataTable, Footer, Input, Label, Select, Static

from auditor_tui.core.audit import Audit, start_sample
from auditor_tui.core.checklist import list_checklists
from auditor_tui.core.config import Config, current
from auditor_tui.core.errors import AuditorError
from auditor_tui.core.session import (
    Session,
    SessionError,
    find_sessions,
    load_session,
    restorable_backup,
    restore_backup,
)
from auditor_tui.core.text import printable, shorten, shorten_middle
from auditor_tui.ui.screens.dialogs import ConfirmDialog

if TYPE_CHECKING:
    from textual import getters

    from auditor_tui.ui.app import AuditorApp


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

    def __init__(self, sessions_dir: Path, config: Config | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.sessions_dir = sessions_dir
        self.config = current() if config is None else config

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

    def __init__(self, sessions_dir: Path, old_session: Path, title: str, config: Config | None = None) -> None:
        super().__init__(sessions_dir, config)
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
            audit, _diff = start_reaudit(
                Path(policy).expanduser(),
                self.old_session,
                sessions_dir=self.sessions_dir,
                auditor=self.config.identity(),
            )
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
        wanted = self.config.default_checklist
        default = wanted if any(c.id == wanted for c in checklists) else Select.NULL
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
                auditor=self.config.identity(),
                sessions_dir=self.sessions_dir,
            )
        except AuditorError as problem:
            self.show_problem(str(problem))
            return
        self.dismiss(audit)


COLUMNS = ("Title", "Policy", "Checklist", "Decided", "Updated (UTC)", "State")
NARROW_START = 110


class StartScreen(Screen[None]):
    """Pick up a saved audit or start a new one."""

    if TYPE_CHECKING:  # the app this screen runs in, with its methods (Textual types it as App)
        app = getters.app(AuditorApp)

    BINDINGS = [
        Binding("enter", "resume", "Resume", show=True),
        Binding("n", "new", "New audit"),
        Binding("s", "sample", "Sample audit"),
        Binding("f", "reaudit", "Re-audit a new version"),
        Binding("u", "reuse", "Reuse for another checklist"),
        Binding("r", "reload", "Reload"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, sessions_dir: Path, config: Config | None = None) -> None:
        super().__init__()
        self.sessions_dir = sessions_dir
        self.config = current() if config is None else config
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
        self.action_reload()
        self.query_one(DataTable).focus()

    def on_resize(self) -> None:
        self.action_reload()

    def on_screen_resume(self) -> None:
        self.action_reload()

    def _columns(self, rows: list[tuple[str, ...]]) -> list[tuple[int, int]]:
        """The columns to show, as (index into COLUMNS, width): the short ones as wide as their
        longest cell, Title and Policy sharing what is left (Title the larger). Below
        NARROW_START columns the checklist is left out and the update time is a date."""
        narrow = (self.size.width or self.app.size.width) < NARROW_START
        shown = [0, 1, 3, 4, 5] if narrow else list(range(len(COLUMNS)))
        natural = [max([len(COLUMNS[i])] + [len(row[i]) for row in rows]) for i in range(len(COLUMNS))]
        widths = {2: min(natural[2], 24), 3: natural[3], 4: 10 if narrow else 16, 5: min(natural[5], 40)}
        table = self.query_one(DataTable)
        # The table spans the screen; 2 for its scrollbar.
        available = (self.size.width or self.app.size.width) - 2 * table.cell_padding * len(shown) - 2
        room = max(24, available - sum(widths[i] for i in shown if i in widths))
        widths[1] = min(natural[1], max(12, room * 2 // 5))
        widths[0] = max(12, room - widths[1])
        return [(i, widths[i]) for i in shown]

    def action_reload(self) -> None:
        table = self.query_one(DataTable)
        selected = self._selected()
        table.clear(columns=True)
        self.paths.clear()
        try:
            found = find_sessions(self.sessions_dir)
        except AuditorError as error:
            self.query_one("#start-hint", Static).update(Content.styled(printable(str(error)), "$error"))
            return
        rows: list[tuple[str, ...]] = []
        for path, loaded in found:
            self.paths[str(path)] = path
            if isinstance(loaded, Session):
                state = loaded.state
                if state == "signed-off" and loaded.signoff:
                    state = f"signed off by {loaded.signoff.reviewer}"
                policy = Path(loaded.policy.path).name
                updated = f"{loaded.updated:%Y-%m-%d %H:%M}"
                fields = (loaded.title, policy, loaded.checklist.id, loaded.progress, updated, state)
                rows.append(tuple(printable(cell) for cell in fields))
            else:
                rows.append((printable(path.name), "unreadable", "", "", "", ""))
        columns = self._columns(rows)
        for index, width in columns:
            table.add_column(COLUMNS[index] if len(COLUMNS[index]) <= width else "Updated", width=width)
        for (path, loaded), row in zip(found, rows, strict=True):
            style = "" if isinstance(loaded, Session) else "$error"
            cells = []
            for index, width in columns:
                # A file name's end tells versions apart: cut its middle.
                cut = shorten_middle(row[index], width) if index == 1 else shorten(row[index], width)
                if index == 4:
                    cut = row[index][:width]  # the date without the time when narrow
                done = isinstance(loaded, Session) and index == 5 and loaded.state == "signed-off"
                cells.append(Content.styled(cut, "$success" if done else style))
            table.add_row(*cells, key=str(path))
        if selected is not None and str(selected) in self.paths:
            table.move_cursor(row=table.get_row_index(str(selected)))
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
        self.app.push_screen(ReauditScreen(self.sessions_dir, path, title, self.config), self._started)

    def action_reuse(self) -> None:
        """Reuse the selected audit's evidence for another checklist (asks which)."""
        from auditor_tui.ui.screens.reuse_form import ReuseScreen

        path = self._selected()
        if path is None:
            self.notify("No audit selected to reuse", severity="warning")
            return
        try:
            source = load_session(path)
        except AuditorError as error:
            self.app.show_error("Cannot reuse this session", str(error))
            return
        self.app.push_screen(ReuseScreen(self.sessions_dir, path, source, self.config), self._started)

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
        self.app.push_screen(NewAuditScreen(self.sessions_dir, self.config), self._started)

    def action_sample(self) -> None:
        try:
            audit = start_sample(self.config.default_checklist, self.sessions_dir, auditor=self.config.identity())
        except AuditorError as error:
            self.app.show_error("Cannot start the sample audit", str(error))
            return
        self.app.open_review(audit)

    def _started(self, audit: Audit | None) -> None:
        if audit is not None:
            self.app.open_review(audit)
