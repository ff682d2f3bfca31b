"""The item statuses: one table for the screen, the help screen, the keys and the exports.

Each status has the key that sets it in the review screen ("" when no key does: a re-audit sets
``re-review``), the glyph shown beside an item everywhere (screen and exports), a label for
people, and a colour: the name of a theme colour (``success``, ``warning``...), which the
screen turns into its own style. Nothing here depends on Textual.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Status:
    name: str
    """As the session file stores it: ``not-applicable``."""
    key: str
    """The review screen's key that sets it ("" for none)."""
    glyph: str
    label: str
    """For people: ``not applicable``."""
    colour: str
    """A theme colour name: ``success``, ``warning``, ``error``, ``accent``, ``text-muted``."""


STATUS_TABLE: tuple[Status, ...] = (
    Status("open", "0", "○", "open", "text-muted"),
    Status("satisfied", "1", "✔", "satisfied", "success"),
    Status("partial", "2", "◐", "partial", "warning"),
    Status("missing", "3", "✘", "missing", "error"),
    Status("not-applicable", "4", "⊘", "not applicable", "text-muted"),
    Status("re-review", "", "↻", "re-review", "accent"),
)
"""In the order the session file lists its statuses (``core.session.STATUSES``)."""

_BY_NAME = {status.name: status for status in STATUS_TABLE}
UNKNOWN = Status("?", "", "?", "unknown status", "error")


def status_info(name: str) -> Status:
    """The table's row for *name* (an unknown name gets ``?``, never an exception)."""
    return _BY_NAME.get(name, UNKNOWN)


def status_glyph(name: str) -> str:
    return status_info(name).glyph


def status_label(name: str) -> str:
    """``✔ satisfied``: the glyph and the stored name, as the exports print a status."""
    return f"{status_glyph(name)} {name}"


def glyph_legend() -> str:
    """``○ open  ✔ satisfied ...``: every glyph with its label."""
    return "  ".join(f"{status.glyph} {status.label}" for status in STATUS_TABLE)
