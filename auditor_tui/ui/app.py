"""The Textual application: screens, styles, the command palette, the error dialog, and the
user's config (theme, keymap, the auditor's name and the defaults for new audits)."""

from __future__ import annotations

import difflib
from collections.abc import Collection
from pathlib import Path

from textual.app import App
from textual.notifications import Notification, Notify, SeverityLevel

from auditor_tui.core.audit import Audit
from auditor_tui.core.config import Config, current
from auditor_tui.core.text import printable
from auditor_tui.ui.commands import ReviewCommands
from auditor_tui.ui.keys import binding_ids
from auditor_tui.ui.screens.dialogs import ConfirmDialog, MessageDialog
from auditor_tui.ui.screens.review import ReviewScreen
from auditor_tui.ui.startup import resume_collector


class AuditorApp(App[None]):
    """auditor-tui: the start screen, or straight into a review when given an audit."""

    TITLE = "auditor-tui"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {ReviewCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self, audit: Audit | None = None, *, sessions_dir: Path | str | None = None, config: Config | None = None
    ) -> None:
        super().__init__()
        self.audit = audit
        self.config = current() if config is None else config
        self.sessions_dir = self.config.sessions_dir if sessions_dir is None else Path(sessions_dir)
        known = set(binding_ids())
        self.applied_keymap = {binding: keys for binding, keys in self.config.keymap.items() if binding in known}
        """The config's keymap less unknown binding ids (the help screen and the palette show it)."""
        self.set_keymap(self.applied_keymap)
        self._grouped: dict[str, Notification] = {}

    def on_mount(self) -> None:
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme
        problems = [self.config.warning] if self.config.warning else config_problems(self.config, self.available_themes)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            self.notify(printable(problems[0] + more), title="Config", severity="warning", timeout=12)
        # The first screen is pushed once the app's mount is over: Textual paints nothing until
        # then, and a screen pushed now would be laid out and rendered once in vain (for the
        # review screen, a fifth of its start-up).
        if self.audit is not None:
            self.call_later(self.push_screen, ReviewScreen(self.audit))
        else:
            # Imported here: a review opened from the command line never needs it (its tables,
            # inputs and selects are a noticeable part of the start-up's imports).
            from auditor_tui.ui.screens.start import StartScreen

            self.call_later(self.push_screen, StartScreen(self.sessions_dir, self.config))
            self.call_after_refresh(resume_collector)  # paused by the command line (ui/startup.py)

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
        from auditor_tui.ui.screens.start import StartScreen

        if any(isinstance(s, StartScreen) for s in self.screen_stack):
            self.pop_screen()
            return
        self.exit()


def config_problems(config: Config, themes: Collection[str] | None = None) -> list[str]:
    """What the UI ignores in *config*, one line each: an unknown theme (the default is used) and
    keymap entries for binding ids that do not exist. *themes*: Textual's built-in ones by default."""
    if themes is None:
        from textual.theme import BUILTIN_THEMES

        themes = BUILTIN_THEMES
    problems = []
    if config.theme not in themes:
        close = difflib.get_close_matches(config.theme, list(themes), n=1)
        hint = f"did you mean '{close[0]}'?" if close else "the command palette's 'Theme' lists them"
        problems.append(config.problem("theme", f"no such theme ({hint}); the default theme is used"))
    known = binding_ids()
    for binding in config.keymap:
        if binding not in known:
            close = difflib.get_close_matches(binding, known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "'auditor-tui config' lists the ids"
            problems.append(config.problem(binding, f"no such binding id ({hint}); ignored", table="keymap"))
    return problems
