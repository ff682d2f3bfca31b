"""Helpers for untrusted text (policies, notes, checklists, sessions).

Text from files is data: it is never interpreted as markup or passed to the terminal raw.
:func:`printable` replaces every control, bidi-override and other invisible formatting
character by a visible stand-in, so what an auditor sees is exactly what the file holds.
"""

from __future__ import annotations

import hashlib
import unicodedata

# Bidirectional formatting characters can reorder what is shown (a "Trojan Source" trick).
_BIDI = {
    "\u061c",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
}


def _stand_in(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # control pictures: ESC -> "␛"
    if code == 0x7F:
        return "\u2421"  # "␡"
    return f"<U+{code:04X}>"


def _needs_stand_in(char: str) -> bool:
    if char in _BIDI:
        return True
    category = unicodedata.category(char)
    return category in ("Cc", "Cs", "Co") or (category == "Cf" and char not in "\u00ad\u200d")


_TABLE: dict[int, str] = {}


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """Return *text* with control and bidi characters replaced by visible stand-ins.

    Tabs become a space. Newlines are kept when *keep_newlines* is true, else shown as "␊".
    """
    if text.isprintable() and "\t" not in text:
        return text
    out = []
    for char in text:
        if char == "\t":
            out.append(" ")
        elif char == "\n" and keep_newlines:
            out.append(char)
        elif _needs_stand_in(char):
            out.append(_stand_in(char))
        else:
            out.append(char)
    return "".join(out)


def sha256_text(text: str) -> str:
    """The SHA-256 hex digest of *text* encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def shorten(text: str, width: int) -> str:
    """*text* on one line, cut to *width* characters with an ellipsis."""
    one_line = " ".join(text.split())
    if len(one_line) <= width:
        return one_line
    return one_line[: max(0, width - 1)].rstrip() + "…"
