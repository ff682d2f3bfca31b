"""auditor-tui: audit a privacy policy against a compliance checklist in the terminal."""

# The one place the version is written: the build reads it (pyproject.toml); CHANGELOG.md says what changed.
__version__ = "0.1.0"
