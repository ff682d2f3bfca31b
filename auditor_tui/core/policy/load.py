"""Entry points: :func:`load_policy` (a file) and :func:`parse_policy` (decoded text)."""

from __future__ import annotations

from pathlib import Path

from auditor_tui.core.errors import PolicyError
from auditor_tui.core.policy.decode import read_policy_bytes
from auditor_tui.core.policy.model import Policy
from auditor_tui.core.policy.readers import BY_FORMAT, FORMATS, reader_for
from auditor_tui.core.policy.readers.base import policy_from_text


def load_policy(path: str | Path, *, whole_page: bool = False) -> Policy:
    """Read, normalise and segment the policy at *path*, with the reader for its suffix.

    *whole_page* reads all of a web page rather than its main content (``--whole-page``).
    """
    path = Path(path)
    return read_policy_data(read_policy_bytes(path), path, whole_page=whole_page)


def read_policy_data(data: bytes, path: Path, *, content_type: str | None = None, whole_page: bool = False) -> Policy:
    """The policy in *data* (at most ``MAX_POLICY_BYTES``), read by *path*'s suffix, else by
    *content_type* (input fetched from a URL); refused when no text is found."""
    reader = reader_for(path, content_type)
    read = reader.read_whole if whole_page and reader.read_whole is not None else reader.read
    policy = read(data, path)
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
