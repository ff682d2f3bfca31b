"""Word-level diffs of clause texts: what was deleted and inserted, word by word (punctuation
as words of its own), for the re-audit's changes screen and the diff command."""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

_TOKEN = re.compile(r"\w+|[^\w\s]")


def _tokens(text: str) -> tuple[list[str], list[str]]:
    """Words and punctuation of *text*: (keys compared, display strings with the white space before them)."""
    keys: list[str] = []
    shown: list[str] = []
    found = list(_TOKEN.finditer(text))
    for number, match in enumerate(found):
        start = found[number - 1].end() if number else 0
        end = match.end() if number + 1 < len(found) else len(text)
        keys.append(match.group())
        shown.append(text[start:end])
    if not found and text:
        keys.append(text)
        shown.append(text)
    return keys, shown


def _merge(ops: list[tuple[str, str]]) -> list[tuple[str, str]]:
    merged: list[tuple[str, str]] = []
    for op, text in ops:
        if not text:
            continue
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        else:
            merged.append((op, text))
    return merged


def _token_opcodes(old_keys: list[str], new_keys: list[str]) -> Sequence[tuple[str, int, int, int, int]]:
    return SequenceMatcher(None, old_keys, new_keys, autojunk=False).get_opcodes()


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level diff of two texts: ``("equal"|"delete"|"insert", text)`` in reading order.

    Joining the ``equal`` and ``insert`` texts gives *new* exactly; joining ``equal`` and
    ``delete`` gives *old* up to white space. A replaced run is a ``delete`` then an ``insert``.
    """
    if old == new:
        return [("equal", new)] if new else []
    return split_diff([old], [new])[0]


def split_diff(old_texts: list[str], new_texts: list[str]) -> list[list[tuple[str, str]]]:
    """Diff the joined old texts against the joined new ones; the ops cut per new text."""
    old_keys: list[str] = []
    old_shown: list[str] = []
    for number, text in enumerate(old_texts):
        keys, shown = _tokens(text)
        if shown and number:
            shown[0] = "\n" + shown[0]
        old_keys += keys
        old_shown += shown
    new_keys: list[str] = []
    new_shown: list[str] = []
    owner: list[int] = []
    for number, text in enumerate(new_texts):
        keys, shown = _tokens(text)
        new_keys += keys
        new_shown += shown
        owner += [number] * len(keys)
    pieces: list[list[tuple[str, str]]] = [[] for _ in new_texts]

    def piece_at(j: int) -> int:
        if j < len(owner):
            return owner[j]
        return len(new_texts) - 1

    for tag, a0, a1, b0, b1 in _token_opcodes(old_keys, new_keys):
        if tag in ("delete", "replace"):
            pieces[piece_at(b0)].append(("delete", "".join(old_shown[a0:a1])))
        if tag in ("equal", "insert", "replace"):
            op = "equal" if tag == "equal" else "insert"
            for j in range(b0, b1):
                pieces[owner[j]].append((op, new_shown[j]))
    return [_merge(ops) for ops in pieces]
