"""Helpers for untrusted text (policies, notes, checklists, sessions).

Text from files is data: it is never interpreted as markup or passed to the terminal raw.
:func:`printable` replaces every control, bidi-override and other invisible formatting
character by a visible stand-in, so what an auditor sees is exactly what the file holds.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

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


def plain_apostrophes(text: str) -> str:
    """*text* with each typographic apostrophe as a plain one ("don\u2019t" is "don't"), for
    matching words whichever a policy was typed with."""
    return text.replace("\u2019", "'")


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``1 item``, ``2 items``: *count* and *noun*, plural unless the count is one."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def sha256_text(text: str) -> str:
    """The SHA-256 hex digest of *text* encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def shorten(text: str, width: int) -> str:
    """*text* on one line, cut to *width* characters with an ellipsis."""
    one_line = " ".join(text.split())
    if len(one_line) <= width:
        return one_line
    return one_line[: max(0, width - 1)].rstrip() + "…"


# --------------------------------------------------------------------------- cutting text to fit
# One place for every way text is cut to a width, so the screen, the CLI and the exports cut
# alike: at the end (a title), in the middle (a file name, a section path), or around the
# words that matter (a suggestion's quote, where two texts first differ).

ELLIPSIS = "…"
PATH_SEPARATOR = " › "


def clip(text: str, width: int) -> str:
    """*text* cut to *width* characters with an ellipsis, line breaks kept."""
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)].rstrip() + ELLIPSIS


def shorten_middle(text: str, width: int) -> str:
    """*text* on one line; when too long its middle gives way: ``iomart-priv…licy-2018.txt``."""
    one_line = " ".join(text.split())
    if len(one_line) <= width:
        return one_line
    if width < 5:
        return shorten(one_line, width)
    head = (width - 1) // 2
    tail = width - 1 - head
    return one_line[:head].rstrip() + ELLIPSIS + one_line[len(one_line) - tail :].lstrip()


def shorten_path(label: str, width: int, separator: str = PATH_SEPARATOR) -> str:
    """A section path (``A › B › C``) on one line in *width* characters, the last part kept
    whole where it fits (it names the section) and the parts before it cut: ``Privacy Pol… › C``."""
    one_line = " ".join(label.split())
    if len(one_line) <= width:
        return one_line
    head, found, last = one_line.rpartition(separator)
    if not found:
        return shorten(one_line, width)
    room = width - len(last) - len(separator)
    if room < 2:  # the last part alone is too long: it matters most, keep its start
        return shorten(last, width)
    return shorten(head, room) + separator + last


def excerpt(text: str, spans: Sequence[tuple[int, int]], width: int) -> tuple[str, list[tuple[int, int]]]:
    """At most *width* characters of *text* showing as many of *spans* (matched words) as fit,
    with a little of what comes before them; an ellipsis marks each cut end. Returns the
    excerpt and the spans moved to it. Line breaks are kept."""
    if len(text) <= width:
        return text, list(spans)
    if width < 8 or not spans:
        cut = clip(text, max(width, 1))
        return cut, [(s, min(e, len(cut) - 1)) for s, e in spans if s < len(cut) - 1]
    context = width // 4
    start, best = 0, -1
    for span_start, _ in spans:
        candidate = max(0, min(span_start - context, len(text) - width))
        window_end = candidate + width
        covered = sum(max(0, min(e, window_end) - max(s, candidate)) for s, e in spans)
        if covered > best:
            start, best = candidate, covered
    if start:
        # Begin at a word, not inside one, if a word starts soon enough.
        first_span = min((s for s, _ in spans if s >= start), default=start)
        space = text.find(" ", start, min(first_span, start + context))
        if space != -1 and not text[start - 1].isspace():
            start = space + 1
    prefix = ELLIPSIS if start else ""
    end = start + width - len(prefix)
    suffix = ""
    if end < len(text):
        end -= 1
        suffix = ELLIPSIS
    offset = len(prefix) - start
    moved = [(max(s, start) + offset, min(e, end) + offset) for s, e in spans if e > start and s < end]
    return prefix + text[start:end] + suffix, moved


def around(text: str, index: int, width: int = 60) -> str:
    """About *width* characters of *text* around position *index* (a third of them before it),
    an ellipsis at each cut end. Two texts cut around the same index line up."""
    start = max(0, index - width // 3)
    piece = text[start : start + width]
    return (ELLIPSIS if start else "") + piece + (ELLIPSIS if start + width < len(text) else "")


def short_names(names: Sequence[str], letters: int = 3) -> dict[str, str]:
    """For each of *names* (ids such as ``13-2-b-rectification``), a short form no other name
    starts with. Short parts (``13``, ``b``) are always kept; the first word that tells the name
    apart is kept whole if it comes first (``cookies``: four letters or more), else cut to as few letters as tell it
    apart, at least *letters* (``13-2-b-rec``), and the rest dropped. A name no longer than its
    short form would be stays whole."""
    short: dict[str, str] = {}
    for name in names:
        others = [other for other in names if other != name]

        def unique(prefix: str, others: list[str] = others) -> bool:
            return not any(other.startswith(prefix) for other in others)

        cut, prefix = name, ""
        for index, part in enumerate(re.split(r"(?<=[-_. ])", name)):
            word = part.rstrip("-_. ")
            if len(word) >= (4 if index == 0 else 3):
                lengths = range(len(word), len(word) + 1) if index == 0 else range(1, len(word) + 1)
                length = next((n for n in lengths if unique(prefix + word[:n])), None)
                if length is not None:
                    cut = prefix + word[: max(length, min(letters, len(word)))]
                    break
            prefix += part
        short[name] = name if len(name) <= len(cut) + 1 else cut
    return short
