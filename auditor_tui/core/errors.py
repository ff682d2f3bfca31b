"""The tool's own error type.

Every problem caused by input the user can fix (a file, a flag, a key) is raised as an
:class:`AuditorError` whose text is one line: which file, what is wrong, what to do. The CLI
prints it and exits non-zero; the TUI shows it in a dialog and keeps running. Anything else
escaping is a bug.
"""

from __future__ import annotations

from pathlib import Path


class AuditorError(Exception):
    """A problem with the user's input, explained in one line."""

    def __init__(self, message: str, *, path: str | Path | None = None, hint: str | None = None):
        self.message = " ".join(message.split())
        self.path = None if path is None else str(path)
        self.hint = None if hint is None else " ".join(hint.split())
        super().__init__(str(self))

    def __str__(self) -> str:
        text = self.message
        if self.path:
            text = f"{self.path}: {text}"
        if self.hint:
            text = f"{text} ({self.hint})"
        return text


class PolicyError(AuditorError):
    """A policy file cannot be read."""


class ChecklistError(AuditorError):
    """A checklist file is missing or malformed."""


class SessionError(AuditorError):
    """A session file is missing, malformed or inconsistent."""


class WorkflowError(AuditorError):
    """An action that the audit's state does not allow (e.g. a self sign-off)."""
