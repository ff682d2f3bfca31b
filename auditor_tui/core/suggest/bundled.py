"""Which bundled checklist item an item is: the key of the engine's per-item tables.

The gap model's own coefficients (:mod:`.gaps`) and the required words (:mod:`.required`) were
fitted or written for the items of the bundled checklists, and are keyed by their checklist and
item ids. A checklist of the auditor's own that copies a bundled one under another id (a firm's
``gdpr-transparency-acme``, or items taken from two of them) keeps them for every item it
copied unchanged: an item is the bundled one when its id and its title are the same (case and
spacing aside), the bundled checklist of the same id first. An item whose title was edited may
ask something else now, and is read by the shared model with no required words; so is an item
of a checklist that shares an id with a bundled one but changed the item.
"""

from __future__ import annotations

import functools

from auditor_tui.core.checklist import Checklist, Item, bundled_dir, load_checklist
from auditor_tui.core.errors import ChecklistError

__all__ = ["BundledKey", "bundled_keys"]

BundledKey = tuple[str, str]
"""A bundled checklist's id and one of its item ids."""


def _title(item: Item) -> str:
    return " ".join(item.title.split()).casefold()


@functools.cache
def _bundled_items() -> dict[tuple[str, str], tuple[str, ...]]:
    """Per (item id, normalised title), the ids of the bundled checklists that have it. Read
    once; a bundled file that cannot be read (a broken install) only has no tables."""
    found: dict[tuple[str, str], list[str]] = {}
    for file in sorted(bundled_dir().glob("*.toml")):
        try:
            checklist = load_checklist(file)
        except ChecklistError:
            continue
        for item in checklist.items:
            found.setdefault((item.id, _title(item)), []).append(checklist.id)
    return {key: tuple(ids) for key, ids in found.items()}


def bundled_keys(checklist: Checklist) -> tuple[BundledKey | None, ...]:
    """For each item of *checklist*, the bundled item it is, or None."""
    items = _bundled_items()
    keys: list[BundledKey | None] = []
    for item in checklist.items:
        owners = items.get((item.id, _title(item)), ())
        owner = checklist.id if checklist.id in owners else next(iter(owners), None)
        keys.append(None if owner is None else (owner, item.id))
    return tuple(keys)
