"""Pilot tests of the review-screen fixes of issue 11 (points 13-19), at 80x24 and 160x48 as an
auditor sees them: choosing a suggestion, the gaps view, removed evidence, cut text, read-only
audits, one way to show line breaks and statuses, the palette's clause ids, the dialogs."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, OptionList
from textual.widgets._toast import Toast

from auditor_tui.core.audit import Audit
from auditor_tui.core.reaudit import start_reaudit
from auditor_tui.core.session import load_session
from auditor_tui.ui.app import AuditorApp
from auditor_tui.ui.commands import ReviewCommands
from auditor_tui.ui.screens.dialogs import AskDialog, ConfirmDialog
from auditor_tui.ui.screens.help import GLYPHS
from auditor_tui.ui.screens.lists import ItemPicker
from auditor_tui.ui.screens.review import AUTOSAVE_DELAY, ReviewScreen
from auditor_tui.ui.widgets.checklist_list import ChecklistList, status_content
from auditor_tui.ui.widgets.detail import DetailPane, SuggestionList, clause_option
from auditor_tui.ui.widgets.policy_view import PolicyView
from tests.conftest import POLICY_2007, POLICY_2017
from tests.test_reaudit import EVIDENCE_2007, make_session
from tests.ui_helpers import make_audit

WIDE, NARROW = (160, 48), (80, 24)


async def ready(pilot) -> ReviewScreen:
    """The review screen with its suggestions computed."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


async def saved(pilot) -> None:
    await pilot.pause(AUTOSAVE_DELAY + 0.3)


def suggestion_ids(screen: ReviewScreen) -> list[str]:
    suggestions = screen.query_one(SuggestionList)
    return [suggestions.get_option_at_index(i).id for i in range(suggestions.option_count)]


def lines_of(widget) -> list[str]:
    """What *widget* shows, line by line."""
    return [widget.render_line(y).text for y in range(widget.size.height)]


def tags_on_disk(audit: Audit, item_id: str) -> list[str]:
    return [tag.clause for tag in load_session(audit.path).items[item_id].tags]


def decided_audit(project: Path) -> Audit:
    audit = make_audit(project)
    for item_id in audit.session.items:
        audit.session.set_status(item_id, "not-applicable", reason="not offered by this service")
    audit.save()
    return audit


def signed_off_audit(project: Path) -> Audit:
    """A decided audit submitted by alice and signed off by bob, saved."""
    from auditor_tui.core import workflow

    audit = decided_audit(project)
    workflow.submit(audit.session, by="alice")
    workflow.sign_off(audit.session, reviewer="bob", actor="bob", statement="ok")
    audit.save()
    return audit


# --------------------------------------------------------------------------- 13: choosing a suggestion


async def test_n_chooses_the_next_suggestion_from_the_checklist_and_a_tags_that_one(workdir):
    audit = make_audit(workdir)
    app = AuditorApp(audit)
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(pilot)
        screen.query_one(ChecklistList).focus()
        item = screen.item_id
        first, second = suggestion_ids(screen)[:2]
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.focused, ChecklistList)  # the checklist keeps the focus
        assert screen.query_one(SuggestionList).highlighted == 1
        assert "▶" in str(screen.query_one(SuggestionList).get_option_at_index(1).prompt)
        assert "▶" not in str(screen.query_one(SuggestionList).get_option_at_index(0).prompt)
        assert screen.policy_view.clause.id == second  # the policy pane shows it...
        assert screen.policy_view.highlights.get(second)  # ...its matched words highlighted
        assert "suggestion 2/" in str(screen.policy_view.border_title)
        await pilot.press("a")
        await saved(pilot)
        assert tags_on_disk(audit, item) == [second]
        assert first in suggestion_ids(screen)
        await pilot.press("N")  # and back
        await pilot.pause()
        assert screen.policy_view.clause.id == suggestion_ids(screen)[screen.suggestion_index]


