"""Entry points: :func:`load_policy` (a file) and :func:`parse_policy` (decoded text)."""

from __future__ import annotations

from pathlib import Path

from auditor_tui.core.errors import PolicyError
from auditor_tui.core.policy.decode import read_policy_bytes
from auditor_tui.core.policy.model import Policy
from auditor_tui.core.policy.readers import BY_FORMAT, FORMATS, reader_for
from auditor_tui.core.policy.readers.base import policy_from_text


def load_policy(path: str | Path) -> Policy:
    """Read, normalise and segment the policy at *path*, with the reader for its suffix."""
    path = Path(path)
    policy = reader_for(path).read(read_policy_bytes(path), path)
    if not policy.clauses:
        raise PolicyError("no text found in the policy", path=path, hint="is it the right file?")
    return policy


def parse_policy(
    text: str, fmt: str = "text", *, path: str | Path | None = None, warnings: list[str] | tuple[str, ...] = ()
) -> Policy:
    """Segment already-decoded *text* of format *fmt* (one of :data:`FORMATS`)."""
    blocks = BY_FORMAT[fmt].blocks if fmt in FORMATS else None
    if blocks is None:
        raise PolicyError(f"unknown policy format {fmt!r}", path=path, hint=f"use one of {', '.join(FORMATS)}")
    return policy_from_text(text, fmt, blocks, path=Path(path) if path is not None else None, warnings=warnings)
