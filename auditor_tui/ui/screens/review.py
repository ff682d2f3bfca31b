"""The review screen: the policy beside the checklist, keyboard-first tagging.

Data flows one way. The screen renders the :class:`~auditor_tui.core.audit.Audit` (policy,
checklist, session); a key calls a method of the session (``toggle_tag``, ``set_status``...),
then :meth:`ReviewScreen.changed` refreshes what shows that item and schedules an atomic save
within half a second. ``q`` and ``ctrl+s`` save at once.
"""

from __future__ import annotations

import threading
from pathlib import Path

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import OptionList, Static

from auditor_tui.core.audit import Audit
from auditor_tui.core.errors import AuditorError
from auditor_tui.core.history import iso
from auditor_tui.core.status import STATUS_TABLE
from auditor_tui.core.text import clip, printable
from auditor_tui.core.workflow import void_headline, voided_signoff
from auditor_tui.ui.keys import EDITING_ACTIONS, editing_keys, review_bindings
from auditor_tui.ui.screens.dialogs import AskDialog, ConfirmDialog, MessageDialog
from auditor_tui.ui.screens.review_findings import FindingActions
from auditor_tui.ui.screens.review_reuse import ReuseActions
from auditor_tui.ui.screens.review_suggestions import SuggestionActions
from auditor_tui.ui.screens.review_workflow import WorkflowActions
from auditor_tui.ui.startup import resume_collector
from auditor_tui.ui.widgets.checklist_list import ChecklistList
from auditor_tui.ui.widgets.detail import DetailPane
from auditor_tui.ui.widgets.key_bar import KeyBar
from auditor_tui.ui.widgets.policy_view import PolicyView

AUTOSAVE_DELAY = 0.5  # seconds: every change is on disk within a second
FIRST_FRAME_WAIT = 5.0  # seconds a worker waits at most for the first frame before it computes


