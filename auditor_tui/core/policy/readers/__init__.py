"""The format readers, and the registry that picks one for a file.

The reader contract
-------------------
A reader is one module here that defines ``READER = Reader(format, suffixes, read, ...)``
(:class:`~auditor_tui.core.policy.readers.base.Reader`) and is listed once in
:data:`READERS` below: directly for a pure-Python reader, or, for one that needs a library
(lxml, pypdfium2, python-docx), as ``lazy(module, format, suffixes, ...)``, which imports the
module (and its library) only when a file of that format is read, so that opening a plain-text
policy never pays for them. Its ``read`` function is::

    def read(data: bytes, path: Path) -> Policy

* *data* is the whole input, already checked by the caller: at most ``MAX_POLICY_BYTES``
  (``policy/decode.py``; use ``read_policy_bytes`` when you have a file). *path* names the
  input in messages and becomes ``Policy.path``; do not open it, read *data*.
* It returns a :class:`Policy` built by ``assemble(blocks, fmt=..., path=path, warnings=...)``
  (``policy/assemble.py``) from a list of ``Block("heading", title, level)`` and
  ``Block("clause", text)`` in document order. Text formats decode with
  ``decode_policy_bytes`` and split with a ``blocks(text)`` function; ``read_text`` in
  ``base.py`` does both (see ``html.py``). Binary formats (PDF, DOCX) build blocks their own
  way, and may use ``segment`` (``policy/segment.py``) on units to get the heading heuristics.
* Things the user can act on (text that cannot be decoded, a damaged or encrypted file) are
  reported as warnings in the Policy, or raised as one
  :class:`~auditor_tui.core.errors.PolicyError` ``(message, path=path, hint=what to do)``: never
  another exception. A Policy with no clauses is fine here; ``load_policy`` refuses it.
* A text format also sets ``Reader.blocks`` so ``parse_policy(text, format)`` can read text
  that is already decoded; :data:`FORMATS` lists those formats.

Pick a reader with :func:`reader_for` (by suffix, or by content type for input without a name);
anything unknown is read as plain text, which refuses binary data with a clear message.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from auditor_tui.core.policy.model import Block, Policy
from auditor_tui.core.policy.readers import markdown, text
from auditor_tui.core.policy.readers.base import Reader
from auditor_tui.core.policy.readers.text import looks_like_markdown


def _module_reader(module: str) -> Reader:
    found: Reader = importlib.import_module(f"{__name__}.{module}").READER
    return found


def lazy(
    module: str,
    fmt: str,
    suffixes: tuple[str, ...],
    content_types: tuple[str, ...] = (),
    *,
    blocks: bool = False,
    read_whole: bool = False,
) -> Reader:
    """A Reader for *module*'s ``READER`` that imports the module on its first use. Its
    *fmt*, *suffixes* and *content_types* are the module's (a test checks they agree);
    *blocks* / *read_whole*: whether the module's READER has them."""

    def read(data: bytes, path: Path) -> Policy:
        return _module_reader(module).read(data, path)

    def whole(data: bytes, path: Path) -> Policy:
        found = _module_reader(module).read_whole
        assert found is not None
        return found(data, path)

    def split(text: str) -> list[Block]:
        found = _module_reader(module).blocks
        assert found is not None
        return found(text)

    return Reader(
        fmt,
        suffixes,
        read,
        content_types,
        split if blocks else None,
        read_whole=whole if read_whole else None,
    )


READERS: tuple[Reader, ...] = (
    text.READER,
    markdown.READER,
    lazy("html", "html", (".html", ".htm"), ("text/html", "application/xhtml+xml"), blocks=True, read_whole=True),
    lazy("mhtml", "mhtml", (".mhtml", ".mht"), ("multipart/related", "application/x-mimearchive"), read_whole=True),
    lazy("pdf", "pdf", (".pdf",), ("application/pdf",)),
    lazy("docx", "docx", (".docx",), ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",)),
)
"""Every reader; the first is the default for unknown input."""

FORMATS: tuple[str, ...] = tuple(reader.format for reader in READERS if reader.blocks is not None)
"""The formats ``parse_policy`` takes text for."""

BY_FORMAT: dict[str, Reader] = {reader.format: reader for reader in READERS}
BY_SUFFIX: dict[str, Reader] = {suffix: reader for reader in READERS for suffix in reader.suffixes}
BY_CONTENT_TYPE: dict[str, Reader] = {kind: reader for reader in READERS for kind in reader.content_types}


def reader_for(path: str | Path | None = None, content_type: str | None = None) -> Reader:
    """The reader for a file's suffix, else for a content type (``text/html; charset=...``)."""
    if path is not None and (found := BY_SUFFIX.get(Path(path).suffix.lower())):
        return found
    if content_type is not None and (found := BY_CONTENT_TYPE.get(content_type.split(";")[0].strip().lower())):
        return found
    return READERS[0]


def detect_format(path: Path, text: str | None = None) -> str:
    """The format *path* is read as: by suffix, and for ``.txt`` by a look at the text.

    Plain-text files exported from web pages are often markdown (``# Title``, ``**bold**``,
    ``1\\.``); those are read as markdown so that their structure is kept.
    """
    fmt = reader_for(path).format
    if fmt == "text" and text is not None and looks_like_markdown(text):
        return "markdown"
    return fmt


__all__ = [
    "BY_CONTENT_TYPE",
    "BY_FORMAT",
    "BY_SUFFIX",
    "FORMATS",
    "READERS",
    "Reader",
    "detect_format",
    "lazy",
    "reader_for",
]
