"""The Textual application: screens, styles, the command palette and the error dialog."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.notifications import Notification, Notify, SeverityLevel

from auditor_tui.core.audit import SESSIONS_DIR, Audit
from auditor_tui.ui.commands import ReviewCommands
from auditor_tui.ui.screens.dialogs import MessageDialog
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
        self._grouped: dict[str, Notification] = {}

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
        group: str = "",
    ) -> None:
        """Show a toast, always as plain text.

        Notifications quote paths, clause and item ids and error messages, all of which are data
        that may contain ``[`` ... ``]``; no notification of ours uses markup, so it is never
        parsed (the ``markup`` argument that ``Widget.notify`` always passes is ignored).

        A toast with a *group* replaces the previous toast of that group still showing (call
        from the UI thread).
        """
        if not group:
            super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)
            return
        previous = self._grouped.get(group)
        if previous is not None:
            self._unnotify(previous, refresh=False)  # Textual's own Toast.dismiss does the same
        notification = Notification(
            message, title, severity, self.NOTIFICATION_TIMEOUT if timeout is None else timeout, markup=False
        )
        self._grouped[group] = notification
        self.post_message(Notify(notification))

    def show_error(self, title: str, message: str) -> None:
        """Show a problem in a dialog; the app keeps running."""
        self.push_screen(MessageDialog(title, message))

    async def action_quit(self) -> None:
        """Save and quit from any screen (ctrl+q); a review returns to the start screen."""
        screen = self.screen
        if isinstance(screen, ReviewScreen):
            if not screen.save_now():
                return
            screen.leaving = True
            if any(isinstance(s, StartScreen) for s in self.screen_stack):
                self.pop_screen()
                return
        self.exit()
