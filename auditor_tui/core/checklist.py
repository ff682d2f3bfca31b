"""Checklists: the items an auditor must find evidence for.

A checklist is a TOML file (format in ``docs/checklist-format.md``)::

    [checklist]
    id = "gdpr-transparency"
    title = "..."
    version = "1.0.0"

    [[items]]
    id = "13-1-a"
    title = "Identity and contact details of the controller"
    refs = ["GDPR Art. 13(1)(a)"]
    guidance = "..."
    keywords = ["controller", ...]
    examples = ["We are ...", ...]

Checklists are found, in this order, in a path given by the user, ``./checklists``, the user's
config directory and the set bundled with the package.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from auditor_tui.core.errors import ChecklistError
from auditor_tui.core.files import is_regular_file, read_input_bytes

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True, slots=True)
class Item:
    """One thing the policy must say."""

    id: str
    title: str
    guidance: str = ""
    refs: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    group: str = ""
    severity: str = ""
    """How bad a finding on this item is by default (``high``, ``medium``, ``low`` or "")."""


@dataclass(frozen=True)
class Checklist:
    """A named, versioned list of items."""

    id: str
    title: str
    version: str
    items: tuple[Item, ...]
    source: str = ""
    jurisdiction: str = ""
    description: str = ""
    path: Path | None = None
    sha256: str = ""
    """SHA-256 of the checklist file's bytes."""
    _by_id: dict[str, Item] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update((item.id, item) for item in self.items)

    def item(self, item_id: str) -> Item | None:
        return self._by_id.get(item_id)

    def portable_path(self) -> str:
        """Where a session records this checklist, the same on every machine: nothing for a
        bundled checklist or one in the user's config folder (found again by id), a path
        relative to the working directory (the project) for one inside it, else the path."""
        if self.path is None:
            return ""
        resolved = self.path.resolve()
        for shared in (bundled_dir(), user_dir()):
            if resolved.is_relative_to(shared.resolve()):
                return ""
        try:
            return resolved.relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            return self.path.as_posix() if not self.path.is_absolute() else str(resolved)

    def groups(self) -> list[tuple[str, list[Item]]]:
        """Items by group, groups in order of first appearance."""
        grouped: dict[str, list[Item]] = {}
        for item in self.items:
            grouped.setdefault(item.group, []).append(item)
        return list(grouped.items())


# --------------------------------------------------------------------------- loading


def _line_of(text: str, needle: str) -> int | None:
    """1-based line where *needle* first appears in *text*, for error messages."""
    index = text.find(needle)
    return None if index < 0 else text.count("\n", 0, index) + 1


def _string(table: dict[str, Any], key: str, where: str, path: Path, *, required: bool = True) -> str:
    value = table.get(key)
    if value is None:
        if required:
            raise ChecklistError(
                f"{where}: missing field '{key}'", path=path, hint="add it; see docs/checklist-format.md"
            )
        return ""
    if not isinstance(value, str):
        raise ChecklistError(f"{where}: field '{key}' must be a string, not {type(value).__name__}", path=path)
    return value


def _severity(raw: dict[str, Any], where: str, path: Path) -> str:
    value = _string(raw, "severity", where, path, required=False)
    if value and value not in ("high", "medium", "low"):
        raise ChecklistError(f"{where}: severity {value!r} is not one of high, medium, low", path=path)
    return value


def _strings(table: dict[str, Any], key: str, where: str, path: Path) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ChecklistError(f"{where}: field '{key}' must be a list of strings", path=path)
    return tuple(value)