async def test_the_suggestion_list_is_not_a_focus_stop(workdir):
    app = AuditorApp(make_audit(workdir))
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(pilot)
        chain = screen.focus_chain
        assert not any(isinstance(widget, SuggestionList) for widget in chain)
        assert [type(widget) for widget in chain] == [PolicyView, ChecklistList, DetailPane]


async def test_narrow_first_a_shows_the_unseen_suggestion_and_tags_nothing(workdir):
    audit = make_audit(workdir)
    app = AuditorApp(audit)
    async with app.run_test(size=NARROW) as pilot:
        screen = await ready(pilot)
        assert not screen.query_one(DetailPane).display  # folded away at 80x24
        await pilot.press("tab")
        item = screen.item_id
        first = suggestion_ids(screen)[0]
        assert screen.policy_view.clause.id != first
        await pilot.press("a")
        await saved(pilot)
        assert tags_on_disk(audit, item) == []  # nothing tagged: it is shown first
        assert screen.policy_view.clause.id == first
        assert "a again tags it" in "".join(str(n.message) for n in app._notifications)
        await pilot.press("a")
        await saved(pilot)
        assert tags_on_disk(audit, item) == [first]


async def test_narrow_x_also_shows_before_rejecting(workdir):
    audit = make_audit(workdir)
    app = AuditorApp(audit)
    async with app.run_test(size=NARROW) as pilot:
        screen = await ready(pilot)
        item, first = screen.item_id, suggestion_ids(screen)[0]
        await pilot.press("x")
        await saved(pilot)
        assert load_session(audit.path).items[item].rejected == []
        await pilot.press("x")
        await saved(pilot)
        assert load_session(audit.path).items[item].rejected == [first]


# --------------------------------------------------------------------------- 14: gaps


async def test_gaps_lists_only_open_untagged_items_and_the_banner_goes(workdir):
    audit = make_audit(workdir, policy=POLICY_2007, name="iomart-2007.txt")  # several likely gaps
    app = AuditorApp(audit)
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(pilot)
        gaps = [item.id for item in audit.checklist.items if screen.scores.likely_missing(item.id)]
        assert len(gaps) >= 2
        tagged, decided = gaps[0], gaps[1]
        screen.jump_to_item(tagged)
        await pilot.pause()
        label = screen.query_one("#suggestions-label")
        assert "LIKELY MISSING" in str(label.content)
        await pilot.press("t")  # tag the current clause: the item has evidence now
        await pilot.pause()
        assert "LIKELY MISSING" not in str(label.content)
        screen.jump_to_item(decided)
        await pilot.pause()
        await pilot.press("3")  # decided: missing
        await pilot.pause()
        assert "LIKELY MISSING" not in str(label.content)
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, ItemPicker)
        listed = [option.id for option in app.screen.query_one(OptionList).options]
        assert tagged not in listed and decided not in listed
        assert listed == gaps[2:]


# --------------------------------------------------------------------------- 15: removed evidence


@pytest.fixture
def reaudit(workdir: Path) -> Audit:
    _old, old_path = make_session(POLICY_2007, EVIDENCE_2007, workdir)
    audit, _diff = start_reaudit(POLICY_2017, old_path, sessions_dir=workdir / "sessions")
    return audit


async def test_removed_evidence_is_counted_and_can_be_dropped(reaudit):
    app = AuditorApp(reaudit)
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(pilot)
        checklist = screen.query_one(ChecklistList)
        prompt = str(checklist.get_option("14-1-d").prompt)
        assert "(1 removed)" in prompt  # counted, as the export counts it, and told apart
        screen.jump_to_item("14-1-d")
        await pilot.pause()
        assert "1 removed" in str(screen.query_one("#detail-evidence").content)
        screen.run_command("drop_removed")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "not in this version" in app.screen.message
        await pilot.press("y")
        await saved(pilot)
        on_disk = load_session(reaudit.path)
        assert on_disk.items["14-1-d"].tags == []
        assert on_disk.history[-1].action == "drop-orphan"
        assert "removed" not in str(checklist.get_option("14-1-d").prompt)


