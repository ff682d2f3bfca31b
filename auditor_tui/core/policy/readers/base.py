"""What a reader is (:class:`Reader`), and the path every text format shares (:func:`read_text`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor_tui.core.policy.assemble import assemble
from auditor_tui.core.policy.decode import decode_policy_bytes
from auditor_tui.core.policy.model import Block, Policy
from auditor_tui.core.policy.units import clean_text

ReadFunction = Callable[[bytes, Path], Policy]
"""``read(data, path) -> Policy``: the file's bytes (at most MAX_POLICY_BYTES) to a Policy."""

BlocksFunction = Callable[[str], list[Block]]
"""``blocks(text) -> list[Block]``: decoded, cleaned text to blocks (text formats only)."""


@dataclass(frozen=True, slots=True)
class Reader:
    """One input format: how to recognise it and how to read it."""

    format: str
    """The name stored in ``Policy.format`` and accepted by ``parse_policy`` (``"html"``)."""
    suffixes: tuple[str, ...]
    """Lower-case file suffixes, dot included (``".html"``, ``".htm"``)."""
    read: ReadFunction
    content_types: tuple[str, ...] = ()
    """Media types (``"text/html"``) for input that comes without a file name (a URL)."""
    blocks: BlocksFunction | None = None
    """For a text format: its text to blocks, so ``parse_policy`` can take decoded text."""
    read_whole: ReadFunction | None = None
    """For a web page: read everything on it, without keeping the main content only
    (``--whole-page``). None for formats where ``read`` already reads everything."""


def read_text(data: bytes, path: Path, fmt: str, blocks: BlocksFunction) -> Policy:
    """The ``read`` of a text format: decode *data*, then :func:`policy_from_text`."""
    text, warnings = decode_policy_bytes(data, path)
    return policy_from_text(text, fmt, blocks, path=path, warnings=warnings)


def policy_from_text(
    text: str, fmt: str, blocks: BlocksFunction, *, path: Path | None, warnings: Sequence[str] = ()
) -> Policy:
    """Clean decoded *text*, split it with *blocks* and assemble the Policy."""
    return assemble(blocks(clean_text(text)), fmt=fmt, path=path, warnings=tuple(warnings))
