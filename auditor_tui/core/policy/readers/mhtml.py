"""MHTML (``.mhtml``, ``.mht``): a web page saved as one file (Chrome's "Save as... single file").

The file is a MIME message, ``multipart/related``: the page's HTML is its first ``text/html``
part (Chrome writes it first; later ones are frames), the images and style sheets the others.
It is read with the standard library's e-mail parser, which undoes the transfer encoding
(quoted-printable or base64); the part's charset decodes it, else the HTML reader's own guess
(UTF-8, else Windows-1252 with a warning). The page is then read like a saved ``.html`` page
(``html.py``): its main content, or everything with ``--whole-page``.
"""

from __future__ import annotations

import codecs
import email
import email.policy
from email.message import Message
from pathlib import Path

from auditor_tui.core.errors import PolicyError
from auditor_tui.core.policy.decode import decode_policy_bytes
from auditor_tui.core.policy.model import Policy
from auditor_tui.core.policy.readers.base import BlocksFunction, Reader, policy_from_text
from auditor_tui.core.policy.readers.html import blocks_from_html, blocks_from_whole_html

_HINT = "save the page again (Chrome: Save as, 'Webpage, Single File'), or as a complete .html page"


def read(data: bytes, path: Path) -> Policy:
    """The reader contract (see ``readers/__init__.py``) for an MHTML file's bytes: the policy only."""
    return _read(data, path, blocks_from_html)


def read_whole(data: bytes, path: Path) -> Policy:
    """The whole saved page, menus and footers included (``--whole-page``)."""
    return _read(data, path, blocks_from_whole_html)


def _read(data: bytes, path: Path, blocks: BlocksFunction) -> Policy:
    text, warnings = html_of(data, path)
    return policy_from_text(text, "mhtml", blocks, path=path, warnings=warnings)


def html_of(data: bytes, path: Path) -> tuple[str, list[str]]:
    """The decoded HTML of the page in an MHTML file, with any decoding warnings."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    kind = message.get_content_type()
    if not kind.startswith("multipart/") and kind != "text/html":
        raise PolicyError("is not a saved web page (MHTML): no MIME multipart header", path=path, hint=_HINT)
    part = next((p for p in message.walk() if p.get_content_type() == "text/html"), None)
    if part is None:
        raise PolicyError("damaged MHTML file: it holds no HTML page", path=path, hint=_HINT)
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes) or not payload.strip() or _bad_encoding(part):
        raise PolicyError("damaged MHTML file: its HTML part cannot be decoded", path=path, hint=_HINT)
    charset = part.get_content_charset()
    if charset and _known(charset):
        try:
            return payload.decode(charset), []
        except UnicodeDecodeError:
            warning = f"{path.name}: some bytes of the page are not valid {charset}; they show as \ufffd"
            return payload.decode(charset, errors="replace"), [warning]
    text, warnings = decode_policy_bytes(payload, path)
    return text, list(warnings)


def _known(charset: str) -> bool:
    try:
        codecs.lookup(charset)
    except LookupError:
        return False
    return True


def _bad_encoding(part: Message) -> bool:
    """Base64 the parser could not undo: it hands back the raw text and notes a defect."""
    return any("Base64" in type(defect).__name__ for defect in part.defects)


READER = Reader(
    "mhtml",
    (".mhtml", ".mht"),
    read,
    ("multipart/related", "application/x-mimearchive"),
    read_whole=read_whole,
)
