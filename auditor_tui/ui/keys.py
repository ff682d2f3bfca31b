"""The review screen's keys: one table for the bindings, the palette, the help screen and the README.

Every key that runs an action has a binding id: ``[keymap]`` in the config file remaps it by
that id (``tag = "T"``), through Textual's ``App.set_keymap``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingType

from auditor_tui.core.status import STATUS_TABLE

_STATUS_IDS = {
    "satisfied": "status-satisfied",
    "partial": "status-partial",
    "missing": "status-missing",
    "not-applicable": "status-na",
    "open": "status-open",
}

EDITING_ACTIONS = frozenset(
    {
        "toggle_tag",
        "tag_span",
        "edit_note",
        "status",
        "accept_suggestion",
        "reject_suggestion",
        "drop_removed",
        "submit",
        "save",
        "assign",
        "resolve",
        "edit_finding",
        "bulk",
        "undo",
        "redo",
    }
)
"""Actions that change the audit: hidden (and refused) while it is read-only."""


@dataclass(frozen=True)
class Key:
    keys: str  # Textual key names, comma-separated
    action: str  # the screen action; "" when a widget handles the key itself
    description: str
    group: str
    footer: str = ""  # short label shown in the footer ("" = not shown)
    id: str = ""  # binding id, so users can remap it


REVIEW_KEYS: tuple[Key, ...] = (
    Key("tab", "app.focus_next", "Next pane", "Move", id="pane-next"),
    Key("shift+tab", "app.focus_previous", "Previous pane", "Move", id="pane-previous"),
    Key("up,k / down,j", "", "Previous / next clause or item", "Move"),
    Key("pageup / pagedown", "", "A page up / down", "Move"),
    Key("home / end", "", "First / last", "Move"),
    Key("left_square_bracket", "section(-1)", "Previous section of the policy", "Move", id="section-previous"),
    Key("right_square_bracket", "section(1)", "Next section of the policy", "Move", id="section-next"),
    Key(
        "d",
        "toggle_detail",
        "Show the item's details instead of the checklist (narrow terminals); hide them (wide)",
        "Move",
        "",
        "detail",
    ),
    Key("t,space", "toggle_tag", "Tag / untag the current clause to the current item", "Evidence", "Tag", "tag"),
    Key("v", "tag_span", "Tag part of the clause", "Evidence", "", "tag-span"),
    Key("e", "edit_note", "Edit the current item's note (ctrl+s keeps, escape discards)", "Evidence", "Note", "note"),
    Key(
        "f",
        "edit_finding",
        "Finding of the current item: severity, recommendation, owner, due (enter saves, escape cancels)",
        "Evidence",
        "",
        "finding",
    ),
    Key("u", "undo", "Undo the last change (kept in the history; survives a restart)", "Evidence", "", "undo"),
    Key("U,ctrl+r", "redo", "Redo the change undone last", "Evidence", "", "redo"),
    Key(
        "D",
        "drop_removed",
        "Drop removed evidence: the current item's quotes whose clause a re-audit found removed",
        "Evidence",
        "",
        "drop-removed",
    ),
    *(
        Key(
            status.key,
            f"status('{status.name}')",
            f"Set status: {status.label}",
            "Status",
            "",
            _STATUS_IDS[status.name],
        )
        for status in sorted((s for s in STATUS_TABLE if s.key), key=lambda s: s.key == "0")
    ),
    Key(
        "n",
        "suggestion(1)",
        "Next suggestion (marked ▶): the policy pane shows its clause",
        "Suggestions",
        "Suggestion",
        "suggestion-next",
    ),
    Key("N", "suggestion(-1)", "Previous suggestion", "Suggestions", "", "suggestion-previous"),
    Key(
        "a",
        "accept_suggestion",
        "Accept the chosen suggestion (tags it); with the details folded away, the first a shows it",
        "Suggestions",
        "",
        "accept",
    ),
    Key(
        "x",
        "reject_suggestion",
        "Reject the chosen suggestion for this item (the same way)",
        "Suggestions",
        "",
        "reject",
    ),
    Key(
        "B",
        "bulk",
        "Set every remaining open item to a status (after asking, naming how many)",
        "Status",
        "",
        "bulk",
    ),
    Key("g", "gaps", "Likely gaps: open, untagged items with no plausible evidence", "Suggestions", "", "gaps"),
    Key("slash", "search", "Search the policy as you type (enter jumps, escape returns)", "Find", "Search", "search"),
    Key("enter", "", "In search results, gaps and changes: jump there", "Find"),
    Key(
        "F", "filter", "Filter the checklist: by status, group or has a finding (F again clears)", "Find", "", "filter"
    ),
    Key("escape", "clear_filter", "Clear the checklist filter", "Find", "", "filter-clear"),
    Key("c", "changes", "Changes since the previous version (re-audit)", "Find", "", "changes"),
    Key(
        "ctrl+p",
        "app.command_palette",
        "Command palette: jump to an item, section or clause; all actions",
        "Find",
        id="command-palette",
    ),
    Key("A", "assign", "Assign the current item to someone (empty: unassign)", "Team", "", "assign"),
    Key(
        "less_than_sign",
        "resolve('ours')",
        "Resolve: keep ours, the values the item shows (after a git merge conflict)",
        "Team",
        "",
        "resolve-ours",
    ),
    Key(
        "greater_than_sign",
        "resolve('theirs')",
        "Resolve: keep theirs, the other branch's values (after a git merge conflict)",
        "Team",
        "",
        "resolve-theirs",
    ),
    Key("S", "submit", "Submit for review", "Sign-off", "", "submit"),
    Key("R", "request_changes", "Request changes (reviewer)", "Sign-off", "", "request-changes"),
    Key("O", "signoff", "Sign off (reviewer)", "Sign-off", "", "signoff"),
    Key(
        "ctrl+o",
        "reopen",
        "Reopen a signed-off audit for changes, after asking (voids the sign-off)",
        "Sign-off",
        "",
        "reopen",
    ),
    Key("X", "export", "Export the checklist (md, html, csv or json)", "Sign-off", "", "export"),
    Key("ctrl+s", "save", "Save now", "File", "Save", "save"),
    Key("question_mark,f1", "help", "Help: every key and its binding id", "File", "Help", "help"),
    Key("q", "quit", "Save and quit", "File", "Quit", "quit"),
)


def display_keys(keys: str) -> str:
    """Key names as a person writes them: ``[``, ``?``, ``/``."""
    names = {"left_square_bracket": "[", "right_square_bracket": "]", "question_mark": "?", "slash": "/"}
    names |= {"less_than_sign": "<", "greater_than_sign": ">"}
    return " ".join(",".join(names.get(k, k) for k in part.split(",")) for part in keys.split(" ")).replace(",", " or ")


def editing_keys() -> frozenset[str]:
    """The keys bound to :data:`EDITING_ACTIONS`, as Textual names them."""
    keys = set()
    for key in REVIEW_KEYS:
        if key.action.split("(")[0] in EDITING_ACTIONS:
            keys.update(key.keys.split(","))
    return frozenset(keys)


def review_bindings() -> list[BindingType]:
    bindings: list[BindingType] = []
    for key in REVIEW_KEYS:
        if not key.action:
            continue
        bindings.append(
            Binding(key.keys, key.action, key.footer or key.description, show=bool(key.footer), id=key.id or None)
        )
    return bindings


def binding_ids() -> tuple[str, ...]:
    """The ids a ``[keymap]`` can remap, in the table's order."""
    return tuple(key.id for key in REVIEW_KEYS if key.id)


def effective_keymap(keymap: Mapping[str, str]) -> dict[str, str]:
    """Every binding id with the keys it is on: *keymap*'s where it remaps the id, else the table's."""
    return {key.id: keymap.get(key.id, key.keys) for key in REVIEW_KEYS if key.id}


def palette_actions() -> tuple[Key, ...]:
    """The keys whose action the command palette offers too: the screen's own actions."""
    return tuple(key for key in REVIEW_KEYS if key.action and not key.action.startswith("app."))


def applied_keymap(app: object) -> Mapping[str, str]:
    """The keymap *app* applied (``AuditorApp.applied_keymap``: the config's, less unknown ids)."""
    keymap = getattr(app, "applied_keymap", None)
    return keymap if isinstance(keymap, Mapping) else {}
