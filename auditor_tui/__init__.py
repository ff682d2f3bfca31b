"""auditor-tui: audit a privacy policy against a compliance checklist in the terminal."""

__version__ = "0.1.0"
