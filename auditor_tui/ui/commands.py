"""Command-palette commands of the review screen (ctrl+p).

Jump to an item, a section or a clause; and every action of the screen, from its key table
(:mod:`auditor_tui.ui.keys`), each shown with the key it is on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.markup import escape

from auditor_tui.core.text import printable, shorten, shorten_path
from auditor_tui.ui.keys import applied_keymap, display_keys, palette_actions

if TYPE_CHECKING:
    from auditor_tui.ui.screens.review import ReviewScreen

CLAUSE_ID = re.compile(r"[cC]\d+")


def _highlight(matcher: Matcher, title: str) -> Content:
    """*title* (which may hold policy text) with the matched characters styled.

    ``Matcher.highlight`` parses its argument as markup, so it is not used on data.
    """
    _score, offsets = matcher.fuzzy_search.match(matcher.query, title)
    content = Content(title)
    for offset in offsets:
        content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class ReviewCommands(Provider):
    """Items, sections, clauses, statuses and actions of the current review."""

    def _screen(self) -> ReviewScreen | None:
        from auditor_tui.ui.screens.review import ReviewScreen

        screen = self.screen
        return screen if isinstance(screen, ReviewScreen) else None

    def _commands(self, screen: ReviewScreen, *, clauses: bool) -> list[tuple[str, Callable[[], object], str]]:
        commands: list[tuple[str, Callable[[], object], str]] = []
        keymap = applied_keymap(screen.app)
        for key in palette_actions():
            keys = display_keys(keymap.get(key.id, key.keys))
            commands.append((key.description, partial(screen.run_command, key.action), f"key: {keys}"))
        for item in screen.audit.checklist.items:
            commands.append(
                (
                    f"Item {printable(item.id)}: {printable(item.title)}",
                    partial(screen.jump_to_item, item.id),
                    printable(", ".join(item.refs)),
                )
            )
        firsts: dict[str, str] = {}
        for clause in screen.audit.policy.clauses:
            if clause.section is not None:
                firsts.setdefault(clause.section.label, clause.id)
        for label, clause_id in firsts.items():
            commands.append(
                (f"Section: {printable(shorten_path(label, 80))}", partial(screen.jump_to_clause, clause_id), "")
            )
        if clauses:
            for clause in screen.audit.policy.clauses:
                commands.append(
                    (
                        f"Clause {clause.id}: {printable(shorten(clause.text, 70))}",
                        partial(screen.jump_to_clause, clause.id),
                        "",
                    )
                )
        return commands

    async def discover(self) -> Hits:
        screen = self._screen()
        if screen is None:
            return
        for title, callback, help_text in self._commands(screen, clauses=False):
            yield DiscoveryHit(Content(title), callback, text=title, help=escape(help_text))

    async def search(self, query: str) -> Hits:
        screen = self._screen()
        if screen is None:
            return
        if CLAUSE_ID.fullmatch(query.strip()):
            # "c12" means clause c12: alone, not c12 among fuzzy matches such as c1, c2, c19...
            clause_id = query.strip().lower()
            clause = screen.audit.policy.clause(clause_id)
            if clause is not None:
                title = f"Clause {clause.id}: {printable(shorten(clause.text, 70))}"
                yield Hit(1.0, Content(title), partial(screen.jump_to_clause, clause.id), text=title)
            else:
                count = len(screen.audit.policy.clauses)
                title = f"No clause {clause_id}: this policy has c1 to c{count}"
                yield Hit(1.0, Content(title), partial(screen.say, title, severity="warning"), text=title)
            return
        matcher = self.matcher(query)
        # Clauses only when asked for ("clause", "c12"), so 10,000 clauses don't flood the list.
        wants_clauses = query.lower().lstrip().startswith(("c", "clause"))
        for title, callback, help_text in self._commands(screen, clauses=wants_clauses):
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, _highlight(matcher, title), callback, text=title, help=escape(help_text))