async def test_the_palette_offers_drop_removed_evidence(reaudit):
    app = AuditorApp(reaudit)
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(pilot)
        provider = ReviewCommands(screen)
        titles = [str(hit.text) async for hit in provider.search("drop removed")]
        assert titles and titles[0].startswith("Drop removed evidence")


def test_the_reaudit_title_names_the_new_policy(reaudit):
    assert POLICY_2017.stem in reaudit.session.title and POLICY_2007.stem not in reaudit.session.title


# --------------------------------------------------------------------------- 17: text cut where it matters


@pytest.mark.parametrize(("size", "shown"), [(WIDE, "13-1-c-purposes"), (NARROW, "13-1-c-pur")])
async def test_the_gutter_shows_whole_or_short_ids_never_a_cut_one(workdir, size, shown):
    audit = make_audit(workdir)
    clause = audit.policy.clauses[1]
    audit.session.toggle_tag("13-1-c-purposes", clause)
    audit.save()
    app = AuditorApp(audit)
    async with app.run_test(size=size) as pilot:
        screen = await ready(pilot)
        screen.policy_view.move_to(0, top=True)
        await pilot.pause()
        text = "\n".join(lines_of(screen.policy_view))
        assert f"{shown} " in text
        assert "13-1-c-purpo " not in text


async def test_the_tag_count_stays_on_its_items_line_at_160(workdir):
    audit = make_audit(workdir)
    for item in audit.checklist.items:
        audit.session.toggle_tag(item.id, audit.policy.clauses[0])
    audit.save()
    app = AuditorApp(audit)
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(pilot)
        lines = [line.strip() for line in lines_of(screen.query_one(ChecklistList))]
        assert "(1)" not in lines
        [line] = [line for line in lines if line.startswith("○ 13-1-a Identity and contact details")]
        assert line.endswith("(1)")  # the title gives way, not the count


async def test_the_start_screen_uses_the_width_for_titles_and_reviewers(workdir):
    title = "Acme Holdings group privacy notice, EU/UK (2024)"  # 48 characters
    audit = decided_audit(workdir)
    audit.session.title = title
    from auditor_tui.core import workflow

    workflow.submit(audit.session, by="alice")
    workflow.sign_off(
        audit.session, reviewer="Bartholomew Reviewer-Smith", actor="Bartholomew Reviewer-Smith", statement="ok"
    )
    audit.save()
    app = AuditorApp(sessions_dir="sessions")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        text = "\n".join(lines_of(app.screen.query_one(DataTable)))
        assert title in text
        assert "signed off by Bartholomew Reviewer-Smith" in text


def test_a_suggestion_quotes_the_words_it_matched_and_keeps_the_section(workdir):
    audit = make_audit(workdir)
    clause = max(audit.policy.clauses, key=lambda c: len(c.text))
    word_at = clause.text.rindex(" ", 0, len(clause.text) - 20) + 1
    word_end = clause.text.index(" ", word_at)
    option = clause_option(clause, [(word_at, word_end)], limit=120, section_width=30)
    shown = str(option.prompt)
    assert clause.text[word_at:word_end] in shown.split("\n", 1)[1]
    last_part = clause.section.path[-1] if clause.section else "(no section)"
    assert last_part[:20] in shown.split("\n", 1)[0]


# --------------------------------------------------------------------------- 18: read-only at 80x24


async def test_a_signed_off_audit_says_read_only_at_80x24_and_hides_editing_keys(workdir):
    audit = signed_off_audit(workdir)
    app = AuditorApp(Audit.open(audit.path))
    async with app.run_test(size=NARROW) as pilot:
        screen = await ready(pilot)
        banner = screen.query_one("#audit-banner")
        assert banner.display and banner.region.height == 1 and banner.region.y < 3
        assert "READ-ONLY: signed off by bob" in banner.render_line(0).text
        keys = screen.active_bindings
        for key in ("t", "e", "1", "a", "ctrl+s"):
            assert key not in keys, key
        assert "n" in keys and "q" in keys
        await pilot.press("t")
        await pilot.pause()
        assert any("Read-only" in str(n.message) for n in app._notifications)
        assert load_session(audit.path).state == "signed-off"


