"""The Textual application: screens, styles, the command palette and the error dialog."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.notifications import SeverityLevel

from auditor_tui.core.audit import SESSIONS_DIR, Audit
from auditor_tui.ui.commands import ReviewCommands
from auditor_tui.ui.screens.dialogs import ConfirmDialog, MessageDialog
from auditor_tui.ui.screens.review import ReviewScreen
from auditor_tui.ui.screens.start import StartScreen


class AuditorApp(App[None]):
    """auditor-tui: the start screen, or straight into a review when given an audit."""

    TITLE = "auditor-tui"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {ReviewCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, audit: Audit | None = None, *, sessions_dir: Path | str = SESSIONS_DIR) -> None:
        super().__init__()
        self.audit = audit
        self.sessions_dir = Path(sessions_dir)

    def on_mount(self) -> None:
        if self.audit is not None:
            self.push_screen(ReviewScreen(self.audit))
        else:
            self.push_screen(StartScreen(self.sessions_dir))

    def open_review(self, audit: Audit) -> None:
        self.audit = audit
        self.push_screen(ReviewScreen(audit))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Show a toast, always as plain text.

        Notifications quote paths, clause and item ids and error messages, all of which are data
        that may contain ``[`` ... ``]``; no notification of ours uses markup, so it is never
        parsed (the ``markup`` argument that ``Widget.notify`` always passes is ignored).
        """
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def action_help_quit(self) -> None:
        """ctrl+c does not quit (in a text field it copies): say which keys do, as plain text
        (Textual's own hint is markup, which :meth:`notify` shows literally)."""
        self.notify("Press q or ctrl+q to quit (changes are saved first).", title="Do you want to quit?")

    def show_error(self, title: str, message: str) -> None:
        """Show a problem in a dialog; the app keeps running."""
        self.push_screen(MessageDialog(title, message))

    async def action_quit(self) -> None:
        """Save and quit from any screen (ctrl+q); a review returns to the start screen.

        Quitting is always possible: when the save fails, the user is asked whether to quit
        anyway. The session file is then left as it was at the last save that worked (saves
        are atomic), and only the changes since then are lost; "stay" keeps them in memory.
        """
        screen = self.screen
        if isinstance(screen, ReviewScreen):
            error = screen.try_save()
            if error is not None:
                self.push_screen(
                    ConfirmDialog(
                        "Could not save: quit anyway?",
                        f"{error}\n\nThe session file on disk is unchanged since the last save that worked. "
                        "Quit and lose the changes made since then, or stay (they are kept in memory) "
                        "and fix the problem, then press ctrl+s.",
                        yes="Quit without saving",
                        no="Stay",
                    ),
                    lambda yes: self._leave_review(screen, discard=True) if yes else None,
                )
                return
            self._leave_review(screen)
            return
        self.exit()

    def _leave_review(self, screen: ReviewScreen, *, discard: bool = False) -> None:
        if discard:
            screen.discard_unsaved()
        screen.leaving = True
        if any(isinstance(s, StartScreen) for s in self.screen_stack):
            self.pop_screen()
            return
        self.exit()
