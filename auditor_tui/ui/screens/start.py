"""The start screen: saved audits newest first, and new audits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.suggester import Suggester
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from auditor_tui.core.audit import Audit, start_sample
from auditor_tui.core.checklist import list_checklists
from auditor_tui.core.config import Config, current
from auditor_tui.core.errors import AuditorError
from auditor_tui.core.report import SEVERITIES, audit_row
from auditor_tui.core.session import (
    Session,
    SessionError,
    find_sessions,
    load_session,
    restorable_backup,
    restore_backup,
)
from auditor_tui.core.text import counted, printable, shorten, shorten_middle
from auditor_tui.core.urls import is_url
from auditor_tui.ui.screens.dialogs import ConfirmDialog, FormBody
from auditor_tui.ui.widgets.key_bar import KeyBar

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

    Subclasses compose an ``Input``, a ``#new-error`` Static and a ``#new-start`` button, and
    implement :meth:`start`, which checks the form and hands :meth:`open_audit` the work: it
    runs off the UI thread (a policy at a URL can take up to its timeout, a large PDF seconds),
    then dismisses with the new audit or shows why not.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, sessions_dir: Path, config: Config | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.sessions_dir = sessions_dir
        self.config = current() if config is None else config

    def start(self) -> None:
        raise NotImplementedError

    def show_problem(self, message: str) -> None:
        self.query_one("#new-start", Button).disabled = False
        self.query_one("#new-error", Static).update(Content.styled(printable(message), "$error"))

    def open_audit(self, opening: Callable[[], tuple[Audit, str]], what: str) -> None:
        """Start *opening* (which returns the audit and a line to show once it is open, or
        raises an AuditorError) in a worker; the start button waits until it is done."""
        self.query_one("#new-start", Button).disabled = True
        self.query_one("#new-error", Static).update(f"Reading {printable(what)}…")
        app = self.app
        # The app's worker, not this dialog's: the reading outlives the dialog (closed meanwhile,
        # or dismissed by the worker's own result, which would otherwise cancel the worker as it
        # finishes), and *app* is taken here, on the UI thread.
        app.run_worker(lambda: self._open_in_worker(opening, app), thread=True, exclusive=True, group="open-audit")

    def _open_in_worker(self, opening: Callable[[], tuple[Audit, str]], app: App[None]) -> None:
        try:
            audit, line = opening()
        except AuditorError as problem:
            app.call_from_thread(self._failed, app, str(problem))
            return
        app.call_from_thread(self._opened, app, audit, line)

    def _failed(self, app: App[None], message: str) -> None:
        if self in app.screen_stack:
            self.show_problem(message)
        else:  # the dialog was closed meanwhile
            app.notify(printable(message), severity="error")

    def _opened(self, app: App[None], audit: Audit, line: str) -> None:
        if self not in app.screen_stack:  # the dialog was closed meanwhile: say where the audit is
            audit.release_lock()
            app.notify(f"The audit was saved as {printable(str(audit.path))}; resume it from the list.")
            return
        if line:
            self.notify(printable(line), timeout=8)
        self.dismiss(audit)

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
        with FormBody(classes="dialog new-dialog"):
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

        def opening() -> tuple[Audit, str]:
            audit, _diff = start_reaudit(
                policy if is_url(policy) else Path(policy).expanduser(),
                self.old_session,
                sessions_dir=self.sessions_dir,
                auditor=self.config.identity(),
            )
            return audit, ""

        self.open_audit(opening, policy)


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
        with FormBody(classes="dialog new-dialog"):
            yield Label("New audit", classes="dialog-title")
            yield Label("Policy file or http(s) URL: right arrow completes a path")
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
            self.show_problem("Give the path of a policy file, or its URL.")
            return
        if checklist is Select.NULL:
            self.show_problem("Choose a checklist.")
            return
        title = self.query_one("#new-title", Input).value.strip()

        def opening() -> tuple[Audit, str]:
            audit = Audit.start(
                policy if is_url(policy) else Path(policy).expanduser(),
                str(checklist),
                title=title,
                auditor=self.config.identity(),
                sessions_dir=self.sessions_dir,
            )
            return audit, ""

        self.open_audit(opening, policy)


COLUMNS = ("Title", "Policy", "Checklist", "State", "Decided", "H/M/L", "Overdue", "Assignees", "Updated (UTC)")
"""The report's columns (:mod:`auditor_tui.core.report`); H/M/L counts findings by severity."""
DROP_ORDER = (7, 2, 8, 1, 6, 5)
"""Columns left out, in this order, while the screen is too narrow for them all."""
NUMERIC = frozenset({4, 5, 6})
NARROW_START = 110