# --------------------------------------------------------------------------- 19


async def test_a_line_break_shows_as_a_line_break_in_evidence_and_suggestions(workdir):
    audit = make_audit(workdir)
    clause = next(c for c in audit.policy.clauses if "\n" in c.text)
    audit.session.toggle_tag(audit.session.cursor.item, clause)
    audit.save()
    app = AuditorApp(audit)
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(pilot)
        evidence = str(screen.query_one("#detail-evidence").content)
        first, second = clause.text.split("\n")[:2]
        assert f"{first}\n{second}" in evidence and "␊" not in evidence
        shown = str(clause_option(clause, []).prompt)
        assert f"{first}\n{second}" in shown and "␊" not in shown


async def test_S_asks_before_submitting(workdir):
    audit = decided_audit(workdir)
    app = AuditorApp(audit)
    async with app.run_test(size=WIDE) as pilot:
        await ready(pilot)
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "Submit" in app.screen.title_text
        await pilot.press("n")
        await pilot.pause()
        assert load_session(audit.path).state == "in-progress"
        await pilot.press("S", "y")
        await pilot.pause()
        assert load_session(audit.path).state == "ready-for-review"


async def test_three_accepts_leave_one_toast(workdir):
    app = AuditorApp(make_audit(workdir))
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await ready(pilot)
        app.clear_notifications()
        await pilot.press("a", "a", "a")
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert len(messages) == 1 and messages[0].startswith("Tagged")
        await pilot.pause(0.2)
        assert len(app.screen.query(Toast)) == 1


def test_not_applicable_looks_the_same_on_screen_in_help_and_in_exports(workdir):
    from auditor_tui.core.checklist import find_checklist
    from auditor_tui.core.export import build_record, render_markdown

    audit = decided_audit(workdir)  # every item not applicable
    assert str(status_content("not-applicable")) == "⊘"
    assert "⊘ not applicable" in GLYPHS
    markdown = render_markdown(build_record(audit.session, find_checklist("gdpr-transparency")))
    assert "⊘ not-applicable" in markdown and "–" not in str(status_content("not-applicable"))


async def test_the_palette_puts_an_exact_clause_id_alone(workdir):
    app = AuditorApp(make_audit(workdir))
    async with app.run_test(size=WIDE) as pilot:
        screen = await ready(pilot)
        provider = ReviewCommands(screen)
        hits = [hit async for hit in provider.search("c12")]
        assert len(hits) == 1 and str(hits[0].text).startswith("Clause c12:")
        hits[0].command()
        await pilot.pause()
        assert screen.policy_view.clause.id == "c12"
        missing = [str(hit.text) async for hit in provider.search("c999")]
        assert missing == [f"No clause c999: this policy has c1 to c{len(screen.audit.policy.clauses)}"]


async def test_enter_in_the_reviewer_field_signs_off_once_filled(workdir, as_user):
    audit = decided_audit(workdir)
    app = AuditorApp(audit)
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await pilot.press("S", "y")
        await pilot.pause()
        as_user("bob")  # the reviewer takes the keyboard
        await pilot.press("O")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AskDialog)
        assert str(dialog.query_one("#ok").label).startswith("Sign off")
        field = dialog.query_one("#ask-reviewer")
        assert field.value == "bob"  # the person at the keyboard
        field.value = ""
        await pilot.press("enter")  # empty reviewer: says so, stays
        await pilot.pause()
        assert app.screen is dialog and "needed" in str(dialog.query_one("#ask-problem").content)
        assert app.focused is dialog.query_one("#ask-reviewer")
        await pilot.press(*"bob", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
    assert load_session(audit.path).signoff.reviewer == "bob"