def parse_checklist(data: bytes, path: Path) -> Checklist:
    """Build a :class:`Checklist` from the bytes of a TOML file, checking every field."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ChecklistError("not UTF-8 text", path=path, hint="save the checklist as UTF-8") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ChecklistError(f"not valid TOML: {error}", path=path, hint="fix the TOML syntax") from None
    except RecursionError:  # tomllib recurses once per level of [[[...]]]
        raise ChecklistError(
            "not a checklist: its lists or tables are nested too deeply to read", path=path, hint="fix the file"
        ) from None
    head = doc.get("checklist")
    if not isinstance(head, dict):
        raise ChecklistError("missing [checklist] table", path=path, hint="see docs/checklist-format.md")
    checklist_id = _string(head, "id", "[checklist]", path)
    if not _ID.match(checklist_id):
        raise ChecklistError(
            f"[checklist]: id {checklist_id!r} must be lower-case letters, digits, '.', '-' or '_'", path=path
        )
    raw_items = doc.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise ChecklistError("has no items", path=path, hint="add at least one [[items]] table")
    items: list[Item] = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_items, 1):
        if not isinstance(raw, dict):
            raise ChecklistError(f"item {number} is not a table", path=path, hint="write it as [[items]]")
        item_id = raw.get("id")
        line = _line_of(text, f'"{item_id}"') if isinstance(item_id, str) else None
        where = f"item {number}" + (f" ({item_id!r}, line {line})" if line else "")
        item_id = _string(raw, "id", where, path)
        if not _ID.match(item_id):
            raise ChecklistError(f"{where}: id must be lower-case letters, digits, '.', '-' or '_'", path=path)
        if item_id in seen:
            raise ChecklistError(f"{where}: duplicate item id {item_id!r}", path=path, hint="give each item its own id")
        seen.add(item_id)
        items.append(
            Item(
                id=item_id,
                title=_string(raw, "title", where, path),
                guidance=_string(raw, "guidance", where, path, required=False).strip(),
                refs=_strings(raw, "refs", where, path),
                keywords=_strings(raw, "keywords", where, path),
                examples=_strings(raw, "examples", where, path),
                group=_string(raw, "group", where, path, required=False),
                severity=_severity(raw, where, path),
            )
        )
    return Checklist(
        id=checklist_id,
        title=_string(head, "title", "[checklist]", path),
        version=_string(head, "version", "[checklist]", path),
        source=_string(head, "source", "[checklist]", path, required=False),
        jurisdiction=_string(head, "jurisdiction", "[checklist]", path, required=False),
        description=_string(head, "description", "[checklist]", path, required=False).strip(),
        items=tuple(items),
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def load_checklist(path: str | Path) -> Checklist:
    """Read and check the checklist file at *path*."""
    path = Path(path)
    data = read_input_bytes(path, ChecklistError, "checklist", missing_hint="run 'auditor-tui checklists' to list them")
    return parse_checklist(data, path)


# --------------------------------------------------------------------------- finding


def bundled_dir() -> Path:
    """The checklists shipped with the package.

    In a wheel they are package data (``auditor_tui/_bundled/checklists``); in a source
    checkout (editable install) they are the repository's top-level ``checklists/``.
    """
    packaged = Path(str(resources.files("auditor_tui"))) / "_bundled" / "checklists"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "checklists"


def user_dir() -> Path:
    """The user's own checklists: ``<config dir>/auditor-tui/checklists``."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("auditor-tui")) / "checklists"


def _is_dir(path: Path) -> bool:
    """Never an error: a folder on the way that cannot be searched is no folder to search."""
    try:
        return path.is_dir()
    except OSError:
        return False


def search_dirs() -> list[Path]:
    """Where checklists are looked for by id, first match wins."""
    dirs = [Path("checklists"), user_dir(), bundled_dir()]
    unique: list[Path] = []
    for directory in dirs:
        if _is_dir(directory) and all(directory.resolve() != d.resolve() for d in unique):
            unique.append(directory)
    return unique


def list_checklists() -> list[Checklist]:
    """Every checklist found, the first of each id winning. Broken files raise."""
    found: dict[str, Checklist] = {}
    for directory in search_dirs():
        for file in sorted(directory.glob("*.toml")):
            checklist = load_checklist(file)
            found.setdefault(checklist.id, checklist)
    return sorted(found.values(), key=lambda c: c.id)


def find_checklist(id_or_path: str | Path) -> Checklist:
    """A checklist by id (searched in :func:`search_dirs`) or by file path."""
    text = str(id_or_path)
    candidate = Path(text)
    if candidate.suffix == ".toml" or "/" in text or os.path.lexists(candidate):
        return load_checklist(candidate)
    for directory in search_dirs():
        file = directory / f"{text}.toml"
        if is_regular_file(file):
            return load_checklist(file)
    known = ", ".join(sorted({f.stem for d in search_dirs() for f in d.glob("*.toml")})) or "none"
    raise ChecklistError(
        f"no checklist with id {text!r}", hint=f"known: {known}; or give a path to a .toml checklist file"
    )
