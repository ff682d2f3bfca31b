"""The detail area: the current item's guidance and refs, its evidence, note and suggestions."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from auditor_tui.core.checklist import Item
from auditor_tui.core.policy import Clause, Policy
from auditor_tui.core.session import ItemState
from auditor_tui.core.text import printable, shorten
from auditor_tui.ui.widgets.checklist_list import status_content

SCORE_BAR = 10


def score_bar(score: float) -> Content:
    """``████▌     `` for a 0-100 score."""
    eighths = round(max(0.0, min(100.0, score)) / 100 * SCORE_BAR * 8)
    full, part = divmod(eighths, 8)
    bar = "█" * full + ("▏▎▍▌▋▊▉"[part - 1] if part else "")
    return Content.styled(f"{bar:<{SCORE_BAR}}", "$accent")


def highlighted(text: str, spans: Sequence[tuple[int, int]], style: str = "bold $warning underline") -> Content:
    """*text* (untrusted) with *spans* styled: never parsed as markup."""
    content = Content(printable(text))
    for start, end in spans:
        content = content.stylize(style, start, end)
    return content


def clause_option(
    clause: Clause,
    spans: Sequence[tuple[int, int]],
    *,
    head: Sequence[Content | str] = (),
    limit: int = 300,
    section_width: int = 40,
) -> Option:
    """An option showing a clause: *head*, its id and section, then its text (cut to *limit*
    characters) with *spans* highlighted."""
    text = clause.text if len(clause.text) <= limit else clause.text[: limit - 1] + "…"
    visible = [(start, min(end, len(text))) for start, end in spans if start < len(text)]
    return Option(
        Content.assemble(
            *head,
            Content.styled(f"{clause.id} ", "bold"),
            Content.styled(
                printable(shorten(clause.section_label or "(no section)", section_width)), "italic $text-muted"
            ),
            "\n",
            highlighted(text, visible),
        ),
        id=clause.id,
    )


class SuggestionList(OptionList):
    """The current item's suggested clauses: ``a`` accepts, ``x`` rejects, ``enter`` jumps."""


class DetailPane(VerticalScroll):
    """Everything about the current item."""

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title")
        yield Static(id="detail-evidence")
        yield Static(id="detail-note")
        yield Static("Suggestions", id="suggestions-label", classes="detail-heading")
        yield SuggestionList(id="suggestions")
        yield Static(id="detail-clause-items")
        yield Static(id="detail-guidance")

    def show_item(self, item: Item, state: ItemState) -> None:
        refs = ", ".join(printable(ref) for ref in item.refs)
        self.query_one("#detail-title", Static).update(
            Content.assemble(
                status_content(state.status),
                " ",
                Content.styled(printable(item.id), "bold"),
                " ",
                Content.styled(printable(item.title), "bold"),
                Content.styled(f"  [{state.status}]", "$text-muted"),
                "\n",
                Content.styled(refs, "italic $text-muted"),
            )
        )
        self.query_one("#detail-guidance", Static).update(
            Content.assemble(
                Content.styled("What to look for\n", "bold"), Content(printable(item.guidance, keep_newlines=True))
            )
        )
        self.query_one("#detail-evidence", Static).update(self._evidence(state))
        note = state.note.strip()
        parts: list[Content | str] = [Content.styled("Note ", "bold"), Content.styled("(e to edit)", "$text-muted")]
        parts += ["\n", Content(printable(note, keep_newlines=True)) if note else Content.styled("—", "$text-muted")]
        if state.previous_status:
            parts += ["\n", Content.styled(f"Before re-audit: {state.previous_status}", "$accent")]
        if state.review_comment:
            parts += ["\n", Content.styled("Reviewer: ", "bold $error"), Content(printable(state.review_comment))]
        self.query_one("#detail-note", Static).update(Content.assemble(*parts))

    def _evidence(self, state: ItemState) -> Content:
        tags = state.tags
        head = Content.styled(f"Evidence ({len(tags)})", "bold")
        if not tags:
            return Content.assemble(
                head, "\n", Content.styled("No clause tagged yet (t tags the current clause)", "$text-muted")
            )
        parts: list[Content | str] = [head]
        for tag in tags:
            flag = ""
            if tag.orphan:
                flag = " [removed from this version]"
            elif tag.recheck:
                flag = f" [changed: {tag.similarity or 0:.0f}% similar, re-check]"
            parts += [
                "\n",
                Content.styled(f"{tag.clause} ", "bold"),
                Content.styled(printable(tag.section or "(no section)"), "italic $text-muted"),
                Content.styled(f", {tag.where}" if tag.where else "", "$text-muted"),
                Content.styled(flag, "bold $warning"),
                "\n  “",
                Content(printable(shorten(tag.text, 400))),
                "”",
            ]
        return Content.assemble(*parts)

    def show_suggestions(
        self,
        suggestions: Sequence[tuple[str, float, Sequence[tuple[int, int]]]],
        policy: Policy,
        *,
        likely_missing: bool,
        note: str = "",
    ) -> None:
        """Suggestions as (clause id, score, highlight spans), best first."""
        options = []
        for clause_id, score, spans in suggestions:
            clause = policy.clause(clause_id)
            if clause is None:
                continue
            options.append(
                clause_option(clause, spans, head=[score_bar(score), Content.styled(f" {score:3.0f} ", "bold")])
            )
        label = "Suggestions (a accept, x reject, enter jump)"
        if likely_missing:
            label = "Suggestions: LIKELY MISSING, no clause scores high (a accept, x reject, enter jump)"
        if note:
            label = note
        self.query_one("#suggestions-label", Static).update(
            Content.styled(label, "bold $error" if likely_missing else "bold")
        )
        suggestions_list = self.query_one(SuggestionList)
        suggestions_list.set_options(options)
        if options:
            suggestions_list.highlighted = 0

    def show_clause_items(self, entries: Sequence[tuple[str, str, float]]) -> None:
        """What the current clause probably evidences: (item id, title, score)."""
        if not entries:
            self.query_one("#detail-clause-items", Static).update("")
            return
        parts: list[Content | str] = [Content.styled("This clause probably evidences", "bold")]
        for item_id, title, score in entries:
            parts += [
                "\n",
                score_bar(score),
                f" {score:3.0f} ",
                Content.styled(printable(item_id), "bold"),
                " ",
                Content(printable(title)),
            ]
        self.query_one("#detail-clause-items", Static).update(Content.assemble(*parts))
