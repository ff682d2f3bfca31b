"""Crosswalks: which items of two checklists ask for the same thing, so evidence found once serves both.

A crosswalk is a TOML file (format in ``docs/crosswalk-format.md``) in a ``crosswalks/`` folder
of any checklist directory (``./checklists/crosswalks``, the user's config directory, the
bundled set)::

    [crosswalk]
    id = "gdpr-ccpa"
    title = "..."
    version = "1.0.0"
    a = "gdpr-transparency"
    b = "ccpa-privacy-policy"

    [[pairs]]
    a = "13-2-a"
    b = "retention"
    relation = "equivalent"
    note = "Why, citing the provisions."

A pair's relation is read from item ``a`` to item ``b`` (see :data:`RELATIONS`); asked from
the other side, it is turned round with :data:`INVERSE`. The relation is about *what the items
ask the policy to say*, never about a status: whether a clause satisfies an item is still
judged against that item's own guidance.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor_tui.core.checklist import Checklist, find_checklist, search_dirs
from auditor_tui.core.errors import ChecklistError
from auditor_tui.core.files import read_input_bytes

CROSSWALKS_DIR = "crosswalks"
"""The folder, inside each checklist directory, that holds crosswalk files."""

MAX_CROSSWALK_BYTES = 4 * 1024 * 1024
"""Crosswalk files larger than this (4 MiB) are refused: the bundled ones are a few KiB."""

RELATIONS: dict[str, str] = {
    "equivalent": "the two items ask the policy for the same information",
    "subset": "everything item a asks for is part of what item b asks for, and b asks for more",
    "superset": "item a asks for everything item b asks for, and more",
    "overlaps": "the items share part of what they ask for; neither is claimed to contain the other",
}
"""The relation of item ``a`` to item ``b`` in a pair, and what it claims."""

INVERSE: dict[str, str] = {
    "equivalent": "equivalent",
    "subset": "superset",
    "superset": "subset",
    "overlaps": "overlaps",
}
"""The relation seen from the other item: a subset of b means b is a superset of a."""

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_PAIR_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*pairs[ \t]*\]\]", re.MULTILINE)
_FORMAT_DOC = "see docs/crosswalk-format.md"


class CrosswalkError(ChecklistError):
    """A crosswalk file is missing or malformed (a kind of checklist error, shown the same way)."""


@dataclass(frozen=True, slots=True)
class Pair:
    """Item ``a`` of the first checklist is related to item ``b`` of the second."""

    a: str
    b: str
    relation: str
    """How item ``a`` relates to item ``b``: a key of :data:`RELATIONS`."""
    note: str
    """Why, citing the provisions."""


@dataclass(frozen=True, slots=True)
class Counterpart:
    """An item of the other checklist that the asked item is related to."""

    item_id: str
    relation: str
    """How the *asked* item relates to this one (``subset``: the asked item is the narrower)."""
    note: str
    crosswalk_id: str


@dataclass(frozen=True)
class Crosswalk:
    """Pairs of related items across two checklists."""

    id: str
    title: str
    version: str
    a: str
    """Id of the first checklist: the ``a`` item of every pair is one of its items."""
    b: str
    pairs: tuple[Pair, ...]
    source: str = ""
    reviewed: str = ""
    """When the pairs were last checked against the sources (ISO date), if given."""
    description: str = ""
    path: Path | None = None
    sha256: str = ""
    """SHA-256 of the crosswalk file's bytes."""
    _index: dict[tuple[str, str], list[Counterpart]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for pair in self.pairs:
            self._index.setdefault((self.a, pair.a), []).append(Counterpart(pair.b, pair.relation, pair.note, self.id))
            self._index.setdefault((self.b, pair.b), []).append(
                Counterpart(pair.a, INVERSE[pair.relation], pair.note, self.id)
            )

    def joins(self, checklist_x: str, checklist_y: str) -> bool:
        """Whether this crosswalk links these two checklists (in either order)."""
        return {self.a, self.b} == {checklist_x, checklist_y}

    def counterparts(self, from_checklist: str, item_id: str) -> list[Counterpart]:
        """The items of the other checklist related to *item_id* of *from_checklist*, in file
        order, each with the relation seen from *item_id*. Empty if this crosswalk does not
        involve *from_checklist* or pairs nothing with the item."""
        return list(self._index.get((from_checklist, item_id), ()))


def crosswalks_between(crosswalks: Iterable[Crosswalk], checklist_x: str, checklist_y: str) -> list[Crosswalk]:
    """The crosswalks that link checklists *checklist_x* and *checklist_y*, in either direction."""
    return [c for c in crosswalks if checklist_x != checklist_y and c.joins(checklist_x, checklist_y)]


def counterparts(
    crosswalks: Iterable[Crosswalk], from_checklist_id: str, item_id: str, to_checklist_id: str
) -> list[Counterpart]:
    """The counterparts of item *item_id* of checklist *from_checklist_id* in checklist
    *to_checklist_id*, from every crosswalk linking the two (each counterpart names its
    crosswalk). ``relation`` is how *item_id* relates to the counterpart."""
    found: list[Counterpart] = []
    for crosswalk in crosswalks_between(crosswalks, from_checklist_id, to_checklist_id):
        found.extend(crosswalk.counterparts(from_checklist_id, item_id))
    return found


# --------------------------------------------------------------------------- loading

ChecklistResolver = Callable[[str], Checklist]
"""Finds a checklist by id, raising :class:`ChecklistError` (default: :func:`find_checklist`)."""


def _text(table: dict[str, Any], key: str, where: str, path: Path, *, required: bool = True) -> str:
    value = table.get(key)
    if value is None:
        if required:
            raise CrosswalkError(f"{where}: missing field '{key}'", path=path, hint=f"add it; {_FORMAT_DOC}")
        return ""
    if not isinstance(value, str):
        raise CrosswalkError(f"{where}: field '{key}' must be a string, not {type(value).__name__}", path=path)
    return value


def _reviewed(head: dict[str, Any], path: Path) -> str:
    value = head.get("reviewed")
    if value is None:
        return ""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise CrosswalkError(f"[crosswalk]: field 'reviewed' must be a date such as 2026-12-01, not {value!r}", path=path)


def _checklist(head: dict[str, Any], key: str, path: Path, resolve: ChecklistResolver) -> Checklist:
    checklist_id = _text(head, key, "[crosswalk]", path)
    where = f"[crosswalk] {key} = {checklist_id!r}"
    if not _ID.match(checklist_id):
        raise CrosswalkError(f"{where}: not a checklist id", path=path, hint="name the checklist by its id, not a path")
    try:
        return resolve(checklist_id)
    except ChecklistError as error:
        # find_checklist's only error without a path is "no checklist with that id"; the others
        # come from reading a checklist file, and name it.
        if error.path is None:
            raise CrosswalkError(
                f"{where}: no checklist with that id",
                path=path,
                hint="run 'auditor-tui checklists' to list the checklists found",
            ) from None
        raise CrosswalkError(f"{where}: that checklist cannot be read: {error}", path=path) from None
    except RecursionError:
        raise CrosswalkError(f"{where}: that checklist is too deeply nested to read", path=path) from None


def _item(checklist: Checklist, item_id: str, where: str, path: Path) -> None:
    if checklist.item(item_id) is not None:
        return
    close = difflib.get_close_matches(item_id, [i.id for i in checklist.items], n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"its items are in {checklist.path}"
    raise CrosswalkError(f"{where}: item {item_id!r} is not in checklist {checklist.id!r}", path=path, hint=hint)


def _pairs(doc: dict[str, Any], text: str, path: Path, first: Checklist, second: Checklist) -> tuple[Pair, ...]:
    raw = doc.get("pairs")
    if not isinstance(raw, list) or not raw:
        raise CrosswalkError("has no pairs", path=path, hint=f"add at least one [[pairs]] table; {_FORMAT_DOC}")
    lines = [text.count("\n", 0, m.start()) + 1 for m in _PAIR_HEADER.finditer(text)]
    pairs: list[Pair] = []
    seen: dict[tuple[str, str], int] = {}
    for number, entry in enumerate(raw, 1):
        # Line numbers only when every pair is a [[pairs]] table, so they cannot be off by one.
        where = f"pair {number}" + (f" (line {lines[number - 1]})" if len(lines) == len(raw) else "")
        if not isinstance(entry, dict):
            raise CrosswalkError(f"{where} is not a table", path=path, hint="write it as [[pairs]]")
        item_a = _text(entry, "a", where, path)
        item_b = _text(entry, "b", where, path)
        _item(first, item_a, where, path)
        _item(second, item_b, where, path)
        relation = _text(entry, "relation", where, path)
        if relation not in RELATIONS:
            raise CrosswalkError(
                f"{where}: unknown relation {relation!r}", path=path, hint=f"use one of: {', '.join(RELATIONS)}"
            )
        note = " ".join(_text(entry, "note", where, path).split())
        if not note:
            raise CrosswalkError(f"{where}: the note is empty", path=path, hint="say why, citing the provisions")
        if (item_a, item_b) in seen:
            raise CrosswalkError(
                f"{where}: duplicate pair {item_a!r} / {item_b!r} (first given as pair {seen[item_a, item_b]})",
                path=path,
                hint="give each pair of items once",
            )
        seen[item_a, item_b] = number
        pairs.append(Pair(item_a, item_b, relation, note))
    return tuple(pairs)


def _document(data: bytes, path: Path) -> tuple[str, dict[str, Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CrosswalkError("not UTF-8 text", path=path, hint="save the crosswalk as UTF-8") from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CrosswalkError(f"not valid TOML: {error}", path=path, hint="fix the TOML syntax") from None
    except RecursionError:
        raise CrosswalkError("too deeply nested to be a crosswalk file", path=path, hint=_FORMAT_DOC) from None


def parse_crosswalk(data: bytes, path: Path, resolve: ChecklistResolver = find_checklist) -> Crosswalk:
    """Build a :class:`Crosswalk` from the bytes of a TOML file, checking every field and that
    every item exists in its checklist (checklists are found by id with *resolve*)."""
    text, doc = _document(data, path)
    head = doc.get("crosswalk")
    if not isinstance(head, dict):
        raise CrosswalkError("missing [crosswalk] table", path=path, hint=_FORMAT_DOC)
    crosswalk_id = _text(head, "id", "[crosswalk]", path)
    if not _ID.match(crosswalk_id):
        raise CrosswalkError(
            f"[crosswalk]: id {crosswalk_id!r} must be lower-case letters, digits, '.', '-' or '_'", path=path
        )
    if "pairs" in head and "pairs" not in doc:
        raise CrosswalkError(
            "'pairs' is written inside the [crosswalk] table", path=path, hint="write each pair as a [[pairs]] table"
        )
    first = _checklist(head, "a", path, resolve)
    second = _checklist(head, "b", path, resolve)
    if first.id == second.id:
        raise CrosswalkError(
            f"[crosswalk]: a and b are both {first.id!r}", path=path, hint="a crosswalk links two different checklists"
        )
    return Crosswalk(
        id=crosswalk_id,
        title=_text(head, "title", "[crosswalk]", path).strip(),
        version=_text(head, "version", "[crosswalk]", path).strip(),
        a=first.id,
        b=second.id,
        pairs=_pairs(doc, text, path, first, second),
        source=" ".join(_text(head, "source", "[crosswalk]", path, required=False).split()),
        reviewed=_reviewed(head, path),
        description=" ".join(_text(head, "description", "[crosswalk]", path, required=False).split()),
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def load_crosswalk(path: str | Path, resolve: ChecklistResolver = find_checklist) -> Crosswalk:
    """Read and check the crosswalk file at *path*."""
    path = Path(path)
    data = read_input_bytes(
        path,
        CrosswalkError,
        "crosswalk",
        missing_hint="run 'auditor-tui crosswalks' to list them",
        limit=MAX_CROSSWALK_BYTES,
    )
    return parse_crosswalk(data, path, resolve)


# --------------------------------------------------------------------------- finding


def crosswalk_dirs() -> list[Path]:
    """Where crosswalks are looked for: the ``crosswalks/`` folder of each checklist directory
    (:func:`~auditor_tui.core.checklist.search_dirs`), in the same order."""
    return [d / CROSSWALKS_DIR for d in search_dirs() if (d / CROSSWALKS_DIR).is_dir()]


@dataclass(frozen=True, slots=True)
class BrokenCrosswalk:
    """A file in a crosswalk directory that could not be loaded, and why."""

    path: Path
    error: CrosswalkError


@dataclass(frozen=True)
class CrosswalkScan:
    """Every crosswalk found (the first of each id wins) and the files that could not be read."""

    crosswalks: tuple[Crosswalk, ...]
    broken: tuple[BrokenCrosswalk, ...]

    def get(self, crosswalk_id: str) -> Crosswalk | None:
        return next((c for c in self.crosswalks if c.id == crosswalk_id), None)


def _memoized(resolve: ChecklistResolver) -> ChecklistResolver:
    cache: dict[str, Checklist] = {}

    def cached(checklist_id: str) -> Checklist:
        if checklist_id not in cache:
            cache[checklist_id] = resolve(checklist_id)
        return cache[checklist_id]

    return cached


def scan_crosswalks(resolve: ChecklistResolver = find_checklist) -> CrosswalkScan:
    """Load every ``*.toml`` file of :func:`crosswalk_dirs`. A bad file never stops the others:
    it is returned in ``broken`` with its one-line error."""
    resolve = _memoized(resolve)
    found: dict[str, Crosswalk] = {}
    broken: list[BrokenCrosswalk] = []
    for directory in crosswalk_dirs():
        for file in sorted(directory.glob("*.toml")):
            try:
                crosswalk = load_crosswalk(file, resolve)
            except CrosswalkError as error:
                broken.append(BrokenCrosswalk(file, error))
                continue
            found.setdefault(crosswalk.id, crosswalk)
    return CrosswalkScan(tuple(sorted(found.values(), key=lambda c: c.id)), tuple(broken))


def find_crosswalk(id_or_path: str | Path, scan: CrosswalkScan | None = None) -> Crosswalk:
    """A crosswalk by id (among those :func:`scan_crosswalks` finds) or by file path."""
    text = str(id_or_path)
    candidate = Path(text)
    if candidate.suffix == ".toml" or "/" in text or candidate.exists():
        return load_crosswalk(candidate)
    scan = scan or scan_crosswalks()
    crosswalk = scan.get(text)
    if crosswalk is not None:
        return crosswalk
    for bad in scan.broken:
        if bad.path.stem == text:
            raise bad.error
    known = ", ".join(c.id for c in scan.crosswalks) or "none"
    raise CrosswalkError(
        f"no crosswalk with id {text!r}", hint=f"known: {known}; run 'auditor-tui crosswalks' to list them"
    )