def _dashboard_row(path: Path, loaded: Session | SessionError) -> tuple[str, ...]:
    if not isinstance(loaded, Session):
        return (printable(path.name), "unreadable", "", "unreadable", "", "", "", "", "")
    row = audit_row(path, loaded, date.today())
    severity = "/".join(str(row.severity.get(level, 0)) for level in SEVERITIES)
    cells = (row.title, row.policy, row.checklist, row.state, f"{row.decided}/{row.total}", severity)
    return tuple(printable(cell) for cell in (*cells, str(row.overdue), ", ".join(row.assignees), row.updated))


def _sort_key(row: tuple[str, ...], index: int) -> tuple[Any, ...]:
    """Text A to Z; numbers (decided share, findings, overdue) largest first; unreadable last."""
    if index not in NUMERIC:
        return (row[index].casefold(),)
    try:
        numbers = [int(part) for part in row[index].split("/")]
    except ValueError:
        return (1,)
    if index == 4:
        return (0, -(numbers[0] / numbers[1]) if numbers[1] else 0.0)
    return (0, *(-n for n in numbers))


class StartScreen(Screen[None]):
    """Pick up a saved audit or start a new one: the audits as a dashboard (sort with o,
    filter with /)."""

    DEFAULT_CSS = """
    StartScreen #start-filter { display: none; height: 3; }
    StartScreen #start-filter.shown { display: block; }
    """

    if TYPE_CHECKING:  # the app this screen runs in, with its methods (Textual types it as App)
        app = getters.app(AuditorApp)

    BINDINGS = [
        Binding("enter", "resume", "Resume", show=True),
        Binding("n", "new", "New audit"),
        Binding("s", "sample", "Sample audit"),
        Binding("f", "reaudit", "Re-audit a new version"),
        Binding("u", "reuse", "Reuse for another checklist"),
        Binding("o", "sort", "Sort"),
        Binding("slash", "filter", "Filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("r", "reload", "Reload"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, sessions_dir: Path, config: Config | None = None) -> None:
        super().__init__()
        self.sessions_dir = sessions_dir
        self.config = current() if config is None else config
        self.paths: dict[str, Path] = {}
        self.found: list[tuple[Path, Session | SessionError]] = []
        self.rows: list[tuple[str, ...]] = []
        self.sort_column: int | None = None
        """Index into COLUMNS, or None for newest first."""
        self.filter_text = ""
        self.problem = ""
        """Why the folder cannot be listed, shown instead of the hint."""

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
        yield Input(placeholder="filter: any text in a row (enter keeps it, escape clears)", id="start-filter")
        yield Static(id="start-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.action_reload()
        self.query_one(DataTable).focus()

    def on_resize(self) -> None:
        self._show()

    def on_screen_resume(self) -> None:
        self.action_reload()

    def _columns(self, rows: list[tuple[str, ...]]) -> list[tuple[int, int]]:
        """The columns that fit, as (index into COLUMNS, width): the short ones as wide as their
        longest cell (capped), Title and Policy sharing what is left (Title the larger). Columns
        are dropped in DROP_ORDER until Title and Policy have room; below NARROW_START the update time is a date."""
        width = self.size.width or self.app.size.width
        narrow = width < NARROW_START
        natural = [max([len(COLUMNS[i])] + [len(row[i]) for row in rows]) for i in range(len(COLUMNS))]
        caps = {2: 20, 3: 40, 7: 24, 8: 10 if narrow else 16}  # 3, State: "signed off by NAME" stays whole
        fixed = {i: min(natural[i], caps.get(i, natural[i])) for i in range(2, len(COLUMNS))}
        padding = 2 * self.query_one(DataTable).cell_padding
        shown = list(range(len(COLUMNS)))
        for drop in (None, *DROP_ORDER):
            if drop is not None:
                shown.remove(drop)
            # 2 for the table's scrollbar.
            room = width - padding * len(shown) - 2 - sum(fixed[i] for i in shown if i in fixed)
            # Title (up to 40) and Policy (up to 16) keep their room before the short columns.
            if room >= min(natural[0], 40) + (min(natural[1], 16) if 1 in shown else 0):
                break
        widths = dict(fixed)
        room = max(20, room)
        if 1 in shown:
            widths[1] = min(natural[1], max(16, room * 2 // 5))
            room -= widths[1]
        widths[0] = max(12, room)
        return [(i, widths[i]) for i in shown]

    def action_reload(self) -> None:
        """Read the folder again (the rows are kept for sorting and filtering)."""
        try:
            self.found = find_sessions(self.sessions_dir)
        except AuditorError as error:
            self.found, self.rows, self.problem = [], [], str(error)
            self.query_one(DataTable).clear(columns=True)
            self.query_one("#start-hint", Static).update(Content.styled(printable(self.problem), "$error"))
            return
        self.problem = ""
        self.paths = {str(path): path for path, _ in self.found}
        self.rows = [_dashboard_row(path, loaded) for path, loaded in self.found]
        self._show()

    def _visible(self) -> list[int]:
        """Indexes into self.found of the rows shown: filtered, then sorted."""
        needle = self.filter_text.casefold()
        shown = [i for i, row in enumerate(self.rows) if not needle or any(needle in c.casefold() for c in row)]
        if self.sort_column is not None:
            column = self.sort_column
            shown.sort(key=lambda i: _sort_key(self.rows[i], column))
        return shown

    def _show(self) -> None:
        if not self.is_mounted or self.problem:
            return
        table = self.query_one(DataTable)
        selected = self._selected()
        table.clear(columns=True)
        columns = self._columns(self.rows)
        for index, width in columns:
            name = COLUMNS[index] if len(COLUMNS[index]) <= width else COLUMNS[index].split()[0][:width]
            table.add_column(
                name + (" ▾" if index == self.sort_column else ""), width=width + 2 * (index == self.sort_column)
            )
        visible = self._visible()
        for number in visible:
            path, loaded = self.found[number]
            row = self.rows[number]
            style = "" if isinstance(loaded, Session) else "$error"
            cells = []
            for index, width in columns:
                # A file name's end tells versions apart: cut its middle.
                cut = shorten_middle(row[index], width) if index == 1 else shorten(row[index], width)
                if index == 8:
                    cut = row[index][:width]  # the date without the time when narrow
                done = isinstance(loaded, Session) and index == 3 and loaded.state == "signed-off"
                late = index == 6 and row[index] not in ("", "0")
                cells.append(Content.styled(cut, "$success" if done else "$error" if late else style))
            table.add_row(*cells, key=str(path))
        if selected is not None and str(selected) in {str(self.found[n][0]) for n in visible}:
            table.move_cursor(row=table.get_row_index(str(selected)))
        self.query_one("#start-hint", Static).update(Content(printable(self._hint(len(visible)))))

    def _hint(self, visible: int) -> str:
        total = len(self.found)
        if not total:
            return f"No audits in {self.sessions_dir}/ yet. Press n for a new audit, or s to try the bundled sample."
        count = counted(total, "audit")
        if self.filter_text:
            count = f"{visible} of {total} audits match {self.filter_text!r}"
        order = "newest first" if self.sort_column is None else f"sorted by {COLUMNS[self.sort_column]}"
        return (
            f"{count}, {order}. enter resumes · n new audit · s new audit of the bundled sample · "
            "f re-audit the selected one on a new version of its policy · o sort · / filter"
        )

    def action_sort(self) -> None:
        """Cycle the sort through the columns shown, then back to newest first."""
        shown = [index for index, _ in self._columns(self.rows)]
        if self.sort_column is None:
            self.sort_column = shown[0]
        else:
            later = [index for index in shown if index > self.sort_column]
            self.sort_column = later[0] if later else None
        self._show()

    def action_filter(self) -> None:
        box = self.query_one("#start-filter", Input)
        box.add_class("shown")
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#start-filter", Input)
        if not box.has_class("shown") and not self.filter_text:
            return
        box.value = ""
        box.remove_class("shown")
        self.filter_text = ""
        self._show()
        self.query_one(DataTable).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "start-filter":
            self.filter_text = event.value.strip()
            self._show()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "start-filter":
            if not self.filter_text:
                event.input.remove_class("shown")
            self.query_one(DataTable).focus()

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