class ReviewScreen(FindingActions, WorkflowActions, ReuseActions, SuggestionActions, Screen[None]):
    """Audit one policy against one checklist."""

    BINDINGS = review_bindings()
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    def __init__(self, audit: Audit) -> None:
        super().__init__()
        self.audit = audit
        self.session = audit.session
        self._save_timer: Timer | None = None
        self._dirty = False
        self.scores = None  # suggestion scores, once computed in a worker
        self.changes = None  # the clause diff, for a re-audit
        self.leaving = False
        """Set once the audit is saved for quitting: keys already typed after ``q`` do nothing."""
        self._suggestion_entries = []
        self.first_frame = threading.Event()
        """Set once the screen is painted: the workers wait for it (see on_mount)."""
        self._footer_read_only: bool | None = None
        """Whether the footer's keys were last refreshed for a read-only audit."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A burst such as "q e" must not open the note editor on a screen that is closing.
        if self.leaving:
            return False
        # A read-only audit hides its editing keys from the footer (on_key says why they do nothing).
        return not (action in EDITING_ACTIONS and self.audit.read_only)

    def on_key(self, event: events.Key) -> None:
        if self.audit.read_only and not self.leaving and event.key in editing_keys():
            event.stop()
            self.editable()

    def say(self, message: str, *, severity: SeverityLevel = "information", group: str = "result") -> None:
        """A short toast that replaces the previous one of its *group*, so a run of ``a`` presses
        leaves one message, not a stack of them over the evidence."""
        self.app.notify(message, severity=severity, timeout=3, group=group)

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static(id="audit-header")
        yield Static(id="audit-banner")
        with Horizontal(id="panes"):
            yield PolicyView(self.audit.policy, item_ids=[item.id for item in self.audit.checklist.items], id="policy")
            with Vertical(id="side"):
                yield ChecklistList(self.audit.checklist, self.session.items, id="checklist")
                yield DetailPane(id="detail")
        yield KeyBar()

    def on_mount(self) -> None:
        if not self.audit.read_only_reason:
            self.audit.acquire_lock()
        policy_view = self.query_one(PolicyView)
        checklist = self.query_one(ChecklistList)
        item_id = self.session.cursor.item if self.session.cursor.item in self.session.items else None
        checklist.select_item(item_id or next(iter(self.session.items)))
        clause = self.audit.policy.clause(self.session.cursor.clause)
        if clause is not None:
            policy_view.cursor = clause.index
        policy_view.border_title = "Policy"
        checklist.border_title = f"Checklist {printable(self.audit.checklist.id)}"
        self.query_one(DetailPane).border_title = "Item"
        policy_view.focus()
        self.refresh_header()
        self.show_current_item()
        self.call_after_refresh(policy_view.scroll_to_cursor, top=True)
        for warning in self.audit.warnings:
            self.notify(printable(warning), severity="warning", timeout=8)
        if self.audit.read_only_reason:
            self.notify(printable(self.audit.read_only_reason), title="Read-only", severity="error", timeout=10)
        elif self.session.state == "signed-off":
            self.notify(
                "This audit is signed off and opens read-only. ctrl+o reopens it for changes (voids the sign-off).",
                timeout=8,
            )
        # The workers start now (so waiting for them waits for their results) but compute only
        # once the first screen is painted: scoring every clause would otherwise hold the
        # interpreter (the GIL) while the first frame is drawn.
        self.call_after_refresh(self._first_frame_painted)
        self.compute_suggestions()
        self.load_changes()

    def _first_frame_painted(self) -> None:
        self.first_frame.set()
        resume_collector()  # paused by the command line until now (ui/startup.py)

    def wait_for_first_frame(self) -> None:
        """In a worker: wait until the screen has been painted once (a few seconds at most, so
        a screen that is never painted, e.g. under a dialog, still gets its suggestions)."""
        self.first_frame.wait(FIRST_FRAME_WAIT)

    # ------------------------------------------------------------------ current things

    @property
    def policy_view(self) -> PolicyView:
        return self.query_one(PolicyView)

    @property
    def item_id(self) -> str:
        return self.query_one(ChecklistList).current_item_id or next(iter(self.session.items))

    def refresh_header(self) -> None:
        session, audit = self.session, self.audit
        counts = session.status_counts()
        state = session.state
        tally = " ".join(f"{status.glyph}{counts[status.name]}" for status in STATUS_TABLE[1:5])
        parts: list[Content | str] = [
            Content.styled(printable(session.title), "bold"),
            Content.styled("  decided ", "$text-muted"),
            Content.styled(session.progress, "bold"),
            Content.styled(f" ({tally})", "$text-muted"),
            Content.styled(f"  {state}", "bold $success" if state == "signed-off" else "bold $secondary"),
            "\n",
            Content.styled("policy ", "$text-muted"),
            Content(printable(session.policy.source or session.policy.path)),
            *self.provenance_parts(),
            Content.styled("  checklist ", "$text-muted"),
            Content(printable(f"{session.checklist.id} {session.checklist.version}")),
            Content.styled("  session ", "$text-muted"),
            Content(printable(str(audit.path))),
            *self.provenance_parts(details=True),
        ]
        self.query_one("#audit-header", Static).update(Content.assemble(*parts))
        banner = self.query_one("#audit-banner", Static)
        banner.update(self._banner())
        banner.display = bool(banner.visual)
        # The footer's keys depend only on whether the audit is read-only (check_action), and
        # refreshing them rebuilds the footer: only when that changes, not on every change.
        if self.audit.read_only != self._footer_read_only:
            self._footer_read_only = self.audit.read_only
            self.refresh_bindings()

    def _banner(self) -> Content | str:
        """The line that says the audit cannot be changed, or that its sign-off is void. It has
        a row of its own so that a short terminal, which shows one header line, shows it too."""
        session = self.session
        if self.audit.read_only_reason:
            return Content.styled("READ-ONLY: " + printable(self.audit.read_only_reason), "bold $error")
        if not session.editable:
            why = "signed off by " + session.signoff.reviewer if session.signoff else session.state
            return Content.styled(printable(f"READ-ONLY: {why} (ctrl+o reopens for changes)"), "bold $warning")
        if (void := voided_signoff(session)) is not None:
            headline = void_headline(void)  # "voided sign-off by X at T"
            return Content.styled(
                printable(
                    f"SIGN-OFF VOID: {headline}, reopened by {void.who} at {iso(void.at)}; submit (S) for a new review"
                ),
                "bold $warning",
            )
        return ""

    def provenance_parts(self, *, details: bool = False) -> list[Content]:
        """Where the policy came from, after its source: format, when it was fetched, the short
        SHA-256 of its raw bytes; with *details*, the fingerprint of its text (last on the line,
        so cut first on a narrow screen)."""
        ref = self.session.policy
        if details:
            return [Content.styled("  sha256 ", "$text-muted"), Content(ref.sha256[:12])]
        facts = [ref.format + (" whole page" if ref.whole_page else "")] if ref.format else []
        if ref.retrieved is not None:
            facts.append(f"fetched {iso(ref.retrieved)}, HTTP {ref.http_status}")
        if ref.raw_sha256:
            facts.append(f"raw {ref.raw_sha256[:12]}")
        return [Content.styled(f" ({', '.join(facts)})", "$text-muted")] if facts else []

    def refresh_marks(self) -> None:
        state = self.session.items[self.item_id]
        current = frozenset(tag.clause for tag in state.tags if not tag.orphan)
        self.policy_view.set_marks(self.session.items_by_clause(), current)

    def show_current_item(self) -> None:
        item_id = self.item_id
        item = self.audit.checklist.item(item_id)
        if item is None:
            return
        self.query_one(DetailPane).show_item(item, self.session.items[item_id])
        self.refresh_marks()
        self.show_suggestions()

    # ------------------------------------------------------------------ events

    @on(OptionList.OptionHighlighted, "#checklist")
    def item_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.session.move_cursor(item_id=event.option.id)
            self.show_current_item()
            self.schedule_save(cursor_only=True)

    @on(PolicyView.CursorMoved)
    def clause_moved(self, event: PolicyView.CursorMoved) -> None:
        self.session.move_cursor(clause_id=event.clause.id)
        if event.clause.id != self._shown_suggestion:
            self.forget_shown_suggestion()
        self.show_clause_items()
        self.schedule_save(cursor_only=True)

    @on(OptionList.OptionSelected, "#suggestions")
    def suggestion_selected(self, event: OptionList.OptionSelected) -> None:
        self.choose_suggestion(event.option_index)

    # ------------------------------------------------------------------ changes

    def editable(self) -> bool:
        """True if the audit may be changed; otherwise says why."""
        if self.audit.read_only:
            reason = self.audit.read_only_reason or (
                "it is signed off: ctrl+o reopens it (voids the sign-off)"
                if self.session.state == "signed-off"
                else f"it is {self.session.state}"
            )
            self.say(f"Read-only: {printable(reason)}", severity="warning", group="read-only")
            return False
        return True

    def changed(self, item_id: str | None = None) -> None:
        """Something in the session changed: refresh it on screen and save soon."""
        if item_id:
            self.query_one(ChecklistList).refresh_item(item_id)
        self.show_current_item()
        self.refresh_header()
        self.schedule_save()

    def schedule_save(self, *, cursor_only: bool = False) -> None:
        if self.audit.read_only:
            return
        self._dirty = True
        if self._save_timer is None:
            self._save_timer = self.set_timer(AUTOSAVE_DELAY, self.save_now)

    def save_now(self) -> bool:
        """Write the session if anything changed. False (with a dialog) when it failed."""
        error = self.try_save()
        if error is not None:
            self.app.push_screen(
                MessageDialog(
                    "Could not save", f"{error}\nYour changes are kept in memory; fix the problem and press ctrl+s."
                )
            )
        return error is None

    def try_save(self) -> AuditorError | None:
        """Write the session if anything changed; the error if that failed."""
        self._save_timer = None
        if not self._dirty or self.audit.read_only:
            return None
        try:
            self.audit.save()
        except AuditorError as error:
            return error
        self._dirty = False
        return None

    def discard_unsaved(self) -> None:
        """Quitting without saving (the user confirmed): nothing more is written."""
        self._dirty = False
        self.leaving = True

    def run_change(self, change, item_id: str | None = None) -> bool:
        """Run a session change; a refusal from the core is shown, never raised."""
        if not self.editable():
            return False
        try:
            change()
        except AuditorError as error:
            self.say(printable(str(error)), severity="error")
            return False
        self.changed(item_id)
        return True

    # ------------------------------------------------------------------ actions

    def action_toggle_tag(self) -> None:
        item_id = self.item_id
        clause = self.policy_view.clause
        result: list[bool] = []
        if self.run_change(lambda: result.append(self.session.toggle_tag(item_id, clause)), item_id):
            verb = "Tagged" if result[0] else "Untagged"
            self.say(f"{verb} {clause.id} {'to' if result[0] else 'from'} {printable(item_id)}")

    def action_status(self, status: str) -> None:
        item_id = self.item_id
        if status == "not-applicable" and not self.session.items[item_id].reason and self.editable():
            self.ask_reason(item_id)  # the core refuses not applicable without one
            return
        self.run_change(lambda: self.session.set_status(item_id, status), item_id)

    def action_edit_note(self) -> None:
        if not self.editable():
            return
        item_id = self.item_id
        item = self.audit.checklist.item(item_id)
        label = f"{item_id} {item.title}" if item else item_id

        def done(note: str | None) -> None:
            if note is not None:
                self.run_change(lambda: self.session.set_note(item_id, note), item_id)

        from auditor_tui.ui.screens.note import NoteEditor  # TextArea: not needed for the first screen

        self.app.push_screen(NoteEditor(label, self.session.items[item_id].note), done)

    def action_assign(self) -> None:
        if not self.editable():
            return
        item_id = self.item_id
        current = self.session.items[item_id].assignee

        def done(answer: dict[str, str] | None) -> None:
            if answer is not None and self.run_change(lambda: self.session.assign(item_id, answer["name"]), item_id):
                name = self.session.items[item_id].assignee
                self.say(
                    f"{printable(item_id)} is assigned to {printable(name)}"
                    if name
                    else f"{printable(item_id)} is unassigned"
                )

        self.app.push_screen(AskDialog(f"Assign {item_id}", [("name", "Who does it (empty: nobody)", current)]), done)

    def action_resolve(self, keep: str) -> None:
        item_id = self.item_id
        if self.session.items[item_id].conflict is None:
            self.say(f"{printable(item_id)} has no merge conflict to resolve", severity="warning")
            return
        if self.run_change(lambda: self.session.resolve_conflict(item_id, keep), item_id):
            self.say(f"Resolved {printable(item_id)}: kept {keep}")

    def action_toggle_detail(self) -> None:
        self.toggle_class("-show-detail")
        self.call_after_refresh(self.show_suggestions)  # their quotes are cut to the area's width

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.show_suggestions)

    def action_drop_removed(self) -> None:
        """Drop the current item's evidence whose clause a re-audit found removed, after asking."""
        item_id = self.item_id
        removed = [tag for tag in self.session.items[item_id].tags if tag.orphan]
        if not removed:
            self.say(f"{printable(item_id)} has no removed evidence to drop", severity="warning")
            return
        quotes = "\n".join(f"{tag.clause}: “{clip(tag.text, 160)}”" for tag in removed)

        def drop() -> None:
            for tag in removed:
                self.session.drop_orphan(item_id, tag.clause)

        def answer(yes: bool | None) -> None:
            if yes and self.run_change(drop, item_id):
                self.say(f"Dropped {len(removed)} removed clause(s) from {printable(item_id)}")

        self.app.push_screen(
            ConfirmDialog(
                f"Drop the removed evidence of {item_id}?",
                f"These clauses are not in this version of the policy:\n{quotes}\n\nThe history keeps a record.",
                yes="Drop them",
                no="Keep them",
            ),
            answer,
        )

    def run_command(self, action: str) -> None:
        """Run an action from the command palette; an editing one on a read-only audit says why."""
        if action.split("(")[0] in EDITING_ACTIONS and not self.editable():
            return
        self.call_later(self.run_action, action)

    def action_section(self, direction: int) -> None:
        self.policy_view.next_section(direction)

    def action_save(self) -> None:
        self._dirty = True
        if self.save_now() and not self.audit.read_only:
            self.say(f"Saved {self.audit.path}", group="save")

    def action_help(self) -> None:
        from auditor_tui.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        """Save, then back to the start screen if the review was opened there, else exit."""
        await self.app.action_quit()

    def on_unmount(self) -> None:
        self.try_save()  # quitting already saved, or asked before losing anything
        self.audit.release_lock()

    def jump_to_item(self, item_id: str | None) -> None:
        if item_id:
            self.query_one(ChecklistList).select_item(item_id)
            self.query_one(ChecklistList).focus()

    def jump_to_clause(self, clause_id: str | None) -> None:
        if clause_id and self.policy_view.move_to_id(clause_id, top=True):
            self.policy_view.focus()

    # ------------------------------------------------------------------ search

    def action_search(self) -> None:
        from auditor_tui.ui.screens.search import SearchScreen

        origin = self.policy_view.clause.id

        def done(clause_id: str | None) -> None:
            self.policy_view.set_highlights({})
            self.jump_to_clause(clause_id or origin)

        self.app.push_screen(SearchScreen(self.audit.policy), done)

    # ------------------------------------------------------------------ re-audit

    @work(thread=True, exclusive=True, group="changes")
    def load_changes(self) -> None:
        origin = self.session.origin
        if origin is None or self.audit.read_only_reason:
            return
        self.wait_for_first_frame()
        try:
            from auditor_tui.core.reaudit import diff_for_session
        except ImportError:
            return
        try:
            diff = diff_for_session(self.session, self.audit.policy, Path(self.audit.path))
        except AuditorError as error:
            self.app.call_from_thread(self.notify, f"Changes unavailable: {printable(str(error))}", severity="warning")
            return
        self.app.call_from_thread(self._changes_ready, diff)

    def _changes_ready(self, diff) -> None:
        if diff is None:
            return
        self.changes = diff
        marks = {}
        for change in diff.changes:
            if change.kind in ("added", "modified") and change.new is not None:
                marks[change.new.id] = change.kind
        self.policy_view.set_change_marks(marks)

    def action_changes(self) -> None:
        if self.changes is None:
            self.notify(
                "No changes to show: this audit was not carried forward from an earlier version", severity="warning"
            )
            return
        from auditor_tui.ui.screens.changes import ChangesScreen

        self.app.push_screen(ChangesScreen(self.changes, self.session), self.jump_to_clause)
