"""The detail area: the current item's guidance and refs, its evidence, note and suggestions."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from auditor_tui.core.checklist import Item
from auditor_tui.core.findings import due_text, has_finding, is_overdue
from auditor_tui.core.merge import conflict_line
from auditor_tui.core.policy import Clause, Policy
from auditor_tui.core.session import ItemState
from auditor_tui.core.text import clip, excerpt, printable, shorten_path
from auditor_tui.ui.widgets.checklist_list import evidence_count, status_content

SCORE_BAR = 10
NARROW_SCORE_BAR = 5  # in a detail area narrower than NARROW columns
NARROW = 50
QUOTE_LINES = 4  # a suggestion shows about this many lines of its clause, around its matched words


def score_bar(score: float, width: int = SCORE_BAR) -> Content:
    """``████▌     `` for a 0-100 score."""
    eighths = round(max(0.0, min(100.0, score)) / 100 * width * 8)
    full, part = divmod(eighths, 8)
    bar = "█" * full + ("▏▎▍▌▋▊▉"[part - 1] if part else "")
    return Content.styled(f"{bar:<{width}}", "$accent")


def highlighted(text: str, spans: Sequence[tuple[int, int]], style: str = "bold $warning underline") -> Content:
    """*text* (untrusted; line breaks kept, as in the policy pane) with *spans* styled.

    Each piece is made printable on its own, so a stand-in longer than its character (``<U+202E>``)
    cannot shift the highlight onto the wrong words; nothing is parsed as markup.
    """
    pieces: list[Content] = []
    position = 0
    for start, end in sorted(spans):
        start, end = max(start, position), min(end, len(text))
        if start >= end:
            continue
        pieces.append(Content(printable(text[position:start], keep_newlines=True)))
        pieces.append(Content.styled(printable(text[start:end], keep_newlines=True), style))
        position = end
    pieces.append(Content(printable(text[position:], keep_newlines=True)))
    return Content.assemble(*pieces)


def clause_option(
    clause: Clause,
    spans: Sequence[tuple[int, int]],
    *,
    head: Sequence[Content | str] = (),
    limit: int = 300,
    section_width: int = 40,
) -> Option:
    """An option showing a clause: *head*, its id and section path (its middle cut to
    *section_width*), then at most *limit* characters of its text around the *spans* (matched
    words), which are highlighted."""
    text, visible = excerpt(clause.text, spans, limit)
    return Option(
        Content.assemble(
            *head,
            Content.styled(f"{clause.id} ", "bold"),
            Content.styled(
                printable(shorten_path(clause.section_label or "(no section)", max(8, section_width))),
                "italic $text-muted",
            ),
            "\n",
            highlighted(text, visible),
        ),
        id=clause.id,
    )


class SuggestionList(OptionList, can_focus=False):
    """The current item's suggested clauses. It never takes the focus: ``n`` / ``N`` move its
    cursor (marked ``▶``) from anywhere, ``a`` accepts, ``x`` rejects; a click chooses one."""


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
        parts += finding_parts(state)
        if state.conflict is not None:
            parts += ["\n", Content.styled(printable(conflict_line(state)), "bold $error")]
            parts += [Content.styled("  (< keeps ours, > keeps theirs)", "$text-muted")]
        self.query_one("#detail-note", Static).update(Content.assemble(*parts))

    def _evidence(self, state: ItemState) -> Content:
        tags = state.tags
        head = Content.styled(f"Evidence ({evidence_count(state) or 0})", "bold")
        if not tags:
            return Content.assemble(
                head, "\n", Content.styled("No clause tagged yet (t tags the current clause)", "$text-muted")
            )
        parts: list[Content | str] = [head]
        for tag in tags:
            flag = ""
            if tag.orphan:
                flag = " [removed from this version: ctrl+p “Drop removed evidence”]"
            elif tag.recheck:
                flag = f" [changed: {tag.similarity or 0:.0f}% similar, re-check]"
            parts += [
                "\n",
                Content.styled(f"{tag.clause} ", "bold"),
                Content.styled(f"(part, {tag.span_label}) " if tag.is_span else "", "bold $accent"),
                Content.styled(printable(tag.section or "(no section)"), "italic $text-muted"),
                Content.styled(f", {tag.where}" if tag.where else "", "$text-muted"),
                Content.styled(flag, "bold $warning"),
                "\n  “",
                Content(printable(clip(tag.text, 400), keep_newlines=True)),
                "”",
            ]
        return Content.assemble(*parts)

    @property
    def text_width(self) -> int:
        """Columns for the suggestions' text, their list's scrollbar kept free (a fair guess
        while the area is folded away and has no size)."""
        suggestions = self.query_one(SuggestionList)
        width = suggestions.size.width - suggestions.styles.scrollbar_size_vertical
        return width if width > 8 else 40

    def show_suggestions(
        self,
        suggestions: Sequence[tuple[str, float, Sequence[tuple[int, int]]]],
        policy: Policy,
        *,
        likely_missing: bool,
        chosen: int = 0,
        note: str = "",
        gap: str = "",
        proposals: Sequence[str] = (),
    ) -> None:
        """Suggestions as (clause id, score, highlight spans), best first; *chosen* is the one
        ``a`` accepts, marked ``▶``. The first ``len(proposals)`` are proposals from a reused
        audit, each shown with its label (where it came from) instead of a score."""
        width = self.text_width
        bar = SCORE_BAR if width >= NARROW else NARROW_SCORE_BAR
        options = []
        for rank, (clause_id, score, spans) in enumerate(suggestions):
            clause = policy.clause(clause_id)
            if clause is None:
                continue
            marker = Content.styled("▶ ", "bold $accent") if rank == chosen else Content("  ")
            head = [marker, score_bar(score, bar), Content.styled(f" {score:3.0f} ", "bold")]
            room = width - 2 - bar - 5 - len(clause.id) - 1
            if rank < len(proposals):  # no score: where it came from, on a line of its own
                head = [marker, Content.styled(f"⇄ {printable(proposals[rank])}", "bold $secondary"), Content("\n  ")]
                room = width - 4 - len(clause.id)
            options.append(clause_option(clause, spans, head=head, limit=QUOTE_LINES * width, section_width=room))
        label = f"Suggestions {chosen + 1}/{len(options)}" if options else "Suggestions: none left"
        if proposals:
            label += f" ({len(proposals)} proposed by a reused audit, ⇄)"
        keys = " (n/N choose, a accept, x reject)" if options else ""
        if likely_missing:
            label = f"LIKELY MISSING ({printable(gap) or 'no clause scores high'}). " + label
        self.query_one("#suggestions-label", Static).update(
            Content.styled(note or label + keys, "bold $error" if likely_missing and not note else "bold")
        )
        suggestions_list = self.query_one(SuggestionList)
        suggestions_list.set_options(options)
        if options:
            suggestions_list.highlighted = min(chosen, len(options) - 1)

    def reveal_suggestion(self) -> None:
        """Scroll the area so the chosen suggestion shows."""
        suggestions_list = self.query_one(SuggestionList)
        suggestions_list.scroll_to_highlight()
        self.scroll_to_widget(suggestions_list, animate=False)

    def show_clause_items(self, entries: Sequence[tuple[str, str, float]], *, linked: Sequence[str] = ()) -> None:
        """What the current clause probably evidences: (item id, title, score); and *linked*,
        the items of other audits of this policy (other checklists) it is tagged to."""
        if not entries and not linked:
            self.query_one("#detail-clause-items", Static).update("")
            return
        parts: list[Content | str] = []
        if linked:
            parts.append(Content.styled("Tagged in linked audits", "bold"))
            for label in linked:
                parts += ["\n", Content.styled("⇄ ", "$secondary"), Content(printable(label))]
            if entries:
                parts.append("\n")
        if entries:
            parts.append(Content.styled("This clause probably evidences", "bold"))
        for item_id, title, score in entries:
            parts += [
                "\n",
                score_bar(score, SCORE_BAR if self.text_width >= NARROW else NARROW_SCORE_BAR),
                f" {score:3.0f} ",
                Content.styled(printable(item_id), "bold"),
                " ",
                Content(printable(title)),
            ]
        self.query_one("#detail-clause-items", Static).update(Content.assemble(*parts))


SEVERITY_STYLES = {"high": "bold $error", "medium": "bold $warning", "low": "bold $primary"}


def finding_parts(state: ItemState) -> list[Content | str]:
    """The finding (f to edit), the reason for not applicable and the assignee, for the detail area."""
    parts: list[Content | str] = []
    if state.reason:
        parts += ["\n", Content.styled("Not applicable because: ", "bold"), Content(printable(state.reason))]
    if state.assignee:
        parts += ["\n", Content.styled("Assigned to ", "bold"), Content(printable(state.assignee))]
    if not has_finding(state):
        return parts
    parts += ["\n", Content.styled("Finding ", "bold"), Content.styled("(f to edit)", "$text-muted")]
    if state.severity:
        parts += ["\n", Content.styled(state.severity.upper(), SEVERITY_STYLES.get(state.severity, "bold"))]
    if state.recommendation:
        parts += ["\n", Content.styled("Do: ", "bold"), Content(printable(state.recommendation, keep_newlines=True))]
    who = [f"owner {state.owner}"] if state.owner else []
    if state.due:
        who.append(f"due {due_text(state.due)}")
    if who:
        parts += ["\n", Content(printable(", ".join(who)))]
        if is_overdue(state.due):
            parts.append(Content.styled("  OVERDUE", "bold $error"))
    return parts
